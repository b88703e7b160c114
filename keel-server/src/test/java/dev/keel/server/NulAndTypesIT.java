package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.server.TestServer.Response;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Odd strings on every kind of input, on SQLite and PostgreSQL alike: a NUL character (PostgreSQL
 * answered 500, SQLite stored it) and a number where a string is expected ({@code {"name":123}}
 * created experiment "123") are the same 400 naming the field on both, and change nothing.
 */
class NulAndTypesIT {
  static final String NUL = "\\u0000"; // the JSON escape

  @TempDir Path dir;

  @Test
  void nul_and_non_string_values_are_refused_on_sqlite() {
    try (TestServer s = TestServer.start(dir)) {
      check(s);
    }
  }

  @Test
  void nul_and_non_string_values_are_refused_on_postgresql() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    try (TestServer s = TestServer.start(dir, TestDatabases.freshPostgresSchemaUrl())) {
      check(s);
    }
  }

  private static void check(TestServer s) {
    String exp =
        s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"e\"}")
            .json()
            .path("experiment_id")
            .asText();
    String run =
        s.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + exp + "\"}")
            .json()
            .at("/run/info/run_id")
            .asText();
    s.post(
        "/api/2.1/unity-catalog/models",
        "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\"m\"}");
    String before = state(s, run);

    record Case(String method, String path, String body, String field) {}
    List<Case> cases =
        List.of(
            new Case(
                "POST",
                "/api/2.0/mlflow/experiments/create",
                "{\"name\":\"a" + NUL + "\"}",
                "name"),
            new Case("POST", "/api/2.0/mlflow/experiments/create", "{\"name\":123}", "name"),
            new Case(
                "POST",
                "/api/2.0/mlflow/runs/log-parameter",
                "{\"run_id\":\"" + run + "\",\"key\":\"p\",\"value\":\"v" + NUL + "\"}",
                "value"),
            new Case(
                "POST",
                "/api/2.0/mlflow/runs/log-parameter",
                "{\"run_id\":\"" + run + "\",\"key\":\"p\",\"value\":0.1}",
                "value"),
            new Case(
                "POST",
                "/api/2.0/mlflow/runs/set-tag",
                "{\"run_id\":\"" + run + "\",\"key\":\"t" + NUL + "\",\"value\":\"v\"}",
                "key"),
            new Case(
                "POST",
                "/api/2.0/mlflow/runs/log-batch",
                "{\"run_id\":\"" + run + "\",\"tags\":[{\"key\":\"t\",\"value\":\"" + NUL + "\"}]}",
                "tags[0].value"),
            new Case(
                "POST",
                "/api/2.0/mlflow/runs/search",
                "{\"experiment_ids\":[\"" + exp + "\"],\"filter\":\"params.p = '" + NUL + "'\"}",
                "filter"),
            new Case(
                "GET",
                "/api/2.0/mlflow/experiments/get-by-name?experiment_name=a%00",
                null,
                "experiment_name"),
            new Case(
                "PATCH",
                "/api/2.1/unity-catalog/models/main.default.m",
                "{\"comment\":\"c" + NUL + "\"}",
                "comment"),
            // Jetty refuses a NUL in the path before routing: a 400 for the whole request.
            new Case("GET", "/api/2.1/unity-catalog/models/main.default.m%00", null, null),
            new Case(
                "POST",
                "/api/2.1/unity-catalog/catalogs",
                "{\"name\":\"c\",\"comment\":\"" + NUL + "\"}",
                "comment"));
    for (Case c : cases) {
      Response r = s.send(c.method(), c.path(), c.body());
      assertThat(r.status()).as(c + " → " + r.body()).isEqualTo(400);
      if (c.field() != null) {
        assertThat(r.body()).as(c.toString()).contains("'" + c.field() + "'");
      }
    }
    assertThat(state(s, run)).isEqualTo(before);
  }

  /** What the cases could have changed: experiments, the run, the model, catalogs. */
  private static String state(TestServer s, String run) {
    return s.post("/api/2.0/mlflow/experiments/search", "{\"max_results\":100}").body()
        + s.get("/api/2.0/mlflow/runs/get?run_id=" + run).body()
        + s.get("/api/2.1/unity-catalog/models/main.default.m").body()
        + s.get("/api/2.1/unity-catalog/catalogs").body();
  }
}
