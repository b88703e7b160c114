package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The wire shapes of {@link MonitorsClient}: the requests it sends and how it reads recorded
 * answers, against {@link FakeApi} (the monitor routes are tested against a real server in
 * keel-server; {@link MonitorsClientServerIT} drives this client against one).
 */
class MonitorsClientTest extends FakeApiFixture {
  static final String MONITOR = "/api/2.1/unity-catalog/tables/main.ml.churn_preds/monitor";

  static MonitorSettings inferenceSettings() {
    return MonitorSettings.builder(
            "main.monitoring",
            new MonitorProfile.InferenceLog(
                MonitorProfile.ProblemType.CLASSIFICATION,
                "request_time",
                List.of("1 day", "1 hour"),
                "prediction",
                "model_id",
                Optional.of("label"),
                Optional.of("prediction_proba")))
        .assetsDir(Optional.of("/Workspace/monitoring/churn"))
        .baselineTableName(Optional.of("main.ml.churn_training"))
        .slicingExprs(List.of("country", "age > 40"))
        .customMetrics(
            List.of(
                new MonitorCustomMetric(
                    "weighted_error",
                    "CUSTOM_METRIC_TYPE_AGGREGATE",
                    List.of(":table"),
                    "avg(abs({{prediction_col}} - {{label_col}}))",
                    "{\"name\":\"weighted_error\",\"type\":\"double\",\"nullable\":true,"
                        + "\"metadata\":{}}")))
        .schedule(Optional.of(new MonitorSchedule("0 0 6 * * ?", "UTC", "PAUSED")))
        .labelJoin(Optional.of(new MonitorLabelJoin("main.ml.churn_labels", "prediction_id")))
        .refreshOnDataChange(true)
        .build();
  }

  @Test
  void create_posts_the_settings_as_a_create_monitor_body() throws IOException {
    api.on("POST", MONITOR, FakeApi.resource("/monitoring/monitor-info.json"));
    client.monitors().create("main.ml.churn_preds", inferenceSettings());
    FakeApi.Request r = api.last();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo(MONITOR);
    JsonNode expected =
        KeelJson.MAPPER.readTree(
            """
            {"output_schema_name":"main.monitoring","assets_dir":"/Workspace/monitoring/churn",
             "inference_log":{"problem_type":"PROBLEM_TYPE_CLASSIFICATION",
               "timestamp_col":"request_time","granularities":["1 day","1 hour"],
               "prediction_col":"prediction","model_id_col":"model_id","label_col":"label",
               "prediction_proba_col":"prediction_proba"},
             "baseline_table_name":"main.ml.churn_training","slicing_exprs":["country","age > 40"],
             "custom_metrics":[{"name":"weighted_error","type":"CUSTOM_METRIC_TYPE_AGGREGATE",
               "input_columns":[":table"],
               "definition":"avg(abs({{prediction_col}} - {{label_col}}))",
               "output_data_type":"{\\"name\\":\\"weighted_error\\",\\"type\\":\\"double\\",\\"nullable\\":true,\\"metadata\\":{}}"}],
             "schedule":{"quartz_cron_expression":"0 0 6 * * ?","timezone_id":"UTC",
               "pause_status":"PAUSED"},
             "label_join":{"table_name":"main.ml.churn_labels","key_col":"prediction_id"},
             "refresh_on_data_change":true}
            """);
    assertThat(r.json()).isEqualTo(expected);
  }

  @Test
  void a_snapshot_monitor_body_has_an_empty_snapshot_object_and_no_optional_fields() {
    api.on("POST", MONITOR, FakeApi.resource("/monitoring/monitor-info.json"));
    client
        .monitors()
        .create(
            "main.ml.churn_preds",
            MonitorSettings.builder("main.monitoring", new MonitorProfile.Snapshot()).build());
    assertThat(KeelJson.write(api.last().json(), false))
        .isEqualTo("{\"output_schema_name\":\"main.monitoring\",\"snapshot\":{}}");
  }

  @Test
  void a_monitor_info_is_read_with_its_settings_status_tables_and_version() {
    api.on("GET", MONITOR, FakeApi.resource("/monitoring/monitor-info.json"));
    MonitorInfo m = client.monitors().get("main.ml.churn_preds");
    assertThat(m.tableName()).isEqualTo("main.ml.churn_preds");
    assertThat(m.status()).isEqualTo("MONITOR_STATUS_ACTIVE");
    assertThat(m.profileMetricsTableName())
        .isEqualTo("main.monitoring.churn_preds_profile_metrics");
    assertThat(m.driftMetricsTableName()).isEqualTo("main.monitoring.churn_preds_drift_metrics");
    assertThat(m.monitorVersion()).isEqualTo(3); // sent as a string, as int64 may be
    assertThat(m.latestMonitorFailureMsg()).isEmpty();
    assertThat(m.settings()).isEqualTo(inferenceSettings());
    assertThat(m.json().path("dashboard_id").asText()).isEqualTo("not-a-keel-field");
  }

  @Test
  void settings_survive_a_trip_through_json_for_every_profile_type() {
    for (MonitorProfile p :
        List.of(
            new MonitorProfile.Snapshot(),
            new MonitorProfile.TimeSeries("ts", List.of("5 minutes")),
            inferenceSettings().profile())) {
      MonitorSettings s = inferenceSettings().toBuilder().profile(p).build();
      assertThat(MonitorSettings.from(s.toJson())).isEqualTo(s);
    }
  }

  @Test
  void update_puts_the_full_settings_and_delete_sends_delete() {
    api.on("GET", MONITOR, FakeApi.resource("/monitoring/monitor-info.json"));
    api.on("PUT", MONITOR, FakeApi.resource("/monitoring/monitor-info.json"));
    api.on("DELETE", MONITOR, "{}");
    MonitorInfo m = client.monitors().get("main.ml.churn_preds");
    client
        .monitors()
        .update("main.ml.churn_preds", m.settings().toBuilder().schedule(Optional.empty()).build());
    FakeApi.Request put = api.last();
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.json().has("schedule")).isFalse();
    assertThat(put.json().path("output_schema_name").asText()).isEqualTo("main.monitoring");
    assertThat(put.json().path("slicing_exprs")).hasSize(2);
    client.monitors().delete("main.ml.churn_preds");
    assertThat(api.last().method()).isEqualTo("DELETE");
    assertThat(api.last().path()).isEqualTo(MONITOR);
  }

  @Test
  void refreshes_are_listed_newest_first_with_their_optional_fields() {
    api.on("GET", MONITOR + "/refreshes", FakeApi.resource("/monitoring/refreshes.json"));
    List<MonitorRefresh> rs = client.monitors().listRefreshes("main.ml.churn_preds");
    assertThat(rs).extracting(MonitorRefresh::refreshId).containsExactly(12L, 11L, 10L);
    assertThat(rs.get(0).terminal()).isFalse();
    assertThat(rs.get(0).endTimeMs()).isEmpty();
    assertThat(rs.get(0).trigger()).isEqualTo("DATA_CHANGE");
    assertThat(rs.get(1).message()).hasValue("custom metric weighted_error: Binder Error");
    assertThat(rs.get(1).terminal()).isTrue();
    assertThat(rs.get(1).succeeded()).isFalse();
    assertThat(rs.get(2).succeeded()).isTrue();
    assertThat(rs.get(2).endTimeMs()).hasValue(1764900002000L);
  }

  @Test
  void refresh_and_wait_polls_until_the_refresh_ends_and_reports_each_state_once() {
    api.on("POST", MONITOR + "/refreshes", "{\"refresh_id\":5,\"state\":\"PENDING\"}");
    String get = MONITOR + "/refreshes/5";
    api.on("GET", get, "{\"refresh_id\":5,\"state\":\"PENDING\"}")
        .on("GET", get, "{\"refresh_id\":5,\"state\":\"RUNNING\"}")
        .on("GET", get, "{\"refresh_id\":5,\"state\":\"RUNNING\"}")
        .on("GET", get, "{\"refresh_id\":5,\"state\":\"SUCCESS\",\"end_time_ms\":9}");
    MonitorRefresh r =
        client.monitors().refreshAndWait("main.ml.churn_preds", Duration.ofMinutes(1));
    assertThat(r.succeeded()).isTrue();
    assertThat(r.endTimeMs()).hasValue(9L);
    FakeApi.Request post = api.requests().get(0);
    assertThat(post.method() + " " + post.path() + " " + post.body())
        .isEqualTo("POST " + MONITOR + "/refreshes {}");
    List<String> seen = new java.util.ArrayList<>();
    api.on("GET", MONITOR + "/refreshes/6", "{\"refresh_id\":6,\"state\":\"RUNNING\"}")
        .on("GET", MONITOR + "/refreshes/6", "{\"refresh_id\":6,\"state\":\"RUNNING\"}")
        .on("GET", MONITOR + "/refreshes/6", "{\"refresh_id\":6,\"state\":\"CANCELED\"}");
    MonitorRefresh c =
        client
            .monitors()
            .waitForRefresh(
                "main.ml.churn_preds", 6, Duration.ofMinutes(1), x -> seen.add(x.state()));
    assertThat(c.state()).isEqualTo("CANCELED");
    assertThat(seen).containsExactly("RUNNING", "CANCELED");
  }

  @Test
  void waiting_for_a_refresh_that_never_ends_times_out() {
    api.on("GET", MONITOR + "/refreshes/7", "{\"refresh_id\":7,\"state\":\"RUNNING\"}");
    assertThatThrownBy(
            () ->
                client
                    .monitors()
                    .waitForRefresh("main.ml.churn_preds", 7, Duration.ofMillis(300), r -> {}))
        .isInstanceOf(KeelClientException.class)
        .hasMessageContaining("still RUNNING")
        .extracting(e -> ((KeelClientException) e).errorCode())
        .isEqualTo("TIMEOUT");
  }

  @Test
  void cancel_posts_to_the_refresh_and_a_missing_monitor_is_the_servers_404() {
    api.on("POST", MONITOR + "/refreshes/8/cancel", "{}");
    client.monitors().cancelRefresh("main.ml.churn_preds", 8);
    assertThat(api.last().method()).isEqualTo("POST");
    assertThat(api.last().path()).isEqualTo(MONITOR + "/refreshes/8/cancel");
    assertThatThrownBy(() -> client.monitors().get("main.ml.nope"))
        .isInstanceOf(KeelClientException.class)
        .matches(e -> ((KeelClientException) e).isNotFound());
  }

  @Test
  void table_names_are_one_encoded_path_segment_and_blank_ones_send_nothing() {
    api.on("GET", "/api/2.1/unity-catalog/tables/main.ml.a%2Fb/monitor", "{\"snapshot\":{}}");
    client.monitors().get("main.ml.a/b");
    assertThat(api.last().path()).isEqualTo("/api/2.1/unity-catalog/tables/main.ml.a%2Fb/monitor");
    int sent = api.requests().size();
    assertThatThrownBy(() -> client.monitors().get(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tableName");
    assertThatThrownBy(() -> client.monitors().getRefresh("main.ml.t", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refreshId");
    assertThat(api.requests()).hasSize(sent);
  }
}
