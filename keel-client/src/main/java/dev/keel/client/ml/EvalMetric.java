package dev.keel.client.ml;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A metric comparing labels with a model's scores. Classification metrics take labels 0/1 and
 * scores that are the probability of class 1 ({@link #ACCURACY} and {@link #F1} predict class 1
 * when the score is at least 0.5); regression metrics take any numbers.
 */
public enum EvalMetric {
  /** Area under the ROC curve (ties counted as half), higher is better. */
  AUC(true, true),
  /** Share of rows whose predicted class is the label, higher is better. */
  ACCURACY(true, true),
  /** F1 score of class 1, higher is better. */
  F1(true, true),
  /** Root mean squared error, lower is better. */
  RMSE(false, false),
  /** Mean absolute error, lower is better. */
  MAE(false, false),
  /** Coefficient of determination, higher is better. */
  R2(false, true);

  private final boolean classification;
  private final boolean higherIsBetter;

  EvalMetric(boolean classification, boolean higherIsBetter) {
    this.classification = classification;
    this.higherIsBetter = higherIsBetter;
  }

  /** Whether the metric is for classifiers (labels 0/1, scores are probabilities). */
  public boolean classification() {
    return classification;
  }

  /** Whether a larger value means a better model. */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** The lowercase name used on the command line and as the MLflow metric key. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The metric named {@code name} ({@code auc}, {@code accuracy}, {@code f1}, {@code rmse}, {@code
   * mae}, {@code r2}; any case).
   *
   * @throws IllegalArgumentException naming the accepted values otherwise
   */
  public static EvalMetric parse(String name) {
    Objects.requireNonNull(name, "name");
    for (EvalMetric m : values()) {
      if (m.key().equals(name.strip().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "metric: '"
            + name
            + "' is not one of "
            + Arrays.stream(values()).map(EvalMetric::key).toList());
  }

  /**
   * The metric of {@code scores} against {@code labels}.
   *
   * @throws IllegalArgumentException if the arrays differ in length or are empty, or (for a
   *     classification metric) a label is not 0 or 1
   */
  public double compute(double[] labels, double[] scores) {
    if (labels.length != scores.length) {
      throw new IllegalArgumentException(
          "metric " + key() + ": " + labels.length + " labels for " + scores.length + " scores");
    }
    if (labels.length == 0) {
      throw new IllegalArgumentException("metric " + key() + ": no rows to evaluate");
    }
    if (classification) {
      for (double y : labels) {
        if (y != 0 && y != 1) {
          throw new IllegalArgumentException(
              "metric " + key() + ": labels must be 0 or 1, got " + y);
        }
      }
    }
    return switch (this) {
      case AUC -> auc(labels, scores);
      case ACCURACY -> accuracy(labels, scores);
      case F1 -> f1(labels, scores);
      case RMSE -> Math.sqrt(squaredError(labels, scores) / labels.length);
      case MAE -> absoluteError(labels, scores) / labels.length;
      case R2 -> r2(labels, scores);
    };
  }

  /**
   * Whether {@code candidate} beats {@code baseline}: by at least {@code minImprovement} when it is
   * positive, strictly (a tie is not better) when it is 0.
   *
   * @throws IllegalArgumentException if {@code minImprovement} is negative
   */
  public boolean improves(double candidate, double baseline, double minImprovement) {
    if (!(minImprovement >= 0)) {
      throw new IllegalArgumentException(
          "min_improvement: must be 0 or more, got " + minImprovement);
    }
    double gain = higherIsBetter ? candidate - baseline : baseline - candidate;
    return minImprovement > 0 ? gain >= minImprovement : gain > 0;
  }

  /** Whether {@code value} meets {@code bar} (at least it, or at most it for error metrics). */
  public boolean meets(double value, double bar) {
    return higherIsBetter ? value >= bar : value <= bar;
  }

  /** Mann-Whitney: the share of (positive, negative) pairs ranked right, ties counting half. */
  private static double auc(double[] labels, double[] scores) {
    int n = labels.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1; // the average rank of a group of ties
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] == 1) {
          positiveRankSum += rank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException(
          "metric auc: needs both classes among the rows, got only class "
              + (positives == 0 ? 0 : 1));
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  private static double accuracy(double[] labels, double[] scores) {
    long right = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted(scores[i]) == labels[i]) {
        right++;
      }
    }
    return (double) right / labels.length;
  }

  private static double f1(double[] labels, double[] scores) {
    long tp = 0;
    long fp = 0;
    long fn = 0;
    for (int i = 0; i < labels.length; i++) {
      double p = predicted(scores[i]);
      if (p == 1 && labels[i] == 1) {
        tp++;
      } else if (p == 1) {
        fp++;
      } else if (labels[i] == 1) {
        fn++;
      }
    }
    return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  private static double predicted(double score) {
    return score >= 0.5 ? 1 : 0;
  }

  private static double squaredError(double[] labels, double[] scores) {
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      double d = labels[i] - scores[i];
      sum += d * d;
    }
    return sum;
  }

  private static double absoluteError(double[] labels, double[] scores) {
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      sum += Math.abs(labels[i] - scores[i]);
    }
    return sum;
  }

  private static double r2(double[] labels, double[] scores) {
    double mean = Arrays.stream(labels).average().orElseThrow();
    double total = 0;
    for (double y : labels) {
      total += (y - mean) * (y - mean);
    }
    if (total == 0) {
      throw new IllegalArgumentException("metric r2: every label is the same, r2 is undefined");
    }
    return 1 - squaredError(labels, scores) / total;
  }
}
