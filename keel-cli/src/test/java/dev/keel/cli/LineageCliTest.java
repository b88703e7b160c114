package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.client.Dataset;
import dev.keel.client.DatasetInput;
import dev.keel.client.KeelClient;
import dev.keel.client.ModelVersion;
import dev.keel.client.ModelVersionStatus;
import dev.keel.client.Run;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
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

/** Runs {@code keel models lineage} and {@code keel runs lineage} in-process on a real server. */
class LineageCliTest {
  @TempDir static Path dataDir;
  @TempDir Path work;

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

  static Result keel(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url");
    all.add(server.url());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] argv = all.toArray(String[]::new);
    CommandLine cmd = Main.commandLine(Map.of(), argv);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(argv);
    return new Result(exit, out.toString(), err.toString());
  }

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  Path onnxModel() throws IOException {
    Path dir = Files.createTempDirectory(work, "onnx");
    for (String f : ModelsCliTest.ONNX_FILES) {
      try (InputStream in = LineageCliTest.class.getResourceAsStream("/fixtures/onnx-model/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    return dir;
  }

  /** A model with version 1 from a run (tagged, with a training dataset) and version 2 without. */
  record Setup(String full, Run run, String experimentId) {}

  Setup modelWithLineage() throws IOException {
    String exp = client.tracking().createExperiment(unique("clilin"));
    Run run = client.tracking().createRun(exp);
    client.tracking().setTag(run.runId(), "mlflow.source.git.commit", "9f3c1e2");
    client
        .tracking()
        .logInputs(
            run.runId(),
            List.of(
                DatasetInput.of(
                    new Dataset(
                        "churn_train", "d1", "delta_table", "{\"table_name\":\"main.s.t\"}"),
                    "training")));
    String full = "main.default." + unique("clilin");
    client.registry().createModel(full, "");
    ModelVersion v1 = client.registry().registerModel(full, onnxModel(), run.runId());
    assertThat(v1.status()).isEqualTo(ModelVersionStatus.READY);
    client.registry().setAlias(full, "champion", 1);
    client.registry().createVersion(full, "mlflow-artifacts:/elsewhere", "");
    return new Setup(full, run, exp);
  }

  @Test
  void models_lineage_prints_a_tree_of_versions_runs_and_datasets() throws IOException {
    Setup s = modelWithLineage();
    Result r = keel("models", "lineage", s.full());
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    // Versions in number order, as the server lists them; times vary, the rest is exact.
    assertThat(lines).hasSize(10);
    assertThat(lines.get(0)).isEqualTo(s.full());
    assertThat(lines.get(1)).startsWith("|-- version 1  READY  @champion  created ");
    assertThat(lines.subList(2, 7))
        .containsExactly(
            "|   |-- source: mlflow-artifacts:/models/" + s.full().replace('.', '/'),
            "|   |-- run: "
                + s.run().runId()
                + " (experiment "
                + s.experimentId()
                + ", code 9f3c1e2)",
            "|   `-- datasets",
            "|       `-- churn_train [training]  delta_table  digest d1",
            "|           `-- source: {\"table_name\":\"main.s.t\"}");
    assertThat(lines.get(7)).startsWith("`-- version 2  PENDING_REGISTRATION  created ");
    assertThat(lines.subList(8, 10))
        .containsExactly(
            "    |-- source: mlflow-artifacts:/elsewhere",
            "    `-- run: none (not created from a run)");

    Result json = keel("models", "lineage", s.full(), "-o", "json");
    assertThat(json.exit()).isZero();
    assertThat(json.json().path("full_name").asText()).isEqualTo(s.full());
    assertThat(json.json().path("model_versions").findValuesAsText("status"))
        .containsExactly("READY", "PENDING_REGISTRATION");
    JsonNode first = json.json().path("model_versions").get(0);
    assertThat(first.path("run").path("run_id").asText()).isEqualTo(s.run().runId());
    assertThat(first.path("run").path("code_version").asText()).isEqualTo("9f3c1e2");
    assertThat(first.path("datasets").get(0).path("context").asText()).isEqualTo("training");
  }

  @Test
  void models_lineage_of_one_version_and_by_page() throws IOException {
    Setup s = modelWithLineage();
    Result one = keel("models", "lineage", s.full(), "--version", "1", "-o", "json");
    assertThat(one.exit()).as(one.err()).isZero();
    assertThat(one.json().path("version").asLong()).isEqualTo(1);
    assertThat(one.json().path("full_name").asText()).isEqualTo(s.full());
    assertThat(one.json().path("aliases").get(0).asText()).isEqualTo("champion");
    assertThat(one.json().path("datasets").get(0).path("name").asText()).isEqualTo("churn_train");

    Result table = keel("models", "lineage", s.full(), "--version", "2");
    List<String> lines = table.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).isEqualTo(s.full());
    assertThat(lines.get(1)).startsWith("`-- version 2  PENDING_REGISTRATION  created ");
    assertThat(lines.subList(2, 4))
        .containsExactly(
            "    |-- source: mlflow-artifacts:/elsewhere",
            "    `-- run: none (not created from a run)");

    Result page = keel("models", "lineage", s.full(), "--max-results", "1", "-o", "json");
    assertThat(page.exit()).isZero();
    assertThat(page.json().path("model_versions")).hasSize(1);
    assertThat(page.err()).contains("--page-token ");
    String token = page.err().substring(page.err().indexOf("--page-token ") + 13).trim();
    assertThat(page.json().path("next_page_token").asText()).isEqualTo(token);
    Result rest =
        keel(
            "models",
            "lineage",
            s.full(),
            "--max-results",
            "1",
            "--page-token",
            token,
            "-o",
            "json");
    assertThat(page.json().path("model_versions").get(0).path("version").asLong()).isEqualTo(1);
    assertThat(rest.json().path("model_versions").get(0).path("version").asLong()).isEqualTo(2);
  }

  @Test
  void runs_lineage_lists_the_versions_a_run_produced() throws IOException {
    Setup s = modelWithLineage();
    Result r = keel("runs", "lineage", s.run().runId());
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("run " + s.run().runId());
    assertThat(lines.get(1))
        .startsWith("`-- " + s.full() + " version 1  READY  @champion  created ");

    Result json = keel("runs", "lineage", s.run().runId(), "-o", "json");
    assertThat(json.json().path("run_id").asText()).isEqualTo(s.run().runId());
    assertThat(json.json().path("model_versions").get(0).path("full_name").asText())
        .isEqualTo(s.full());

    Run idle = client.tracking().createRun(s.experimentId());
    Result none = keel("runs", "lineage", idle.runId());
    assertThat(none.exit()).isZero();
    assertThat(none.out().lines().toList())
        .containsExactly("run " + idle.runId(), "`-- (no model versions)");
  }

  @Test
  void unknown_names_are_not_found_and_bad_options_are_usage_errors() {
    Result model = keel("models", "lineage", "main.default." + unique("nope"));
    assertThat(model.exit()).isEqualTo(1);
    assertThat(model.err()).startsWith("error: NOT_FOUND: ");
    Result run = keel("runs", "lineage", "0123456789abcdef0123456789abcdef");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: NOT_FOUND: ");
    assertThat(keel("models", "lineage", "main.default.x", "--version", "0").exit())
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(
            keel("models", "lineage", "main.default.x", "--version", "1", "--max-results", "2")
                .exit())
        .isEqualTo(Main.EXIT_USAGE);
  }
}
