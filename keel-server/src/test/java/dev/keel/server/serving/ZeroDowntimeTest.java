package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.alias;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.createBody;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steady requests from several threads while the config changes and while the alias moves: no
 * request fails, and every request sent after the switch is answered by the new version. Version 1
 * is the XGBoost fixture (predictions are numbers), version 2 the ONNX fixture (predictions are
 * records with {@code probability}), so each response says which version answered.
 */
class ZeroDowntimeTest {
  @TempDir Path dir;

  private record Result(long sentAt, int status, String entity, boolean fromOnnx, String body) {}

  /**
   * Clients posting in a loop. Nothing a client meets is lost: an answer is a result, and so is a
   * thrown error or a failed connection (status 0, the error as body), and {@link #close} fails if
   * a client thread itself ended abnormally.
   */
  private static final class Load implements AutoCloseable {
    final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final ExecutorService pool;
    final List<Future<?>> clients = new ArrayList<>();

    Load(TestServer s, String endpoint, int n) {
      pool = Executors.newFixedThreadPool(n);
      for (int i = 0; i < n; i++) {
        clients.add(
            pool.submit(
                () -> {
                  while (!stop.get()) {
                    long at = System.nanoTime();
                    try {
                      TestServer.Response r =
                          s.post("/serving-endpoints/" + endpoint + "/invocations", ONE_ROW);
                      JsonNode first = r.status() == 200 ? r.json().at("/predictions/0") : null;
                      results.add(
                          new Result(
                              at,
                              r.status(),
                              r.raw().headers().firstValue("served-model-name").orElse(""),
                              first != null && first.isObject() && first.has("probability"),
                              r.body()));
                    } catch (Throwable t) { // a connection error is a failed request
                      results.add(new Result(at, 0, "", false, t.toString()));
                    }
                  }
                  return null;
                }));
      }
    }

    /** Waits until {@code n} requests sent after {@code since} (nanoTime) have been answered. */
    void awaitAnswered(int n, long since) throws Exception {
      await(() -> results.stream().filter(r -> r.sentAt() > since).count() >= n);
    }

    @Override
    public void close() throws Exception {
      stop.set(true);
      pool.shutdown();
      for (Future<?> f : clients) {
        f.get(60, TimeUnit.SECONDS); // a client that died fails the test here
      }
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    // polls a condition on the server's answers; the sleep only paces the polling
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in 60 s");
      }
      Thread.sleep(20);
    }
  }

  private static void assertSwitched(List<Result> results, long switchedAt, String entity) {
    assertThat(results).isNotEmpty();
    List<Result> failed = results.stream().filter(r -> r.status() != 200).toList();
    assertThat(failed).as("failed requests").isEmpty();
    List<Result> after = results.stream().filter(r -> r.sentAt() > switchedAt).toList();
    assertThat(after).as("requests after the switch").hasSizeGreaterThan(10);
    assertThat(after).allSatisfy(r -> assertThat(r.fromOnnx()).as(r.body()).isTrue());
    if (entity != null) {
      assertThat(after).allSatisfy(r -> assertThat(r.entity()).isEqualTo(entity));
    }
    assertThat(results.stream().filter(r -> !r.fromOnnx()).count())
        .as("requests answered by the old version before the switch")
        .isPositive();
  }

  @Test
  void no_request_fails_while_the_config_changes() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      long v1 = version(s, "zd", true);
      long v2 = version(s, "zd", false);
      s.post(API, createBody("zd", "zd", Long.toString(v1)));
      awaitSettled(s, "zd");
      long switchedAt;
      List<Result> results;
      try (Load load = new Load(s, "zd", 4)) {
        load.awaitAnswered(20, Long.MIN_VALUE);
        TestServer.Response u =
            s.send(
                "PUT",
                API + "/zd/config",
                "{\"served_entities\":[{\"name\":\"new\",\"entity_name\":\"main.default.zd\","
                    + "\"entity_version\":\""
                    + v2
                    + "\"}]}");
        assertThat(u.status()).as(u.body()).isEqualTo(200);
        JsonNode e = awaitSettled(s, "zd");
        assertThat(e.at("/state/config_update").asText()).isEqualTo("NOT_UPDATING");
        switchedAt = System.nanoTime();
        load.awaitAnswered(20, switchedAt);
        load.close();
        results = new ArrayList<>(load.results);
      }
      assertSwitched(results, switchedAt, "new");
    }
  }

  @Test
  void no_request_fails_while_the_alias_moves() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      long v1 = version(s, "zda", true);
      long v2 = version(s, "zda", false);
      alias(s, "zda", "champion", v1);
      s.post(API, createBody("zda", "zda", "@champion"));
      JsonNode first = awaitSettled(s, "zda");
      assertThat(first.at("/config/served_entities/0/name").asText()).isEqualTo("zda-champion");
      assertThat(first.at("/config/served_entities/0/keel_loaded_version").asLong()).isEqualTo(v1);
      long switchedAt;
      List<Result> results;
      try (Load load = new Load(s, "zda", 4)) {
        load.awaitAnswered(20, Long.MIN_VALUE);
        alias(s, "zda", "champion", v2);
        await(
            () -> {
              JsonNode e = s.get(API + "/zda").json();
              return e.at("/config/served_entities/0/keel_loaded_version").asLong() == v2
                  && e.at("/state/config_update").asText().equals("NOT_UPDATING");
            });
        switchedAt = System.nanoTime();
        load.awaitAnswered(20, switchedAt);
        load.close();
        results = new ArrayList<>(load.results);
      }
      assertSwitched(results, switchedAt, "zda-champion");
      assertThat(s.get(API + "/zda").json().at("/config/config_version").asLong()).isEqualTo(2);
    }
  }
}
