package dev.keel.server.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables with STRUCT, ARRAY and MAP columns through the Unity Catalog and Keel REST APIs. */
class NestedColumnsApiTest {
  @TempDir static Path dir;
  static TestServer s;

  static final String UC = "/api/2.1/unity-catalog/tables";
  static final String KEEL = "/api/2.0/keel/tables/";

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static Response create(String name, String columns) {
    return s.post(
        UC,
        """
        {"name": "%s", "catalog_name": "main", "schema_name": "default",
         "table_type": "MANAGED", "data_source_format": "DELTA", "columns": [%s]}
        """
            .formatted(name, columns));
  }

  @Test
  void unity_catalog_shows_nested_columns_with_spark_type_json() throws Exception {
    Response r =
        create(
            "nested_uc",
            """
            {"name": "window", "type_name": "STRUCT",
             "type_text": "struct<start:timestamp,end:timestamp>", "position": 0},
            {"name": "quantiles", "type_text": "ARRAY<DOUBLE>", "position": 1},
            {"name": "one_vs_all", "type_text": "map<string,double>", "position": 2}
            """);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode cols = s.get(UC + "/main.default.nested_uc").json().path("columns");
    assertThat(cols.get(0).path("type_name").asText()).isEqualTo("STRUCT");
    assertThat(cols.get(0).path("type_text").asText())
        .isEqualTo("struct<start:timestamp,end:timestamp>");
    JsonNode window =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(cols.get(0).path("type_json").asText());
    assertThat(window.path("name").asText()).isEqualTo("window");
    assertThat(window.path("nullable").asBoolean()).isTrue();
    assertThat(window.path("type").path("type").asText()).isEqualTo("struct");
    assertThat(window.path("type").path("fields").get(1).toString())
        .isEqualTo("{\"name\":\"end\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}}");
    assertThat(cols.get(1).path("type_name").asText()).isEqualTo("ARRAY");
    assertThat(cols.get(1).path("type_json").asText())
        .isEqualTo(
            "{\"name\":\"quantiles\",\"type\":{\"type\":\"array\",\"elementType\":\"double\","
                + "\"containsNull\":true},\"nullable\":true,\"metadata\":{}}");
    assertThat(cols.get(2).path("type_name").asText()).isEqualTo("MAP");
    assertThat(cols.get(2).path("type_text").asText()).isEqualTo("map<string,double>");
  }

  @Test
  void bad_nested_type_text_is_a_400_naming_the_field() {
    Response r = create("nested_bad", "{\"name\": \"w\", \"type_text\": \"struct<a:int\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("columns[0].type_text").contains("expected '>' at the end");
    Response noText = create("nested_bad", "{\"name\": \"w\", \"type_name\": \"STRUCT\"}");
    assertThat(noText.status()).isEqualTo(400);
    assertThat(noText.body()).contains("columns[0].type_name").contains("STRUCT needs its parts");
  }

  @Test
  void nested_json_rows_are_written_and_previewed_as_objects_and_arrays() {
    Response c =
        create(
            "nested_rows",
            """
            {"name": "id", "type_name": "LONG", "position": 0},
            {"name": "window", "type_text": "struct<start:timestamp,end:timestamp>", "position": 1},
            {"name": "frequent_items", "type_text": "array<struct<item:string,count:bigint>>",
             "position": 2},
            {"name": "counts", "type_text": "map<int,bigint>", "position": 3}
            """);
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    String base = KEEL + "main.default.nested_rows";
    Response w =
        s.post(
            base + "/rows",
            """
            {"mode": "append", "rows": [
              {"id": 1, "window": {"start": "2026-12-01T00:00:00Z", "end": "2026-12-02T00:00:00Z"},
               "frequent_items": [{"item": "a", "count": 3}, {"item": "b", "count": 1}],
               "counts": {"1": 10, "2": 20}},
              {"id": 2, "window": null, "frequent_items": [], "counts": {}}]}
            """);
    assertThat(w.status()).as(w.body()).isEqualTo(200);
    JsonNode rows = s.get(base + "/preview?columns=id,window,frequent_items,counts").json();
    JsonNode first =
        rows.path("rows").get(0).get(0).asLong() == 1
            ? rows.path("rows").get(0)
            : rows.path("rows").get(1);
    assertThat(first.get(1).toString())
        .isEqualTo("{\"start\":\"2026-12-01T00:00:00Z\",\"end\":\"2026-12-02T00:00:00Z\"}");
    assertThat(first.get(2).toString())
        .isEqualTo("[{\"item\":\"a\",\"count\":3},{\"item\":\"b\",\"count\":1}]");
    assertThat(first.get(3).toString()).isEqualTo("{\"1\":10,\"2\":20}");
    assertThat(rows.path("columns").get(1).path("type_text").asText())
        .isEqualTo("struct<start:timestamp,end:timestamp>");

    Response bad =
        s.post(
            base + "/rows",
            """
            {"mode": "append", "rows": [{"id": 3, "frequent_items": [{"item": "a", "count": "x"}]}]}
            """);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body())
        .contains("rows[0].frequent_items[0].count: expected LONG, got \\\"x\\\"");
    assertThat(s.get(base + "/count").json().path("count").asLong()).isEqualTo(2);
  }
}
