package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keel.client.KeelClient;
import dev.keel.client.PublishMode;
import dev.keel.client.PublishResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keel ml publish-features}: publishes a feature table to the online store (the feature
 * store's publish call). Task values: {@code table}, {@code snapshot_id}, {@code rows_written}.
 */
@Command(
    name = "publish-features",
    description = "Publish a feature table to the online store.",
    mixinStandardHelpOptions = true)
final class MlPublishFeaturesCommand implements Callable<Integer> {
  @Mixin ClientOptions opts;

  @Option(names = "--table", required = true, description = "Feature table catalog.schema.table.")
  String table;

  @Option(
      names = "--mode",
      description = "snapshot (the whole table) or triggered (what changed; default).")
  String mode = "triggered";

  @Override
  public Integer call() {
    PublishMode m =
        switch (mode.strip().toLowerCase(Locale.ROOT)) {
          case "snapshot" -> PublishMode.SNAPSHOT;
          case "triggered" -> PublishMode.TRIGGERED;
          default ->
              throw new IllegalArgumentException(
                  "mode: '" + mode + "' is not one of [snapshot, triggered]");
        };
    try (KeelClient client = opts.client()) {
      PublishResult r = client.features().publish(table, m);
      Map<String, JsonNode> values = new LinkedHashMap<>();
      values.put("table", TextNode.valueOf(r.table()));
      values.put("snapshot_id", LongNode.valueOf(r.snapshotId()));
      values.put("rows_written", LongNode.valueOf(r.rowsWritten()));
      MlCommand.emit(opts, client, values);
    }
    return 0;
  }
}
