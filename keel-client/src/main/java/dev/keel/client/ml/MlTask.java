package dev.keel.client.ml;

import java.util.Locale;

/** What a model predicts: class 1's probability for labels 0/1, or a number. */
public enum MlTask {
  /** Binary classification: labels 0/1, the model scores class 1's probability. */
  CLASSIFICATION,
  /** Regression: the model predicts the label's value. */
  REGRESSION;

  /**
   * {@code classification} or {@code regression} (any case).
   *
   * @throws IllegalArgumentException otherwise, naming the field {@code task}
   */
  public static MlTask parse(String name) {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "classification" -> CLASSIFICATION;
      case "regression" -> REGRESSION;
      default ->
          throw new IllegalArgumentException(
              "task: '" + name + "' is not one of [classification, regression]");
    };
  }

  /** The metric a trainer reports by default: {@code auc} or {@code rmse}. */
  public EvalMetric defaultMetric() {
    return this == CLASSIFICATION ? EvalMetric.AUC : EvalMetric.RMSE;
  }
}
