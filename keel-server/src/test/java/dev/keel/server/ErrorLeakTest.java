package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.server.TestServer.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probes that used to leak internals into error bodies (Jackson's settings, the spool file's path
 * under the data dir, DuckDB's messages with SQL): each answers 4xx in the API's words, with the
 * request id in {@code X-Request-Id} and in the body.
 */
class ErrorLeakTest {
  @TempDir static Path dir;
  static TestServer s;
  static final String TABLE = "/api/2.0/keel/tables/main.default.leaks";

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    Response t =
        s.post(
            "/api/2.1/unity-catalog/tables",
            """
            {"name": "leaks", "catalog_name": "main", "schema_name": "default",
             "columns": [{"name": "id", "type_name": "LONG", "position": 0},
                         {"name": "v", "type_name": "DOUBLE", "position": 1}]}
            """);
    assertThat(t.status()).as(t.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static void assertLeaksNothing(String probe, Response r) {
    assertThat(r.status()).as(probe + ": " + r.body()).isBetween(400, 499);
    String dataDir = dir.toAbsolutePath().toString();
    assertThat(r.body())
        .as(probe)
        .doesNotContain(dataDir)
        .doesNotContain("tmp/uploads")
        .doesNotContain(".upload")
        .doesNotContain("SELECT")
        .doesNotContain("read_parquet")
        .doesNotContain("Binder Error")
        .doesNotContain("Invalid Input Error")
        .doesNotContain("Exception")
        .doesNotContain("StreamReadConstraints")
        .doesNotContain("com.fasterxml")
        .doesNotContain("`");
    String id = r.raw().headers().firstValue("X-Request-Id").orElse("");
    assertThat(id).as(probe).isNotBlank();
    assertThat(r.json().at("/details/0/request_id").asText()).as(probe).isEqualTo(id);
  }

  @Test
  void deep_nesting_and_malformed_json_name_no_parser_internals() {
    Map<String, Response> probes = new LinkedHashMap<>();
    String deep = "{\"name\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    probes.put("mlflow deep", s.post("/api/2.0/mlflow/experiments/create", deep));
    probes.put("uc deep", s.post("/api/2.1/unity-catalog/catalogs", deep));
    probes.put("fs deep", s.post("/api/2.0/feature-store/feature-tables", deep));
    probes.put("keel deep", s.post(TABLE + "/rows", deep));
    probes.put("trailing", s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"a\"} {}"));
    probes.put("truncated", s.post("/api/2.1/unity-catalog/catalogs", "{\"name\": \"a"));
    probes.forEach(ErrorLeakTest::assertLeaksNothing);
    assertThat(probes.get("mlflow deep").json().path("message").asText()).contains("64 levels");
  }

  @Test
  void corrupt_uploads_name_the_file_field_but_not_the_spool_file_or_sql() {
    byte[] garbage = "PAR1 this is not parquet at all PAR1".getBytes(StandardCharsets.UTF_8);
    Map<String, Response> probes = new LinkedHashMap<>();
    probes.put("parquet", s.post(TABLE + "/files?format=parquet", garbage));
    probes.put(
        "csv",
        s.post(
            TABLE + "/files?format=csv",
            "id,v\n1,2\n3,4,5,6\n\"unterminated\n".getBytes(StandardCharsets.UTF_8)));
    probes.put(
        "json",
        s.post(TABLE + "/files?format=json", "{not json\n".getBytes(StandardCharsets.UTF_8)));
    probes.forEach(ErrorLeakTest::assertLeaksNothing);
    assertThat(probes.get("parquet").json().path("message").asText()).startsWith("file:");
  }
}
