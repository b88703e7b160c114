package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.client.DataJson;
import dev.keel.client.FeatureLookup;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.OnDemandFeature;
import dev.keel.client.Spine;
import dev.keel.client.TrainingSetColumn;
import dev.keel.client.TrainingSetResult;
import dev.keel.client.TrainingSetSpec;
import dev.keel.client.TrainingSetStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keel training-sets ...}: point-in-time training sets, written as tables or streamed. */
@Command(
    name = "training-sets",
    aliases = "training-set",
    description =
        "Build point-in-time training sets: write them as tables, stream them, rebuild them.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class TrainingSetsCommand {

  /** Where the spine comes from: one of the two. */
  static final class SpineSource {
    @Option(
        names = "--spine-table",
        paramLabel = "FULL_NAME",
        required = true,
        description = "Use this table as the spine.")
    String table;

    @Option(
        names = "--spine-file",
        paramLabel = "FILE",
        required = true,
        description =
            "A JSON file {\"columns\": [{\"name\", \"type\"}], \"rows\": [[...]]}; types BOOLEAN,"
                + " INT, LONG, DOUBLE, STRING, TIMESTAMP.")
    Path file;
  }

  /** The training set's definition from the command line. */
  static final class Definition {
    @ArgGroup(exclusive = true, multiplicity = "1")
    SpineSource spine;

    @Option(
        names = "--spine-snapshot-id",
        paramLabel = "ID",
        description = "Read this snapshot of --spine-table.")
    Long spineSnapshotId;

    @Option(
        names = {"-l", "--lookups"},
        paramLabel = "FILE",
        required = true,
        description =
            "A JSON file: an array of lookups (Databricks' FeatureLookup fields: table_name,"
                + " feature_names, lookup_key, timestamp_lookup_key, lookback_window,"
                + " rename_outputs, default_values), or an object {\"lookups\": [...],"
                + " \"on_demand\", \"exclude_columns\", \"availability_filter\", \"indicators\"}.")
    Path lookups;

    @Option(names = "--indicators", description = "Add a per-lookup missing/outside-window column.")
    boolean indicators;

    @Option(
        names = "--availability-filter",
        description = "Count a feature row only if it was ingested by the spine time.")
    boolean availabilityFilter;

    TrainingSetSpec spec() {
      Spine s;
      if (spine.table != null) {
        s =
            spineSnapshotId != null
                ? Spine.table(spine.table, spineSnapshotId)
                : Spine.table(spine.table);
      } else {
        if (spineSnapshotId != null) {
          throw new IllegalArgumentException("--spine-snapshot-id needs --spine-table");
        }
        s = spineRows(DataOptions.json(null, spine.file, "--spine-file"));
      }
      JsonNode l = DataOptions.json(null, lookups, "--lookups");
      JsonNode list = l.isArray() ? l : l.path("lookups");
      List<FeatureLookup> ls = DataJson.lookups(list);
      List<OnDemandFeature> onDemand = new ArrayList<>();
      for (JsonNode o : l.path("on_demand")) {
        Map<String, String> bindings = new LinkedHashMap<>();
        o.path("input_bindings")
            .properties()
            .forEach(e -> bindings.put(e.getKey(), e.getValue().asText()));
        onDemand.add(
            new OnDemandFeature(
                o.path("udf_name").asText(), bindings, o.path("output_name").asText()));
      }
      List<String> exclude = new ArrayList<>();
      l.path("exclude_columns").forEach(x -> exclude.add(x.asText()));
      return new TrainingSetSpec(
          s,
          ls,
          onDemand,
          exclude,
          availabilityFilter || l.path("availability_filter").asBoolean(false),
          indicators || l.path("indicators").asBoolean(false));
    }
  }

  static Spine spineRows(JsonNode n) {
    if (!n.path("columns").isArray() || !n.path("rows").isArray()) {
      throw new IllegalArgumentException(
          "--spine-file: expected {\"columns\": [{\"name\", \"type\"}], \"rows\": [[...]]}");
    }
    List<TrainingSetColumn> cols = new ArrayList<>();
    n.path("columns")
        .forEach(
            c -> cols.add(new TrainingSetColumn(c.path("name").asText(), c.path("type").asText())));
    List<List<Object>> rows = new ArrayList<>();
    for (JsonNode r : n.path("rows")) {
      List<Object> row = new ArrayList<>();
      r.forEach(v -> row.add(DataJson.value(v)));
      rows.add(row);
    }
    return Spine.rows(cols, rows);
  }

  @Command(
      name = "create",
      description = "Build a training set and write it as a new table.",
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts,
      @ArgGroup(exclusive = false, multiplicity = "1") Definition def,
      @Option(
              names = "--output-table",
              paramLabel = "FULL_NAME",
              required = true,
              description = "The table to write (must not exist).")
          String outputTable,
      @Option(
              names = "--run-id",
              paramLabel = "RUN_ID",
              description = "Log the spine and feature tables (with snapshots) to this run.")
          String runId) {
    TrainingSetSpec s = def.spec();
    try (KeelClient client = opts.client()) {
      TrainingSetResult r =
          client.features().createTrainingSet(s, outputTable, Optional.ofNullable(runId));
      Output out = opts.out();
      out.print(DataJson.toJson(r), () -> out.line(summary(r)));
    }
    return 0;
  }

  @Command(
      name = "rebuild",
      description = "Rebuild the training set logged to a run, from the snapshots it read.",
      mixinStandardHelpOptions = true)
  int rebuild(
      @Mixin ClientOptions opts,
      @Option(names = "--run-id", paramLabel = "RUN_ID", required = true) String runId,
      @Option(names = "--output-table", paramLabel = "FULL_NAME", required = true)
          String outputTable) {
    try (KeelClient client = opts.client()) {
      TrainingSetResult r = client.features().rebuildTrainingSet(runId, outputTable);
      Output out = opts.out();
      out.print(DataJson.toJson(r), () -> out.line(summary(r)));
    }
    return 0;
  }

  @Command(
      name = "stream",
      description =
          "Build a training set and print its rows as they arrive: CSV (table output) or"
              + " NDJSON (json output: a columns header line, then one array per row).",
      mixinStandardHelpOptions = true)
  int stream(
      @Mixin ClientOptions opts,
      @ArgGroup(exclusive = false, multiplicity = "1") Definition def,
      @Option(
              names = {"-n", "--limit"},
              paramLabel = "N",
              defaultValue = "0",
              description = "Stop after N rows (0: all).")
          long limit) {
    TrainingSetSpec s = def.spec();
    PrintWriter w = opts.mixee.commandLine().getOut();
    boolean json = opts.out().json();
    try (KeelClient client = opts.client();
        TrainingSetStream set = client.features().stream(s)) {
      if (json) {
        var header = KeelJson.object();
        var cols = header.putArray("columns");
        set.columns().forEach(c -> cols.addObject().put("name", c.name()).put("type", c.type()));
        w.println(KeelJson.write(header, false));
      } else {
        w.println(
            set.columnNames().stream()
                .map(TrainingSetsCommand::csv)
                .collect(Collectors.joining(",")));
      }
      long n = 0;
      while ((limit == 0 || n < limit) && set.hasNext()) {
        List<Object> row = set.next();
        w.println(
            json
                ? KeelJson.write(DataJson.row(row), false)
                : row.stream()
                    .map(v -> v == null ? "" : csv(v.toString()))
                    .collect(Collectors.joining(",")));
        n++;
      }
      w.flush();
    }
    return 0;
  }

  private static String csv(String v) {
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }

  private static String summary(TrainingSetResult r) {
    return "Wrote training set '"
        + r.outputTable()
        + "': "
        + r.rows()
        + " rows, snapshot "
        + r.snapshotId()
        + (r.runId().isPresent() ? ", logged to run " + r.runId().get() : "")
        + ".";
  }
}
