package dev.keel.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.core.KeelException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MonitorSpecJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static MonitorSpec decode(String body) {
    return MonitorSpecJson.decode("main.ml.preds", json(body));
  }

  static void refused(String body, String field) {
    assertThatThrownBy(() -> decode(body))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining(field);
  }

  @Test
  void an_inference_log_monitor_round_trips_through_the_stored_form() {
    MonitorSpec s =
        decode(
            """
            {"output_schema_name": "main.mon", "assets_dir": "/x",
             "inference_log": {"problem_type": "PROBLEM_TYPE_CLASSIFICATION", "timestamp_col": "TS",
               "granularities": ["1 day", "1 hour"], "prediction_col": "prediction",
               "model_id_col": "model_id", "label_col": "label", "prediction_proba_col": "p"},
             "baseline_table_name": "main.ml.train", "slicing_exprs": ["region", "age > 30"],
             "custom_metrics": [{"name": "w", "type": "CUSTOM_METRIC_TYPE_AGGREGATE",
               "input_columns": [":table"], "definition": "avg(x)",
               "output_data_type": {"name": "w", "type": "double", "nullable": true, "metadata": {}}}],
             "schedule": {"quartz_cron_expression": "0 0 6 * * ?", "timezone_id": "UTC"},
             "label_join": {"table_name": "main.ml.labels", "key_col": "prediction_id"},
             "refresh_on_data_change": true}
            """);
    assertThat(s.profile()).isInstanceOf(ProfileType.InferenceLog.class);
    assertThat(((ProfileType.InferenceLog) s.profile()).timestampCol()).isEqualTo("ts");
    assertThat(s.profileMetricsTableName()).isEqualTo("main.mon.preds_profile_metrics");
    assertThat(s.customMetrics().get(0).outputDataType()).contains("\"double\"");
    assertThat(MonitorSpecJson.load(MonitorSpecJson.store(s))).isEqualTo(s);
  }

  @Test
  void bad_input_names_the_field() {
    refused("{\"snapshot\": {}}", "output_schema_name");
    refused("{\"output_schema_name\": \"main\", \"snapshot\": {}}", "output_schema_name");
    refused("{\"output_schema_name\": \"main.mon\"}", "exactly one profile type");
    refused(
        "{\"output_schema_name\": \"main.mon\", \"snapshot\": {},"
            + " \"time_series\": {\"timestamp_col\": \"ts\", \"granularities\": [\"1 day\"]}}",
        "exactly one profile type may be given");
    refused(
        "{\"output_schema_name\": \"main.mon\","
            + " \"time_series\": {\"timestamp_col\": \"ts\", \"granularities\": [\"2 days\"]}}",
        "time_series.granularities[0]: unknown granularity '2 days'");
    refused(
        "{\"output_schema_name\": \"main.mon\","
            + " \"time_series\": {\"timestamp_col\": \"ts\", \"granularities\": []}}",
        "time_series.granularities");
    refused(
        "{\"output_schema_name\": \"main.mon\", \"inference_log\": {\"problem_type\": \"X\","
            + " \"timestamp_col\": \"ts\", \"granularities\": [\"1 day\"],"
            + " \"prediction_col\": \"p\", \"model_id_col\": \"m\"}}",
        "inference_log.problem_type");
    refused("{\"output_schema_name\": \"main.mon\", \"snapshot\": {}, \"colour\": 1}", "colour");
    refused(
        "{\"output_schema_name\": \"main.mon\", \"snapshot\": {},"
            + " \"schedule\": {\"quartz_cron_expression\": \"0 0 * * * ?\", \"timezone_id\": \"Mars/Base\"}}",
        "schedule.timezone_id");
    refused(
        "{\"output_schema_name\": \"main.mon\", \"snapshot\": {},"
            + " \"label_join\": {\"table_name\": \"main.ml.l\", \"key_col\": \"id\"}}",
        "label_join");
    refused(
        "{\"output_schema_name\": \"main.mon\", \"snapshot\": {},"
            + " \"notifications\": {\"on_failure\": {\"email_addresses\": [\"a@b.c\"]}}}",
        "notifications");
    refused(
        "{\"output_schema_name\": \"main.mon\", \"snapshot\": {}, \"custom_metrics\": ["
            + "{\"name\": \"Bad-Name\", \"type\": \"CUSTOM_METRIC_TYPE_AGGREGATE\","
            + " \"input_columns\": [\":table\"], \"definition\": \"1\", \"output_data_type\": \"{}\"}]}",
        "custom_metrics[0].name");
  }

  @Test
  void windows_are_half_open_in_utc_and_a_row_on_midnight_starts_the_next_day() {
    Granularity day = Granularity.parse("g", "1 day");
    Instant midnight = Instant.parse("2026-12-07T00:00:00Z");
    assertThat(day.windowStart(midnight)).isEqualTo(midnight);
    assertThat(day.windowStart(midnight.minusNanos(1000)))
        .isEqualTo(Instant.parse("2026-12-06T00:00:00Z"));
    assertThat(day.windowEnd(midnight)).isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
    Granularity week = Granularity.parse("g", "1 week");
    assertThat(week.windowStart(midnight)).isEqualTo(Instant.parse("2026-12-03T00:00:00Z")); // Thu
    Granularity month = Granularity.parse("g", "1 month");
    assertThat(month.windowEnd(month.windowStart(Instant.parse("2026-02-10T05:00:00Z"))))
        .isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(Granularity.parse("g", "30 MINUTES").text()).isEqualTo("30 minutes");
    assertThat(Granularity.parse("g", "2 weeks").text()).isEqualTo("2 weeks");
  }
}
