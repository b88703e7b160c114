package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keel.client.ColumnInfo;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelClientException;
import dev.keel.client.ModelVersion;
import dev.keel.client.NewTable;
import dev.keel.client.TableInfo;
import dev.keel.client.TrainingSetColumn;
import dev.keel.client.TrainingSetStream;
import dev.keel.client.WriteMode;
import dev.keel.client.WriteResult;
import dev.keel.client.ml.LabeledData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keel ml batch-score}: scores every row of one snapshot of a table (optionally joined with
 * a feature spec's lookups) with a registered model, in this process with the runtimes Keel serves
 * with, and writes the rows with a prediction column and the model version to an output table,
 * created if missing. Rows are streamed and written in batches, so memory stays bounded by the
 * batch size. Task values: {@code output_table}, {@code rows}, {@code model_version}, {@code
 * snapshot_id}.
 */
@Command(
    name = "batch-score",
    description = "Score a table with a registered model into an output table, in batches.",
    mixinStandardHelpOptions = true)
final class MlBatchScoreCommand implements Callable<Integer> {
  /** The output column holding the version that scored each row. */
  static final String VERSION_COLUMN = "model_version";

  @Mixin ClientOptions opts;

  @Option(
      names = {"--model-uri", "--model_uri"},
      required = true,
      description = "models:/catalog.schema.model@alias or models:/catalog.schema.model/VERSION.")
  String modelUri;

  @Option(names = "--table", required = true, description = "Table to score: catalog.schema.table.")
  String table;

  @Option(
      names = {"--output-table", "--output_table"},
      required = true,
      description = "Where to write the scored rows.")
  String outputTable;

  @Option(
      names = {"--feature-spec", "--feature_spec"},
      description = "Feature spec whose lookups join the table.")
  String featureSpec;

  @Option(
      names = {"--prediction-column", "--prediction_column"},
      description = "Name of the score column (prediction).")
  String predictionColumn = "prediction";

  @Option(
      names = {"--batch-size", "--batch_size"},
      description = "Rows scored and written at a time (1000).")
  int batchSize = 1000;

  @Option(
      names = "--mode",
      description = "overwrite (default: the output holds this run's rows only) or append.")
  String mode = "overwrite";

  @Override
  public Integer call() throws IOException {
    if (batchSize < 1 || batchSize > 100_000) {
      throw new IllegalArgumentException("batch_size: must be from 1 to 100000, got " + batchSize);
    }
    WriteMode first =
        switch (mode.strip().toLowerCase(Locale.ROOT)) {
          case "overwrite" -> WriteMode.OVERWRITE;
          case "append" -> WriteMode.APPEND;
          default ->
              throw new IllegalArgumentException(
                  "mode: '" + mode + "' is not one of [overwrite, append]");
        };
    try (KeelClient client = opts.client()) {
      ModelVersion version = client.registry().resolve(modelUri);
      long snapshot = MlCommand.latestSnapshot(client, table);
      long rows = 0;
      long lastSnapshot = -1;
      try (MlModel model = MlModel.open(opts.config(), version, opts.env());
          TrainingSetStream set = MlCommand.read(client, table, snapshot, featureSpec)) {
        List<String> names = set.columnNames();
        if (names.contains(predictionColumn) || names.contains(VERSION_COLUMN)) {
          throw new IllegalArgumentException(
              "prediction_column: the input already has a column '"
                  + (names.contains(predictionColumn) ? predictionColumn : VERSION_COLUMN)
                  + "'");
        }
        int[] index = LabeledData.indexes(names, model.features());
        ensureOutput(client, set.columns(), version);
        List<List<Object>> batch = new ArrayList<>(batchSize);
        WriteMode next = first;
        while (set.hasNext()) {
          batch.add(set.next());
          if (batch.size() == batchSize || !set.hasNext()) {
            lastSnapshot = write(client, model, names, index, batch, rows, next).snapshotId();
            rows += batch.size();
            batch.clear();
            next = WriteMode.APPEND;
          }
        }
      }
      if (rows == 0) {
        opts.out().hint("The table has no rows; the output table is left as it was.");
      }
      Map<String, JsonNode> values = new LinkedHashMap<>();
      values.put("output_table", TextNode.valueOf(outputTable));
      values.put("rows", LongNode.valueOf(rows));
      values.put("model_version", LongNode.valueOf(version.version()));
      if (lastSnapshot >= 0) {
        values.put("snapshot_id", LongNode.valueOf(lastSnapshot));
      }
      MlCommand.emit(opts, client, values);
    }
    return 0;
  }

  private WriteResult write(
      KeelClient client,
      MlModel model,
      List<String> names,
      int[] index,
      List<List<Object>> batch,
      long offset,
      WriteMode writeMode) {
    double[][] x = new double[batch.size()][];
    for (int r = 0; r < x.length; r++) {
      x[r] = LabeledData.features(batch.get(r), index, model.features(), offset + r + 1);
    }
    double[] scores = model.score(x);
    List<Map<String, Object>> out = new ArrayList<>(batch.size());
    for (int r = 0; r < x.length; r++) {
      Map<String, Object> row = new LinkedHashMap<>();
      List<Object> in = batch.get(r);
      for (int c = 0; c < names.size(); c++) {
        row.put(names.get(c), in.get(c));
      }
      row.put(predictionColumn, scores[r]);
      row.put(VERSION_COLUMN, model.version().version());
      out.add(row);
    }
    return client.tables().writeRows(outputTable, writeMode, out);
  }

  /** Creates the output table if it does not exist, with the model recorded in its properties. */
  private void ensureOutput(KeelClient client, List<TrainingSetColumn> in, ModelVersion version) {
    Optional<TableInfo> existing;
    try {
      existing = Optional.of(client.tables().get(outputTable));
    } catch (KeelClientException e) {
      if (!e.isNotFound()) {
        throw e;
      }
      existing = Optional.empty();
    }
    if (existing.isPresent()) {
      return; // the server refuses rows whose columns the table does not have
    }
    List<ColumnInfo> columns = new ArrayList<>();
    for (TrainingSetColumn c : in) {
      columns.add(ColumnInfo.of(c.name(), tableType(c)));
    }
    columns.add(ColumnInfo.of(predictionColumn, "DOUBLE"));
    columns.add(ColumnInfo.of(VERSION_COLUMN, "LONG"));
    Map<String, String> props = new LinkedHashMap<>();
    props.put("ml.model_name", version.modelFullName());
    props.put("ml.model_uri", modelUri);
    props.put("ml.source_table", table);
    client
        .tables()
        .create(
            NewTable.of(outputTable, columns)
                .withProperties(props)
                .withComment("Scored by keel ml batch-score with " + modelUri));
  }

  /** A streamed column's engine type as a table column type. */
  static String tableType(TrainingSetColumn c) {
    String t = c.type().strip().toUpperCase(Locale.ROOT);
    if (t.startsWith("DECIMAL")) {
      return t;
    }
    return switch (t) {
      case "BIGINT", "HUGEINT", "UINTEGER", "UBIGINT" -> "LONG";
      case "INTEGER", "INT", "SMALLINT", "TINYINT", "USMALLINT", "UTINYINT" -> "INT";
      case "DOUBLE" -> "DOUBLE";
      case "FLOAT", "REAL" -> "FLOAT";
      case "BOOLEAN" -> "BOOLEAN";
      case "VARCHAR" -> "STRING";
      case "DATE" -> "DATE";
      case "TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "TIMESTAMPTZ" -> "TIMESTAMP";
      case "BLOB" -> "BINARY";
      default ->
          throw new IllegalArgumentException(
              "table: column '" + c.name() + "' has type " + c.type() + ", which cannot be copied");
    };
  }
}
