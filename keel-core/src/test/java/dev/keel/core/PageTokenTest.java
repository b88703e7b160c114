package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PageTokenTest {
  @Test
  void offsets_round_trip() {
    assertThat(PageToken.offset(Optional.of(PageToken.ofOffset(12345)))).isEqualTo(12345);
    assertThat(PageToken.offset(Optional.empty())).isZero();
    assertThat(PageToken.offset(Optional.of(""))).isZero();
  }

  @Test
  void mlflow_style_padded_base64_tokens_are_accepted() {
    String mlflow =
        Base64.getEncoder().encodeToString("{\"offset\": 100}".getBytes(StandardCharsets.UTF_8));
    assertThat(PageToken.offset(Optional.of(mlflow))).isEqualTo(100);
  }

  @Test
  void garbage_tokens_are_invalid_parameter_value_naming_page_token() {
    for (String bad :
        new String[] {
          "%%%",
          "bm90IGpzb24",
          Base64.getEncoder().encodeToString("{\"offset\": -1}".getBytes(StandardCharsets.UTF_8))
        }) {
      assertThatThrownBy(() -> PageToken.offset(Optional.of(bad)))
          .isInstanceOf(KeelException.class)
          .hasMessageContaining("page_token");
    }
  }

  @Test
  void name_tokens_round_trip_and_garbage_is_invalid() {
    assertThat(PageToken.after(Optional.of(PageToken.ofName("a\"b\\c")))).contains("a\"b\\c");
    assertThat(PageToken.after(Optional.empty())).isEmpty();
    assertThat(PageToken.after(Optional.of(""))).isEmpty();
    for (String bad : new String[] {"garbage", "zzz", PageToken.ofOffset(3), "%%%"}) {
      assertThatThrownBy(() -> PageToken.after(Optional.of(bad)))
          .isInstanceOf(KeelException.class)
          .hasMessageContaining("page_token");
    }
  }
}
