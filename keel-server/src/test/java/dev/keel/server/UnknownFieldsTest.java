package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.server.TestServer.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unknown top-level fields: Keel's own APIs and the create routes whose result a dropped field
 * would change refuse them with a 400 naming them, creating and writing nothing; MLflow's APIs
 * ignore them, as MLflow's server does.
 */
class UnknownFieldsTest {
  @TempDir static Path dir;
  static TestServer s;
  static final String UC = "/api/2.1/unity-catalog/tables";
  static final String KEEL = "/api/2.0/keel/tables/main.default.uf";

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    Response t =
        s.post(
            UC,
            """
            {"name": "uf", "catalog_name": "main", "schema_name": "default",
             "columns": [{"name": "id", "type_name": "LONG", "position": 0}],
             "primary_keys": ["id"]}
            """);
    assertThat(t.status()).as(t.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static void assertRefused(Response r, String field, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo(code);
    assertThat(r.json().path("message").asText()).contains("'" + field + "'");
  }

  @Test
  void keel_table_writes_refuse_unknown_fields_and_write_nothing() {
    Response r = s.post(KEEL + "/rows", "{\"rows\": [{\"id\": 1}], \"mdoe\": \"overwrite\"}");
    assertRefused(r, "mdoe", "INVALID_ARGUMENT");
    assertThat(s.get(KEEL + "/count").json().path("count").asLong()).isZero();
    assertRefused(
        s.post(KEEL + "/optimize", "{\"zorder_by\": [\"id\"]}"), "zorder_by", "INVALID_ARGUMENT");
    assertThat(s.post(KEEL + "/rows", "{\"rows\": [{\"id\": 1}], \"mode\": \"upsert\"}").status())
        .isEqualTo(200);
  }

  @Test
  void uc_table_create_refuses_a_field_it_would_drop_and_creates_nothing() {
    Response r =
        s.post(
            UC,
            """
            {"name": "uf2", "catalog_name": "main", "schema_name": "default",
             "columns": [{"name": "id", "type_name": "LONG", "position": 0},
                         {"name": "at", "type_name": "TIMESTAMP", "position": 1}],
             "ingestion_time_column": "at"}
            """);
    assertRefused(r, "ingestion_time_column", "INVALID_ARGUMENT");
    assertThat(s.get(UC + "/main.default.uf2").status()).isEqualTo(404);
  }

  @Test
  void feature_table_create_refuses_a_field_it_would_drop_and_creates_nothing() {
    Response r =
        s.post(
            "/api/2.0/feature-store/feature-tables",
            """
            {"name": "main.default.uf3",
             "columns": [{"name": "id", "type_name": "LONG"}, {"name": "p", "type_name": "STRING"}],
             "primary_keys": ["id"], "partition_columns": ["p"]}
            """);
    assertRefused(r, "partition_columns", "INVALID_PARAMETER_VALUE");
    assertThat(s.get(UC + "/main.default.uf3").status()).isEqualTo(404);
  }

  @Test
  void mlflow_ignores_unknown_fields_as_its_server_does() {
    Response r = s.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"uf\", \"bogus\": 1}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
