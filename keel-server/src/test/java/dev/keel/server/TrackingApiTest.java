package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MLflow tracking API against a real server on port 0. */
class TrackingApiTest {
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static String createExperiment(String name) {
    Response r = s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("experiment_id").asText();
  }

  static String createRun(String experimentId) {
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/create",
            "{\"experiment_id\":\"" + experimentId + "\",\"start_time\":\"1700000000000\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().at("/run/info/run_id").asText();
  }

  @Test
  void default_experiment_zero_exists() {
    Response r = s.get("/api/2.0/mlflow/experiments/get?experiment_id=0");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/experiment/name").asText()).isEqualTo("Default");
    assertThat(r.json().at("/experiment/lifecycle_stage").asText()).isEqualTo("active");
  }

  @Test
  void create_experiment_twice_is_resource_already_exists_400() {
    createExperiment("dup-exp");
    Response r = s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"dup-exp\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
  }

  @Test
  void unknown_experiment_is_404_resource_does_not_exist() {
    Response r = s.get("/api/2.0/mlflow/experiments/get?experiment_id=987654");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    Response byName = s.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope-nope");
    assertThat(byName.status()).isEqualTo(404);
  }

  @Test
  void missing_required_field_names_it() {
    Response r = s.post("/api/2.0/mlflow/experiments/create", "{}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(r.json().get("message").asText()).contains("'name'");
  }

  @Test
  void ajax_api_mirrors_the_api() {
    String id = createExperiment("ajax-exp");
    Response r = s.get("/ajax-api/2.0/mlflow/experiments/get?experiment_id=" + id);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/experiment/name").asText()).isEqualTo("ajax-exp");
  }

  @Test
  void run_gets_name_tag_artifact_uri_and_running_status() {
    String exp = createExperiment("run-basics");
    String run = createRun(exp);
    JsonNode info = s.get("/api/2.0/mlflow/runs/get?run_id=" + run).json().at("/run/info");
    assertThat(info.get("run_uuid").asText()).isEqualTo(run);
    assertThat(info.get("status").asText()).isEqualTo("RUNNING");
    assertThat(info.get("start_time").asLong()).isEqualTo(1700000000000L);
    assertThat(info.get("artifact_uri").asText())
        .isEqualTo("mlflow-artifacts:/" + exp + "/" + run + "/artifacts");
    assertThat(info.get("run_name").asText()).matches("[a-z]+-[a-z]+-\\d+");
    assertThat(info.has("end_time")).isFalse();
    JsonNode tags = s.get("/api/2.0/mlflow/runs/get?run_id=" + run).json().at("/run/data/tags");
    assertThat(tags.toString()).contains("mlflow.runName").contains(info.get("run_name").asText());
  }

  @Test
  void latest_metric_is_greatest_step_then_timestamp_then_value() {
    String run = createRun(createExperiment("latest-metric"));
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/log-batch",
            """
            {"run_id":"%s","metrics":[
              {"key":"loss","value":5,"timestamp":"100","step":"2"},
              {"key":"loss","value":1,"timestamp":"300","step":"1"},
              {"key":"loss","value":3,"timestamp":"100","step":"2"},
              {"key":"loss","value":4,"timestamp":"50","step":"2"}]}
            """
                .formatted(run));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    s.post(
        "/api/2.0/mlflow/runs/log-metric",
        "{\"run_id\":\"%s\",\"key\":\"loss\",\"value\":0.5,\"timestamp\":99,\"step\":1}"
            .formatted(run));
    JsonNode m = s.get("/api/2.0/mlflow/runs/get?run_id=" + run).json().at("/run/data/metrics/0");
    assertThat(m.get("value").asDouble()).isEqualTo(5.0);
    assertThat(m.get("step").asLong()).isEqualTo(2);
    JsonNode hist =
        s.get("/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=loss")
            .json()
            .get("metrics");
    assertThat(hist).hasSize(5);
  }

  @Test
  void nan_and_infinity_metric_values_round_trip_as_strings() {
    String run = createRun(createExperiment("nan-metric"));
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/log-batch",
            """
            {"run_id":"%s","metrics":[
              {"key":"a","value":"NaN","timestamp":1,"step":0},
              {"key":"b","value":"Infinity","timestamp":1,"step":0},
              {"key":"c","value":"-Infinity","timestamp":1,"step":0}]}
            """
                .formatted(run));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String body = s.get("/api/2.0/mlflow/runs/get?run_id=" + run).body();
    assertThat(body).contains("\"NaN\"").contains("\"Infinity\"").contains("\"-Infinity\"");
  }

  @Test
  void params_are_write_once() {
    String run = createRun(createExperiment("params-once"));
    String body = "{\"run_id\":\"%s\",\"key\":\"lr\",\"value\":\"0.1\"}".formatted(run);
    assertThat(s.post("/api/2.0/mlflow/runs/log-parameter", body).status()).isEqualTo(200);
    assertThat(s.post("/api/2.0/mlflow/runs/log-parameter", body).status()).isEqualTo(200);
    Response changed =
        s.post(
            "/api/2.0/mlflow/runs/log-parameter",
            "{\"run_id\":\"%s\",\"key\":\"lr\",\"value\":\"0.2\"}".formatted(run));
    assertThat(changed.status()).isEqualTo(400);
    assertThat(changed.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(changed.json().get("message").asText())
        .contains("Changing param values is not allowed");
  }

  @Test
  void metric_history_pages_with_tokens_and_omits_token_on_last_page() {
    String run = createRun(createExperiment("history-pages"));
    StringBuilder b = new StringBuilder("{\"run_id\":\"" + run + "\",\"metrics\":[");
    for (int i = 0; i < 25; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"key\":\"m\",\"value\":")
          .append(i)
          .append(",\"timestamp\":")
          .append(1000 + i)
          .append(",\"step\":")
          .append(i)
          .append("}");
    }
    b.append("]}");
    assertThat(s.post("/api/2.0/mlflow/runs/log-batch", b.toString()).status()).isEqualTo(200);
    List<Double> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      JsonNode page =
          s.get(
                  "/api/2.0/mlflow/metrics/get-history?run_id="
                      + run
                      + "&metric_key=m&max_results=10"
                      + (token.isEmpty() ? "" : "&page_token=" + token))
              .json();
      page.get("metrics").forEach(m -> seen.add(m.get("value").asDouble()));
      token = page.path("next_page_token").asText("");
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(25).isSorted();
  }

  @Test
  void search_runs_filters_orders_and_pages() {
    String exp = createExperiment("search-runs");
    for (int i = 0; i < 7; i++) {
      String run = createRun(exp);
      s.post(
          "/api/2.0/mlflow/runs/log-batch",
          """
          {"run_id":"%s","metrics":[{"key":"acc","value":%s,"timestamp":1,"step":0}],
           "params":[{"key":"model","value":"%s"}]}
          """
              .formatted(run, 0.8 + i * 0.03, i % 2 == 0 ? "xgb" : "lr"));
    }
    String filter = "metrics.acc > 0.85 and params.model = 'xgb'";
    List<Double> accs = new ArrayList<>();
    String token = "";
    do {
      JsonNode page =
          s.post(
                  "/api/2.0/mlflow/runs/search",
                  JSON(
                      "{\"experiment_ids\":[\"%s\"],\"filter\":\"%s\",\"order_by\":[\"metrics.acc DESC\"],\"max_results\":2%s}",
                      exp, filter, token.isEmpty() ? "" : ",\"page_token\":\"" + token + "\""))
              .json();
      page.path("runs").forEach(r -> accs.add(r.at("/data/metrics/0/value").asDouble()));
      token = page.path("next_page_token").asText("");
    } while (!token.isEmpty());
    assertThat(accs).hasSize(3).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(accs.get(0)).isCloseTo(0.98, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void bad_filter_is_invalid_parameter_value() {
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/search",
            "{\"experiment_ids\":[\"0\"],\"filter\":\"metrics.acc > 1 OR params.a = 'b'\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
  }

  @Test
  void deleting_an_experiment_deletes_its_runs_and_restore_brings_them_back() {
    String exp = createExperiment("delete-restore");
    String run = createRun(exp);
    assertThat(
            s.post("/api/2.0/mlflow/experiments/delete", "{\"experiment_id\":\"" + exp + "\"}")
                .status())
        .isEqualTo(200);
    assertThat(
            s.get("/api/2.0/mlflow/runs/get?run_id=" + run)
                .json()
                .at("/run/info/lifecycle_stage")
                .asText())
        .isEqualTo("deleted");
    Response write =
        s.post(
            "/api/2.0/mlflow/runs/set-tag",
            "{\"run_id\":\"%s\",\"key\":\"k\",\"value\":\"v\"}".formatted(run));
    assertThat(write.status()).isEqualTo(400);
    Response byName =
        s.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=delete-restore");
    assertThat(byName.json().at("/experiment/lifecycle_stage").asText()).isEqualTo("deleted");
    assertThat(
            s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"delete-restore\"}")
                .errorCode())
        .isEqualTo("RESOURCE_ALREADY_EXISTS");
    assertThat(
            s.post("/api/2.0/mlflow/experiments/restore", "{\"experiment_id\":\"" + exp + "\"}")
                .status())
        .isEqualTo(200);
    assertThat(
            s.get("/api/2.0/mlflow/runs/get?run_id=" + run)
                .json()
                .at("/run/info/lifecycle_stage")
                .asText())
        .isEqualTo("active");
  }

  @Test
  void update_run_sets_status_end_time_and_name() {
    String run = createRun(createExperiment("update-run"));
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/update",
            "{\"run_uuid\":\"%s\",\"run_id\":\"%s\",\"status\":\"FINISHED\",\"end_time\":\"1700000005000\",\"run_name\":\"final\"}"
                .formatted(run, run));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/run_info/status").asText()).isEqualTo("FINISHED");
    assertThat(r.json().at("/run_info/end_time").asLong()).isEqualTo(1700000005000L);
    assertThat(r.json().at("/run_info/run_name").asText()).isEqualTo("final");
    assertThat(s.get("/api/2.0/mlflow/runs/get?run_id=" + run).body())
        .contains("\"value\":\"final\"");
  }

  @Test
  void update_run_without_end_time_keeps_a_running_run_without_one() {
    String run = createRun(createExperiment("update-run-no-end"));
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/update",
            "{\"run_id\":\"%s\",\"status\":\"FAILED\"}".formatted(run));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().at("/run_info/status").asText()).isEqualTo("FAILED");
    assertThat(r.json().at("/run_info/end_time").isMissingNode()).isTrue();
  }

  @Test
  void log_inputs_records_datasets_searchable_by_context() {
    String exp = createExperiment("datasets");
    String run = createRun(exp);
    Response r =
        s.post(
            "/api/2.0/mlflow/runs/log-inputs",
            """
            {"run_id":"%s","datasets":[{"tags":[{"key":"mlflow.data.context","value":"training"}],
              "dataset":{"name":"iris","digest":"abc123","source_type":"local","source":"{\\"uri\\":\\"x\\"}"}}]}
            """
                .formatted(run));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode in =
        s.get("/api/2.0/mlflow/runs/get?run_id=" + run).json().at("/run/inputs/dataset_inputs/0");
    assertThat(in.at("/dataset/name").asText()).isEqualTo("iris");
    JsonNode found =
        s.post(
                "/api/2.0/mlflow/runs/search",
                "{\"experiment_ids\":[\"%s\"],\"filter\":\"datasets.context = 'training'\"}"
                    .formatted(exp))
            .json();
    assertThat(found.get("runs")).hasSize(1);
  }

  @Test
  void search_experiments_by_name_like() {
    createExperiment("alpha-one");
    createExperiment("alpha-two");
    JsonNode r =
        s.post(
                "/api/2.0/mlflow/experiments/search",
                "{\"filter\":\"name LIKE 'alpha-%'\",\"max_results\":\"10\"}")
            .json();
    assertThat(r.get("experiments")).hasSize(2);
  }

  @Test
  void health_version_ready_and_metrics_answer() {
    assertThat(s.get("/health").body()).isEqualTo("OK");
    assertThat(s.get("/ready").status()).isEqualTo(200);
    assertThat(s.get("/version").body()).isNotBlank();
    s.get("/api/2.0/mlflow/experiments/get?experiment_id=0");
    String metrics = s.get("/metrics").body();
    assertThat(metrics)
        .contains("keel_http_server_requests_seconds_count")
        .contains("/api/2.0/mlflow/experiments/get");
  }

  @Test
  void unknown_path_is_json_404() {
    Response r = s.get("/api/2.0/mlflow/nope");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
  }

  static String JSON(String fmt, Object... args) {
    return fmt.formatted(args);
  }
}
