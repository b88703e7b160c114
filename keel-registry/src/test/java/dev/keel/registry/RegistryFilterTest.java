package dev.keel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryFilterTest {
  @Test
  void parses_names_tags_and_version_fields() {
    assertThat(RegistryFilter.models("name LIKE 'Main.%' AND tags.`my key` = \"v\""))
        .containsExactly(
            new Clause("name", "LIKE", List.of("main.%")),
            new Clause("tags.my key", "=", List.of("v")));
    assertThat(
            RegistryFilter.versions(
                "attribute.run_id IN ('a', 'b') and version_number >= 2 and source_path != 'x'"))
        .containsExactly(
            new Clause("run_id", "IN", List.of("a", "b")),
            new Clause("version_number", ">=", List.of("2")),
            new Clause("source_path", "!=", List.of("x")));
    assertThat(RegistryFilter.models("  ")).isEmpty();
  }

  @Test
  void refuses_unknown_fields_operators_and_broken_syntax() {
    for (String bad :
        List.of(
            "run_id = 'x'",
            "name > 'a'",
            "name = 'a' OR name = 'b'",
            "name = 'unterminated",
            "name =",
            "tags.k IN ('a')",
            "name = 'a'; DROP TABLE registered_models")) {
      assertThatThrownBy(() -> RegistryFilter.models(bad))
          .as(bad)
          .isInstanceOf(KeelException.class)
          .hasMessageContaining("Invalid filter");
    }
    assertThatThrownBy(() -> RegistryFilter.versions("version_number = 'x'"))
        .isInstanceOf(KeelException.class);
  }
}
