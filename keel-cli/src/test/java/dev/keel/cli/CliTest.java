package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.client.KeelClient;
import dev.keel.client.Metric;
import dev.keel.client.NewRun;
import dev.keel.client.Run;
import dev.keel.client.RunStatus;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code keel} commands in-process against a real server on a free port. */
class CliTest {
  @TempDir static Path dataDir;

  static KeelServer server;
  static KeelClient client;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() {
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
    client = new KeelClient(server.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  record Result(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  /** Runs keel with {@code --url} of the test server appended to a client command. */
  static Result keel(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url");
    all.add(server.url());
    return keelWithEnv(Map.of(), all.toArray(String[]::new));
  }

  static Result keelWithEnv(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine(env, args);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  // ------------------------------------------------------------------ experiments

  @Test
  void experiments_create_prints_the_new_id_in_both_formats() {
    String name = unique("cli");
    Result table = keel("experiments", "create", name, "--tag", "team=ml");
    assertThat(table.exit()).isZero();
    String id = client.tracking().getExperimentByName(name).orElseThrow().experimentId();
    assertThat(table.out()).contains(name).contains("id " + id);
    assertThat(client.tracking().getExperiment(id).tag("team")).contains("ml");

    Result json = keel("experiments", "create", unique("cli"), "-o", "json");
    assertThat(json.exit()).isZero();
    assertThat(json.json().get("experiment_id").asText()).matches("\\d+");
  }

  @Test
  void experiments_get_prints_fields_as_a_table_and_the_server_object_as_json() {
    String name = unique("get");
    String id = client.tracking().createExperiment(name);
    client.tracking().setExperimentTag(id, "owner", "ana");

    Result table = keel("experiments", "get", id);
    assertThat(table.exit()).isZero();
    assertThat(table.out())
        .containsPattern("ID:\\s+" + id)
        .containsPattern("Name:\\s+" + name)
        .contains("owner")
        .contains("ana");

    Result json = keel("experiments", "get", "--name", name, "--output", "json");
    assertThat(json.exit()).isZero();
    JsonNode e = json.json();
    assertThat(e.get("experiment_id").asText()).isEqualTo(id);
    assertThat(e.get("name").asText()).isEqualTo(name);
    assertThat(e.get("lifecycle_stage").asText()).isEqualTo("active");
    assertThat(e.get("creation_time").isIntegralNumber()).isTrue();
    assertThat(e.get("tags").get(0).get("key").asText()).isEqualTo("owner");
  }

  @Test
  void experiments_list_prints_aligned_columns_and_a_json_array_of_every_page() {
    String prefix = unique("lst");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(client.tracking().createExperiment(prefix + "-" + i));
    }
    String filter = "name LIKE '" + prefix + "%'";

    Result table = keel("experiments", "list", "--filter", filter, "--order-by", "name ASC");
    assertThat(table.exit()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("ID").contains("NAME").contains("STAGE");
    int nameColumn = lines.get(0).indexOf("NAME");
    for (int i = 1; i < lines.size(); i++) {
      assertThat(lines.get(i).substring(nameColumn)).startsWith(prefix + "-" + (i - 1));
    }

    Result json = keel("experiments", "list", "--filter", filter, "-o", "json");
    assertThat(json.exit()).isZero();
    assertThat(json.json().isArray()).isTrue();
    List<String> listed = new ArrayList<>();
    json.json().forEach(e -> listed.add(e.get("experiment_id").asText()));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void experiments_list_with_max_results_prints_one_page_and_the_next_token_on_stderr() {
    String prefix = unique("page");
    for (int i = 0; i < 3; i++) {
      client.tracking().createExperiment(prefix + "-" + i);
    }
    String filter = "name LIKE '" + prefix + "%'";
    Result first =
        keel("experiments", "list", "--filter", filter, "--max-results", "2", "-o", "json");
    assertThat(first.exit()).isZero();
    assertThat(first.json()).hasSize(2);
    assertThat(first.err()).contains("--page-token ");
    String token = first.err().substring(first.err().indexOf("--page-token ") + 13).trim();

    Result second =
        keel(
            "experiments",
            "list",
            "--filter",
            filter,
            "--max-results",
            "2",
            "--page-token",
            token,
            "-o",
            "json");
    assertThat(second.json()).hasSize(1);
    assertThat(second.err()).doesNotContain("--page-token");
  }

  @Test
  void experiments_rename_delete_restore_and_tag_change_the_experiment() {
    String id = client.tracking().createExperiment(unique("life"));
    String newName = unique("renamed");
    assertThat(keel("experiments", "rename", id, newName).exit()).isZero();
    assertThat(client.tracking().getExperiment(id).name()).isEqualTo(newName);

    Result deleted = keel("experiments", "delete", id);
    assertThat(deleted.exit()).isZero();
    assertThat(deleted.out()).contains("Deleted experiment " + id);
    assertThat(client.tracking().getExperiment(id).lifecycleStage().wire()).isEqualTo("deleted");
    Result listDeleted =
        keel("experiments", "list", "--view", "deleted", "--filter", "name = '" + newName + "'");
    assertThat(listDeleted.out()).contains(newName);

    Result restored = keel("experiments", "restore", id, "-o", "json");
    assertThat(restored.exit()).isZero();
    assertThat(restored.json().isObject() && restored.json().isEmpty()).isTrue();
    assertThat(client.tracking().getExperiment(id).lifecycleStage().wire()).isEqualTo("active");

    assertThat(keel("experiments", "set-tag", id, "k", "v").exit()).isZero();
    assertThat(client.tracking().getExperiment(id).tag("k")).contains("v");
    assertThat(keel("experiments", "delete-tag", id, "k").exit()).isZero();
    assertThat(client.tracking().getExperiment(id).tag("k")).isEmpty();
  }

  @Test
  void creating_a_duplicate_experiment_prints_the_error_code_and_exits_1() {
    String name = unique("dup");
    client.tracking().createExperiment(name);
    Result r = keel("experiments", "create", name);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("error: RESOURCE_ALREADY_EXISTS: ");
  }

  @Test
  void get_unknown_experiment_by_name_exits_1_with_resource_does_not_exist() {
    Result r = keel("experiments", "get", "--name", unique("missing"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: RESOURCE_DOES_NOT_EXIST: ");
  }

  // ------------------------------------------------------------------ runs

  @Test
  void runs_create_with_experiment_name_prints_the_run_as_json() {
    String name = unique("runs");
    String exp = client.tracking().createExperiment(name);
    Result r =
        keel(
            "runs",
            "create",
            "--experiment-name",
            name,
            "--name",
            "baseline",
            "-t",
            "team=ml",
            "--start-time",
            "1700000000000",
            "-o",
            "json");
    assertThat(r.exit()).isZero();
    JsonNode run = r.json();
    assertThat(run.at("/info/experiment_id").asText()).isEqualTo(exp);
    assertThat(run.at("/info/run_name").asText()).isEqualTo("baseline");
    assertThat(run.at("/info/status").asText()).isEqualTo("RUNNING");
    assertThat(run.at("/info/start_time").asLong()).isEqualTo(1_700_000_000_000L);
    assertThat(client.tracking().getRun(run.at("/info/run_id").asText()).tag("team"))
        .contains("ml");
  }

  @Test
  void runs_log_commands_then_get_shows_params_metrics_and_tags() {
    String runId =
        client
            .tracking()
            .createRun(NewRun.in(client.tracking().createExperiment(unique("log"))))
            .runId();
    assertThat(keel("runs", "log-metric", runId, "loss", "0.25", "--step", "3").exit()).isZero();
    assertThat(keel("runs", "log-metric", runId, "delta", "-1.5").exit()).isZero();
    assertThat(keel("runs", "log-param", runId, "lr", "0.01").exit()).isZero();
    assertThat(keel("runs", "set-tag", runId, "stage", "dev").exit()).isZero();
    assertThat(keel("runs", "set-tag", runId, "tmp", "x").exit()).isZero();
    assertThat(keel("runs", "delete-tag", runId, "tmp").exit()).isZero();

    Result table = keel("runs", "get", runId);
    assertThat(table.exit()).isZero();
    assertThat(table.out())
        .containsPattern("Run ID:\\s+" + runId)
        .containsPattern("lr\\s+0\\.01")
        .containsPattern("loss\\s+0\\.25\\s+3")
        .containsPattern("delta\\s+-1\\.5")
        .containsPattern("stage\\s+dev")
        .doesNotContain("tmp");

    JsonNode json = keel("runs", "get", runId, "-o", "json").json();
    assertThat(json.at("/info/run_id").asText()).isEqualTo(runId);
    assertThat(json.at("/data/params/0/key").asText()).isEqualTo("lr");
    assertThat(json.at("/data/metrics").size()).isEqualTo(2);
  }

  @Test
  void runs_list_filters_and_orders_in_both_formats() {
    String exp = client.tracking().createExperiment(unique("search"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = client.tracking().createRun(NewRun.in(exp).withName("r" + i)).runId();
      client.tracking().logMetric(id, new Metric("rmse", i, 1L, 0));
      ids.add(id);
    }
    Result table =
        keel(
            "runs",
            "list",
            "--experiment-id",
            exp,
            "--filter",
            "metrics.rmse >= 1",
            "--order-by",
            "metrics.rmse DESC");
    assertThat(table.exit()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0)).startsWith("RUN ID").contains("STATUS");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith(ids.get(2)).contains("r2").contains("rmse=2");
    assertThat(lines.get(2)).startsWith(ids.get(1));

    JsonNode json =
        keel("runs", "list", "--experiment-id", exp, "--max-results", "2", "-o", "json").json();
    assertThat(json.isArray()).isTrue();
    assertThat(json.size()).isEqualTo(2);
    assertThat(json.get(0).at("/info/experiment_id").asText()).isEqualTo(exp);
  }

  @Test
  void runs_update_with_a_terminal_status_ends_the_run() {
    String runId = client.tracking().createRun("0").runId();
    Result r = keel("runs", "update", runId, "--status", "finished", "-o", "json");
    assertThat(r.exit()).isZero();
    assertThat(r.json().at("/run_info/status").asText()).isEqualTo("FINISHED");
    assertThat(r.json().at("/run_info/end_time").isIntegralNumber()).isTrue();
    assertThat(client.tracking().getRun(runId).info().status()).isEqualTo(RunStatus.FINISHED);
  }

  @Test
  void runs_delete_and_restore_change_the_lifecycle_stage() {
    String runId = client.tracking().createRun("0").runId();
    assertThat(keel("runs", "delete", runId).exit()).isZero();
    assertThat(client.tracking().getRun(runId).info().lifecycleStage().wire()).isEqualTo("deleted");
    assertThat(keel("runs", "restore", runId).exit()).isZero();
    assertThat(client.tracking().getRun(runId).info().lifecycleStage().wire()).isEqualTo("active");
  }

  @Test
  void runs_history_prints_every_point_in_step_order() {
    String runId = client.tracking().createRun("0").runId();
    for (int step = 0; step < 5; step++) {
      client.tracking().logMetric(runId, new Metric("acc", step / 10.0, 1_000L + step, step));
    }
    Result table = keel("runs", "history", runId, "acc");
    assertThat(table.exit()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0)).startsWith("STEP").contains("VALUE").contains("TIMESTAMP");
    assertThat(lines).hasSize(6);
    assertThat(lines.get(5)).startsWith("4").contains("0.4");

    JsonNode json = keel("runs", "history", runId, "acc", "-o", "json").json();
    assertThat(json.size()).isEqualTo(5);
    assertThat(json.get(4).get("step").asLong()).isEqualTo(4);
    assertThat(json.get(4).get("value").asDouble()).isEqualTo(0.4);

    JsonNode page =
        keel("runs", "history", runId, "acc", "--max-results", "2", "-o", "json").json();
    assertThat(page.size()).isEqualTo(2);
  }

  @Test
  void get_unknown_run_prints_resource_does_not_exist_and_exits_1() {
    Result r = keel("runs", "get", "0123456789abcdef0123456789abcdef");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("error: RESOURCE_DOES_NOT_EXIST: ");
  }

  @Test
  void changing_a_param_prints_invalid_parameter_value_and_exits_1() {
    String runId = client.tracking().createRun("0").runId();
    client.tracking().logParam(runId, "k", "1");
    Result r = keel("runs", "log-param", runId, "k", "2", "-o", "json");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: INVALID_PARAMETER_VALUE: ");
  }

  // ------------------------------------------------------------------ artifacts

  @Test
  void artifacts_upload_list_download_and_delete(@TempDir Path tmp) throws IOException {
    Run run = client.tracking().createRun("0");
    Path file = tmp.resolve("model.json");
    Files.writeString(file, "{}");
    Path dir = tmp.resolve("plots");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("a.txt"), "a");
    Files.writeString(dir.resolve("sub/b.txt"), "bb");

    assertThat(
            keel("artifacts", "upload", run.runId(), file.toString(), "--artifact-path", "model")
                .exit())
        .isZero();
    assertThat(
            keel("artifacts", "upload", run.runId(), dir.toString(), "--artifact-path", "plots")
                .out())
        .contains("Uploaded 2 files");

    Result root = keel("artifacts", "list", run.runId());
    assertThat(root.out()).contains("model/").contains("plots/");
    JsonNode plots = keel("artifacts", "list", run.runId(), "plots", "-o", "json").json();
    assertThat(plots.size()).isEqualTo(2);

    Path dest = tmp.resolve("dest");
    assertThat(
            keel("artifacts", "download", run.runId(), "plots", "--dest", dest.toString()).exit())
        .isZero();
    assertThat(Files.readString(dest.resolve("plots/sub/b.txt"))).isEqualTo("bb");
    assertThat(
            keel("artifacts", "download", run.runId(), "model/model.json", "-d", dest.toString())
                .exit())
        .isZero();
    assertThat(Files.readString(dest.resolve("model.json"))).isEqualTo("{}");

    assertThat(keel("artifacts", "delete", run.runId(), "plots/a.txt").exit()).isZero();
    assertThat(client.tracking().listArtifacts(run.runId(), "plots")).hasSize(1);
  }

  // ------------------------------------------------------------------ usage and environment

  @Test
  void url_defaults_to_keel_url_from_the_environment() {
    Result r =
        keelWithEnv(Map.of("KEEL_URL", server.url()), "experiments", "get", "0", "-o", "json");
    assertThat(r.exit()).isZero();
    assertThat(r.json().get("name").asText()).isEqualTo("Default");
  }

  @Test
  void unreachable_server_prints_connection_failed_and_exits_1() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Result r = keelWithEnv(Map.of(), "experiments", "list", "--url", "http://127.0.0.1:" + port);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: CONNECTION_FAILED: ");
  }

  @Test
  void unknown_option_exits_2_with_a_hint() {
    Result r = keel("runs", "list", "--no-such-flag");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("error: ").contains("--no-such-flag").contains("--help");
  }

  @Test
  void missing_argument_exits_2() {
    assertThat(keel("runs", "log-metric", "abc").exit()).isEqualTo(2);
    assertThat(keel("experiments", "get").exit()).isEqualTo(2);
  }

  @Test
  void non_numeric_metric_value_exits_2() {
    Result r = keel("runs", "log-metric", "0123456789abcdef0123456789abcdef", "loss", "high");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("not a number");
  }

  @Test
  void bad_output_format_exits_2() {
    assertThat(keel("experiments", "list", "-o", "yaml").exit()).isEqualTo(2);
  }

  @Test
  void keel_without_a_command_prints_usage_and_exits_2() {
    Result r = keelWithEnv(Map.of());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Usage: keel").contains("server").contains("experiments");
  }

  @Test
  void version_prints_the_version() {
    Result r = keelWithEnv(Map.of(), "version");
    assertThat(r.exit()).isZero();
    assertThat(r.out().trim()).isEqualTo("keel " + KeelServer.version());
    assertThat(keelWithEnv(Map.of(), "--version").out()).contains(KeelServer.version());
    assertThat(keelWithEnv(Map.of(), "runs", "list", "-V").out()).contains(KeelServer.version());
  }

  @Test
  void server_with_a_non_numeric_port_exits_2() {
    Result r = keelWithEnv(Map.of(), "server", "--port", "http");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--port");
  }

  @Test
  void server_with_an_out_of_range_port_exits_2() {
    Result r = keelWithEnv(Map.of(), "server", "--port", "70000", "--data-dir", dataDir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("port must be between 0 and 65535");
  }

  @Test
  void server_with_a_non_jdbc_db_url_exits_2() {
    Result r =
        keelWithEnv(
            Map.of(), "server", "--db-url", "postgres://x", "--data-dir", dataDir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("db-url");
  }

  @Test
  void server_with_a_bad_port_in_the_environment_exits_2() {
    Result r =
        keelWithEnv(Map.of("KEEL_PORT", "eighty"), "server", "--data-dir", dataDir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("port must be a number");
  }

  @Test
  void server_with_a_missing_config_file_exits_2(@TempDir Path tmp) {
    Result r = keelWithEnv(Map.of(), "server", "--config", tmp.resolve("nope.json").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("does not exist");
  }

  @Test
  void server_on_a_port_in_use_exits_1() {
    Result r =
        keelWithEnv(
            Map.of(),
            "server",
            "--port",
            Integer.toString(server.port()),
            "--data-dir",
            dataDir.resolve("other").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: ");
  }
}
