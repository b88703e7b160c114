package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.client.FeatureLookup;
import dev.keel.client.KeelClient;
import dev.keel.client.Run;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
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

/** Runs {@code keel tables|features|training-sets|online ...} in-process against a real server. */
class DataCliTest {
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

  static String unique(String prefix) {
    return "main.default." + prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  static Result ok(String... args) {
    Result r = keel(args);
    assertThat(r.exit()).as(r.err()).isZero();
    return r;
  }

  static String featureTable() {
    String name = unique("drivers");
    ok(
        "features",
        "create",
        name,
        "--column",
        "driver_id:LONG",
        "--column",
        "ts:TIMESTAMP",
        "--column",
        "conv_rate:DOUBLE",
        "--column",
        "city:STRING",
        "--primary-key",
        "driver_id,ts",
        "--timeseries-key",
        "ts",
        "--description",
        "driver stats",
        "--tag",
        "team=ops");
    ok(
        "features",
        "write",
        name,
        "--rows",
        "[{\"driver_id\": 1001, \"ts\": \"2024-01-01T00:00:00Z\", \"conv_rate\": 0.5, \"city\": \"Paris\"},"
            + "{\"driver_id\": 1001, \"ts\": \"2024-01-03T00:00:00Z\", \"conv_rate\": 0.7, \"city\": \"Paris\"},"
            + "{\"driver_id\": 1002, \"ts\": \"2024-01-02T00:00:00Z\", \"conv_rate\": 0.1, \"city\": \"Lyon\"}]");
    return name;
  }

  @Test
  void tables_create_write_read_time_travel_history_and_delete() throws Exception {
    String name = unique("users");
    Result created =
        ok(
            "tables",
            "create",
            name,
            "--column",
            "id:LONG",
            "--column",
            "city:STRING",
            "--column",
            "amount:DECIMAL(10,2)",
            "--primary-key",
            "id",
            "-c",
            "people");
    assertThat(created.out()).contains("Created table '" + name + "'.");

    Result first =
        ok(
            "tables",
            "write",
            name,
            "--rows",
            "[{\"id\": 1, \"city\": \"Paris\", \"amount\": 1.5}]",
            "-o",
            "json");
    long snapshot = first.json().path("snapshot_id").asLong();
    assertThat(first.json().path("rows_added").asLong()).isEqualTo(1);

    Path csv = files.resolve("more.csv");
    Files.writeString(csv, "id,city,amount\n1,Nice,2.25\n2,Lyon,3\n");
    Result up = ok("tables", "write", name, "--file", csv.toString(), "--mode", "upsert");
    assertThat(up.out()).contains("Wrote 2 rows");

    Result read = ok("tables", "read", name, "--limit", "10");
    assertThat(read.out()).contains("id", "city", "amount", "Nice", "Lyon").doesNotContain("Paris");
    assertThat(read.err()).contains("2 rows of snapshot");
    Result old = ok("tables", "read", name, "--snapshot-id", Long.toString(snapshot), "-o", "json");
    assertThat(old.json().path("rows").toString()).isEqualTo("[[1,\"Paris\",1.5]]");
    Result cols = ok("tables", "read", name, "--columns", "city", "-o", "json");
    assertThat(cols.json().path("columns")).hasSize(1);
    assertThat(ok("tables", "count", name).out().trim()).isEqualTo("2");

    Result history = ok("tables", "history", name, "-o", "json");
    assertThat(history.json().path("snapshots").toString()).contains(Long.toString(snapshot));
    assertThat(history.json().path("snapshots").get(0).path("total_rows").asLong()).isEqualTo(2);
    assertThat(ok("tables", "history", name).out()).contains("SNAPSHOT", Long.toString(snapshot));
    assertThat(history.json().path("snapshots").get(0).path("primary_key_unique").asBoolean())
        .as("an append to an empty table, then an upsert")
        .isTrue();

    ok("tables", "write", name, "--rows", "[{\"id\": 3, \"city\": \"Metz\"}]");
    assertThat(ok("tables", "optimize", name).out())
        .contains("Optimized " + name + ": 2 files -> 1, 3 rows", "primary key unique.");
    Result again = ok("tables", "optimize", name, "-o", "json");
    assertThat(again.json().path("files_added").asInt()).isZero();
    assertThat(again.json().path("primary_key_unique").asBoolean()).isTrue();
    assertThat(ok("tables", "count", name).out().trim()).isEqualTo("3");

    Result got = ok("tables", "get", name);
    assertThat(got.out()).contains("Primary keys:", "id", "decimal(10,2)", "people");
    assertThat(ok("tables", "list", "main.default").out()).contains(name);
    assertThat(ok("tables", "list", "main.default", "-o", "json").json().isArray()).isTrue();

    ok("tables", "delete", name);
    Result gone = keel("tables", "get", name);
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).contains("error: NOT_FOUND");
  }

  @Test
  void tables_maintenance_removes_orphans_and_expires_snapshots() throws Exception {
    String name = unique("maint");
    ok("tables", "create", name, "--column", "id:LONG", "--primary-key", "id");
    ok("tables", "write", name, "--rows", "[{\"id\": 1}]");
    ok("tables", "write", name, "--rows", "[{\"id\": 2}]", "--mode", "overwrite");
    assertThat(ok("tables", "remove-orphans", name).out())
        .contains("Removed 0 orphaned file(s) of " + name + " (0 bytes).");
    Result young = keel("tables", "remove-orphans", name, "--older-than", "5s");
    assertThat(young.exit()).isEqualTo(1);
    assertThat(young.err()).contains("older_than: 5 s");
    Result badAge = keel("tables", "remove-orphans", name, "--older-than", "soon");
    assertThat(badAge.exit()).isNotZero();
    assertThat(badAge.err()).contains("--older-than 'soon'");

    Result none = ok("tables", "expire-snapshots", name, "--older-than", "1d", "-o", "json");
    assertThat(none.json().path("expired_snapshots").asInt()).isZero();
    assertThat(none.json().path("snapshots_left").asInt()).isEqualTo(3);
    String cutoff = java.time.Instant.now().plusSeconds(1).toString();
    assertThat(ok("tables", "expire-snapshots", name, "--older-than", cutoff).out())
        .contains("Expired 2 snapshot(s) of " + name + "; 1 left, 0 data file(s) deleted.");
    assertThat(ok("tables", "history", name, "-o", "json").json().path("snapshots")).hasSize(1);
    assertThat(ok("tables", "count", name).out().trim()).isEqualTo("1");
  }

  @Test
  void tables_errors_go_to_stderr_with_exit_codes() throws Exception {
    String name = unique("bad");
    ok("tables", "create", name, "--column", "id:LONG", "--primary-key", "id");
    Result bad = keel("tables", "write", name, "--rows", "[{\"nope\": 1}]");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("INVALID_ARGUMENT").contains("nope");
    assertThat(bad.out()).isEmpty();
    Result both = keel("tables", "write", name);
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("--file or --rows");
    Result badColumn = keel("tables", "create", unique("x"), "--column", "id");
    assertThat(badColumn.exit()).isEqualTo(2);
    assertThat(badColumn.err()).contains("NAME:TYPE");
    Result asOf = keel("tables", "read", name, "--as-of", "yesterday");
    assertThat(asOf.exit()).isEqualTo(2);
    Path txt = files.resolve("rows.txt");
    Files.writeString(txt, "x");
    Result ext = keel("tables", "write", name, "--file", txt.toString());
    assertThat(ext.exit()).isEqualTo(2);
    assertThat(ext.err()).contains(".csv");
    assertThat(client.tables().count(name)).isZero();
  }

  @Test
  void features_create_get_list_update_register_and_delete() {
    String name = featureTable();
    Result got = ok("features", "get", name);
    assertThat(got.out()).contains("driver stats", "conv_rate", "city", "TAG", "team");
    Result json = ok("features", "get", name, "-o", "json");
    assertThat(json.json().path("entity_keys").toString()).isEqualTo("[\"driver_id\"]");
    assertThat(ok("features", "list", "main.default").out()).contains(name);

    Result updated = ok("features", "update", name, "--description", "v2", "-o", "json");
    assertThat(updated.json().path("description").asText()).isEqualTo("v2");
    assertThat(updated.json().path("tags").path("team").asText()).isEqualTo("ops");
    assertThat(keel("features", "update", name).exit()).isEqualTo(2);

    ok("features", "delete", name);
    assertThat(keel("features", "get", name).exit()).isEqualTo(1);
    Result registered = ok("features", "register", name, "--tag", "k=v", "-o", "json");
    assertThat(registered.json().path("tags").path("k").asText()).isEqualTo("v");
    ok("features", "delete", name, "--drop-table");
    assertThat(keel("tables", "get", name).exit()).isEqualTo(1);
  }

  @Test
  void features_write_takes_csv_parquet_and_json_files_and_merges_on_the_key_by_default()
      throws Exception {
    String name = featureTable();
    Path csv = files.resolve("rows.csv");
    Files.writeString(
        csv,
        "driver_id,ts,conv_rate,city\n1001,2024-01-03T00:00:00Z,0.9,Nice\n7,2024-01-04T00:00:00Z,0.2,Metz\n");
    Result c = ok("features", "write", name, "--rows-file", csv.toString());
    assertThat(c.out()).contains("Wrote 2 rows");
    // Merged on (driver_id, ts): the 2024-01-03 row of 1001 was replaced, not duplicated.
    assertThat(client.tables().count(name)).isEqualTo(4);

    Path parquet = files.resolve("rows.parquet");
    try (java.sql.Connection d = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement st = d.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute(
          "COPY (SELECT 8::BIGINT AS driver_id, TIMESTAMPTZ '2024-01-05 00:00:00+00' AS ts,"
              + " 0.3::DOUBLE AS conv_rate, 'Brest' AS city) TO '"
              + parquet
              + "' (FORMAT parquet)");
    }
    ok("features", "write", name, "--rows-file", parquet.toString(), "--mode", "merge");
    assertThat(client.tables().count(name)).isEqualTo(5);

    Path array = files.resolve("rows.json");
    Files.writeString(
        array,
        "[{\"driver_id\": 9, \"ts\": \"2024-01-05T00:00:00Z\", \"conv_rate\": 1.0, \"city\": \"Pau\"}]");
    ok("features", "write", name, "--rows-file", array.toString());
    assertThat(client.tables().count(name)).isEqualTo(6);
    // append adds a second row for a key that exists
    ok("features", "write", name, "--rows-file", csv.toString(), "--mode", "append");
    assertThat(client.tables().count(name)).isEqualTo(8);

    Result bad = keel("features", "write", name, "--rows-file", csv.toString(), "--mode", "nope");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--mode", "merge");
    Path wrong = files.resolve("wrong.csv");
    Files.writeString(wrong, "driver_id,nope\n1,2\n");
    Result badCsv = keel("features", "write", name, "--rows-file", wrong.toString());
    assertThat(badCsv.exit()).isEqualTo(1);
    assertThat(badCsv.err()).contains("nope").doesNotContain("jackson", "Exception");
    assertThat(client.tables().count(name)).isEqualTo(8);
  }

  @Test
  void training_sets_create_stream_and_rebuild() throws Exception {
    String drivers = featureTable();
    Path spine = files.resolve("spine.json");
    Files.writeString(
        spine,
        """
        {"columns": [{"name": "driver_id", "type": "LONG"}, {"name": "at", "type": "TIMESTAMP"}],
         "rows": [[1001, "2024-01-02T00:00:00Z"], [1002, "2024-01-01T00:00:00Z"]]}
        """);
    Path lookups = files.resolve("lookups.json");
    Files.writeString(
        lookups,
        """
        [{"table_name": "%s", "feature_names": ["conv_rate"], "lookup_key": "driver_id",
          "timestamp_lookup_key": "at"}]
        """
            .formatted(drivers));
    String out = unique("train");
    Result created =
        ok(
            "training-sets",
            "create",
            "--spine-file",
            spine.toString(),
            "--lookups",
            lookups.toString(),
            "--output-table",
            out,
            "--indicators");
    assertThat(created.out()).contains("Wrote training set '" + out + "': 2 rows");
    assertThat(client.tables().count(out)).isEqualTo(2);

    Result csv =
        ok(
            "training-sets",
            "stream",
            "--spine-file",
            spine.toString(),
            "--lookups",
            lookups.toString());
    List<String> lines = csv.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("driver_id,at,conv_rate");
    assertThat(lines.get(1)).startsWith("1001,").endsWith(",0.5");
    assertThat(lines.get(2)).startsWith("1002,").endsWith(",");

    Result nd =
        ok(
            "training-sets",
            "stream",
            "--spine-file",
            spine.toString(),
            "--lookups",
            lookups.toString(),
            "-o",
            "json",
            "--limit",
            "1");
    List<String> ndLines = nd.out().lines().toList();
    assertThat(ndLines).hasSize(2);
    assertThat(JSON.readTree(ndLines.get(0)).path("columns")).hasSize(3);
    assertThat(JSON.readTree(ndLines.get(1)).get(2).asDouble()).isEqualTo(0.5);

    String labels = unique("labels");
    ok("tables", "create", labels, "--column", "driver_id:LONG", "--column", "at:TIMESTAMP");
    ok(
        "tables",
        "write",
        labels,
        "--rows",
        "[{\"driver_id\": 1001, \"at\": \"2024-01-05T00:00:00Z\"}]");
    Run run =
        client.tracking().createRun(client.tracking().createExperiment("cli_" + UUID.randomUUID()));
    String logged = unique("logged");
    Result withRun =
        ok(
            "training-sets",
            "create",
            "--spine-table",
            labels,
            "--lookups",
            lookups.toString(),
            "--output-table",
            logged,
            "--run-id",
            run.runId(),
            "-o",
            "json");
    assertThat(withRun.json().path("run_id").asText()).isEqualTo(run.runId());
    String rebuilt = unique("rebuilt");
    Result again =
        ok(
            "training-sets",
            "rebuild",
            "--run-id",
            run.runId(),
            "--output-table",
            rebuilt,
            "-o",
            "json");
    assertThat(again.json().path("rows").asLong()).isEqualTo(1);
    assertThat(client.tables().preview(rebuilt, 10).rows())
        .isEqualTo(client.tables().preview(logged, 10).rows());

    Result noSpine =
        keel("training-sets", "create", "--lookups", lookups.toString(), "--output-table", out);
    assertThat(noSpine.exit()).isEqualTo(2);
    Result exists =
        keel(
            "training-sets",
            "create",
            "--spine-file",
            spine.toString(),
            "--lookups",
            lookups.toString(),
            "--output-table",
            out);
    assertThat(exists.exit()).isEqualTo(1);
    assertThat(exists.err()).contains(out);
  }

  @Test
  void online_publish_and_get_by_features_and_by_spec() {
    String drivers = featureTable();
    Result published = ok("online", "publish", drivers, "--mode", "snapshot");
    assertThat(published.out()).contains("Published '" + drivers + "' (SNAPSHOT", "2 rows written");

    Result got =
        ok(
            "online",
            "get",
            "--features",
            drivers + ":conv_rate," + drivers + ":city",
            "--entity",
            "driver_id=1001,1002,9");
    List<String> lines = got.out().lines().toList();
    assertThat(lines.get(0)).contains("driver_id", "conv_rate", "city");
    assertThat(lines.get(1)).contains("1001", "0.7", "Paris");
    assertThat(lines.get(3)).contains("9", "<NOT_FOUND>");

    Result json =
        ok(
            "online",
            "get",
            "--features",
            drivers + ":conv_rate",
            "-e",
            "driver_id=1002",
            "-o",
            "json");
    assertThat(json.json().path("results").get(1).path("values").toString()).isEqualTo("[0.1]");
    assertThat(json.json().path("results").get(1).path("statuses").toString())
        .isEqualTo("[\"PRESENT\"]");

    String spec = unique("spec");
    client
        .features()
        .createFeatureSpec(spec, List.of(FeatureLookup.of(drivers, "driver_id", "city")), "");
    Result bySpec = ok("online", "get", "--spec", spec, "-e", "driver_id=1002", "-o", "json");
    assertThat(bySpec.json().path("results").get(1).path("values").toString())
        .isEqualTo("[\"Lyon\"]");

    Result badRef = keel("online", "get", "--features", "conv_rate", "-e", "driver_id=1");
    assertThat(badRef.exit()).isEqualTo(1);
    assertThat(badRef.err()).contains("features[0]");
    Result neither = keel("online", "get", "-e", "driver_id=1");
    assertThat(neither.exit()).isEqualTo(2);
    Result badMode = keel("online", "publish", drivers, "--mode", "sometimes");
    assertThat(badMode.exit()).isEqualTo(2);
  }
}
