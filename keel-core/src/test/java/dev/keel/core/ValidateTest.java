package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValidateTest {
  @Test
  void keys_that_resolve_to_another_name_as_a_path_are_refused_as_mlflow_does() {
    // MLflow's path_not_unique: normpath(key) != key, or ".", or a leading ".." or "/".
    for (String bad :
        List.of(
            ".", "..", "...", "..a", "/a", "a/", "a//b", "./a", "a/./b", "a/.", "a/../b", "../a")) {
      assertThatThrownBy(() -> Validate.key("metric key", bad))
          .as(bad)
          .isInstanceOfSatisfying(
              KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessageContaining("metric key '" + bad + "'")
          .hasMessageContaining("resolve to another name");
    }
    for (String good :
        List.of("a", "a.b", "a..b", "a/b", "loss/val 1", ".a", "a.", "a/.b", "_-.")) {
      assertThat(Validate.key("metric key", good)).as(good).isEqualTo(good);
    }
  }
}
