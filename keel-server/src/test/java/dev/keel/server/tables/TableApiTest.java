package dev.keel.server.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tables REST API on a real server. */
class TableApiTest {
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

  static Response create(String name) {
    return create(s, name);
  }

  static Response create(TestServer s, String name) {
    return s.post(
        UC,
        """
        {"name": "%s", "catalog_name": "main", "schema_name": "default",
         "table_type": "MANAGED", "data_source_format": "DELTA",
         "columns": [
           {"name": "id", "type_name": "LONG", "position": 0},
           {"name": "ts", "type_name": "TIMESTAMP", "type_text": "timestamp", "position": 1},
           {"name": "price", "type_text": "decimal(10,2)", "position": 2},
           {"name": "label", "type_name": "STRING", "position": 3}],
         "primary_keys": ["id"], "timeseries_key": "ts", "ingestion_time": true,
         "comment": "c", "properties": {"k": "v"}}
        """
            .formatted(name));
  }

  @Test
  void create_get_list_and_delete_in_unity_catalog_shapes() {
    Response r = create("api_t1");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode t = r.json();
    assertThat(t.path("full_name").asText()).isEqualTo("main.default.api_t1");
    assertThat(t.path("data_source_format").asText()).isEqualTo("ICEBERG");
    assertThat(t.path("table_type").asText()).isEqualTo("MANAGED");
    assertThat(t.path("columns").get(2).path("type_text").asText()).isEqualTo("decimal(10,2)");
    assertThat(t.path("columns").get(2).path("type_precision").asInt()).isEqualTo(10);
    assertThat(t.path("columns").get(4).path("name").asText()).isEqualTo("_ingested_at");
    assertThat(t.path("columns").get(0).path("nullable").asBoolean()).isFalse();
    assertThat(t.path("columns").get(0).path("type_json").asText()).contains("\"type\":\"long\"");
    assertThat(t.path("primary_keys").get(0).asText()).isEqualTo("id");
    assertThat(t.path("properties").path("k").asText()).isEqualTo("v");
    assertThat(t.path("table_id").asText()).isNotBlank();

    assertThat(create("api_t1").status()).isEqualTo(409);
    assertThat(s.get(UC + "/main.default.api_t1").json().path("table_id").asText())
        .isEqualTo(t.path("table_id").asText());
    JsonNode list = s.get(UC + "?catalog_name=main&schema_name=default&max_results=1").json();
    assertThat(list.path("tables")).hasSize(1);
    assertThat(list.path("next_page_token").isMissingNode()).isFalse();
    assertThat(s.delete(UC + "/main.default.api_t1").status()).isEqualTo(200);
    Response gone = s.get(UC + "/main.default.api_t1");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.errorCode()).isEqualTo("NOT_FOUND");
  }

  @Test
  void rows_preview_count_history_and_time_travel() {
    assertThat(create("api_t2").status()).isEqualTo(200);
    String base = KEEL + "main.default.api_t2";
    Response w1 =
        s.post(
            base + "/rows",
            """
            {"mode": "append", "rows": [
              {"id": 1, "ts": "2024-01-01T00:00:00Z", "price": "1.50", "label": "a"},
              {"id": 2, "ts": "2024-01-02T00:00:00Z", "price": 2, "label": "b"}]}
            """);
    assertThat(w1.status()).as(w1.body()).isEqualTo(200);
    assertThat(w1.json().path("rows_added").asLong()).isEqualTo(2);
    long first = w1.json().path("snapshot_id").asLong();
    Response w2 =
        s.post(
            base + "/rows",
            """
            {"mode": "upsert", "rows": [{"id": 2, "price": 9.99, "label": "B"}]}
            """);
    assertThat(w2.json().path("rows_deleted").asLong()).isEqualTo(1);

    JsonNode p = s.get(base + "/preview?limit=10&columns=id,price,label").json();
    assertThat(p.path("columns")).hasSize(3);
    assertThat(p.path("rows")).hasSize(2);
    assertThat(p.toString()).contains("9.99").contains("\"B\"");
    JsonNode old = s.get(base + "/preview?snapshot_id=" + first + "&columns=label,ts").json();
    assertThat(old.toString())
        .contains("\"b\"")
        .contains("2024-01-02T00:00:00Z")
        .doesNotContain("\"B\"");
    assertThat(s.get(base + "/count").json().path("count").asLong()).isEqualTo(2);
    JsonNode h = s.get(base + "/history").json().path("snapshots");
    assertThat(h).hasSize(3);
    assertThat(h.get(0).path("operation").asText()).isEqualTo("overwrite");
    assertThat(s.get(base + "/count?as_of=1000").status()).isEqualTo(400);
  }

  @Test
  void bad_input_is_a_400_naming_the_field_and_writes_nothing() {
    assertThat(create("api_t3").status()).isEqualTo(200);
    String base = KEEL + "main.default.api_t3";
    Response bad =
        s.post(base + "/rows", "{\"rows\": [{\"id\": 1, \"ts\": \"2024-01-01T00:00:00\"}]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.errorCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(bad.json().path("message").asText()).contains("rows[0].ts").contains("time zone");
    Response dup =
        s.post(base + "/rows", "{\"mode\": \"upsert\", \"rows\": [{\"id\": 1}, {\"id\": 1}]}");
    assertThat(dup.status()).isEqualTo(400);
    assertThat(dup.json().path("message").asText()).contains("id=1");
    assertThat(s.post(base + "/rows", "{\"mode\": \"merge\", \"rows\": []}").status())
        .isEqualTo(400);
    assertThat(s.post(KEEL + "main.default.nope/rows", "{\"rows\": []}").status()).isEqualTo(404);
    Response badType =
        s.post(
            UC,
            "{\"name\": \"x\", \"catalog_name\": \"main\", \"schema_name\": \"default\","
                + " \"columns\": [{\"name\": \"a\", \"type_name\": \"TIMESTAMP_NTZ\"}]}");
    assertThat(badType.status()).isEqualTo(400);
    assertThat(badType.json().path("message").asText()).contains("columns[0]");
    assertThat(s.get(base + "/count").json().path("count").asLong()).isZero();
    assertThat(s.get(base + "/history").json().path("snapshots")).hasSize(1);
  }

  @Test
  void an_uploaded_csv_file_is_written() {
    assertThat(create("api_t4").status()).isEqualTo(200);
    String base = KEEL + "main.default.api_t4";
    byte[] csv =
        "id,ts,price,label\n1,2024-01-01T00:00:00Z,1.25,a\n2,,3,b\n"
            .getBytes(StandardCharsets.UTF_8);
    Response r = s.post(base + "/files?format=csv&mode=overwrite", csv);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("rows_added").asLong()).isEqualTo(2);
    Response bad =
        s.post(
            base + "/files?format=csv",
            "id,ts,price,label\n1,,abc,a\n".getBytes(StandardCharsets.UTF_8));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("message").asText()).contains("column 'price'");
    assertThat(s.post(base + "/files?format=xlsx", csv).status()).isEqualTo(400);
    assertThat(s.get(base + "/count").json().path("count").asLong()).isEqualTo(2);
    assertThat(dir.resolve("tmp").resolve("uploads").toFile().list()).isEmpty();
  }
}
