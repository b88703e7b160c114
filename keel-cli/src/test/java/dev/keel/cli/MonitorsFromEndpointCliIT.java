package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.client.ColumnInfo;
import dev.keel.client.NewTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * END-TO-END: {@code keel monitors create --from-endpoint} against a real server: an endpoint
 * serving the XGBoost fixture logs to an inference table, and one command creates the {@code
 * inference_log} monitor on its {@code _predictions} table, with labels joined from a label table.
 * An endpoint without an inference table is refused with a clear message.
 */
class MonitorsFromEndpointCliIT extends CliFixture {
  @TempDir Path work;

  @Test
  void an_inference_log_monitor_is_created_on_an_endpoints_predictions_table() throws Exception {
    EndpointsCliTest.registerXgboost(work, "main.default.mon_ep");
    client
        .endpoints()
        .create(
            "mon-ep",
            EndpointsCommand.entities(List.of("main.default.mon_ep:@champion")),
            java.util.Map.of(),
            Optional.of("main.default.mon_ep_log"));
    client.endpoints().awaitNotUpdating("mon-ep", Duration.ofMinutes(2));
    client
        .tables()
        .create(
            NewTable.of(
                "main.default.mon_ep_labels",
                List.of(
                    ColumnInfo.of("prediction_id", "STRING"), ColumnInfo.of("label", "DOUBLE"))));

    Result r =
        keel(
            "monitors",
            "create",
            "--from-endpoint",
            "mon-ep",
            "--problem-type",
            "regression",
            "--label-table",
            "main.default.mon_ep_labels",
            "-o",
            "json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode m = r.json();
    assertThat(m.path("table_name").asText()).isEqualTo("main.default.mon_ep_log_predictions");
    assertThat(m.path("output_schema_name").asText()).isEqualTo("main.default");
    JsonNode log = m.path("inference_log");
    assertThat(log.path("problem_type").asText()).isEqualTo("PROBLEM_TYPE_REGRESSION");
    assertThat(log.path("timestamp_col").asText()).isEqualTo("request_time");
    assertThat(log.path("model_id_col").asText()).isEqualTo("model_id");
    assertThat(log.path("prediction_col").asText()).isEqualTo("prediction");
    assertThat(log.path("label_col").asText()).isEqualTo("label");
    assertThat(log.path("granularities").get(0).asText()).isEqualTo("1 day");
    assertThat(m.at("/label_join/table_name").asText()).isEqualTo("main.default.mon_ep_labels");
    assertThat(m.at("/label_join/key_col").asText()).isEqualTo("prediction_id");

    Result plain =
        keel(
            "endpoints",
            "create",
            "plain-ep",
            "--entity",
            "main.default.mon_ep:@champion",
            "--wait");
    assertThat(plain.exit()).as(plain.err()).isZero();
    Result refused =
        keel("monitors", "create", "--from-endpoint", "plain-ep", "--problem-type", "regression");
    assertThat(refused.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(refused.err()).contains("Serving endpoint 'plain-ep' has no inference table");
  }
}
