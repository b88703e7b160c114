package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.createBody;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
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
}
