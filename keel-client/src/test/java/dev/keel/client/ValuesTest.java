package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void nested_column_values_are_sent_as_json_objects_and_arrays() {
    Map<String, Object> window = new LinkedHashMap<>();
    window.put("start", Instant.parse("2026-12-01T00:00:00Z"));
    window.put("end", null);
    Map<String, Object> precision = new LinkedHashMap<>();
    precision.put("one_vs_all", Map.of("a", 0.5));
    precision.put("quantiles", List.of(1L, 2.5));
    assertThat(Values.toJson(window, "rows[0].window").toString())
        .isEqualTo("{\"start\":\"2026-12-01T00:00:00Z\",\"end\":null}");
    assertThat(Values.toJson(precision, "rows[0].precision").toString())
        .isEqualTo("{\"one_vs_all\":{\"a\":0.5},\"quantiles\":[1,2.5]}");
    assertThat(Values.toJson(Map.of(1, List.of()), "rows[0].m").toString()).isEqualTo("{\"1\":[]}");
  }

  @Test
  void an_unsendable_value_inside_a_nested_one_is_named_by_its_path() {
    assertThatThrownBy(
            () -> Values.toJson(Map.of("items", List.of(1, new Object())), "rows[2].stats"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("rows[2].stats.items[1]: cannot send a java.lang.Object");
  }
}
