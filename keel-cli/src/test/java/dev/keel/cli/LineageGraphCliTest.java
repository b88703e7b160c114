package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.client.ColumnInfo;
import dev.keel.client.Dataset;
import dev.keel.client.DatasetInput;
import dev.keel.client.KeelClient;
import dev.keel.client.LineageDirection;
import dev.keel.client.LineageGraph;
import dev.keel.client.NewTable;
import dev.keel.client.Run;
import dev.keel.client.WriteMode;
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

/** Runs {@code keel lineage} and the SDK's {@code lineage().graph} in-process on a real server. */
class LineageGraphCliTest {
  @TempDir static Path dataDir;
  @TempDir Path models;

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

  record Chain(String table, long snapshot, String model, Run run) {}

  /** A table written once, a run that logged it as input, version 1 from the run, @champion. */
  Chain chain() throws IOException {
    String table = "main.default." + unique("lg_t");
    client.tables().create(NewTable.of(table, List.of(ColumnInfo.of("id", "LONG"))));
    long snapshot =
        client.tables().writeRows(table, WriteMode.APPEND, List.of(Map.of("id", 1L))).snapshotId();
    Run run = client.tracking().createRun(client.tracking().createExperiment(unique("lg")));
    client
        .tracking()
        .logInputs(
            run.runId(),
            List.of(
                DatasetInput.of(
                    new Dataset(
                        "train",
                        "d1",
                        "keel_table",
                        "{\"table\":\"" + table + "\",\"snapshot_id\":" + snapshot + "}"),
                    "training")));
    String model = "main.default." + unique("lg_m");
    client.registry().createModel(model, "");
    Path dir = Files.createTempDirectory(models, "onnx");
    for (String f : ModelsCliTest.ONNX_FILES) {
      try (InputStream in = getClass().getResourceAsStream("/fixtures/onnx-model/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    client.registry().registerModel(model, dir, run.runId());
    client.registry().setAlias(model, "champion", 1);
    return new Chain(table, snapshot, model, run);
  }

  @Test
  void lineage_prints_the_upstream_tree_of_an_alias() throws IOException {
    Chain c = chain();
    Result r = keel("lineage", c.model() + "@champion", "--upstream");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().toList())
        .containsExactly(
            "MODEL_ALIAS " + c.model() + "@champion  version 1",
            "`-- upstream",
            "    `-- REGISTERED_MODEL " + c.model() + "  [ALIAS, version 1]",
            "        `-- RUN " + c.run().runId() + "  [MODEL_VERSION, version 1]",
            "            `-- TABLE "
                + c.table()
                + "  [DATASET_INPUT, snapshot "
                + c.snapshot()
                + "]");
  }

  @Test
  void lineage_downstream_honours_depth_and_prints_json() throws IOException {
    Chain c = chain();
    Result two = keel("lineage", c.table(), "--downstream", "--depth", "2");
    assertThat(two.exit()).as(two.err()).isZero();
    assertThat(two.out().lines().toList())
        .containsExactly(
            "TABLE " + c.table(),
            "`-- downstream",
            "    `-- RUN " + c.run().runId() + "  [DATASET_INPUT, snapshot " + c.snapshot() + "]",
            "        `-- REGISTERED_MODEL " + c.model() + "  [MODEL_VERSION, version 1]");

    Result json = keel("lineage", c.table(), "--json");
    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode j = json.json();
    assertThat(j.path("direction").asText()).isEqualTo("BOTH");
    assertThat(j.path("depth").asInt()).isEqualTo(3);
    assertThat(j.at("/root/id").asText()).isEqualTo("TABLE:" + c.table());
    assertThat(j.path("nodes").findValuesAsText("id"))
        .containsExactly(
            "TABLE:" + c.table(),
            "RUN:" + c.run().runId(),
            "REGISTERED_MODEL:" + c.model(),
            "MODEL_ALIAS:" + c.model() + "@champion");
    assertThat(j.path("nodes").get(0).path("snapshot_ids").get(0).asLong()).isEqualTo(c.snapshot());

    LineageGraph g = client.lineage().graph(c.model(), LineageDirection.UPSTREAM, 1);
    assertThat(g.nodes())
        .extracting(LineageGraph.Node::id)
        .containsExactly("REGISTERED_MODEL:" + c.model(), "RUN:" + c.run().runId());
    assertThat(g.edges().getFirst().kind()).isEqualTo("MODEL_VERSION");
    assertThat(g.edges().getFirst().version()).hasValue(1);
    assertThat(g.node("REGISTERED_MODEL:" + c.model()).orElseThrow().versions())
        .containsExactly(1L);
  }

  @Test
  void lineage_refuses_both_ways_at_once_and_names_unknown_securables() {
    Result both = keel("lineage", "x", "--upstream", "--downstream");
    assertThat(both.exit()).isEqualTo(Main.EXIT_USAGE);
    Result unknown = keel("lineage", "main.default.nothing_here");
    assertThat(unknown.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(unknown.err()).contains("main.default.nothing_here");
    Result deep = keel("lineage", "main.default.nothing_here", "--depth", "11");
    assertThat(deep.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(deep.err()).contains("depth");
  }
}
