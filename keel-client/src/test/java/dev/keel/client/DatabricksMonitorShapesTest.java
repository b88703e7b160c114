package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.databricks.sdk.core.utils.SerDeUtils;
import com.databricks.sdk.service.catalog.CreateMonitor;
import com.databricks.sdk.service.catalog.MonitorCronSchedule;
import com.databricks.sdk.service.catalog.MonitorCronSchedulePauseStatus;
import com.databricks.sdk.service.catalog.MonitorInferenceLog;
import com.databricks.sdk.service.catalog.MonitorInferenceLogProblemType;
import com.databricks.sdk.service.catalog.MonitorInfoStatus;
import com.databricks.sdk.service.catalog.MonitorMetric;
import com.databricks.sdk.service.catalog.MonitorMetricType;
import com.databricks.sdk.service.catalog.MonitorRefreshInfo;
import com.databricks.sdk.service.catalog.MonitorRefreshInfoState;
import com.databricks.sdk.service.catalog.MonitorRefreshInfoTrigger;
import com.databricks.sdk.service.catalog.MonitorTimeSeries;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The monitor JSON of this SDK against the Databricks SDK's own classes ({@code
 * databricks-sdk-java} 0.141.0, its JSON mapper): what {@link MonitorSettings#toJson()} writes
 * reads into the SDK's {@code CreateMonitor} with the same values, and what the SDK writes for a
 * {@code MonitorInfo} and a {@code MonitorRefreshInfo} reads into {@link MonitorInfo} and {@link
 * MonitorRefresh}. Keel's extensions ({@code label_join}, {@code refresh_on_data_change}) are
 * fields the SDK does not know and ignores.
 */
class DatabricksMonitorShapesTest {
  static final ObjectMapper SDK =
      SerDeUtils.createMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @Test
  void the_create_body_reads_into_the_sdks_create_monitor_with_the_same_values() throws Exception {
    MonitorSettings s = MonitorsClientTest.inferenceSettings();
    CreateMonitor c = SDK.readValue(KeelJson.write(s.toJson(), false), CreateMonitor.class);
    assertThat(c.getOutputSchemaName()).isEqualTo("main.monitoring");
    assertThat(c.getAssetsDir()).isEqualTo("/Workspace/monitoring/churn");
    assertThat(c.getBaselineTableName()).isEqualTo("main.ml.churn_training");
    assertThat(c.getSlicingExprs()).containsExactly("country", "age > 40");
    MonitorInferenceLog log = c.getInferenceLog();
    assertThat(log.getProblemType())
        .isEqualTo(MonitorInferenceLogProblemType.PROBLEM_TYPE_CLASSIFICATION);
    assertThat(log.getTimestampCol()).isEqualTo("request_time");
    assertThat(log.getGranularities()).containsExactly("1 day", "1 hour");
    assertThat(log.getPredictionCol()).isEqualTo("prediction");
    assertThat(log.getModelIdCol()).isEqualTo("model_id");
    assertThat(log.getLabelCol()).isEqualTo("label");
    assertThat(log.getPredictionProbaCol()).isEqualTo("prediction_proba");
    MonitorMetric m = c.getCustomMetrics().iterator().next();
    assertThat(m.getName()).isEqualTo("weighted_error");
    assertThat(m.getType()).isEqualTo(MonitorMetricType.CUSTOM_METRIC_TYPE_AGGREGATE);
    assertThat(m.getInputColumns()).containsExactly(":table");
    assertThat(m.getDefinition()).isEqualTo("avg(abs({{prediction_col}} - {{label_col}}))");
    assertThat(m.getOutputDataType()).contains("\"type\":\"double\"");
    MonitorCronSchedule cron = c.getSchedule();
    assertThat(cron.getQuartzCronExpression()).isEqualTo("0 0 6 * * ?");
    assertThat(cron.getTimezoneId()).isEqualTo("UTC");
    assertThat(cron.getPauseStatus()).isEqualTo(MonitorCronSchedulePauseStatus.PAUSED);
    assertThat(c.getSnapshot()).isNull();
    assertThat(c.getTimeSeries()).isNull();
  }

  @Test
  void a_monitor_info_written_by_the_sdk_reads_into_monitor_info() throws Exception {
    com.databricks.sdk.service.catalog.MonitorInfo sdk =
        new com.databricks.sdk.service.catalog.MonitorInfo()
            .setTableName("main.ml.events")
            .setOutputSchemaName("main.monitoring")
            .setTimeSeries(
                new MonitorTimeSeries().setTimestampCol("ts").setGranularities(List.of("1 hour")))
            .setSlicingExprs(List.of("country"))
            .setStatus(MonitorInfoStatus.MONITOR_STATUS_PENDING)
            .setProfileMetricsTableName("main.monitoring.events_profile_metrics")
            .setDriftMetricsTableName("main.monitoring.events_drift_metrics")
            .setMonitorVersion(7L)
            .setLatestMonitorFailureMsg("previous refresh failed");
    MonitorInfo m = MonitorInfo.from(KeelJson.MAPPER.readTree(SDK.writeValueAsString(sdk)));
    assertThat(m.tableName()).isEqualTo("main.ml.events");
    assertThat(m.settings().profile())
        .isEqualTo(new MonitorProfile.TimeSeries("ts", List.of("1 hour")));
    assertThat(m.settings().slicingExprs()).containsExactly("country");
    assertThat(m.settings().schedule()).isEmpty();
    assertThat(m.status()).isEqualTo("MONITOR_STATUS_PENDING");
    assertThat(m.profileMetricsTableName()).isEqualTo("main.monitoring.events_profile_metrics");
    assertThat(m.driftMetricsTableName()).isEqualTo("main.monitoring.events_drift_metrics");
    assertThat(m.monitorVersion()).isEqualTo(7);
    assertThat(m.latestMonitorFailureMsg()).hasValue("previous refresh failed");
  }

  @Test
  void a_refresh_written_by_the_sdk_reads_into_monitor_refresh() throws Exception {
    MonitorRefreshInfo sdk =
        new MonitorRefreshInfo()
            .setRefreshId(42L)
            .setState(MonitorRefreshInfoState.FAILED)
            .setStartTimeMs(1000L)
            .setEndTimeMs(2000L)
            .setMessage("boom")
            .setTrigger(MonitorRefreshInfoTrigger.SCHEDULE);
    MonitorRefresh r = MonitorRefresh.from(KeelJson.MAPPER.readTree(SDK.writeValueAsString(sdk)));
    assertThat(r.refreshId()).isEqualTo(42);
    assertThat(r.state()).isEqualTo("FAILED");
    assertThat(r.startTimeMs()).isEqualTo(1000);
    assertThat(r.endTimeMs()).hasValue(2000L);
    assertThat(r.message()).hasValue("boom");
    assertThat(r.trigger()).isEqualTo("SCHEDULE");
    assertThat(r.terminal()).isTrue();
    assertThat(r.succeeded()).isFalse();
  }
}
