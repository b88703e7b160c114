package dev.keel.server.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The feature store's REST API on a real server: tables, training sets, publish, lookups. */
class FeatureApiTest {
  @TempDir static Path dir;
  static TestServer s;
  static final String FS = "/api/2.0/feature-store";

  @BeforeAll
  static void start(TestInfo test) {
    if (test.getTestClass().orElseThrow() == FeatureApiPostgresIT.class) {
      assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
      setUp(TestServer.start(dir, TestDatabases.freshPostgresSchemaUrl()));
    } else {
      setUp(TestServer.start(dir));
    }
  }

  /** Seeds {@code server} (SQLite here, PostgreSQL in {@link FeatureApiPostgresIT}). */
  static void setUp(TestServer server) {
    s = server;
    Response r =
        s.post(
            FS + "/feature-tables",
            """
            {"name": "main.default.drivers",
             "columns": [{"name": "driver_id", "type_name": "LONG"},
                         {"name": "ts", "type_name": "TIMESTAMP"},
                         {"name": "conv_rate", "type_name": "DOUBLE"},
                         {"name": "city", "type_name": "STRING"}],
             "primary_keys": ["driver_id", "ts"], "timeseries_key": "ts",
             "description": "driver stats", "tags": {"team": "ops"},
             "features": {"conv_rate": {"description": "conversion", "max_age_seconds": 315360000}}}
            """);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Response w =
        s.post(
            FS + "/feature-tables/main.default.drivers/rows",
            """
            {"rows": [
              {"driver_id": 1001, "ts": "2024-01-01T00:00:00Z", "conv_rate": 0.5, "city": "Paris"},
              {"driver_id": 1001, "ts": "2024-01-03T00:00:00Z", "conv_rate": 0.7, "city": "Paris"},
              {"driver_id": 1002, "ts": "2024-01-02T00:00:00Z", "conv_rate": 0.1, "city": "Lyon"}]}
            """);
    assertThat(w.status()).as(w.body()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    if (s != null) {
      s.close();
      s = null;
    }
  }

  @Test
  void a_feature_table_is_described_with_its_keys_features_and_metadata() {
    Response r = s.get(FS + "/feature-tables/main.default.drivers");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode t = r.json();
    assertThat(t.path("entity_keys").toString()).isEqualTo("[\"driver_id\"]");
    assertThat(t.path("features").get(0).path("name").asText()).isEqualTo("conv_rate");
    assertThat(t.path("features").get(0).path("description").asText()).isEqualTo("conversion");
    assertThat(t.path("tags").path("team").asText()).isEqualTo("ops");
    assertThat(t.path("table").path("full_name").asText()).isEqualTo("main.default.drivers");
    Response list = s.get(FS + "/feature-tables?catalog_name=main&schema_name=default");
    List<String> listed = new ArrayList<>();
    list.json().path("feature_tables").forEach(n -> listed.add(n.path("name").asText()));
    // other tests in this class add feature tables to main.default too; the order is not fixed
    assertThat(listed).contains("main.default.drivers");
    Response patched =
        s.send("PATCH", FS + "/feature-tables/main.default.drivers", "{\"description\": \"v2\"}");
    assertThat(patched.json().path("description").asText()).isEqualTo("v2");
    assertThat(patched.json().path("tags").path("team").asText()).isEqualTo("ops");
  }

  @Test
  void a_patch_changes_what_it_names_and_nothing_else() {
    // its own schema, so the listing of main.default in another test stays one table
    s.post(
        "/api/2.1/unity-catalog/schemas", "{\"catalog_name\": \"main\", \"name\": \"patching\"}");
    s.post(
        FS + "/feature-tables",
        """
        {"name": "main.patching.patched",
         "columns": [{"name": "id", "type_name": "LONG"}, {"name": "a", "type_name": "DOUBLE"},
                     {"name": "b", "type_name": "DOUBLE"}],
         "primary_keys": ["id"], "description": "d1", "max_age_seconds": 600,
         "features": {"a": {"description": "fa", "max_age_seconds": 60},
                      "b": {"max_age_seconds": 120}}}
        """);
    String path = FS + "/feature-tables/main.patching.patched";
    JsonNode t = s.send("PATCH", path, "{\"description\": \"d2\"}").json();
    assertThat(t.path("description").asText()).isEqualTo("d2");
    assertThat(t.path("max_age_seconds").asLong()).isEqualTo(600);
    assertThat(t.path("features").get(0).path("max_age_seconds").asLong()).isEqualTo(60);
    assertThat(t.path("features").get(1).path("max_age_seconds").asLong()).isEqualTo(120);
    t = s.send("PATCH", path, "{\"features\": {\"b\": {\"max_age_seconds\": 30}}}").json();
    assertThat(t.path("features").get(0).path("max_age_seconds").asLong()).isEqualTo(60);
    assertThat(t.path("features").get(0).path("description").asText()).isEqualTo("fa");
    assertThat(t.path("features").get(1).path("max_age_seconds").asLong()).isEqualTo(30);
    assertThat(t.path("description").asText()).isEqualTo("d2");
    t = s.send("PATCH", path, "{\"max_age_seconds\": \"\"}").json();
    assertThat(t.has("max_age_seconds")).isFalse();
    assertThat(t.path("features").get(1).path("max_age_seconds").asLong()).isEqualTo(30);
  }

  @Test
  void databricks_timeseries_columns_name_the_timeseries_key_among_the_primary_keys() {
    s.post("/api/2.1/unity-catalog/schemas", "{\"catalog_name\": \"main\", \"name\": \"tsc\"}");
    String cols =
        """
        "columns": [{"name": "id", "type_name": "LONG"}, {"name": "ts", "type_name": "TIMESTAMP"},
                    {"name": "x", "type_name": "DOUBLE"}, {"name": "made", "type_name": "TIMESTAMP"}]
        """;
    Response r =
        s.post(
            FS + "/feature-tables",
            "{\"name\": \"main.tsc.a\", "
                + cols
                + ", \"primary_keys\": [\"id\", \"ts\"], \"timeseries_columns\": [\"ts\"],"
                + " \"creation_time_column\": \"made\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("timeseries_key").asText()).isEqualTo("ts");
    assertThat(r.json().path("entity_keys").toString()).isEqualTo("[\"id\"]");
    assertThat(r.json().path("creation_time_column").asText()).isEqualTo("made");
    assertThat(r.json().path("features").toString()).contains("\"x\"").doesNotContain("made");
    JsonNode got = s.get(FS + "/feature-tables/main.tsc.a").json();
    assertThat(got.path("timeseries_key").asText()).isEqualTo("ts");
    assertThat(got.path("creation_time_column").asText()).isEqualTo("made");
    // What cannot be honoured is refused, and nothing is created.
    for (String bad :
        List.of(
            "\"timeseries_columns\": [\"ts\", \"made\"]",
            "\"timeseries_columns\": [\"made\"]",
            "\"timeseries_columns\": [\"ts\"], \"timeseries_key\": \"made\"",
            "\"timeseries_columns\": 5",
            "\"creation_time_column\": \"x\"")) {
      Response b =
          s.post(
              FS + "/feature-tables",
              "{\"name\": \"main.tsc.b\", "
                  + cols
                  + ", \"primary_keys\": [\"id\", \"ts\"], "
                  + bad
                  + "}");
      assertThat(b.status()).as(bad + ": " + b.body()).isEqualTo(400);
      assertThat(b.body()).as(bad).containsAnyOf("timeseries_columns", "creation_time_column");
    }
    assertThat(s.get(FS + "/feature-tables/main.tsc.b").status()).isEqualTo(404);
    // Registering an existing table keeps its keys: keys that differ are a 400, not ignored.
    assertThat(s.send("DELETE", FS + "/feature-tables/main.tsc.a", null).status()).isEqualTo(200);
    for (String bad :
        List.of(
            "\"timeseries_columns\": [\"id\"]",
            "\"timeseries_key\": \"made\"",
            "\"primary_keys\": [\"id\"]")) {
      Response b = s.post(FS + "/feature-tables", "{\"name\": \"main.tsc.a\", " + bad + "}");
      assertThat(b.status()).as(bad + ": " + b.body()).isEqualTo(400);
    }
    assertThat(s.get(FS + "/feature-tables/main.tsc.a").status()).isEqualTo(404);
    Response ok =
        s.post(
            FS + "/feature-tables",
            "{\"name\": \"main.tsc.a\", \"timeseries_columns\": \"ts\","
                + " \"primary_keys\": [\"id\", \"ts\"]}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().path("timeseries_key").asText()).isEqualTo("ts");
  }

  @Test
  void publish_then_online_features_answer_in_feasts_columnar_shape() {
    Response p =
        s.post(FS + "/tables/main.default.drivers/publish", "{\"publish_mode\": \"SNAPSHOT\"}");
    assertThat(p.status()).as(p.body()).isEqualTo(200);
    assertThat(p.json().path("rows_written").asLong()).isEqualTo(2);
    Response r =
        s.post(
            FS + "/online-features",
            """
            {"features": ["main.default.drivers:conv_rate", "main.default.drivers:city"],
             "entities": {"driver_id": [1001, 1002, 9]}}
            """);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.path("metadata").path("feature_names").toString())
        .isEqualTo("[\"driver_id\",\"conv_rate\",\"city\"]");
    assertThat(j.path("results").get(0).path("values").toString()).isEqualTo("[1001,1002,9]");
    assertThat(j.path("results").get(1).path("values").toString()).isEqualTo("[0.7,0.1,null]");
    assertThat(j.path("results").get(1).path("statuses").toString())
        .isEqualTo("[\"PRESENT\",\"PRESENT\",\"NOT_FOUND\"]");
    assertThat(j.path("results").get(1).path("event_timestamps").get(0).asText())
        .isEqualTo("2024-01-03T00:00:00Z");
  }

  @Test
  void a_training_set_is_written_as_a_table_and_streamed_as_ndjson() throws Exception {
    String body =
        """
        {"spine": {"columns": [{"name": "driver_id", "type": "LONG"},
                               {"name": "at", "type": "TIMESTAMP"}],
                   "rows": [[1001, "2024-01-02T00:00:00Z"], [1002, "2024-01-01T00:00:00Z"]]},
         "lookups": [{"table_name": "main.default.drivers", "feature_names": ["conv_rate"],
                      "lookup_key": "driver_id", "timestamp_lookup_key": "at"}],
         "indicators": true%s}
        """;
    Response created =
        s.post(
            FS + "/training-sets",
            body.formatted(", \"output_table\": \"main.default.train_api\""));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    assertThat(created.json().path("rows").asLong()).isEqualTo(2);
    Response preview = s.get("/api/2.0/keel/tables/main.default.train_api/preview?limit=10");
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);

    Response streamed = s.post(FS + "/training-sets/rows", body.formatted(""));
    assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
    List<String> lines = streamed.body().lines().toList();
    assertThat(lines).hasSize(3);
    JsonNode header = new ObjectMapper().readTree(lines.get(0));
    assertThat(header.path("columns").get(2).path("name").asText()).isEqualTo("conv_rate");
    JsonNode first = new ObjectMapper().readTree(lines.get(1));
    assertThat(first.get(2).asDouble()).isEqualTo(0.5);
    JsonNode second = new ObjectMapper().readTree(lines.get(2));
    assertThat(second.get(2).isNull()).isTrue();
    assertThat(second.get(3).asText()).isEqualTo("MISSING");
  }

  @Test
  void bad_input_is_a_400_naming_the_field_and_changes_nothing() {
    Response noKeys =
        s.post(
            FS + "/feature-tables",
            "{\"name\": \"main.default.bad\", \"columns\": [{\"name\": \"x\", \"type_name\": \"LONG\"}]}");
    assertThat(noKeys.status()).isEqualTo(400);
    assertThat(noKeys.body()).contains("primary_keys");
    assertThat(s.get("/api/2.1/unity-catalog/tables/main.default.bad").status()).isEqualTo(404);

    Response badRef =
        s.post(
            FS + "/online-features",
            "{\"features\": [\"conv_rate\"], \"entities\": {\"driver_id\": [1]}}");
    assertThat(badRef.status()).isEqualTo(400);
    assertThat(badRef.body()).contains("features[0]");
    Response ragged =
        s.post(
            FS + "/online-features",
            "{\"features\": [\"main.default.drivers:city\"], \"entities\": {\"driver_id\": [1, 2], \"x\": [1]}}");
    assertThat(ragged.status()).isEqualTo(400);
    Response badMode =
        s.post(FS + "/tables/main.default.drivers/publish", "{\"publish_mode\": \"SOMETIMES\"}");
    assertThat(badMode.status()).isEqualTo(400);
    assertThat(badMode.body()).contains("publish_mode");
    Response badSpine =
        s.post(
            FS + "/training-sets",
            "{\"spine\": {\"columns\": [{\"name\": \"a\", \"type\": \"MAP\"}], \"rows\": []},"
                + " \"lookups\": [], \"output_table\": \"main.default.never\"}");
    assertThat(badSpine.status()).isEqualTo(400);
    assertThat(s.get("/api/2.1/unity-catalog/tables/main.default.never").status()).isEqualTo(404);
    assertThat(s.get(FS + "/feature-tables/main.default.nope").status()).isEqualTo(404);
  }

  @Test
  void feature_specs_are_created_listed_served_and_deleted() {
    Response c =
        s.post(
            FS + "/feature-specs",
            """
            {"name": "main.default.driver_spec",
             "lookups": [{"table_name": "main.default.drivers", "feature_names": ["city"],
                          "lookup_key": ["driver_id"]}]}
            """);
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    assertThat(
            s.get(FS + "/feature-specs?catalog_name=main&schema_name=default")
                .json()
                .path("feature_specs"))
        .hasSize(1);
    s.post(FS + "/tables/main.default.drivers/publish", "{}");
    Response r =
        s.post(
            FS + "/online-features",
            "{\"feature_service\": \"main.default.driver_spec\", \"entities\": {\"driver_id\": [1002]}}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("results").get(1).path("values").toString()).isEqualTo("[\"Lyon\"]");
    assertThat(s.delete(FS + "/feature-specs/main.default.driver_spec").status()).isEqualTo(200);
    assertThat(s.get(FS + "/feature-specs/main.default.driver_spec").status()).isEqualTo(404);
  }

  @Test
  void built_in_on_demand_functions_compute_features_over_rest() throws Exception {
    String body =
        """
        {"spine": {"columns": [{"name": "driver_id", "type": "LONG"},
                               {"name": "at", "type": "TIMESTAMP"},
                               {"name": "trips", "type": "DOUBLE"}],
                   "rows": [[1001, "2024-01-04T07:00:00Z", 2.0]]},
         "lookups": [{"table_name": "main.default.drivers", "feature_names": ["conv_rate"],
                      "lookup_key": "driver_id", "timestamp_lookup_key": "at"}],
         "on_demand": [{"udf_name": "ratio", "input_bindings": {"num": "conv_rate", "den": "trips"},
                        "output_name": "rate_per_trip"},
                       {"udf_name": "hour_of_day", "input_bindings": {"t": "at"},
                        "output_name": "hour"}]}
        """;
    Response r = s.post(FS + "/training-sets/rows", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> lines = r.body().lines().toList();
    JsonNode header = new ObjectMapper().readTree(lines.get(0));
    assertThat(header.path("columns").get(4).path("name").asText()).isEqualTo("rate_per_trip");
    JsonNode row = new ObjectMapper().readTree(lines.get(1));
    assertThat(row.get(4).asDouble()).isEqualTo(0.35);
    assertThat(row.get(5).asInt()).isEqualTo(7);
    Response unknown = s.post(FS + "/training-sets/rows", body.replace("\"ratio\"", "\"nope\""));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("nope");
  }
}
