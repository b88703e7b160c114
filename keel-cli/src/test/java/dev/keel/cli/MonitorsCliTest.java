package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.client.FakeApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel monitors ...} against {@link FakeApi}: the request each command line sends, how the
 * answers are printed, and command lines refused before anything is sent ({@link MonitorsCliIT}
 * drives the same commands against a real server).
 */
class MonitorsCliTest extends FakeApiCli {
  static final String MONITOR = "/api/2.1/unity-catalog/tables/main.ml.churn_preds/monitor";
  static final String INFO = FakeApi.resource("/monitoring/monitor-info.json");

  @TempDir Path work;

  @Test
  void create_a_time_series_monitor_sends_every_flag_as_its_field() throws IOException {
    api.on("POST", MONITOR, INFO);
    CliFixture.Result r =
        ok(
            "monitors",
            "create",
            "main.ml.churn_preds",
            "--output-schema",
            "main.monitoring",
            "--time-series",
            "ts",
            "--granularity",
            "1 day",
            "--granularity",
            "1 hour",
            "--baseline",
            "main.ml.base",
            "--slice",
            "country",
            "--slice",
            "age > 40",
            "--schedule",
            "0 0 6 * * ?",
            "--refresh-on-data-change");
    assertThat(api.last().json())
        .isEqualTo(
            json(
                "{'output_schema_name':'main.monitoring',"
                    + "'time_series':{'timestamp_col':'ts','granularities':['1 day','1 hour']},"
                    + "'baseline_table_name':'main.ml.base','slicing_exprs':['country','age > 40'],"
                    + "'schedule':{'quartz_cron_expression':'0 0 6 * * ?','timezone_id':'UTC',"
                    + "'pause_status':'UNPAUSED'},'refresh_on_data_change':true}"));
    assertThat(r.out())
        .contains("Created the monitor of main.ml.churn_preds (MONITOR_STATUS_ACTIVE).")
        .contains("main.monitoring.churn_preds_profile_metrics");
  }

  @Test
  void create_an_inference_log_monitor_with_a_label_table() throws IOException {
    api.on("POST", MONITOR, INFO);
    ok(
        "monitors",
        "create",
        "main.ml.churn_preds",
        "--output-schema",
        "main.monitoring",
        "--inference-log",
        "--problem-type",
        "classification",
        "--timestamp-col",
        "request_time",
        "--prediction-col",
        "prediction",
        "--model-id-col",
        "model_id",
        "--label-col",
        "label",
        "--label-table",
        "main.ml.labels");
    assertThat(api.last().json())
        .isEqualTo(
            json(
                "{'output_schema_name':'main.monitoring','inference_log':{"
                    + "'problem_type':'PROBLEM_TYPE_CLASSIFICATION','timestamp_col':'request_time',"
                    + "'granularities':['1 day'],'prediction_col':'prediction',"
                    + "'model_id_col':'model_id','label_col':'label'},"
                    + "'label_join':{'table_name':'main.ml.labels','key_col':'prediction_id'}}"));
  }

  @Test
  void bad_create_command_lines_are_refused_before_anything_is_sent() {
    String[][] cases = {
      {"monitors", "create", "main.s.t", "--snapshot"},
      {"monitors", "create", "main.s.t", "--output-schema", "m.s"},
      {
        "monitors",
        "create",
        "main.s.t",
        "--output-schema",
        "m.s",
        "--snapshot",
        "--time-series",
        "ts"
      },
      {"monitors", "create", "main.s.t", "--output-schema", "m.s", "--inference-log"},
      {
        "monitors",
        "create",
        "main.s.t",
        "--output-schema",
        "m.s",
        "--snapshot",
        "--granularity",
        "1 day"
      },
      {"monitors", "create", "main.s.t", "--output-schema", "m.s", "--snapshot", "--no-schedule"},
      {"monitors", "create", "--output-schema", "m.s", "--snapshot"},
      {"monitors", "create", "main.s.t", "--json", "x.json", "--snapshot"},
      {
        "monitors",
        "create",
        "main.s.t",
        "--output-schema",
        "m.s",
        "--time-series",
        "ts",
        "--problem-type",
        "regression"
      },
    };
    String[] expected = {
      "--output-schema is required",
      "give one of --snapshot, --time-series TIMESTAMP_COL and --inference-log",
      "give one of --snapshot, --time-series and --inference-log",
      "an inference log monitor needs --problem-type",
      "a snapshot monitor takes no --granularity",
      "are for update",
      "give the TABLE to monitor",
      "--json is the whole body",
      "a time series monitor takes no inference log columns",
    };
    for (int i = 0; i < cases.length; i++) {
      CliFixture.Result r = keel(cases[i]);
      assertThat(r.exit()).as(String.join(" ", cases[i])).isEqualTo(Main.EXIT_USAGE);
      assertThat(r.err()).contains(expected[i]);
    }
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void create_from_a_json_file_sends_it_as_given() throws IOException {
    api.on("POST", MONITOR, INFO);
    Path body = work.resolve("m.json");
    Files.writeString(body, "{\"output_schema_name\":\"m.s\",\"snapshot\":{},\"x_future\":1}");
    ok("monitors", "create", "main.ml.churn_preds", "--json", body.toString(), "-o", "json");
    assertThat(api.last().json())
        .isEqualTo(json("{'output_schema_name':'m.s','snapshot':{},'x_future':1}"));
    Files.writeString(body, "[1]");
    CliFixture.Result bad =
        keel("monitors", "create", "main.ml.churn_preds", "--json", body.toString());
    assertThat(bad.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(bad.err()).contains("must be a JSON object");
  }

  @Test
  void create_from_an_endpoint_monitors_its_predictions_table() throws IOException {
    api.on(
        "GET",
        "/api/2.0/serving-endpoints/churn",
        "{\"name\":\"churn\",\"ai_gateway\":{\"inference_table_config\":{\"enabled\":true,"
            + "\"catalog_name\":\"main\",\"schema_name\":\"serving\",\"table_name_prefix\":\"churn\"}}}");
    String table = "/api/2.1/unity-catalog/tables/main.serving.churn_predictions";
    api.on(
        "GET",
        table,
        "{\"full_name\":\"main.serving.churn_predictions\",\"columns\":["
            + "{\"name\":\"request_time\"},{\"name\":\"prediction\"},{\"name\":\"model_id\"},"
            + "{\"name\":\"prediction_id\"},{\"name\":\"prediction_proba\"}]}");
    api.on("POST", table + "/monitor", INFO);
    ok(
        "monitors",
        "create",
        "--from-endpoint",
        "churn",
        "--problem-type",
        "classification",
        "--label-table",
        "main.ml.labels",
        "--output-schema",
        "main.monitoring",
        "--granularity",
        "1 hour");
    assertThat(api.last().path()).isEqualTo(table + "/monitor");
    assertThat(api.last().json())
        .isEqualTo(
            json(
                "{'output_schema_name':'main.monitoring','inference_log':{"
                    + "'problem_type':'PROBLEM_TYPE_CLASSIFICATION','timestamp_col':'request_time',"
                    + "'granularities':['1 hour'],'prediction_col':'prediction',"
                    + "'model_id_col':'model_id','label_col':'label',"
                    + "'prediction_proba_col':'prediction_proba'},"
                    + "'label_join':{'table_name':'main.ml.labels','key_col':'prediction_id'}}"));
    CliFixture.Result noType = keel("monitors", "create", "--from-endpoint", "churn");
    assertThat(noType.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(noType.err()).contains("--from-endpoint needs --problem-type");
  }

  @Test
  void an_endpoint_without_an_inference_table_fails_with_a_clear_message() {
    api.on("GET", "/api/2.0/serving-endpoints/plain", "{\"name\":\"plain\",\"config\":{}}");
    CliFixture.Result r =
        keel("monitors", "create", "--from-endpoint", "plain", "--problem-type", "regression");
    assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(r.err()).contains("Serving endpoint 'plain' has no inference table");
  }

  @Test
  void update_changes_only_the_flags_given_and_puts_the_whole_monitor() throws IOException {
    api.on("GET", MONITOR, INFO).on("PUT", MONITOR, INFO);
    ok(
        "monitors",
        "update",
        "main.ml.churn_preds",
        "--no-schedule",
        "--slice",
        "plan",
        "--granularity",
        "1 week",
        "--no-refresh-on-data-change");
    JsonNode put = api.last().json();
    assertThat(api.last().method()).isEqualTo("PUT");
    assertThat(put.has("schedule")).isFalse();
    assertThat(put.has("refresh_on_data_change")).isFalse();
    assertThat(put.path("slicing_exprs")).isEqualTo(json("['plan']"));
    assertThat(put.at("/inference_log/granularities")).isEqualTo(json("['1 week']"));
    assertThat(put.at("/inference_log/label_col").asText()).isEqualTo("label");
    assertThat(put.path("baseline_table_name").asText()).isEqualTo("main.ml.churn_training");
    assertThat(put.path("custom_metrics")).hasSize(1);
    assertThat(put.path("label_join").path("table_name").asText())
        .isEqualTo("main.ml.churn_labels");
    CliFixture.Result nothing = keel("monitors", "update", "main.ml.churn_preds");
    assertThat(nothing.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(nothing.err()).contains("nothing to change");
  }

  @Test
  void get_prints_the_monitor_as_fields_or_as_the_servers_json() throws IOException {
    api.on("GET", MONITOR, INFO);
    String out = ok("monitors", "get", "main.ml.churn_preds").out();
    assertThat(out)
        .containsPattern("Status:\\s+MONITOR_STATUS_ACTIVE")
        .containsPattern(
            "Profile:\\s+inference log \\(classification\\) on request_time by 1 day, 1 hour;"
                + " prediction prediction, model id model_id, label label, probability"
                + " prediction_proba")
        .containsPattern("Baseline:\\s+main.ml.churn_training")
        .containsPattern("Slices:\\s+country, age > 40")
        .containsPattern("Schedule:\\s+0 0 6 \\* \\* \\? \\(UTC, paused\\)")
        .containsPattern("Labels:\\s+main.ml.churn_labels joined on prediction_id")
        .containsPattern("Version:\\s+3");
    JsonNode j =
        CliFixture.JSON.readTree(ok("monitors", "get", "main.ml.churn_preds", "-o", "json").out());
    assertThat(j).isEqualTo(CliFixture.JSON.readTree(INFO));
  }

  @Test
  void refresh_wait_prints_each_state_and_exits_by_the_result() {
    // Each POST takes the next answer; the last one repeats.
    api.on("POST", MONITOR + "/refreshes", "{\"refresh_id\":5,\"state\":\"PENDING\"}")
        .on("POST", MONITOR + "/refreshes", "{\"refresh_id\":6,\"state\":\"PENDING\"}");
    api.on("GET", MONITOR + "/refreshes/5", "{\"refresh_id\":5,\"state\":\"RUNNING\"}")
        .on("GET", MONITOR + "/refreshes/5", "{\"refresh_id\":5,\"state\":\"SUCCESS\"}");
    CliFixture.Result r = ok("monitors", "refresh", "main.ml.churn_preds", "--wait");
    assertThat(r.out())
        .containsPattern("\\d\\d:\\d\\d:\\d\\d  RUNNING")
        .containsPattern("\\d\\d:\\d\\d:\\d\\d  SUCCESS")
        .containsPattern("Refresh 5 of main.ml.churn_preds ended SUCCESS after [0-9.]+s\\.");
    api.on(
        "GET",
        MONITOR + "/refreshes/6",
        "{\"refresh_id\":6,\"state\":\"FAILED\",\"message\":\"Binder Error\"}");
    CliFixture.Result failed =
        keel("monitors", "refresh", "main.ml.churn_preds", "--wait", "-o", "json");
    assertThat(failed.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(failed.json().path("state").asText()).isEqualTo("FAILED");
    assertThat(failed.err()).contains("FAILED  Binder Error");
    CliFixture.Result started = ok("monitors", "refresh", "main.ml.churn_preds");
    assertThat(started.out()).contains("Started refresh 6 of main.ml.churn_preds: PENDING");
  }

  @Test
  void refreshes_are_listed_newest_first_or_shown_one_at_a_time_and_cancelled() {
    api.on("GET", MONITOR + "/refreshes", FakeApi.resource("/monitoring/refreshes.json"));
    api.on(
        "GET",
        MONITOR + "/refreshes/11",
        "{\"refresh_id\":11,\"state\":\"FAILED\",\"trigger\":\"SCHEDULE\",\"message\":\"boom\"}");
    api.on("POST", MONITOR + "/refreshes/12/cancel", "{}");
    String list = ok("monitors", "refreshes", "main.ml.churn_preds").out();
    assertThat(list.lines().toList()).hasSize(4);
    assertThat(list)
        .containsPattern("REFRESH_ID\\s+STATE\\s+TRIGGER\\s+STARTED\\s+ENDED\\s+MESSAGE")
        .containsPattern("12\\s+RUNNING\\s+DATA_CHANGE")
        .containsPattern("11\\s+FAILED\\s+SCHEDULE.*custom metric weighted_error: Binder Error");
    assertThat(list.indexOf("12 ")).isLessThan(list.indexOf("10 "));
    assertThat(ok("monitors", "refreshes", "main.ml.churn_preds", "11").out())
        .containsPattern("State:\\s+FAILED")
        .containsPattern("Message:\\s+boom");
    assertThat(ok("monitors", "cancel-refresh", "main.ml.churn_preds", "12").out())
        .contains("Asked refresh 12 of main.ml.churn_preds to cancel.");
    assertThat(api.last().path()).isEqualTo(MONITOR + "/refreshes/12/cancel");
  }

  @Test
  void delete_says_the_metric_tables_stay_and_a_missing_monitor_exits_1() {
    api.on("DELETE", MONITOR, "{}");
    assertThat(ok("monitors", "delete", "main.ml.churn_preds").out())
        .contains("Deleted the monitor of main.ml.churn_preds (its metric tables stay).");
    CliFixture.Result missing = keel("monitors", "get", "main.ml.nope");
    assertThat(missing.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(missing.err()).contains("RESOURCE_DOES_NOT_EXIST");
  }
}
