package dev.keel.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
  @Test
  void names_are_lower_cased() {
    assertThat(Names.check("name", "My_Cat-1@x")).isEqualTo("my_cat-1@x");
  }

  @Test
  void a_name_of_255_characters_is_fine_and_256_is_too_long() {
    assertThat(Names.check("name", "a".repeat(255))).hasSize(255);
    assertThatThrownBy(() -> Names.check("name", "a".repeat(300)))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("'name'")
        .hasMessageContaining("too long");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.b", "a/b", "a b", "a\tb", "a\u007fb", "café", "名前", "a*b", ""})
  void bad_names_are_invalid_argument_naming_field_and_rule(String bad) {
    assertThatThrownBy(() -> Names.check("catalog_name", bad))
        .isInstanceOf(KeelException.class)
        .satisfies(
            t -> assertThat(((KeelException) t).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("'catalog_name'");
  }

  @Test
  void each_rule_is_named() {
    assertThatThrownBy(() -> Names.check("name", "a.b")).hasMessageContaining("period");
    assertThatThrownBy(() -> Names.check("name", "a/b")).hasMessageContaining("slash");
    assertThatThrownBy(() -> Names.check("name", "a b")).hasMessageContaining("space");
    assertThatThrownBy(() -> Names.check("name", "a\nb")).hasMessageContaining("control");
    assertThatThrownBy(() -> Names.check("name", "é")).hasMessageContaining("ASCII letters");
  }

  @Test
  void full_names_need_exactly_two_parts() {
    assertThat(Names.checkFullName("full_name", "Main.Default", 2))
        .containsExactly("main", "default");
    assertThatThrownBy(() -> Names.checkFullName("full_name", "main", 2))
        .hasMessageContaining("catalog.schema");
    assertThatThrownBy(() -> Names.checkFullName("full_name", "a.b.c", 2))
        .hasMessageContaining("catalog.schema");
    assertThatThrownBy(() -> Names.checkFullName("full_name", "a.", 2))
        .hasMessageContaining("'full_name'");
  }
}
