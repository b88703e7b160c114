package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelClientException;
import dev.keel.client.Metric;
import dev.keel.client.ModelUri;
import dev.keel.client.ModelVersion;
import dev.keel.client.Param;
import dev.keel.client.Run;
import dev.keel.client.RunStatus;
import dev.keel.client.Tag;
import dev.keel.client.TrainingSetStream;
import dev.keel.client.ml.EvalMetric;
import dev.keel.client.ml.LabeledData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keel ml evaluate}: scores a challenger version and the champion alias's version on one
 * snapshot of a holdout in.table with the runtimes Keel serves with, in this process, and decides
 * whether the challenger is better. Task values: {@code is_better} ({@code "true"}/{@code
 * "false"}), {@code challenger_metric}, {@code champion_metric} (null without a champion), {@code
 * challenger_version}, {@code champion_version}, {@code metric}.
 */
@Command(
    name = "evaluate",
    description =
        "Compare a challenger with the champion on a holdout table (task value is_better).",
    mixinStandardHelpOptions = true)
final class MlEvaluateCommand implements Callable<Integer> {
  @Mixin ClientOptions opts;

  @Mixin MlDataOptions in;

  @Option(names = "--model", required = true, description = "Model catalog.schema.model.")
  String model;

  @Option(names = "--challenger", description = "Version number or alias (challenger).")
  String challenger = "challenger";

  @Option(names = "--champion", description = "Alias of the model to beat (champion).")
  String champion = "champion";

  @Option(names = "--metric", description = "auc (default), accuracy, f1, rmse, mae or r2.")
  String metric = "auc";

  @Option(
      names = {"--min-improvement", "--min_improvement"},
      description =
          "How much better than the champion the challenger must be (0: strictly better).")
  String minImprovement = "0";

  @Option(
      names = "--threshold",
      description = "A value the challenger's metric must reach (at least; at most for errors).")
  String threshold;

  @Override
  public Integer call() throws IOException {
    EvalMetric m = EvalMetric.parse(metric);
    double min = MlCommand.number("min_improvement", minImprovement);
    m.improves(0, 0, min); // a negative minimum is refused before any work
    OptionalDouble bar =
        threshold == null || threshold.isBlank()
            ? OptionalDouble.empty()
            : OptionalDouble.of(MlCommand.number("threshold", threshold));
    String challengerUri =
        challenger.strip().matches("[0-9]+")
            ? "models:/" + model + "/" + challenger.strip()
            : "models:/" + model + "@" + challenger.strip();
    ModelUri.parse(challengerUri); // a malformed name or alias is refused here
    ModelUri.parse("models:/" + model + "@" + champion.strip());
    try (KeelClient client = opts.client()) {
      ModelVersion challengerVersion = client.registry().resolve(challengerUri);
      Optional<ModelVersion> championVersion = championVersion(client);
      long snapshot = MlCommand.latestSnapshot(client, in.table);
      try (MlModel ch = MlModel.open(opts.config(), challengerVersion, opts.env());
          MlModel cp =
              championVersion.isPresent()
                  ? MlModel.open(opts.config(), championVersion.get(), opts.env())
                  : null) {
        Set<String> features = new LinkedHashSet<>(ch.features());
        if (cp != null) {
          features.addAll(cp.features());
        }
        LabeledData data;
        try (TrainingSetStream set = MlCommand.read(client, in.table, snapshot, in.featureSpec)) {
          data = LabeledData.read(set, in.label, new ArrayList<>(features), in.maxRows);
        }
        if (data.rows() == 0) {
          throw new IllegalArgumentException("table: '" + in.table + "' has no labeled rows");
        }
        double challengerValue =
            m.compute(data.y(), ch.score(MlTrainCommand.reorder(data, ch.features())));
        OptionalDouble championValue =
            cp == null
                ? OptionalDouble.empty()
                : OptionalDouble.of(
                    m.compute(data.y(), cp.score(MlTrainCommand.reorder(data, cp.features()))));
        boolean better =
            (championValue.isEmpty()
                    || m.improves(challengerValue, championValue.getAsDouble(), min))
                && (bar.isEmpty() || m.meets(challengerValue, bar.getAsDouble()));
        logRun(
            client,
            challengerVersion,
            championVersion,
            snapshot,
            data.rows(),
            m,
            min,
            bar,
            challengerValue,
            championValue,
            better);
        Map<String, JsonNode> values = new LinkedHashMap<>();
        values.put("is_better", TextNode.valueOf(Boolean.toString(better)));
        values.put("metric", TextNode.valueOf(m.key()));
        values.put("challenger_metric", DoubleNode.valueOf(challengerValue));
        values.put(
            "champion_metric",
            championValue.isPresent()
                ? DoubleNode.valueOf(championValue.getAsDouble())
                : NullNode.getInstance());
        values.put("challenger_version", LongNode.valueOf(challengerVersion.version()));
        values.put(
            "champion_version",
            championVersion.isPresent()
                ? LongNode.valueOf(championVersion.get().version())
                : NullNode.getInstance());
        MlCommand.emit(opts, client, values);
      }
    }
    return 0;
  }

  /** The champion alias's version; empty if the model has no such alias yet (the first model). */
  private Optional<ModelVersion> championVersion(KeelClient client) {
    try {
      return Optional.of(client.registry().getAlias(model, champion.strip()));
    } catch (KeelClientException e) {
      if (e.httpStatus() == 404) {
        client.registry().getModel(model); // an unknown model is still an error
        return Optional.empty();
      }
      throw e;
    }
  }

  private void logRun(
      KeelClient client,
      ModelVersion challengerVersion,
      Optional<ModelVersion> championVersion,
      long snapshot,
      int rows,
      EvalMetric m,
      double min,
      OptionalDouble bar,
      double challengerValue,
      OptionalDouble championValue,
      boolean better) {
    String experimentId = MlCommand.experiment(client, in.experimentName(model));
    Run run =
        client
            .tracking()
            .createRun(MlCommand.newRun(experimentId, in.runName, "evaluate", opts.env()));
    boolean ok = false;
    try {
      client
          .tracking()
          .logInputs(run.runId(), List.of(MlCommand.tableInput(in.table, snapshot, "eval")));
      List<Param> params = new ArrayList<>();
      params.add(new Param("model", model));
      params.add(new Param("challenger_version", Long.toString(challengerVersion.version())));
      championVersion.ifPresent(
          v -> params.add(new Param("champion_version", Long.toString(v.version()))));
      params.add(new Param("champion_alias", champion.strip()));
      params.add(new Param("metric", m.key()));
      params.add(new Param("min_improvement", Double.toString(min)));
      bar.ifPresent(b -> params.add(new Param("threshold", Double.toString(b))));
      params.add(new Param("table", in.table));
      params.add(new Param("table_snapshot_id", Long.toString(snapshot)));
      params.add(new Param("rows", Integer.toString(rows)));
      List<Metric> metrics = new ArrayList<>();
      metrics.add(Metric.of("challenger_" + m.key(), challengerValue));
      championValue.ifPresent(v -> metrics.add(Metric.of("champion_" + m.key(), v)));
      client
          .tracking()
          .logBatch(
              run.runId(),
              metrics,
              params,
              List.of(new Tag("keel.ml.is_better", Boolean.toString(better))));
      client.tracking().endRun(run.runId(), RunStatus.FINISHED);
      ok = true;
    } finally {
      if (!ok) {
        MlTrainCommand.endFailed(client, run.runId());
      }
    }
  }
}
