package dev.keel.client.ml;

import dev.keel.client.XGBoostModels;
import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.ModelPackage;
import dev.keel.mlmodel.XGBoostFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Gradient-boosted trees with XGBoost4J, saved in XGBoost's UBJSON format with a column signature
 * named by the features (the {@code xgboost} flavor Keel serves).
 *
 * <p>Hyperparameters are XGBoost's own ({@code max_depth}, {@code eta}, {@code subsample}, ...),
 * passed through as given, plus {@code num_round} (boosting rounds, default {@value
 * #DEFAULT_ROUNDS}). Defaults: {@code objective} {@code binary:logistic} (classification) or {@code
 * reg:squarederror} (regression), {@code eval_metric} {@code auc} or {@code rmse}, {@code seed}
 * from the run's seed, {@code nthread} 1: a task shares its machine with the server and other
 * tasks, and XGBoost's OpenMP threads spin badly on busy cores (16,000 rows, 100 rounds on a busy
 * 2-core machine: 17 to 28 s with XGBoost's default of every core, 0.5 to 1.9 s with one thread);
 * give {@code nthread} to use more. Each round's {@code eval_metric} on both parts is reported as
 * {@code train-<metric>} and {@code validation-<metric>} (XGBoost's own names).
 */
public final class XGBoostTrainer implements Trainer {
  /** The trainer's name. */
  public static final String NAME = "xgboost";

  static final int DEFAULT_ROUNDS = 100;

  static final int MAX_ROUNDS = 100_000;

  private final MlTask task;

  XGBoostTrainer(MlTask task) {
    this.task = task;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Trained train(
      LabeledData train,
      LabeledData validation,
      Map<String, String> params,
      long seed,
      RoundListener listener) {
    Map<String, String> used = resolve(params, seed);
    int rounds = rounds(used.get("num_round"));
    Map<String, Object> booster = new LinkedHashMap<>(used);
    booster.remove("num_round");
    String metric = used.get("eval_metric");
    try {
      DMatrix dtrain = matrix(train);
      DMatrix dvalid = matrix(validation);
      try {
        Map<String, DMatrix> watches = new LinkedHashMap<>();
        watches.put("train", dtrain);
        watches.put("validation", dvalid);
        float[][] history = new float[2][rounds];
        Booster b = XGBoost.train(dtrain, booster, rounds, watches, history, null, null, 0);
        try {
          for (int r = 0; r < rounds; r++) {
            listener.round(r, "train-" + metric, history[0][r]);
            listener.round(r, "validation-" + metric, history[1][r]);
          }
          ModelPackage pkg =
              XGBoostModels.of(b, XGBoostFormat.UBJ)
                  .withSignature(XGBoostModels.signature(b, ColumnType.DOUBLE));
          return new Trained(pkg, used);
        } finally {
          b.dispose();
        }
      } finally {
        dtrain.dispose();
        dvalid.dispose();
      }
    } catch (XGBoostError e) {
      throw new IllegalArgumentException("xgboost refused the training: " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, String> resolve(Map<String, String> params, long seed) {
    Map<String, String> used = new TreeMap<>();
    used.put("objective", task == MlTask.CLASSIFICATION ? "binary:logistic" : "reg:squarederror");
    used.put("eval_metric", task.defaultMetric().key());
    used.put("seed", Long.toString(seed));
    used.put("nthread", "1"); // see the class comment
    used.put("num_round", Integer.toString(DEFAULT_ROUNDS));
    used.putAll(params);
    rounds(used.get("num_round"));
    return used;
  }

  private static int rounds(String value) {
    int n;
    try {
      n = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > MAX_ROUNDS) {
      throw new IllegalArgumentException(
          "param.num_round: must be an integer from 1 to " + MAX_ROUNDS + ", got '" + value + "'");
    }
    return n;
  }

  private static DMatrix matrix(LabeledData data) throws XGBoostError {
    int cols = data.featureNames().size();
    float[] flat = new float[Math.multiplyExact(data.rows(), cols)];
    float[] labels = new float[data.rows()];
    for (int r = 0; r < data.rows(); r++) {
      for (int c = 0; c < cols; c++) {
        flat[r * cols + c] = (float) data.x()[r][c];
      }
      labels[r] = (float) data.y()[r];
    }
    DMatrix m = new DMatrix(flat, data.rows(), cols, Float.NaN);
    m.setLabel(labels);
    m.setFeatureNames(data.featureNames().toArray(String[]::new));
    return m;
  }
}
