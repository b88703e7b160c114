package dev.keel.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty clients racing on each write endpoint that reads before it writes, against a real server
 * on SQLite and on PostgreSQL (a fresh schema of {@code KEEL_TEST_POSTGRES_URL}; skipped when it is
 * unset). No answer may be a 5xx, and what is stored afterwards must be consistent: one winner per
 * unique name, a value that one client sent, an alias history that is a chain.
 */
class WriteRacesIT {
  static final int CLIENTS = 20;

  @TempDir Path dir;

  @Test
  void racing_writers_get_no_5xx_and_leave_consistent_state_on_sqlite() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      raceEveryWriteEndpoint(s);
    }
  }

  @Test
  void racing_writers_get_no_5xx_and_leave_consistent_state_on_postgresql() throws Exception {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    try (TestServer s = TestServer.start(dir, TestDatabases.freshPostgresSchemaUrl())) {
      raceEveryWriteEndpoint(s);
    }
  }

  private static void raceEveryWriteEndpoint(TestServer s) throws Exception {
    String model = "main.default.racy";
    ok(
        s.post(
            "/api/2.1/unity-catalog/models",
            "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\"racy\"}"));
    for (int v = 1; v <= CLIENTS; v++) {
      ok(
          s.post(
              "/api/2.1/unity-catalog/models/versions",
              "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"model_name\":\"racy\","
                  + "\"source\":\"mlflow-artifacts:/x\"}"));
    }

    // Alias moves: every PUT succeeds and the history is one chain ending where the alias is.
    race(
        "alias set",
        i ->
            s.send(
                "PUT",
                "/api/2.1/unity-catalog/models/" + model + "/aliases/champion",
                "{\"version_num\":" + (i + 1) + "}"),
        true);
    JsonNode history =
        ok(s.get("/api/2.1/unity-catalog/models/" + model + "/aliases/champion/history"))
            .path("history");
    assertThat(history.size()).isBetween(1, CLIENTS);
    JsonNode previousTo = null;
    for (JsonNode move : history) {
      JsonNode from = move.path("from_version_num");
      if (previousTo == null) {
        assertThat(from.isMissingNode() || from.isNull()).as(history.toString()).isTrue();
      } else {
        assertThat(from.asLong()).as(history.toString()).isEqualTo(previousTo.asLong());
      }
      previousTo = move.path("to_version_num");
    }
    long now =
        ok(s.get("/api/2.0/mlflow/registered-models/alias?name=" + model + "&alias=champion"))
            .at("/model_version/version")
            .asLong();
    assertThat(now).isEqualTo(previousTo.asLong());

    // Tags on a registered model and on a version: last writer wins, nobody gets a 500.
    race(
        "registered-model set-tag",
        i ->
            s.post(
                "/api/2.0/mlflow/registered-models/set-tag",
                "{\"name\":\"" + model + "\",\"key\":\"k\",\"value\":\"v" + i + "\"}"),
        true);
    assertThat(
            ok(s.get("/api/2.0/mlflow/registered-models/get?name=" + model))
                .at("/registered_model/tags/0/value")
                .asText())
        .matches("v\\d+");
    race(
        "model-version set-tag",
        i ->
            s.post(
                "/api/2.0/mlflow/model-versions/set-tag",
                "{\"name\":\""
                    + model
                    + "\",\"version\":\"1\",\"key\":\"k\",\"value\":\"v"
                    + i
                    + "\"}"),
        true);
    assertThat(
            ok(s.get("/api/2.0/mlflow/model-versions/get?name=" + model + "&version=1"))
                .at("/model_version/tags/0/value")
                .asText())
        .matches("v\\d+");

    // A name taken by twenty creators at once: one wins, the others are told it exists.
    List<Response> models =
        race(
            "registered-model create",
            i ->
                s.post(
                    "/api/2.0/mlflow/registered-models/create", "{\"name\":\"main.default.one\"}"),
            false);
    assertOneWinner(models, "RESOURCE_ALREADY_EXISTS");

    // Tracking.
    String exp =
        ok(s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"races\"}"))
            .path("experiment_id")
            .asText();
    String run =
        ok(s.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + exp + "\"}"))
            .at("/run/info/run_id")
            .asText();
    race(
        "identical log-parameter",
        i ->
            s.post(
                "/api/2.0/mlflow/runs/log-parameter",
                "{\"run_id\":\"" + run + "\",\"key\":\"p\",\"value\":\"same\"}"),
        true);
    race(
        "identical log-batch params",
        i ->
            s.post(
                "/api/2.0/mlflow/runs/log-batch",
                "{\"run_id\":\"" + run + "\",\"params\":[{\"key\":\"b\",\"value\":\"same\"}]}"),
        true);
    Response changed =
        s.post(
            "/api/2.0/mlflow/runs/log-parameter",
            "{\"run_id\":\"" + run + "\",\"key\":\"p\",\"value\":\"other\"}");
    assertThat(changed.status()).isEqualTo(400);
    assertThat(changed.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    race(
        "same dataset log-inputs",
        i ->
            s.post(
                "/api/2.0/mlflow/runs/log-inputs",
                "{\"run_id\":\""
                    + run
                    + "\",\"datasets\":[{\"dataset\":{\"name\":\"iris\",\"digest\":\"abc\","
                    + "\"source_type\":\"local\",\"source\":\"{}\"}}]}"),
        true);
    assertThat(
            ok(s.get("/api/2.0/mlflow/runs/get?run_id=" + run))
                .at("/run/inputs/dataset_inputs")
                .size())
        .isEqualTo(1);
    List<Response> experiments =
        race(
            "experiment create",
            i -> s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"one-name\"}"),
            false);
    assertOneWinner(experiments, "RESOURCE_ALREADY_EXISTS");
    List<String> renamed = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      renamed.add(
          ok(s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"rename-" + i + "\"}"))
              .path("experiment_id")
              .asText());
    }
    List<Response> renames =
        race(
            "experiment rename",
            i ->
                s.post(
                    "/api/2.0/mlflow/experiments/update",
                    "{\"experiment_id\":\"" + renamed.get(i) + "\",\"new_name\":\"renamed\"}"),
            false);
    assertOneWinner(renames, "RESOURCE_ALREADY_EXISTS");
  }

  /**
   * Sends {@code CLIENTS} requests at once (each thread waits on one gate) and returns their
   * answers; a request that fails to complete fails the test, and no answer may be a 5xx.
   */
  private static List<Response> race(String what, IntFunction<Response> request, boolean allOk)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      CountDownLatch ready = new CountDownLatch(CLIENTS);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Response>> futures = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        int n = i;
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return request.apply(n);
                }));
      }
      ready.await();
      go.countDown();
      List<Response> out = new ArrayList<>();
      for (Future<Response> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS)); // a failure inside a worker is rethrown here
      }
      for (Response r : out) {
        assertThat(r.status()).as(what + ": " + r.body()).isLessThan(500);
        if (allOk) {
          assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(200);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertOneWinner(List<Response> answers, String loserCode) {
    Set<String> losers = new HashSet<>();
    int winners = 0;
    for (Response r : answers) {
      if (r.status() == 200) {
        winners++;
      } else {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        losers.add(r.errorCode());
      }
    }
    assertThat(winners).isEqualTo(1);
    assertThat(losers).containsOnly(loserCode);
  }

  private static JsonNode ok(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }
}
