package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelClientException;
import dev.keel.client.Metric;
import dev.keel.client.ModelVersion;
import dev.keel.client.ModelVersionStatus;
import dev.keel.client.Param;
import dev.keel.client.Run;
import dev.keel.client.RunStatus;
import dev.keel.client.TrainingSetStream;
import dev.keel.client.ml.EvalMetric;
import dev.keel.client.ml.LabeledData;
import dev.keel.client.ml.MlTask;
import dev.keel.client.ml.Trainer;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ModelInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code keel ml train}: reads a labeled in.table (optionally joined with a feature spec's
 * lookups), splits it with a seed, trains an XGBoost or Tribuo model, logs an MLflow run (params,
 * per-round and final metrics, the model package), registers the model as a new version of a Unity
 * Catalog model and checks it is READY. Task values: {@code model_uri}, {@code model_name}, {@code
 * model_version}, {@code run_id} and the validation metrics.
 */
@Command(
    name = "train",
    description = "Train a model on a Keel table, log the run and register a model version.",
    mixinStandardHelpOptions = true)
final class MlTrainCommand implements Callable<Integer> {
  private static final int METRICS_PER_BATCH = 1000;
  private static final int PARAMS_PER_BATCH = 100;

  @Mixin ClientOptions opts;

  @Mixin MlDataOptions in;

  @Option(
      names = "--features",
      description =
          "Comma-separated feature columns (default: every numeric column but the label).")
  String features;

  @Option(names = "--exclude", description = "Comma-separated columns that are not features.")
  String exclude;

  @Option(
      names = "--model",
      required = true,
      description = "Model to register: catalog.schema.model.")
  String model;

  @Option(names = "--trainer", description = "xgboost (default) or tribuo-logistic.")
  String trainer = "xgboost";

  @Option(names = "--task", description = "classification (default) or regression.")
  String task = "classification";

  @Option(
      names = {"--validation-fraction", "--validation_fraction"},
      description = "Share of rows held out (0.2).")
  String validationFraction = "0.2";

  @Option(names = "--seed", description = "Seed of the split and the trainer (42).")
  long seed = 42;

  @Option(names = "--alias", description = "Point this alias (e.g. challenger) at the new version.")
  String alias;

  @Unmatched List<String> unmatched;

  @Override
  public Integer call() throws IOException {
    // Everything that can be refused is checked before anything is read or written.
    Map<String, String> params = MlCommand.params(unmatched);
    MlTask mlTask = MlTask.parse(task);
    Trainer t = Trainer.of(trainer.strip(), mlTask);
    t.resolve(params, seed);
    double fraction = MlCommand.number("validation_fraction", validationFraction);
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException(
          "validation_fraction: must be between 0 and 1 (exclusive), got " + validationFraction);
    }
    List<EvalMetric> metrics =
        mlTask == MlTask.CLASSIFICATION
            ? List.of(EvalMetric.AUC, EvalMetric.ACCURACY, EvalMetric.F1)
            : List.of(EvalMetric.RMSE, EvalMetric.MAE, EvalMetric.R2);
    try (KeelClient client = opts.client()) {
      client.registry().getModel(model); // an unknown model fails before any work
      long snapshot = MlCommand.latestSnapshot(client, in.table);
      LabeledData data;
      try (TrainingSetStream set = MlCommand.read(client, in.table, snapshot, in.featureSpec)) {
        List<String> cols =
            LabeledData.featureColumns(
                set.columns(), in.label, MlCommand.list(features), MlCommand.list(exclude));
        data = LabeledData.read(set, in.label, cols, in.maxRows);
      }
      LabeledData.Split split = data.split(fraction, seed);

      String experimentId = MlCommand.experiment(client, in.experimentName(model));
      Run run =
          client
              .tracking()
              .createRun(MlCommand.newRun(experimentId, in.runName, "train", opts.env()));
      String runId = run.runId();
      boolean ok = false;
      try {
        client
            .tracking()
            .logInputs(runId, List.of(MlCommand.tableInput(in.table, snapshot, "training")));
        List<Metric> rounds = new ArrayList<>();
        Trainer.Trained trained =
            t.train(
                split.train(),
                split.validation(),
                params,
                seed,
                (round, key, value) -> rounds.add(Metric.of(key, value, round)));
        Map<String, String> logged = new TreeMap<>();
        logged.put("trainer", t.name());
        logged.put("task", mlTask.name().toLowerCase(java.util.Locale.ROOT));
        logged.put("table", in.table);
        logged.put("table_snapshot_id", Long.toString(snapshot));
        logged.put("label", in.label);
        logged.put("features", String.join(",", data.featureNames()));
        logged.put("validation_fraction", Double.toString(fraction));
        logged.put("seed", Long.toString(seed));
        logged.put("train_rows", Integer.toString(split.train().rows()));
        logged.put("validation_rows", Integer.toString(split.validation().rows()));
        if (in.featureSpec != null && !in.featureSpec.isBlank()) {
          logged.put("feature_spec", in.featureSpec.strip());
        }
        logged.putAll(trained.params()); // the hyperparameters under their own names
        logParams(client, runId, logged);
        for (int i = 0; i < rounds.size(); i += METRICS_PER_BATCH) {
          client
              .tracking()
              .logBatch(
                  runId,
                  rounds.subList(i, Math.min(rounds.size(), i + METRICS_PER_BATCH)),
                  List.of(),
                  List.of());
        }
        ModelInfo info = client.tracking().logModel(runId, "model", trained.model());
        ModelVersion version = client.registry().registerModel(model, info);
        if (version.status() != ModelVersionStatus.READY) {
          throw KeelException.invalid(
              "registering "
                  + model
                  + " version "
                  + version.version()
                  + " failed: "
                  + version.status()
                  + " "
                  + version.statusMessage());
        }
        // The validation metrics come from the registered package, scored by the serving runtime.
        Map<String, Double> finals = new LinkedHashMap<>();
        try (MlModel loaded = MlModel.open(opts.config(), version, opts.env())) {
          LabeledData v = split.validation();
          double[] scores = loaded.score(reorder(v, loaded.features()));
          for (EvalMetric m : metrics) {
            finals.put("validation_" + m.key(), m.compute(v.y(), scores));
          }
        }
        client
            .tracking()
            .logBatch(
                runId,
                finals.entrySet().stream().map(e -> Metric.of(e.getKey(), e.getValue())).toList(),
                List.of(),
                List.of());
        if (alias != null && !alias.isBlank()) {
          client.registry().setAlias(model, alias.strip(), version.version());
        }
        client.tracking().endRun(runId, RunStatus.FINISHED);
        ok = true;
        Map<String, JsonNode> values = new LinkedHashMap<>();
        values.put("model_uri", TextNode.valueOf("models:/" + model + "/" + version.version()));
        values.put("model_name", TextNode.valueOf(model));
        values.put("model_version", LongNode.valueOf(version.version()));
        values.put("run_id", TextNode.valueOf(runId));
        finals.forEach((k, v) -> values.put(k, DoubleNode.valueOf(v)));
        MlCommand.emit(opts, client, values);
        return 0;
      } finally {
        if (!ok) {
          endFailed(client, runId);
        }
      }
    }
  }

  /** The rows of {@code data} with their columns in the order the model takes them. */
  static double[][] reorder(LabeledData data, List<String> modelFeatures) {
    int[] index = LabeledData.indexes(data.featureNames(), modelFeatures);
    double[][] out = new double[data.rows()][index.length];
    for (int r = 0; r < data.rows(); r++) {
      for (int c = 0; c < index.length; c++) {
        out[r][c] = data.x()[r][index[c]];
      }
    }
    return out;
  }

  private static void logParams(KeelClient client, String runId, Map<String, String> params) {
    List<Param> all =
        params.entrySet().stream().map(e -> new Param(e.getKey(), e.getValue())).toList();
    for (int i = 0; i < all.size(); i += PARAMS_PER_BATCH) {
      client
          .tracking()
          .logBatch(
              runId,
              List.of(),
              all.subList(i, Math.min(all.size(), i + PARAMS_PER_BATCH)),
              List.of());
    }
  }

  /** Marks the run FAILED; a failure to do so must not hide the original error. */
  static void endFailed(KeelClient client, String runId) {
    try {
      client.tracking().endRun(runId, RunStatus.FAILED);
    } catch (KeelClientException e) {
      // the original failure is what the caller needs to see
    }
  }
}
