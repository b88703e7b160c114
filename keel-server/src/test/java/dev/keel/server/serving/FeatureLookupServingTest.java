package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.XGB_ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.createBody;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.registry.ModelFixtures;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version tagged {@code keel.feature_spec} is scored from lookup keys: features come from the
 * online store, missing ones take the spec's defaults (else NaN), request columns pass through.
 */
class FeatureLookupServingTest {
  static final String FS = "/api/2.0/feature-store";
  @TempDir Path dir;

  @Test
  void scores_from_lookup_keys_with_online_features_and_defaults() {
    try (TestServer s = TestServer.start(dir)) {
      TestServer.Response t =
          s.post(
              FS + "/feature-tables",
              """
              {"name": "main.default.fl_feats",
               "columns": [{"name": "id", "type_name": "LONG"},
                           {"name": "f0", "type_name": "DOUBLE"},
                           {"name": "f1", "type_name": "DOUBLE"},
                           {"name": "f2", "type_name": "DOUBLE"}],
               "primary_keys": ["id"]}
              """);
      assertThat(t.status()).as(t.body()).isEqualTo(200);
      TestServer.Response w =
          s.post(
              FS + "/feature-tables/main.default.fl_feats/rows",
              "{\"rows\": [{\"id\": 1, \"f0\": 0.0342, \"f1\": 1.3597, \"f2\": 1.2247}]}");
      assertThat(w.status()).as(w.body()).isEqualTo(200);
      TestServer.Response p =
          s.post(FS + "/tables/main.default.fl_feats/publish", "{\"publish_mode\": \"SNAPSHOT\"}");
      assertThat(p.status()).as(p.body()).isEqualTo(200);
      TestServer.Response spec =
          s.post(
              FS + "/feature-specs",
              """
              {"name": "main.default.fl_spec",
               "lookups": [{"table_name": "main.default.fl_feats", "lookup_key": "id",
                            "feature_names": ["f0", "f1", "f2"],
                            "default_values": {"f2": 1.2247}}]}
              """);
      assertThat(spec.status()).as(spec.body()).isEqualTo(200);

      long tagged =
          version(
              s,
              "fl",
              ModelFixtures.xgboostModel(),
              Map.of("keel.feature_spec", "main.default.fl_spec"));
      long plain = version(s, "fl", true);
      s.post(API, createBody("fl", "fl", Long.toString(tagged)));
      s.post(API, createBody("fl-plain", "fl", Long.toString(plain)));
      assertThat(awaitSettled(s, "fl").at("/state/ready").asText()).isEqualTo("READY");
      awaitSettled(s, "fl-plain");
      TestServer.Response gw =
          s.send(
              "PUT",
              API + "/fl/ai-gateway",
              "{\"inference_table_config\":{\"catalog_name\":\"main\",\"schema_name\":"
                  + "\"default\",\"table_name_prefix\":\"fl_log\",\"enabled\":true}}");
      assertThat(gw.status()).as(gw.body()).isEqualTo(200);

      TestServer.Response found =
          s.post(
              "/serving-endpoints/fl/invocations",
              "{\"dataframe_split\":{\"columns\":[\"id\",\"f3\"],\"data\":[[1,-0.5103]]}}");
      assertThat(found.status()).as(found.body()).isEqualTo(200);
      assertThat(found.json().at("/predictions/0").asDouble()).isCloseTo(XGB_ONE_ROW, within(1e-6));

      TestServer.Response missing =
          s.post(
              "/serving-endpoints/fl/invocations",
              "{\"dataframe_records\":[{\"id\":2,\"f3\":-0.5103}]}");
      assertThat(missing.status()).as(missing.body()).isEqualTo(200);
      TestServer.Response expected =
          s.post(
              "/serving-endpoints/fl-plain/invocations",
              "{\"dataframe_split\":{\"columns\":[\"f0\",\"f1\",\"f2\",\"f3\"],"
                  + "\"data\":[[null,null,1.2247,-0.5103]]}}");
      assertThat(expected.status()).as(expected.body()).isEqualTo(200);
      assertThat(missing.json().at("/predictions/0").asDouble())
          .isCloseTo(expected.json().at("/predictions/0").asDouble(), within(1e-9));

      // the predictions table holds the features the model was fed, looked up or defaulted
      JsonNode logged = awaitRows(s, "main.default.fl_log_predictions", 2);
      List<String> names = new ArrayList<>();
      logged.path("columns").forEach(c -> names.add(c.path("name").asText()));
      assertThat(names).contains("f0", "f1", "f2", "f3", "prediction").doesNotContain("id");
      Map<String, JsonNode> byRequest = new HashMap<>();
      for (JsonNode row : logged.path("rows")) {
        byRequest.put(row.get(names.indexOf("request_id")).asText(), row);
      }
      JsonNode one = byRequest.get(found.raw().headers().firstValue("x-request-id").orElseThrow());
      assertThat(one.get(names.indexOf("f0")).asDouble()).isEqualTo(0.0342);
      assertThat(one.get(names.indexOf("f3")).asDouble()).isEqualTo(-0.5103);
      assertThat(one.get(names.indexOf("prediction")).asDouble())
          .isCloseTo(XGB_ONE_ROW, within(1e-6));
      JsonNode two =
          byRequest.get(missing.raw().headers().firstValue("x-request-id").orElseThrow());
      assertThat(two.get(names.indexOf("f0")).isNull()).as("no row, no default: null").isTrue();
      assertThat(two.get(names.indexOf("f2")).asDouble()).as("the default").isEqualTo(1.2247);

      TestServer.Response noKey =
          s.post(
              "/serving-endpoints/fl/invocations",
              "{\"dataframe_split\":{\"columns\":[\"f3\"],\"data\":[[1.0]]}}");
      assertThat(noKey.status()).isEqualTo(400);
      assertThat(noKey.body()).contains("'id'");
      assertThat(noKey.raw().headers().firstValue("served-model-name")).hasValue("fl-" + tagged);
      TestServer.Response noF3 =
          s.post(
              "/serving-endpoints/fl/invocations",
              "{\"dataframe_split\":{\"columns\":[\"id\"],\"data\":[[1]]}}");
      assertThat(noF3.status()).isEqualTo(400);
      assertThat(noF3.body()).contains("'f3'");
    }
  }

  /** Polls a table's preview until it holds at least {@code n} rows. */
  private static JsonNode awaitRows(TestServer s, String table, int n) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
    while (true) {
      TestServer.Response r = s.get("/api/2.0/keel/tables/" + table + "/preview");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      if (r.json().path("rows").size() >= n) {
        return r.json();
      }
      assertThat(System.nanoTime())
          .as("%d rows in %s: %s", n, table, r.body())
          .isLessThan(deadline);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /**
   * What a served version does must not depend on when it was loaded: the feature spec tag is fixed
   * once the version is READY (a change would reach only endpoints that load the version later,
   * such as every endpoint after a restart), and an error from a served entity names it.
   */
  @Test
  void the_feature_spec_of_a_ready_version_is_fixed_and_errors_name_the_served_entity() {
    try (TestServer s = TestServer.start(dir)) {
      long a = version(s, "ab", true);
      long b = version(s, "ab", true);
      TestServer.Response c =
          s.post(
              API,
              "{\"name\":\"ab\",\"config\":{\"served_entities\":["
                  + "{\"name\":\"a\",\"entity_name\":\"main.default.ab\",\"entity_version\":\""
                  + a
                  + "\"},{\"name\":\"b\",\"entity_name\":\"main.default.ab\",\"entity_version\":\""
                  + b
                  + "\"}],\"traffic_config\":{\"routes\":["
                  + "{\"served_entity_name\":\"a\",\"traffic_percentage\":50},"
                  + "{\"served_entity_name\":\"b\",\"traffic_percentage\":50}]}}}");
      assertThat(c.status()).as(c.body()).isEqualTo(200);
      assertThat(awaitSettled(s, "ab").at("/state/ready").asText()).isEqualTo("READY");

      TestServer.Response set =
          ServingFixtures.setTag(s, "ab", b, "keel.feature_spec", "main.default.x");
      assertThat(set.status()).as(set.body()).isEqualTo(400);
      assertThat(set.body()).contains("keel.feature_spec").contains("READY");
      TestServer.Response del =
          s.send(
              "DELETE",
              "/api/2.0/mlflow/model-versions/delete-tag",
              "{\"name\":\"main.default.ab\",\"version\":\""
                  + b
                  + "\",\"key\":\"keel.feature_spec\"}");
      assertThat(del.status()).as(del.body()).isEqualTo(400);
      TestServer.Response other = ServingFixtures.setTag(s, "ab", b, "team", "fraud");
      assertThat(other.status()).as("other tags stay editable: " + other.body()).isEqualTo(200);
      TestServer.Response v =
          s.get("/api/2.0/mlflow/model-versions/get?name=main.default.ab&version=" + b);
      assertThat(v.body()).doesNotContain("keel.feature_spec");

      for (String entity : new String[] {"a", "b"}) {
        TestServer.Response bad =
            s.post(
                "/serving-endpoints/ab/served-models/" + entity + "/invocations",
                "{\"dataframe_split\":{\"columns\":[\"f0\"],\"data\":[[1.0]]}}");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.raw().headers().firstValue("served-model-name")).hasValue(entity);
        TestServer.Response ok =
            s.post(
                "/serving-endpoints/ab/served-models/" + entity + "/invocations",
                ServingFixtures.ONE_ROW);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.raw().headers().firstValue("served-model-name")).hasValue(entity);
      }
      TestServer.Response routed =
          s.post(
              "/serving-endpoints/ab/invocations",
              "{\"dataframe_split\":{\"columns\":[\"f0\"],\"data\":[[1.0]]}}");
      assertThat(routed.status()).isEqualTo(400);
      assertThat(routed.raw().headers().firstValue("served-model-name").orElse("")).isIn("a", "b");
    }
  }
}
