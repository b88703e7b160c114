package dev.keel.client.ml;

import dev.keel.mlmodel.ModelPackage;
import java.util.Map;

/**
 * A Java-side trainer that turns labeled rows into an MLflow model package Keel serves: {@code
 * xgboost} ({@link XGBoostTrainer}, classification and regression) or {@code tribuo-logistic}
 * ({@link TribuoLogisticTrainer}, classification, exported to ONNX).
 */
public sealed interface Trainer permits XGBoostTrainer, TribuoLogisticTrainer {

  /** The trainer's name on the command line. */
  String name();

  /**
   * The hyperparameters the trainer would use for {@code params}: its defaults overridden by {@code
   * params}. Checks them without training, so a command refuses bad ones before it writes anything.
   *
   * @throws IllegalArgumentException for a hyperparameter the trainer refuses, naming it
   */
  Map<String, String> resolve(Map<String, String> params, long seed);

  /**
   * Trains on {@code train}, reporting per-round metrics on both parts to {@code listener} when the
   * library has them.
   *
   * @param params hyperparameters by name (see each trainer)
   * @param seed the random seed
   * @throws IllegalArgumentException for a hyperparameter the trainer refuses, naming it
   */
  Trained train(
      LabeledData train,
      LabeledData validation,
      Map<String, String> params,
      long seed,
      RoundListener listener);

  /**
   * The trainer named {@code name} for {@code task}.
   *
   * @throws IllegalArgumentException for an unknown name, or a task the trainer cannot do
   */
  static Trainer of(String name, MlTask task) {
    return switch (name) {
      case XGBoostTrainer.NAME -> new XGBoostTrainer(task);
      case TribuoLogisticTrainer.NAME -> {
        if (task != MlTask.CLASSIFICATION) {
          throw new IllegalArgumentException(
              "task: " + TribuoLogisticTrainer.NAME + " only does classification");
        }
        yield new TribuoLogisticTrainer();
      }
      default ->
          throw new IllegalArgumentException(
              "trainer: '"
                  + name
                  + "' is not one of ["
                  + XGBoostTrainer.NAME
                  + ", "
                  + TribuoLogisticTrainer.NAME
                  + "]");
    };
  }

  /** Receives a metric of one boosting round or epoch. */
  @FunctionalInterface
  interface RoundListener {
    /**
     * @param round the round, from 0
     * @param key the metric key, e.g. {@code validation-auc}
     * @param value its value
     */
    void round(int round, String key, double value);
  }

  /**
   * A trained model.
   *
   * @param model the package to log and register
   * @param params every hyperparameter the trainer used, defaults included, to log to the run
   */
  record Trained(ModelPackage model, Map<String, String> params) {
    public Trained {
      params = Map.copyOf(params);
    }
  }
}
