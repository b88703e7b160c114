package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link MonitorsClient#planForEndpoint} and {@link MonitorsClient#createForEndpoint}: an {@code
 * inference_log} monitor derived from a serving endpoint's inference table config and the columns
 * of its predictions table, against {@link FakeApi} answering recorded shapes.
 */
class EndpointMonitorPlanTest extends FakeApiFixture {
  static final String ENDPOINT = "/api/2.0/serving-endpoints/churn";
  static final String PREDICTIONS = "/api/2.1/unity-catalog/tables/main.serving.churn_predictions";

  static final String AI_GATEWAY =
      """
      {"name":"churn","state":{"ready":"READY","config_update":"NOT_UPDATING"},
       "config":{"served_entities":[{"name":"champ","entity_name":"main.ml.churn",
         "entity_version":"@champion"}]},
       "ai_gateway":{"inference_table_config":{"enabled":true,"catalog_name":"main",
         "schema_name":"serving","table_name_prefix":"churn"}}}
      """;

  static String predictionsTable(String... extra) {
    StringBuilder cols = new StringBuilder();
    for (String c :
        List.of(
            "request_id",
            "client_request_id",
            "row_index",
            "prediction_id",
            "request_time",
            "served_entity_name",
            "model_name",
            "model_version",
            "model_id",
            "age",
            "prediction")) {
      cols.append("{\"name\":\"").append(c).append("\",\"type_text\":\"string\"},");
    }
    for (String c : extra) {
      cols.append("{\"name\":\"").append(c).append("\",\"type_text\":\"double\"},");
    }
    return "{\"name\":\"churn_predictions\",\"catalog_name\":\"main\",\"schema_name\":\"serving\","
        + "\"full_name\":\"main.serving.churn_predictions\",\"columns\":["
        + cols.substring(0, cols.length() - 1)
        + "]}";
  }

  /** The plan for endpoint {@code churn}, a regression, without a label table. */
  MonitorsClient.EndpointMonitorPlan regressionPlan() {
    return client
        .monitors()
        .planForEndpoint(
            "churn", MonitorProfile.ProblemType.REGRESSION, Optional.empty(), "label", List.of());
  }

  @Test
  void an_endpoint_with_an_inference_table_gives_an_inference_log_monitor_on_its_predictions() {
    api.on("GET", ENDPOINT, AI_GATEWAY)
        .on("GET", PREDICTIONS, predictionsTable("prediction_proba"));
    MonitorsClient.EndpointMonitorPlan p =
        client
            .monitors()
            .planForEndpoint(
                "churn",
                MonitorProfile.ProblemType.CLASSIFICATION,
                Optional.of("main.ml.churn_labels"),
                "churned",
                List.of());
    assertThat(p.tableName()).isEqualTo("main.serving.churn_predictions");
    assertThat(p.settings().outputSchemaName()).isEqualTo("main.serving");
    assertThat(p.settings().profile())
        .isEqualTo(
            new MonitorProfile.InferenceLog(
                MonitorProfile.ProblemType.CLASSIFICATION,
                "request_time",
                List.of("1 day"),
                "prediction",
                "model_id",
                Optional.of("churned"),
                Optional.of("prediction_proba")));
    assertThat(p.settings().labelJoin())
        .hasValue(new MonitorLabelJoin("main.ml.churn_labels", "prediction_id"));
  }

  @Test
  void without_a_label_table_or_a_proba_column_those_fields_are_left_out() {
    String legacy =
        """
        {"name":"churn","state":{"ready":"READY"},
         "config":{"auto_capture_config":{"enabled":true,"catalog_name":"main",
           "schema_name":"serving","table_name_prefix":"churn"}}}
        """;
    api.on("GET", ENDPOINT, legacy)
        .on("GET", PREDICTIONS, predictionsTable())
        .on("POST", PREDICTIONS + "/monitor", FakeApi.resource("/monitoring/monitor-info.json"));
    client
        .monitors()
        .createForEndpoint(
            "churn",
            MonitorProfile.ProblemType.REGRESSION,
            Optional.empty(),
            "label",
            List.of("1 hour"));
    FakeApi.Request post = api.last();
    assertThat(post.path()).isEqualTo(PREDICTIONS + "/monitor");
    assertThat(KeelJson.write(post.json(), false))
        .isEqualTo(
            "{\"output_schema_name\":\"main.serving\",\"inference_log\":{"
                + "\"problem_type\":\"PROBLEM_TYPE_REGRESSION\",\"timestamp_col\":\"request_time\","
                + "\"granularities\":[\"1 hour\"],\"prediction_col\":\"prediction\","
                + "\"model_id_col\":\"model_id\"}}");
  }

  @Test
  void a_label_column_in_the_predictions_table_is_used_without_a_label_table() {
    api.on("GET", ENDPOINT, AI_GATEWAY).on("GET", PREDICTIONS, predictionsTable("label"));
    MonitorsClient.EndpointMonitorPlan p = regressionPlan();
    assertThat(((MonitorProfile.InferenceLog) p.settings().profile()).labelCol()).hasValue("label");
    assertThat(p.settings().labelJoin()).isEmpty();
  }

  @Test
  void an_endpoint_without_an_enabled_inference_table_is_refused_with_how_to_turn_one_on() {
    api.on(
        "GET",
        ENDPOINT,
        "{\"name\":\"churn\",\"ai_gateway\":{\"inference_table_config\":{\"enabled\":false,"
            + "\"catalog_name\":\"main\",\"schema_name\":\"serving\",\"table_name_prefix\":\"c\"}}}");
    assertThatThrownBy(this::regressionPlan)
        .isInstanceOf(KeelClientException.class)
        .hasMessageContaining("Serving endpoint 'churn' has no inference table")
        .hasMessageContaining("--inference-table");
    assertThat(api.requests()).hasSize(1);
  }

  @Test
  void a_missing_predictions_table_is_a_404_naming_it() {
    api.on("GET", ENDPOINT, AI_GATEWAY);
    assertThatThrownBy(this::regressionPlan)
        .isInstanceOf(KeelClientException.class)
        .hasMessageContaining("main.serving.churn_predictions does not exist")
        .matches(e -> ((KeelClientException) e).isNotFound());
  }
}
