package dev.keel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
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

  @Test
  void refuses_filters_past_the_clause_list_and_length_limits() {
    String many =
        String.join(" AND ", java.util.Collections.nCopies(1_000, "tags.k = 'v' AND name = 'm'"));
    assertThatThrownBy(() -> RegistryFilter.models(many))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage())
                  .contains("at most " + RegistryFilter.MAX_CLAUSES)
                  .hasSizeLessThan(400);
            });
    assertThat(
            RegistryFilter.versions(
                String.join(
                    " AND ",
                    java.util.Collections.nCopies(RegistryFilter.MAX_CLAUSES, "name = 'm'"))))
        .hasSize(RegistryFilter.MAX_CLAUSES);
    String bigList =
        "run_id IN ("
            + String.join(
                ", ", java.util.Collections.nCopies(RegistryFilter.MAX_LIST_VALUES + 1, "'r'"))
            + ")";
    assertThatThrownBy(() -> RegistryFilter.versions(bigList))
        .hasMessageContaining("at most " + RegistryFilter.MAX_LIST_VALUES);
    assertThatThrownBy(
            () -> RegistryFilter.models("name = '" + "x".repeat(RegistryFilter.MAX_LENGTH) + "'"))
        .hasMessageContaining("limit is " + RegistryFilter.MAX_LENGTH);
  }
}
