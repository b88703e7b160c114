package dev.keel.mlmodel;

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

  /** Expected documents are what PyYAML 6 writes with safe_dump(default_flow_style=False). */
  @Test
  void scalars_are_plain_or_quoted_as_pyyaml_writes_them() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("model.onnx", "model.onnx");
    expected.put("3.11.9", "3.11.9");
    expected.put("1.0", "'1.0'");
    expected.put("017", "'017'");
    expected.put("1:20", "'1:20'");
    expected.put(".inf", "'.inf'");
    expected.put("No", "'No'");
    expected.put("y", "y");
    expected.put("=", "'='");
    expected.put("2026-01-01", "'2026-01-01'");
    expected.put("-r requirements.txt", "-r requirements.txt");
    expected.put("- item", "'- item'");
    expected.put("a:b", "a:b");
    expected.put("a: b", "'a: b'");
    expected.put("x#y", "x#y");
    expected.put("x #y", "'x #y'");
    expected.put("it's", "it's");
    expected.put("'q", "'''q'");
    expected.put("a,b,c", "a,b,c");
    expected.put("@a", "'@a'");
    expected.put("mlflow==2.17.2", "mlflow==2.17.2");
    expected.put("", "''");
    // Not PyYAML's choice (it writes 1e5 plain) but SnakeYAML reads that as a float.
    expected.put("1e5", "'1e5'");
    expected.forEach(
        (v, yaml) -> assertThat(Yaml.write(Map.of("k", v))).as(v).isEqualTo("k: " + yaml + "\n"));
  }

  @Test
  void long_scalars_fold_at_a_space_past_column_80_as_pyyaml_does() throws IOException {
    String inputs =
        "[{\"type\": \"float\", \"name\": \"f0\", \"required\": true}, {\"type\": \"string\","
            + " \"name\": \"name with space\", \"required\": true}]";
    String doc = Yaml.write(Map.of("signature", Map.of("inputs", inputs)));
    assertThat(doc)
        .isEqualTo(
            "signature:\n"
                + "  inputs: '[{\"type\": \"float\", \"name\": \"f0\", \"required\": true},"
                + " {\"type\": \"string\",\n"
                + "    \"name\": \"name with space\", \"required\": true}]'\n");
    assertThat(YAML.readTree(doc).path("signature").path("inputs").asText()).isEqualTo(inputs);
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
