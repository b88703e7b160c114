package dev.keel.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.server.TestServer;
import dev.keel.server.serving.ServingFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's last arrow, end to end on one server: an endpoint serves with an inference table, an
 * inference-log monitor watches its predictions table against a baseline, drifted traffic moves the
 * feature's distribution, the refresh's drift row breaks an alert's rule, and the alert starts the
 * retraining job with the alert's values as job parameters.
 */
class MonitoringEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void drifted_traffic_on_a_served_model_fires_an_alert_that_starts_a_job_run() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      ServingFixtures.model(s, "churn");
      long v = ServingFixtures.version(s, "churn", true);
      TestServer.Response ep =
          s.post(
              "/api/2.0/serving-endpoints",
              "{\"name\":\"churn-ep\",\"config\":{\"served_entities\":[{\"entity_name\":"
                  + "\"main.default.churn\",\"entity_version\":\""
                  + v
                  + "\"}]},\"ai_gateway\":{\"inference_table_config\":{\"catalog_name\":\"main\","
                  + "\"schema_name\":\"default\",\"table_name_prefix\":\"churn_ep\","
                  + "\"enabled\":true}}}");
      assertThat(ep.status()).as(ep.body()).isEqualTo(200);
      ServingFixtures.awaitSettled(s, "churn-ep");

      // The baseline: the features as the model saw them in training (f0 around 0)
      JsonNode predictions =
          s.get("/api/2.1/unity-catalog/tables/main.default.churn_ep_predictions").json();
      ObjectNode base = JSON.createObjectNode();
      base.put("name", "churn_baseline");
      base.put("catalog_name", "main");
      base.put("schema_name", "default");
      ArrayNode cols = base.putArray("columns");
      int pos = 0;
      for (JsonNode c : predictions.path("columns")) {
        String n = c.path("name").asText();
        if (n.matches("f[0-3]|prediction")) {
          cols.addObject()
              .put("name", n)
              .put("type_name", c.path("type_name").asText())
              .put("position", pos++);
        }
      }
      assertThat(cols).hasSize(5);
      assertThat(s.post("/api/2.1/unity-catalog/tables", base.toString()).status()).isEqualTo(200);
      Random rnd = new Random(7);
      ObjectNode rows = JSON.createObjectNode();
      ArrayNode rs = rows.putArray("rows");
      for (int i = 0; i < 300; i++) {
        rs.addObject()
            .put("f0", rnd.nextGaussian())
            .put("f1", rnd.nextGaussian())
            .put("f2", rnd.nextGaussian())
            .put("f3", rnd.nextGaussian())
            .put("prediction", rnd.nextDouble());
      }
      assertThat(
              s.post("/api/2.0/keel/tables/main.default.churn_baseline/rows", rows.toString())
                  .status())
          .isEqualTo(200);

      // The retraining job: its condition task checks the parameters the alert passes
      TestServer.Response job =
          s.post(
              "/api/2.2/jobs/create",
              """
              {"name": "retrain-churn",
               "parameters": [{"name": "metric", "default": ""}, {"name": "alert_name", "default": ""},
                              {"name": "value", "default": "0"}, {"name": "table_name", "default": ""}],
               "tasks": [{"task_key": "check", "condition_task": {"op": "EQUAL_TO",
                 "left": "{{job.parameters.metric}}", "right": "population_stability_index"}}]}
              """);
      assertThat(job.status()).as(job.body()).isEqualTo(200);
      long jobId = job.json().path("job_id").asLong();

      String mon = "/api/2.1/unity-catalog/tables/main.default.churn_ep_predictions/monitor";
      TestServer.Response m =
          s.post(
              mon,
              """
              {"output_schema_name": "main.default",
               "inference_log": {"problem_type": "PROBLEM_TYPE_REGRESSION", "timestamp_col": "request_time",
                 "granularities": ["1 day"], "prediction_col": "prediction", "model_id_col": "model_id"},
               "baseline_table_name": "main.default.churn_baseline"}
              """);
      assertThat(m.status()).as(m.body()).isEqualTo(200);
      TestServer.Response alert =
          s.post(
              "/api/2.0/keel/alerts",
              """
              {"name": "f0 drift", "table_name": "main.default.churn_ep_predictions",
               "metric": "population_stability_index", "column_name": "f0",
               "op": "GREATER_THAN", "threshold": 0.2,
               "run_job": {"job_id": %d}}
              """
                  .formatted(jobId));
      assertThat(alert.status()).as(alert.body()).isEqualTo(200);
      String alertId = alert.json().path("alert_id").asText();

      // Drifted traffic: f0 moved by +3 standard deviations
      int scored = 0;
      for (int b = 0; b < 4; b++) {
        ObjectNode req = JSON.createObjectNode();
        ObjectNode split = req.putObject("dataframe_split");
        split.putArray("columns").add("f0").add("f1").add("f2").add("f3");
        ArrayNode data = split.putArray("data");
        for (int i = 0; i < 50; i++) {
          data.addArray()
              .add(3 + rnd.nextGaussian())
              .add(rnd.nextGaussian())
              .add(rnd.nextGaussian())
              .add(rnd.nextGaussian());
          scored++;
        }
        TestServer.Response r = s.post("/serving-endpoints/churn-ep/invocations", req.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      awaitCount(s, "main.default.churn_ep_predictions", scored);

      long refreshId = s.post(mon + "/refreshes", "").json().path("refresh_id").asLong();
      JsonNode done = awaitRefresh(s, mon, refreshId);
      assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCESS");

      JsonNode firing = awaitFiring(s, alertId);
      assertThat(firing.path("value").asDouble()).isGreaterThan(0.2);
      long runId = firing.path("job_run_id").asLong();
      assertThat(runId).isPositive();
      JsonNode run = awaitRun(s, runId);
      assertThat(run.at("/state/result_state").asText()).as(run.toString()).isEqualTo("SUCCESS");
      assertThat(run.path("job_parameters").toString())
          .contains("population_stability_index")
          .contains("f0 drift");
      assertThat(s.get("/api/2.0/keel/alerts/" + alertId).json().path("state").asText())
          .isEqualTo("TRIGGERED");
    }
  }

  static void awaitCount(TestServer s, String table, long n) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (s.get("/api/2.0/keel/tables/" + table + "/count").json().path("count").asLong() < n) {
      assertThat(Instant.now()).as("inference rows logged").isBefore(deadline);
      Thread.sleep(100);
    }
  }

  static JsonNode awaitRefresh(TestServer s, String mon, long id) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (true) {
      JsonNode r = s.get(mon + "/refreshes/" + id).json();
      if (!r.path("state").asText().matches("PENDING|RUNNING")) {
        return r;
      }
      assertThat(Instant.now()).as(r.toString()).isBefore(deadline);
      Thread.sleep(100);
    }
  }

  static JsonNode awaitFiring(TestServer s, String alertId) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      JsonNode f = s.get("/api/2.0/keel/alerts/" + alertId + "/firings").json().path("firings");
      if (f.size() > 0 && f.get(0).path("job_run_id").asLong() > 0) {
        assertThat(f).hasSize(1);
        return f.get(0);
      }
      assertThat(Instant.now())
          .as(s.get("/api/2.0/keel/alerts/" + alertId + "/firings").body())
          .isBefore(deadline);
      Thread.sleep(100);
    }
  }

  static JsonNode awaitRun(TestServer s, long runId) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      JsonNode r = s.get("/api/2.2/jobs/runs/get?run_id=" + runId).json();
      if (r.at("/state/life_cycle_state").asText().matches("TERMINATED|INTERNAL_ERROR|SKIPPED")) {
        return r;
      }
      assertThat(Instant.now()).as(r.toString()).isBefore(deadline);
      Thread.sleep(100);
    }
  }
}
