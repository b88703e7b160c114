package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlTest {
  static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void strings_read_back_as_the_same_strings() throws IOException {
    List<String> values =
        List.of(
            "model.onnx",
            "3.11.9",
            "1.0",
            "42",
            "1e5",
            "0x1F",
            "true",
            "No",
            "null",
            "~",
            "2026-01-01",
            "2026-11-26 04:55:00.123456",
            "-r requirements.txt",
            "- item",
            "a: b",
            "x #y",
            "it's",
            " lead",
            "trail ",
            "line\nbreak",
            "tab\there",
            "[{\"type\": \"double\", \"name\": \"x\"}]",
            "ünï",
            "");
    for (String v : values) {
      String doc = Yaml.write(Map.of("k", v));
      JsonNode back = YAML.readTree(doc);
      assertThat(back.path("k").isTextual()).as(doc).isTrue();
      assertThat(back.path("k").asText()).as(doc).isEqualTo(v);
    }
  }

  @Test
  void nested_maps_and_lists_keep_their_structure_and_sort_keys() throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("z", List.of("a", Map.of("pip", List.of("x==1", "y")), 3));
    root.put("a", Map.of("b", Map.of(), "c", List.of(), "d", true, "e", 2.5));
    root.put("n", null);
    String doc = Yaml.write(root);
    assertThat(doc).startsWith("a:\n");
    JsonNode back = YAML.readTree(doc);
    assertThat(back.path("z").get(1).path("pip").get(0).asText()).isEqualTo("x==1");
    assertThat(back.path("z").get(2).asInt()).isEqualTo(3);
    assertThat(back.path("a").path("b").isObject()).isTrue();
    assertThat(back.path("a").path("c").isArray()).isTrue();
    assertThat(back.path("a").path("d").asBoolean()).isTrue();
    assertThat(back.path("a").path("e").asDouble()).isEqualTo(2.5);
    assertThat(back.path("n").isNull()).isTrue();
  }
}
