package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.UC;
import static dev.keel.server.serving.ServingFixtures.alias;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An endpoint's {@code _predictions} table against a real server: one typed row per scored input
 * row, the version that answered after an alias moves, and labels joined later on {@code
 * prediction_id} (read with DuckDB).
 */
class InferencePredictionsTableTest {
  @TempDir static Path dir;
  static TestServer s;

  private static final String PREDICTIONS = "main.default.preds_predictions";

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    if (s != null) {
      s.close();
      s = null;
    }
  }

  private static String rows(String clientRequestId, int n) {
    StringBuilder b =
        new StringBuilder(
            "{\"client_request_id\":\""
                + clientRequestId
                + "\",\"dataframe_split\":{\"columns\":[\"f0\",\"f1\",\"f2\",\"f3\"],\"data\":[");
    for (int r = 0; r < n; r++) {
      b.append(r == 0 ? "" : ",").append("[").append(r).append(".5,1.3597,1.2247,-0.5103]");
    }
    return b.append("]}}").toString();
  }

  /** The prediction values of a scoring answer (XGBoost's numbers or ONNX's records). */
  private static List<Double> predictions(TestServer.Response r) {
    List<Double> out = new ArrayList<>();
    for (JsonNode p : r.json().path("predictions")) {
      out.add(p.isNumber() ? p.asDouble() : p.path("probability").asDouble());
    }
    return out;
  }

  @Test
  void scored_rows_become_typed_prediction_rows_of_the_resolved_version_that_labels_join_on()
      throws Exception {
    long v1 = version(s, "scored", true); // XGBoost, double inputs f0..f3
    long v2 = version(s, "scored", false); // ONNX, float inputs f0..f3
    alias(s, "scored", "champion", v1);
    String create =
        "{\"name\":\"ep-preds\",\"config\":{\"served_entities\":[{\"entity_name\":"
            + "\"main.default.scored\",\"entity_version\":\"@champion\"}]},\"ai_gateway\":"
            + "{\"inference_table_config\":{\"catalog_name\":\"main\",\"schema_name\":\"default\","
            + "\"table_name_prefix\":\"preds\",\"enabled\":true}}}";
    TestServer.Response c = s.post(API, create);
    assertThat(c.status()).as(c.body()).isEqualTo(200);

    // The table exists as soon as the endpoint does, typed from the version's signature.
    TestServer.Response info = s.get(UC + "/tables/" + PREDICTIONS);
    assertThat(info.status()).as(info.body()).isEqualTo(200);
    Map<String, String> types = new LinkedHashMap<>();
    for (JsonNode col : info.json().path("columns")) {
      types.put(col.path("name").asText(), col.path("type_name").asText());
    }
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("request_id", "STRING");
    expected.put("client_request_id", "STRING");
    expected.put("row_index", "INT");
    expected.put("prediction_id", "STRING");
    expected.put("request_time", "TIMESTAMP");
    expected.put("served_entity_name", "STRING");
    expected.put("model_name", "STRING");
    expected.put("model_version", "LONG");
    expected.put("model_id", "STRING");
    expected.put("f0", "DOUBLE");
    expected.put("f1", "DOUBLE");
    expected.put("f2", "DOUBLE");
    expected.put("f3", "DOUBLE");
    expected.put("prediction", "DOUBLE");
    assertThat(types).containsExactlyEntriesOf(expected);

    awaitSettled(s, "ep-preds");
    TestServer.Response first = s.post("/serving-endpoints/ep-preds/invocations", rows("b1", 3));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    String id1 = first.raw().headers().firstValue("x-request-id").orElseThrow();

    alias(s, "scored", "champion", v2);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (s.get(API + "/ep-preds")
            .json()
            .at("/config/served_entities/0/keel_loaded_version")
            .asLong()
        != v2) {
      assertThat(System.nanoTime()).as("the alias was followed in time").isLessThan(deadline);
      Thread.sleep(50);
    }
    TestServer.Response second = s.post("/serving-endpoints/ep-preds/invocations", rows("b2", 2));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    String id2 = second.raw().headers().firstValue("x-request-id").orElseThrow();
    TestServer.Response bad =
        s.post(
            "/serving-endpoints/ep-preds/invocations",
            "{\"client_request_id\":\"bad\",\"dataframe_split\":{\"columns\":[\"f0\"],"
                + "\"data\":[[\"x\"]]}}");
    assertThat(bad.status()).isEqualTo(400);

    awaitRows("main.default.preds_payload", 3);
    JsonNode p = awaitRows(PREDICTIONS, 5);
    List<String> names = new ArrayList<>();
    p.path("columns").forEach(col -> names.add(col.path("name").asText()));
    assertThat(p.path("rows").size()).as("the error added no rows").isEqualTo(5);
    Map<String, List<Double>> answered = new HashMap<>();
    answered.put(id1, predictions(first));
    answered.put(id2, predictions(second));
    Map<String, String> modelIdOf = new HashMap<>();
    for (JsonNode row : p.path("rows")) {
      String requestId = row.get(names.indexOf("request_id")).asText();
      int index = row.get(names.indexOf("row_index")).asInt();
      long version = requestId.equals(id1) ? v1 : v2;
      assertThat(requestId).isIn(id1, id2);
      assertThat(row.get(names.indexOf("client_request_id")).asText())
          .isEqualTo(requestId.equals(id1) ? "b1" : "b2");
      assertThat(row.get(names.indexOf("prediction_id")).asText())
          .isEqualTo(requestId + "/" + index);
      assertThat(row.get(names.indexOf("model_version")).asLong()).isEqualTo(version);
      assertThat(row.get(names.indexOf("model_id")).asText())
          .isEqualTo("main.default.scored/" + version);
      assertThat(row.get(names.indexOf("served_entity_name")).asText())
          .isEqualTo("scored-champion");
      assertThat(row.get(names.indexOf("f0")).asDouble()).isCloseTo(index + 0.5, within(1e-6));
      assertThat(row.get(names.indexOf("prediction")).asDouble())
          .isCloseTo(answered.get(requestId).get(index), within(1e-9));
      modelIdOf.put(requestId + "/" + index, row.get(names.indexOf("model_id")).asText());
    }
    assertThat(modelIdOf).hasSize(5);
    // the counter moves just after the commit that made the rows visible
    java.util.regex.Pattern five =
        java.util.regex.Pattern.compile(
            "keel_inference_log_prediction_rows_written_total(\\{[^}]*\\})? 5\\.0");
    String metrics = s.get("/metrics").body();
    for (int i = 0; i < 100 && !five.matcher(metrics).find(); i++) {
      Thread.sleep(100);
      metrics = s.get("/metrics").body();
    }
    assertThat(metrics)
        .containsPattern(five)
        .contains("keel_inference_log_prediction_rows_failed_total");

    // Labels arrive later, keyed by prediction_id; DuckDB joins them to the predictions.
    TestServer.Response labels =
        s.post(
            UC + "/tables",
            "{\"name\":\"preds_labels\",\"catalog_name\":\"main\",\"schema_name\":\"default\","
                + "\"columns\":[{\"name\":\"prediction_id\",\"type_name\":\"STRING\"},"
                + "{\"name\":\"label\",\"type_name\":\"INT\"}]}");
    assertThat(labels.status()).as(labels.body()).isEqualTo(200);
    TestServer.Response written =
        s.post(
            "/api/2.0/keel/tables/main.default.preds_labels/rows",
            "{\"mode\":\"append\",\"rows\":[{\"prediction_id\":\""
                + id1
                + "/0\",\"label\":1},{\"prediction_id\":\""
                + id1
                + "/2\",\"label\":0},{\"prediction_id\":\""
                + id2
                + "/1\",\"label\":1},{\"prediction_id\":\"unknown/0\",\"label\":1}]}");
    assertThat(written.status()).as(written.body()).isEqualTo(200);
    Map<String, String> joined = new LinkedHashMap<>();
    try (Connection conn = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT p.prediction_id, p.model_id, l.label FROM read_parquet('"
                    + data(PREDICTIONS)
                    + "') p JOIN read_parquet('"
                    + data("main.default.preds_labels")
                    + "') l ON p.prediction_id = l.prediction_id ORDER BY p.prediction_id")) {
      while (rs.next()) {
        joined.put(rs.getString(1), rs.getString(2) + "=" + rs.getInt(3));
      }
    }
    Map<String, String> want = new HashMap<>();
    want.put(id1 + "/0", "main.default.scored/" + v1 + "=1");
    want.put(id1 + "/2", "main.default.scored/" + v1 + "=0");
    want.put(id2 + "/1", "main.default.scored/" + v2 + "=1");
    assertThat(joined).containsExactlyInAnyOrderEntriesOf(want);
  }

  /** Polls the table's preview until it holds at least {@code n} rows. */
  private static JsonNode awaitRows(String table, int n) throws InterruptedException {
    // generous: the writer runs at the lowest CPU priority, and waits on a busy machine
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      TestServer.Response r = s.get("/api/2.0/keel/tables/" + table + "/preview");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      if (r.json().path("rows").size() >= n) {
        return r.json();
      }
      assertThat(System.nanoTime())
          .as("%d rows in %s: %s", n, table, r.body())
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** The glob of a table's Parquet data files. */
  private static String data(String table) {
    String location = s.get(UC + "/tables/" + table).json().path("storage_location").asText();
    return Path.of(java.net.URI.create(location)).resolve("data") + "/**/*.parquet";
  }
}
