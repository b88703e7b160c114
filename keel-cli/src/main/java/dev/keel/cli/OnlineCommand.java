package dev.keel.cli;

import dev.keel.client.DataJson;
import dev.keel.client.FeatureStatus;
import dev.keel.client.FeatureValues;
import dev.keel.client.KeelClient;
import dev.keel.client.OnlineFeatures;
import dev.keel.client.PublishMode;
import dev.keel.client.PublishResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel online ...}: publish feature tables to the online store and look features up. */
@Command(
    name = "online",
    description = "Publish feature tables to the online store and look features up.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class OnlineCommand {

  @Command(
      name = "publish",
      description = "Publish a feature table (all of it, or what changed since the last publish).",
      mixinStandardHelpOptions = true)
  int publish(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "FULL_NAME") String fullName,
      @Option(
              names = {"-m", "--mode"},
              paramLabel = "MODE",
              defaultValue = "triggered",
              description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
          PublishMode mode) {
    try (KeelClient client = opts.client()) {
      PublishResult p = client.features().publish(fullName, mode);
      Output out = opts.out();
      out.print(
          DataJson.toJson(p),
          () ->
              out.line(
                  "Published '"
                      + p.table()
                      + "' ("
                      + p.mode()
                      + ", snapshot "
                      + p.snapshotId()
                      + ") to the "
                      + p.onlineStore()
                      + " store: "
                      + p.rowsWritten()
                      + " rows written, "
                      + p.rowsSkipped()
                      + " skipped, in "
                      + p.durationMillis()
                      + " ms."));
    }
    return 0;
  }

  @Command(
      name = "get",
      description = "Look features up by entity key.",
      mixinStandardHelpOptions = true)
  int get(
      @Mixin ClientOptions opts,
      @Option(
              names = "--features",
              paramLabel = "TABLE:FEATURE,...",
              split = ",",
              description = "Features as catalog.schema.table:feature (comma-separated).")
          List<String> features,
      @Option(names = "--spec", paramLabel = "FULL_NAME", description = "A feature spec instead.")
          String spec,
      @Option(
              names = {"-e", "--entity"},
              paramLabel = "KEY=V1,V2",
              required = true,
              description = "An entity key column and its values, in order (repeatable).")
          List<String> entities) {
    if ((features == null || features.isEmpty()) == (spec == null)) {
      throw new IllegalArgumentException("give either --features or --spec");
    }
    Map<String, List<Object>> keys = new LinkedHashMap<>();
    for (String e : entities) {
      int i = e.indexOf('=');
      if (i <= 0) {
        throw new IllegalArgumentException("--entity '" + e + "': expected KEY=V1,V2,...");
      }
      List<Object> values = new ArrayList<>();
      for (String v : e.substring(i + 1).split(",", -1)) {
        values.add(DataOptions.key(v));
      }
      keys.put(e.substring(0, i).trim(), values);
    }
    try (KeelClient client = opts.client()) {
      OnlineFeatures f =
          spec != null
              ? client.features().onlineFeaturesForSpec(spec, keys)
              : client.features().onlineFeatures(features, keys);
      Output out = opts.out();
      out.print(DataJson.toJson(f), () -> table(out, f));
    }
    return 0;
  }

  /** One row per entity; a value that is not present shows its status instead. */
  private static void table(Output out, OnlineFeatures f) {
    int n = f.results().isEmpty() ? 0 : f.results().get(0).values().size();
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> row = new ArrayList<>();
      for (FeatureValues v : f.results()) {
        FeatureStatus s = v.statuses().get(i);
        row.add(s == FeatureStatus.PRESENT ? DataOptions.cell(v.values().get(i)) : "<" + s + ">");
      }
      rows.add(row);
    }
    out.table(f.featureNames(), rows, "No entities.");
  }
}
