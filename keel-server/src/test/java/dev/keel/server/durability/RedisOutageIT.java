package dev.keel.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.core.KeelConfig;
import dev.keel.features.FeatureSettings;
import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import dev.keel.store.TestServices;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis (the online store) down and back, through a {@link TcpProxy} the test cuts and restores:
 * online lookups and publishes answer 503 quickly while it is down and work again, without a
 * restart, once it is back.
 */
class RedisOutageIT {
  private static final String FS = "/api/2.0/feature-store";

  @TempDir Path dir;
  private TcpProxy proxy;
  private TestServer server;
  private String table;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(TestServices.redisUrl().isPresent(), "KEEL_TEST_REDIS_URL is not set");
    URI redis = URI.create(TestServices.redisUrl().orElseThrow());
    proxy = new TcpProxy(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort());
    server =
        TestServer.start(
            new KeelConfig("127.0.0.1", 0, dir, "")
                .with(FeatureSettings.ONLINE_STORE, "redis://127.0.0.1:" + proxy.port() + "/7"));
    table = "main.default.outage_" + UUID.randomUUID().toString().substring(0, 8);
    Response r =
        server.post(
            FS + "/feature-tables",
            """
            {"name": "%s",
             "columns": [{"name": "driver_id", "type_name": "LONG"},
                         {"name": "conv_rate", "type_name": "DOUBLE"}],
             "primary_keys": ["driver_id"]}
            """
                .formatted(table));
    assertOk(r);
    assertOk(
        server.post(
            FS + "/feature-tables/" + table + "/rows",
            "{\"rows\": [{\"driver_id\": 1, \"conv_rate\": 0.5}]}"));
    assertOk(publish());
    assertOk(lookup());
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void redis_down_answers_503_and_lookups_work_again_once_it_is_back() throws Exception {
    proxy.cut();

    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      Response r = lookup();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.body()).contains("TEMPORARILY_UNAVAILABLE").contains("online store");
      assertThat(ms).as("answered after %d ms", ms).isLessThanOrEqualTo(3_000);
    }
    Response p = publish();
    assertThat(p.status()).as(p.body()).isEqualTo(503);

    proxy.restore();

    Response back = lookup();
    assertOk(back);
    assertThat(back.body()).contains("0.5").contains("PRESENT");
    assertOk(publish());
  }

  private Response publish() {
    return server.post(FS + "/tables/" + table + "/publish", "{\"publish_mode\": \"SNAPSHOT\"}");
  }

  private Response lookup() {
    return server.post(
        FS + "/online-features",
        "{\"features\": [\"" + table + ":conv_rate\"], \"entities\": {\"driver_id\": [1]}}");
  }

  private static void assertOk(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
