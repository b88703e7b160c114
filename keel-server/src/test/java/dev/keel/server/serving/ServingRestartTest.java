package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.createBody;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoints survive a restart: they are reloaded from the store and serve again. */
class ServingRestartTest {
  @TempDir Path dir;

  @Test
  void endpoints_are_reloaded_after_a_restart() throws Exception {
    long v;
    try (TestServer s = TestServer.start(dir)) {
      v = version(s, "rs", true);
      s.post(API, createBody("rs", "rs", Long.toString(v)));
      assertThat(awaitSettled(s, "rs").at("/state/ready").asText()).isEqualTo("READY");
    }
    try (TestServer s = TestServer.start(dir)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!s.get(API + "/rs").json().at("/state/ready").asText().equals("READY")) {
        assertThat(System.nanoTime()).as("reloaded in time").isLessThan(deadline);
        Thread.sleep(50);
      }
      TestServer.Response e = s.get(API + "/rs");
      assertThat(e.json().at("/config/config_version").asLong()).isEqualTo(1);
      assertThat(e.json().at("/state/config_update").asText()).isEqualTo("NOT_UPDATING");
      TestServer.Response q = s.post("/serving-endpoints/rs/invocations", ONE_ROW);
      assertThat(q.status()).as(q.body()).isEqualTo(200);
      assertThat(q.raw().headers().firstValue("served-model-name")).hasValue("rs-" + v);
    }
  }

  /**
   * A server that stops drains: every prediction it acknowledged (a 200 with its request id) is in
   * the inference table when it is started again.
   */
  @Test
  void every_acknowledged_prediction_is_logged_across_a_stop() throws Exception {
    drainAndCount(() -> TestServer.start(dir));
  }

  /** Scores 200 requests on a logging endpoint, stops, restarts, finds every acknowledged one. */
  static void drainAndCount(Supplier<TestServer> start) throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    try (TestServer s = start.get()) {
      long v = version(s, "dr", true);
      TestServer.Response c =
          s.post(
              API,
              "{\"name\":\"dr\",\"config\":{\"served_entities\":[{\"entity_name\":"
                  + "\"main.default.dr\",\"entity_version\":\""
                  + v
                  + "\"}]},\"ai_gateway\":{\"inference_table_config\":{\"catalog_name\":"
                  + "\"main\",\"schema_name\":\"default\",\"table_name_prefix\":\"dr\","
                  + "\"enabled\":true}}}");
      assertThat(c.status()).as(c.body()).isEqualTo(200);
      assertThat(awaitSettled(s, "dr").at("/state/ready").asText()).isEqualTo("READY");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> clients = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          clients.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 50; i++) {
                      TestServer.Response q = s.post("/serving-endpoints/dr/invocations", ONE_ROW);
                      if (q.status() == 200) {
                        acknowledged.add(
                            q.raw().headers().firstValue("x-request-id").orElseThrow());
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : clients) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(acknowledged).hasSize(200);
    } // stopped right after the last answer: the logger's queue and stages are not yet written
    try (TestServer s = start.get()) {
      TestServer.Response n = s.get("/api/2.0/keel/tables/main.default.dr_payload/count");
      assertThat(n.status()).as(n.body()).isEqualTo(200);
      assertThat(n.json().path("count").asLong()).isEqualTo(acknowledged.size());
      TestServer.Response p =
          s.get("/api/2.0/keel/tables/main.default.dr_payload/preview?limit=1000");
      Set<String> logged = new HashSet<>();
      for (JsonNode row : p.json().path("rows")) {
        logged.add(row.get(1).asText());
      }
      assertThat(logged).isEqualTo(acknowledged);
    }
  }
}
