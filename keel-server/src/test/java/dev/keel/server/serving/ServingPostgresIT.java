package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.createBody;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.server.TestServer;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving on PostgreSQL (a fresh schema of {@code KEEL_TEST_POSTGRES_URL}; skipped when unset): the
 * drain across a stop, the fixed feature-spec tag, and an inference table switched on an existing
 * endpoint that stays switched after a restart.
 */
class ServingPostgresIT {
  @TempDir Path dir;
  String url;

  @BeforeEach
  void database() {
    assumeTrue(
        TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set: skipped");
    url = TestDatabases.freshPostgresSchemaUrl();
  }

  @Test
  void every_acknowledged_prediction_is_logged_across_a_stop() throws Exception {
    ServingRestartTest.drainAndCount(() -> TestServer.start(dir, url));
  }

  @Test
  void the_feature_spec_tag_is_fixed_and_the_ai_gateway_survives_a_restart() throws Exception {
    long v;
    try (TestServer s = TestServer.start(dir, url)) {
      v = version(s, "pg", true);
      TestServer.Response set =
          ServingFixtures.setTag(s, "pg", v, "keel.feature_spec", "main.default.x");
      assertThat(set.status()).as(set.body()).isEqualTo(400);
      assertThat(s.post(API, createBody("pg", "pg", Long.toString(v))).status()).isEqualTo(200);
      awaitSettled(s, "pg");
      TestServer.Response gw =
          s.send("PUT", API + "/pg/ai-gateway", ServingEndpointsApiTest.gateway("pg_log", true));
      assertThat(gw.status()).as(gw.body()).isEqualTo(200);
      TestServer.Response bad = s.post("/serving-endpoints/pg/invocations", "{\"nope\":1}");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.raw().headers().firstValue("served-model-name")).hasValue("pg-" + v);
    }
    try (TestServer s = TestServer.start(dir, url)) {
      assertThat(
              s.get(API + "/pg")
                  .json()
                  .at("/ai_gateway/inference_table_config/table_name_prefix")
                  .asText())
          .isEqualTo("pg_log");
      assertThat(awaitSettled(s, "pg").at("/state/config_update").asText())
          .isEqualTo("NOT_UPDATING");
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!s.get(API + "/pg").json().at("/state/ready").asText().equals("READY")) {
        assertThat(System.nanoTime()).as("reloaded in time").isLessThan(deadline);
        Thread.sleep(50);
      }
      TestServer.Response n = s.get("/api/2.0/keel/tables/main.default.pg_log_payload/count");
      assertThat(n.status()).as(n.body()).isEqualTo(200);
      assertThat(n.json().path("count").asLong()).as("the 400 before the restart").isEqualTo(1);
      assertThat(s.post("/serving-endpoints/pg/invocations", ONE_ROW).status()).isEqualTo(200);
    }
  }
}
