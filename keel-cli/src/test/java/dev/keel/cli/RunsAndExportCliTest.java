package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.client.KeelClient;
import dev.keel.client.Metric;
import dev.keel.client.NewRun;
import dev.keel.client.Run;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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

/**
 * {@code keel runs list} across experiments, {@code runs log-batch}, {@code runs compare}, {@code
 * tables read} truncation and {@code tables export}, in-process against a real server.
 */
class RunsAndExportCliTest {
  @TempDir static Path dataDir;
  @TempDir Path files;

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

  static Result ok(String... args) {
    Result r = keel(args);
    assertThat(r.exit()).as(r.err()).isZero();
    return r;
  }

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  // ------------------------------------------------------------------ runs list

  @Test
  void runs_list_without_an_experiment_searches_every_active_experiment_and_shows_params() {
    String exp = client.tracking().createExperiment(unique("elsewhere"));
    Run run = client.tracking().createRun(NewRun.in(exp).withName("not-in-default"));
    client.tracking().logParam(run.runId(), "lr", "0.125");
    client.tracking().logMetric(run.runId(), "rmse", 0.5);

    Result table = ok("runs", "list");
    assertThat(table.out()).contains(run.runId(), "not-in-default", "PARAMS", "lr=0.125");
    assertThat(table.out()).contains("rmse=0.5");

    Result json = ok("runs", "list", "-o", "json");
    List<String> ids = new ArrayList<>();
    json.json().forEach(r -> ids.add(r.path("info").path("run_id").asText()));
    assertThat(ids).contains(run.runId());

    // An explicit experiment still narrows the search.
    Result onlyDefault = ok("runs", "list", "--experiment-id", "0");
    assertThat(onlyDefault.out()).doesNotContain(run.runId());
  }

  // ------------------------------------------------------------------ log-batch

  @Test
  void runs_log_batch_logs_metrics_params_and_tags_from_an_mlflow_json_file() throws Exception {
    Run run = client.tracking().createRun("0");
    Path batch = files.resolve("batch.json");
    Files.writeString(
        batch,
        """
        {"run_id": "%s",
         "metrics": [{"key": "rmse", "value": 0.75, "step": 1, "timestamp": 1700000000000},
                     {"key": "rmse", "value": 0.5, "step": 2, "timestamp": 1700000001000},
                     {"key": "loss", "value": "NaN"}],
         "params": [{"key": "lr", "value": "0.1"}],
         "tags": [{"key": "team", "value": "ml"}]}
        """
            .formatted(run.runId()));
    Result r = ok("runs", "log-batch", "--run-id", run.runId(), "--file", batch.toString());
    assertThat(r.out()).contains("Logged 3 metrics, 1 params and 1 tags");

    Run got = client.tracking().getRun(run.runId());
    assertThat(got.param("lr")).contains("0.1");
    assertThat(got.tag("team")).contains("ml");
    assertThat(got.metric("rmse").map(Metric::value)).contains(0.5);
    assertThat(got.metric("loss").map(Metric::value)).contains(Double.NaN);
    assertThat(client.tracking().metricHistory(run.runId(), "rmse"))
        .extracting(Metric::step)
        .containsExactly(1L, 2L);
  }

  @Test
  void runs_log_batch_splits_what_exceeds_one_request_in_file_order() throws Exception {
    Run run = client.tracking().createRun("0");
    StringBuilder sb = new StringBuilder("{\"metrics\": [");
    for (int i = 0; i < 1500; i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"key\": \"m\", \"value\": ")
          .append(i)
          .append(", \"step\": ")
          .append(i)
          .append("}");
    }
    sb.append("], \"params\": [");
    for (int i = 0; i < 150; i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"key\": \"p")
          .append(i)
          .append("\", \"value\": \"v\"}");
    }
    sb.append("]}");
    Path batch = files.resolve("big.json");
    Files.writeString(batch, sb.toString());
    Result r = ok("runs", "log-batch", "--run-id", run.runId(), "-f", batch.toString());
    assertThat(r.out()).contains("Logged 1500 metrics, 150 params and 0 tags", "(2 requests)");
    assertThat(client.tracking().metricHistory(run.runId(), "m")).hasSize(1500);
    assertThat(client.tracking().getRun(run.runId()).params()).hasSize(150);
  }

  @Test
  void runs_log_batch_refuses_a_bad_file_naming_the_field_and_sends_nothing() throws Exception {
    Run run = client.tracking().createRun("0");
    Path batch = files.resolve("bad.json");
    Files.writeString(
        batch,
        "{\"params\": [{\"key\": \"lr\", \"value\": \"0.1\"}],"
            + " \"metrics\": [{\"key\": \"rmse\", \"value\": \"high\"}]}");
    Result r = keel("runs", "log-batch", "--run-id", run.runId(), "--file", batch.toString());
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("metrics[0].value must be a number");
    assertThat(client.tracking().getRun(run.runId()).params()).isEmpty();

    Files.writeString(batch, "{\"metric\": []}");
    Result unknown = keel("runs", "log-batch", "--run-id", run.runId(), "--file", batch.toString());
    assertThat(unknown.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(unknown.err()).contains("unknown field(s) [metric]");

    Files.writeString(
        batch, "{\"run_id\": \"other\", \"tags\": [{\"key\": \"a\", \"value\": \"b\"}]}");
    Result other = keel("runs", "log-batch", "--run-id", run.runId(), "--file", batch.toString());
    assertThat(other.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(other.err()).contains("run_id 'other' differs from --run-id");
    assertThat(client.tracking().getRun(run.runId()).tags()).noneMatch(t -> t.key().equals("a"));
  }

  // ------------------------------------------------------------------ compare

  @Test
  void runs_compare_puts_params_and_latest_metrics_side_by_side_and_marks_differences() {
    Run a = client.tracking().createRun(NewRun.in("0").withName("run-a"));
    Run b = client.tracking().createRun(NewRun.in("0").withName("run-b"));
    client.tracking().logParam(a.runId(), "lr", "0.1");
    client.tracking().logParam(b.runId(), "lr", "0.2");
    client.tracking().logParam(a.runId(), "depth", "3");
    client.tracking().logParam(b.runId(), "depth", "3");
    client.tracking().logParam(a.runId(), "only_a", "x");
    client.tracking().logMetric(a.runId(), "rmse", 0.9, 0);
    client.tracking().logMetric(a.runId(), "rmse", 0.5, 1);
    client.tracking().logMetric(b.runId(), "rmse", 0.5, 0);

    Result table = ok("runs", "compare", a.runId(), b.runId());
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0)).contains("KIND", "KEY", a.runId(), b.runId());
    assertThat(line(lines, "lr")).startsWith("*").contains("0.1", "0.2");
    assertThat(line(lines, "depth")).doesNotStartWith("*");
    assertThat(line(lines, "only_a")).startsWith("*").contains("x", "-");
    assertThat(line(lines, "rmse")).as("latest values are equal").doesNotStartWith("*");
    assertThat(line(lines, "name")).startsWith("*").contains("run-a", "run-b");

    JsonNode json = ok("runs", "compare", a.runId(), b.runId(), "-o", "json").json();
    assertThat(json.path("run_ids").toString()).contains(a.runId(), b.runId());
    JsonNode lr = null;
    for (JsonNode row : json.path("rows")) {
      if (row.path("key").asText().equals("lr")) {
        lr = row;
      }
    }
    assertThat(lr).isNotNull();
    assertThat(lr.path("kind").asText()).isEqualTo("param");
    assertThat(lr.path("differs").asBoolean()).isTrue();
    assertThat(lr.path("values").toString()).isEqualTo("[\"0.1\",\"0.2\"]");

    Result one = keel("runs", "compare", a.runId());
    assertThat(one.exit()).isEqualTo(Main.EXIT_USAGE);
  }

  private static String line(List<String> lines, String key) {
    return lines.stream()
        .filter(l -> List.of(l.trim().split("\\s+")).contains(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + key + " in " + lines));
  }

  // ------------------------------------------------------------------ tables read / export

  /** A table of {@code n} rows (id, name) written from a CSV file. */
  private String tableOf(int n) throws IOException {
    String name = "main.default." + unique("big");
    ok("tables", "create", name, "--column", "id:LONG", "--column", "name:STRING");
    StringBuilder csv = new StringBuilder("id,name\n");
    for (int i = 0; i < n; i++) {
      csv.append(i).append(",n").append(i).append('\n');
    }
    Path f = files.resolve(unique("rows") + ".csv");
    Files.writeString(f, csv);
    ok("tables", "write", name, "--file", f.toString());
    return name;
  }

  @Test
  void tables_read_says_when_it_truncated_and_points_to_export() throws Exception {
    String name = tableOf(25);
    Result r = ok("tables", "read", name);
    assertThat(r.err()).contains("Truncated: showed 20 of 25 rows", "keel tables export " + name);

    Result all = ok("tables", "read", name, "--limit", "25");
    assertThat(all.err()).doesNotContain("Truncated");

    Result tooMany = keel("tables", "read", name, "--limit", "10001");
    assertThat(tooMany.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(tooMany.err()).contains("--limit must be 0 to 10000", "keel tables export");
  }

  @Test
  void tables_export_writes_every_row_as_csv_or_parquet_beyond_the_read_limit() throws Exception {
    String name = tableOf(10_001);

    Path csv = files.resolve("all.csv");
    Result r = ok("tables", "export", name, "--format", "csv", "--dest", csv.toString());
    assertThat(r.out()).contains("Exported snapshot", csv.toString());
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    assertThat(lines.get(0)).isEqualTo("id,name");
    assertThat(lines).hasSize(10_002).contains("10000,n10000");

    Path parquet = files.resolve("all.parquet");
    JsonNode json = ok("tables", "export", name, "--dest", parquet.toString(), "-o", "json").json();
    assertThat(json.path("format").asText()).isEqualTo("parquet");
    byte[] bytes = Files.readAllBytes(parquet);
    assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PAR1");

    // The Parquet file holds every row: write it into a new table and count.
    String copy = "main.default." + unique("copy");
    ok("tables", "create", copy, "--column", "id:LONG", "--column", "name:STRING");
    ok("tables", "write", copy, "--file", parquet.toString());
    assertThat(ok("tables", "count", copy).out().trim()).isEqualTo("10001");

    Path cols = files.resolve("names.csv");
    ok(
        "tables",
        "export",
        name,
        "--columns",
        "name",
        "--snapshot-id",
        Long.toString(json.path("snapshot_id").asLong()),
        "--dest",
        cols.toString());
    assertThat(Files.readAllLines(cols).get(0)).isEqualTo("name");
  }

  @Test
  void tables_export_of_an_empty_table_writes_the_header_and_refuses_bad_input() throws Exception {
    String name = "main.default." + unique("empty");
    ok("tables", "create", name, "--column", "id:LONG", "--column", "ts:TIMESTAMP");
    Path csv = files.resolve("empty.csv");
    ok("tables", "export", name, "--dest", csv.toString());
    assertThat(Files.readAllLines(csv)).containsExactly("id,ts");

    Path json = files.resolve("rows.json");
    Result noFormat = keel("tables", "export", name, "--dest", json.toString());
    assertThat(noFormat.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(noFormat.err()).contains("--format is required");
    assertThat(json).doesNotExist();

    Result badColumn =
        keel("tables", "export", name, "--columns", "nope", "--dest", csv.toString());
    assertThat(badColumn.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(badColumn.err()).contains("unknown column 'nope'");
    assertThat(Files.readAllLines(csv)).as("unchanged").containsExactly("id,ts");
    try (var leftovers = Files.list(files)) {
      assertThat(leftovers.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.endsWith(".part"));
    }
  }
}
