package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Page;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The wire shapes of {@link AlertsClient} against {@link FakeApi} answering recorded JSON. */
class AlertsClientTest extends FakeApiFixture {
  static final String API = "/api/2.0/keel/alerts";

  static AlertSpec spec() {
    return AlertSpec.builder("age drift", "main.ml.churn_preds", "js_distance", "GREATER_THAN", 0.2)
        .columnName(Optional.of("age"))
        .slice(Optional.of("country"), Optional.of("FR"))
        .modelId(Optional.of("*"))
        .granularity(Optional.of("1 day"))
        .driftType(Optional.of("BASELINE"))
        .evaluation(Optional.of(new AlertSpec.Evaluation(2, 5)))
        .webhooks(
            List.of(new AlertSpec.Webhook("https://hooks.example.com/keel", Optional.of("s3cret"))))
        .runJob(Optional.of(new AlertSpec.RunJob(42, Map.of("reason", "drift"))))
        .build();
  }

  @Test
  void create_posts_the_rule_and_reads_the_alert_back_without_the_secret() throws IOException {
    api.on("POST", API, FakeApi.resource("/monitoring/alert.json"));
    Alert a = client.alerts().create(spec());
    JsonNode expected =
        KeelJson.MAPPER.readTree(
            """
            {"name":"age drift","table_name":"main.ml.churn_preds","metric":"js_distance",
             "column_name":"age","slice_key":"country","slice_value":"FR","model_id":"*",
             "granularity":"1 day","drift_type":"BASELINE","op":"GREATER_THAN","threshold":0.2,
             "evaluation":{"violations":2,"windows":5},
             "notifications":{"webhooks":[{"url":"https://hooks.example.com/keel",
               "secret":"s3cret"}]},
             "run_job":{"job_id":42,"job_parameters":{"reason":"drift"}}}
            """);
    assertThat(api.last().json()).isEqualTo(expected);
    assertThat(a.alertId()).isEqualTo("a-7f3c");
    assertThat(a.state()).isEqualTo("TRIGGERED");
    assertThat(a.lastEvaluatedMs()).hasValue(1765100005000L);
    assertThat(a.createdBy()).isEqualTo("alice@example.com");
    assertThat(a.createdAtMs()).isEqualTo(1765000000000L);
    AlertSpec withoutSecret =
        new AlertSpec(
            spec().name(),
            spec().tableName(),
            spec().metric(),
            spec().columnName(),
            spec().sliceKey(),
            spec().sliceValue(),
            spec().modelId(),
            spec().granularity(),
            spec().driftType(),
            spec().op(),
            spec().threshold(),
            spec().evaluation(),
            List.of(new AlertSpec.Webhook("https://hooks.example.com/keel", Optional.empty())),
            spec().runJob());
    assertThat(a.spec()).isEqualTo(withoutSecret);
  }

  @Test
  void a_minimal_rule_sends_only_the_required_fields() {
    api.on("POST", API, FakeApi.resource("/monitoring/alert.json"));
    client
        .alerts()
        .create(AlertSpec.builder("n", "main.s.t", "percent_null", "GREATER_THAN", 5).build());
    assertThat(KeelJson.write(api.last().json(), false))
        .isEqualTo(
            "{\"name\":\"n\",\"table_name\":\"main.s.t\",\"metric\":\"percent_null\","
                + "\"op\":\"GREATER_THAN\",\"threshold\":5.0}");
  }

  @Test
  void list_sends_the_table_and_paging_and_reads_the_next_token() {
    api.on(
        "GET",
        API,
        "{\"alerts\":["
            + FakeApi.resource("/monitoring/alert.json")
            + "],\"next_page_token\":\"t2\"}");
    Page<Alert> p = client.alerts().list("main.ml.churn_preds", 10, "t1");
    assertThat(api.last().query())
        .isEqualTo("max_results=10&page_token=t1&table_name=main.ml.churn_preds");
    assertThat(p.items()).extracting(a -> a.spec().name()).containsExactly("age drift");
    assertThat(p.nextPageToken()).hasValue("t2");
  }

  @Test
  void update_patches_only_the_given_fields_and_delete_sends_delete() throws IOException {
    api.on("PATCH", API + "/a-7f3c", FakeApi.resource("/monitoring/alert.json"));
    api.on("DELETE", API + "/a-7f3c", "{}");
    client
        .alerts()
        .update(
            "a-7f3c",
            (com.fasterxml.jackson.databind.node.ObjectNode)
                KeelJson.MAPPER.readTree("{\"threshold\":0.3}"));
    assertThat(api.last().method()).isEqualTo("PATCH");
    assertThat(KeelJson.write(api.last().json(), false)).isEqualTo("{\"threshold\":0.3}");
    client.alerts().delete("a-7f3c");
    assertThat(api.last().method()).isEqualTo("DELETE");
  }

  @Test
  void firings_are_read_with_windows_null_values_job_runs_and_deliveries() {
    api.on("GET", API + "/a-7f3c/firings", FakeApi.resource("/monitoring/firings.json"));
    Page<AlertFiring> p = client.alerts().firings("a-7f3c", 0, "");
    assertThat(api.last().query()).isNull();
    assertThat(p.nextPageToken()).hasValue("p2");
    AlertFiring f = p.items().get(0);
    assertThat(f.firingId()).isEqualTo("f-1");
    assertThat(f.refreshId()).isEqualTo("12");
    assertThat(f.window())
        .isEqualTo(
            new AlertFiring.Window(
                Instant.parse("2025-12-06T00:00:00Z").toEpochMilli(),
                Instant.parse("2025-12-07T00:00:00Z").toEpochMilli()));
    assertThat(f.value()).isEqualTo(OptionalDouble.of(0.31));
    assertThat(f.values()).hasSize(2);
    assertThat(f.values().get(0).value()).isEmpty();
    assertThat(f.values().get(1).value()).isEqualTo(OptionalDouble.of(0.31));
    assertThat(f.jobRunId()).hasValue(901L);
    AlertFiring.Delivery d = f.deliveries().get(0);
    assertThat(d.state()).isEqualTo("FAILED");
    assertThat(d.attempts()).isEqualTo(8);
    assertThat(d.lastStatus()).hasValue(503);
    assertThat(d.lastError()).hasValue("HTTP 503");
  }

  @Test
  void an_unknown_alert_is_the_servers_404_and_bad_arguments_send_nothing() {
    assertThatThrownBy(() -> client.alerts().get("nope"))
        .isInstanceOf(KeelClientException.class)
        .matches(e -> ((KeelClientException) e).isNotFound());
    int sent = api.requests().size();
    assertThatThrownBy(() -> client.alerts().get(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alertId");
    assertThatThrownBy(() -> client.alerts().firings("a", -1, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxResults");
    assertThat(api.requests()).hasSize(sent);
  }
}
