package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.XGB_ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.createBody;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.keel.server.TestServer;
import java.nio.file.Path;
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

      long tagged = version(s, "fl", true);
      long plain = version(s, "fl", true);
      TestServer.Response tag =
          s.post(
              "/api/2.0/mlflow/model-versions/set-tag",
              "{\"name\":\"main.default.fl\",\"version\":\""
                  + tagged
                  + "\",\"key\":\"keel.feature_spec\",\"value\":\"main.default.fl_spec\"}");
      assertThat(tag.status()).as(tag.body()).isEqualTo(200);
      s.post(API, createBody("fl", "fl", Long.toString(tagged)));
      s.post(API, createBody("fl-plain", "fl", Long.toString(plain)));
      assertThat(awaitSettled(s, "fl").at("/state/ready").asText()).isEqualTo("READY");
      awaitSettled(s, "fl-plain");

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

      TestServer.Response noKey =
          s.post(
              "/serving-endpoints/fl/invocations",
              "{\"dataframe_split\":{\"columns\":[\"f3\"],\"data\":[[1.0]]}}");
      assertThat(noKey.status()).isEqualTo(400);
      assertThat(noKey.body()).contains("'id'");
      TestServer.Response noF3 =
          s.post(
              "/serving-endpoints/fl/invocations",
              "{\"dataframe_split\":{\"columns\":[\"id\"],\"data\":[[1]]}}");
      assertThat(noF3.status()).isEqualTo(400);
      assertThat(noF3.body()).contains("'f3'");
    }
  }
}
