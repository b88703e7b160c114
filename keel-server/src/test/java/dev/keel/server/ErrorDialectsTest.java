package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each API answers errors in its own dialect, never in another's: the same faults (unknown object,
 * bad input, duplicate, malformed body, unknown path) asked of every API family.
 */
class ErrorDialectsTest {
  private static final Set<String> MLFLOW =
      Set.of(
          "INVALID_PARAMETER_VALUE",
          "MALFORMED_REQUEST",
          "RESOURCE_DOES_NOT_EXIST",
          "RESOURCE_ALREADY_EXISTS",
          "ENDPOINT_NOT_FOUND");
  private static final Set<String> UNITY_CATALOG =
      Set.of("INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS", "FAILED_PRECONDITION");
  private static final Set<String> DATABRICKS =
      Set.of(
          "INVALID_PARAMETER_VALUE",
          "MALFORMED_REQUEST",
          "RESOURCE_DOES_NOT_EXIST",
          "RESOURCE_ALREADY_EXISTS",
          "ENDPOINT_NOT_FOUND",
          "BAD_REQUEST");
  private static final Set<String> KEEL =
      Set.of("INVALID_ARGUMENT", "MALFORMED_REQUEST", "NOT_FOUND", "ALREADY_EXISTS");

  @TempDir static Path dir;
  private static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static void expect(TestServer.Response r, int status, String code, Set<String> dialect) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.errorCode()).as(r.body()).isEqualTo(code);
    assertThat(dialect).as("the API's own vocabulary").contains(code);
  }

  @Test
  void mlflow_tracking_and_registry_answer_in_mlflow_codes() {
    expect(
        s.send("GET", "/api/2.0/mlflow/experiments/get?experiment_id=999", null),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        MLFLOW);
    expect(
        s.post("/api/2.0/mlflow/experiments/create", "{}"), 400, "INVALID_PARAMETER_VALUE", MLFLOW);
    s.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"dup\"}");
    expect(
        s.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"dup\"}"),
        400,
        "RESOURCE_ALREADY_EXISTS",
        MLFLOW);
    expect(
        s.post("/api/2.0/mlflow/experiments/create", "{\"name\": "),
        400,
        "MALFORMED_REQUEST",
        MLFLOW);
    expect(s.send("GET", "/api/2.0/mlflow/no-such-rpc", null), 404, "ENDPOINT_NOT_FOUND", MLFLOW);
    expect(
        s.send("GET", "/api/2.0/mlflow/registered-models/get?name=main.default.nope", null),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        MLFLOW);
    expect(
        s.send("GET", "/ajax-api/2.0/mlflow/runs/get?run_id=nope", null),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        MLFLOW);
  }

  @Test
  void unity_catalog_answers_in_unity_catalog_codes() {
    String uc = "/api/2.1/unity-catalog";
    expect(s.send("GET", uc + "/catalogs/nope", null), 404, "NOT_FOUND", UNITY_CATALOG);
    expect(s.post(uc + "/catalogs", "{}"), 400, "INVALID_ARGUMENT", UNITY_CATALOG);
    expect(s.post(uc + "/catalogs", "{\"name\": \"main\"}"), 409, "ALREADY_EXISTS", UNITY_CATALOG);
    expect(s.post(uc + "/catalogs", "{\"name\": "), 400, "INVALID_ARGUMENT", UNITY_CATALOG);
    expect(s.send("GET", uc + "/tables/main.default.nope", null), 404, "NOT_FOUND", UNITY_CATALOG);
    expect(s.send("GET", uc + "/models/main.default.nope", null), 404, "NOT_FOUND", UNITY_CATALOG);
    expect(s.send("GET", uc + "/no-such-thing", null), 404, "NOT_FOUND", UNITY_CATALOG);
  }

  @Test
  void databricks_serving_and_feature_store_answer_in_databricks_codes() {
    expect(
        s.send("GET", "/api/2.0/serving-endpoints/nope", null),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        DATABRICKS);
    expect(s.post("/api/2.0/serving-endpoints", "{}"), 400, "INVALID_PARAMETER_VALUE", DATABRICKS);
    expect(
        s.post("/api/2.0/serving-endpoints", "{\"name\": "), 400, "MALFORMED_REQUEST", DATABRICKS);
    expect(
        s.send("GET", "/api/2.0/feature-store/feature-tables/main.default.nope", null),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        DATABRICKS);
    expect(
        s.post("/api/2.0/feature-store/feature-tables", "{}"),
        400,
        "INVALID_PARAMETER_VALUE",
        DATABRICKS);
    expect(
        s.post("/serving-endpoints/nope/invocations", "{\"inputs\": [1]}"),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        DATABRICKS);
  }

  @Test
  void open_inference_protocol_answers_with_an_error_field() {
    TestServer.Response r = s.send("GET", "/v2/models/nope", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().has("error")).isTrue();
    assertThat(r.json().has("error_code")).isFalse();
  }

  @Test
  void keel_own_apis_answer_in_keel_codes() {
    expect(
        s.send("GET", "/api/2.0/keel/tables/main.default.nope/preview", null),
        404,
        "NOT_FOUND",
        KEEL);
    expect(
        s.post("/api/2.0/keel/tables/main.default.nope/rows", "{\"mode\": "),
        400,
        "MALFORMED_REQUEST",
        KEEL);
  }
}
