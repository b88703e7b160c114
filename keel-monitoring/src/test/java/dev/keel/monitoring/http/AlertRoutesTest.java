package dev.keel.monitoring.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.http.HttpMetrics;
import dev.keel.http.HttpServer;
import dev.keel.monitoring.alerts.AlertJobs;
import dev.keel.monitoring.alerts.AlertMonitors;
import dev.keel.monitoring.alerts.AlertService;
import dev.keel.monitoring.alerts.AlertSettings;
import dev.keel.monitoring.alerts.MonitorFacts;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertRoutesTest {
  static final String TABLE = "main.ml.preds";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  Database db;
  AlertService alerts;
  HttpServer server;

  record Answer(int status, JsonNode body) {}

  @BeforeEach
  void start() {
    db = TestDatabases.sqlite(dir);
    AlertMonitors monitors =
        t ->
            t.equals(TABLE)
                ? Optional.of(
                    new MonitorFacts(
                        TABLE,
                        List.of("1 day"),
                        false,
                        "main.mon.preds_profile_metrics",
                        "main.mon.preds_drift_metrics",
                        Set.of(),
                        Set.of()))
                : Optional.empty();
    AlertJobs jobs =
        new AlertJobs() {
          @Override
          public long runNow(long jobId, Map<String, String> p, String runAs, String token) {
            return 1;
          }

          @Override
          public void checkCanRun(long jobId, String user) {
            if (jobId != 7) {
              throw dev.keel.core.KeelException.invalid(
                  "run_job.job_id: job " + jobId + " does not exist");
            }
          }
        };
    alerts = new AlertService(db, monitors, jobs, AlertSettings.defaults());
    server =
        HttpServer.start(
            new HttpServer.Options("127.0.0.1", 0, 1 << 20, "alerts-test", 16),
            List.of(new AlertRoutes(alerts)),
            new HttpMetrics());
  }

  @AfterEach
  void stop() {
    server.close();
    alerts.close();
    db.close();
  }

  Answer call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()));
  }

  static String create(String extra) {
    return "{\"name\": \"psi\", \"table_name\": \""
        + TABLE
        + "\", \"metric\":"
        + " \"population_stability_index\", \"op\": \"GREATER_THAN\", \"threshold\": 0.2"
        + extra
        + "}";
  }

  @Test
  void create_get_list_update_and_delete_an_alert() throws Exception {
    Answer c =
        call(
            "POST",
            "/api/2.0/keel/alerts",
            create(
                ", \"evaluation\": {\"violations\": 2, \"windows\": 5}, \"notifications\":"
                    + " {\"webhooks\": [{\"url\": \"https://hooks.example.com/a\", \"secret\":"
                    + " \"topsecret\"}]}, \"run_job\": {\"job_id\": 7, \"job_parameters\": {\"a\":"
                    + " \"b\"}}"));
    assertThat(c.status()).as(c.body().toString()).isEqualTo(200);
    String id = c.body().path("alert_id").asText();
    assertThat(c.body().path("state").asText()).isEqualTo("UNKNOWN");
    assertThat(c.body().path("drift_type").asText()).isEqualTo("CONSECUTIVE");
    assertThat(c.body().path("granularity").asText()).isEqualTo("1 day");
    assertThat(c.body().path("column_name").asText()).isEqualTo(":table");
    assertThat(c.body().path("created_by").asText()).isEqualTo("keel");
    assertThat(c.body().path("evaluation").path("windows").asInt()).isEqualTo(5);
    assertThat(c.body().path("run_job").path("job_id").asLong()).isEqualTo(7);
    assertThat(c.body().toString()).doesNotContain("topsecret");
    assertThat(
            c.body().path("notifications").path("webhooks").get(0).path("has_secret").asBoolean())
        .isTrue();

    Answer g = call("GET", "/api/2.0/keel/alerts/" + id, null);
    assertThat(g.body()).isEqualTo(c.body());
    Answer l = call("GET", "/api/2.0/keel/alerts?table_name=" + TABLE + "&max_results=10", null);
    assertThat(l.body().path("alerts")).hasSize(1);

    Answer u =
        call(
            "PATCH",
            "/api/2.0/keel/alerts/" + id,
            "{\"threshold\": 0.3, \"run_job\": null, \"notifications\": {\"webhooks\": [{\"url\":"
                + " \"https://hooks.example.com/a\"}]}}");
    assertThat(u.status()).as(u.body().toString()).isEqualTo(200);
    assertThat(u.body().path("threshold").asDouble()).isEqualTo(0.3);
    assertThat(u.body().has("run_job")).isFalse();
    assertThat(
            u.body().path("notifications").path("webhooks").get(0).path("has_secret").asBoolean())
        .as("a webhook resent without its secret keeps it")
        .isTrue();

    Answer f = call("GET", "/api/2.0/keel/alerts/" + id + "/firings", null);
    assertThat(f.status()).isEqualTo(200);
    assertThat(f.body().path("firings")).isEmpty();

    assertThat(call("DELETE", "/api/2.0/keel/alerts/" + id, null).status()).isEqualTo(200);
    Answer gone = call("GET", "/api/2.0/keel/alerts/" + id, null);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.body().path("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void unknown_alert_returns_404_on_every_route() throws Exception {
    String p = "/api/2.0/keel/alerts/0123456789abcdef0123456789abcdef";
    assertThat(call("GET", p, null).status()).isEqualTo(404);
    assertThat(call("PATCH", p, "{\"threshold\": 1}").status()).isEqualTo(404);
    assertThat(call("DELETE", p, null).status()).isEqualTo(404);
    assertThat(call("GET", p + "/firings", null).status()).isEqualTo(404);
  }

  @Test
  void an_alert_on_a_table_without_monitor_returns_404() throws Exception {
    Answer a =
        call("POST", "/api/2.0/keel/alerts", create("").replace(TABLE, "main.ml.unmonitored"));
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.body().path("message").asText()).contains("main.ml.unmonitored");
  }

  @Test
  void bad_input_returns_400_naming_the_field_and_saves_nothing() throws Exception {
    Map<String, String> cases =
        new java.util.LinkedHashMap<>(
            Map.of(
                create(", \"op\": \"BIGGER\"").replace("\"op\": \"GREATER_THAN\", ", ""), "op",
                create("").replace("population_stability_index", "nope"), "metric",
                create(", \"notifications\": {\"webhooks\": [{\"url\": \"ftp://x/y\"}]}"),
                    "notifications.webhooks[0].url",
                create(
                        ", \"notifications\": {\"webhooks\": [{\"url\": \"http://169.254.169.254/\"}]}"),
                    "notifications.webhooks[0].url",
                create(", \"evaluation\": {\"violations\": 3, \"windows\": 2}"),
                    "evaluation.violations",
                create(", \"drift_type\": \"BASELINE\""), "drift_type",
                create(", \"granularity\": \"1 hour\""), "granularity",
                create(", \"slice_key\": \"country\""), "slice_value",
                create(", \"run_job\": {\"job_id\": 8}"), "run_job.job_id",
                create(", \"colour\": \"red\""), "colour"));
    cases.put(create("").replace("0.2", "\"high\""), "threshold");
    cases.put(create("").replace("\"name\": \"psi\", ", ""), "name");
    cases.put(create(", \"evaluation\": {\"windows\": 0}"), "evaluation.windows");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Answer a = call("POST", "/api/2.0/keel/alerts", c.getKey());
      assertThat(a.status()).as(c.getKey() + " -> " + a.body()).isEqualTo(400);
      assertThat(a.body().path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
      assertThat(a.body().path("message").asText()).as(c.getKey()).contains(c.getValue());
    }
    assertThat(alerts.list(Optional.empty(), 0, Optional.empty()).items()).isEmpty();
  }

  @Test
  void a_patch_that_changes_the_table_is_refused() throws Exception {
    String id = call("POST", "/api/2.0/keel/alerts", create("")).body().path("alert_id").asText();
    Answer a = call("PATCH", "/api/2.0/keel/alerts/" + id, "{\"table_name\": \"main.ml.other\"}");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.body().path("message").asText()).contains("table_name");
  }

  @Test
  void list_pages_with_max_results_and_page_token() throws Exception {
    for (int i = 0; i < 3; i++) {
      call("POST", "/api/2.0/keel/alerts", create(""));
    }
    Answer p1 = call("GET", "/api/2.0/keel/alerts?max_results=2", null);
    assertThat(p1.body().path("alerts")).hasSize(2);
    String token = p1.body().path("next_page_token").asText();
    Answer p2 = call("GET", "/api/2.0/keel/alerts?max_results=2&page_token=" + token, null);
    assertThat(p2.body().path("alerts")).hasSize(1);
    assertThat(p2.body().has("next_page_token")).isFalse();
    assertThat(call("GET", "/api/2.0/keel/alerts?max_results=1000", null).status()).isEqualTo(400);
    assertThat(call("GET", "/api/2.0/keel/alerts?page_token=zzz", null).status()).isEqualTo(400);
  }
}
