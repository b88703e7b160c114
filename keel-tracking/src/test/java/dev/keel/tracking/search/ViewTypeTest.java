package dev.keel.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;

class ViewTypeTest {
  @Test
  void wire_names_parse_in_any_case() {
    assertThat(ViewType.parse("run_view_type", "ACTIVE_ONLY")).isEqualTo(ViewType.ACTIVE_ONLY);
    assertThat(ViewType.parse("run_view_type", "deleted_only")).isEqualTo(ViewType.DELETED_ONLY);
    assertThat(ViewType.parse("run_view_type", "All")).isEqualTo(ViewType.ALL);
  }

  @Test
  void empty_means_active_only() {
    assertThat(ViewType.parse("view_type", "")).isEqualTo(ViewType.ACTIVE_ONLY);
    assertThat(ViewType.parse("view_type", "  ")).isEqualTo(ViewType.ACTIVE_ONLY);
  }

  @Test
  void proto_numbers_parse_too() {
    assertThat(ViewType.parse("view_type", "1")).isEqualTo(ViewType.ACTIVE_ONLY);
    assertThat(ViewType.parse("view_type", "2")).isEqualTo(ViewType.DELETED_ONLY);
    assertThat(ViewType.parse("view_type", "3")).isEqualTo(ViewType.ALL);
  }

  @Test
  void a_bad_value_is_a_400_naming_the_field() {
    assertThatThrownBy(() -> ViewType.parse("run_view_type", "ACTIVE"))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("'run_view_type'", "'ACTIVE'", "ACTIVE_ONLY");
            });
  }
}
