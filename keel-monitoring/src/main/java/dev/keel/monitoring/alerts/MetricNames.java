package dev.keel.monitoring.alerts;

import dev.keel.core.KeelException;
import dev.keel.monitoring.alerts.AlertSpec.MetricTable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The metrics an alert may watch, and which output table holds each: Databricks' numeric columns of
 * the profile table (data profile and model quality) and of the drift table (a struct's numeric
 * field written {@code column.field}), plus the monitor's custom metrics.
 */
public final class MetricNames {
  /** Numeric columns of {@code *_profile_metrics}. */
  public static final List<String> PROFILE =
      List.of(
          "count",
          "num_nulls",
          "avg",
          "min",
          "max",
          "stddev",
          "median",
          "num_zeros",
          "num_nan",
          "min_length",
          "max_length",
          "avg_length",
          "distinct_count",
          "percent_nan",
          "percent_null",
          "percent_zeros",
          "percent_distinct",
          "accuracy_score",
          "precision.macro",
          "precision.weighted",
          "recall.macro",
          "recall.weighted",
          "f1_score.macro",
          "f1_score.weighted",
          "log_loss",
          "roc_auc_score",
          "mean_squared_error",
          "root_mean_squared_error",
          "mean_absolute_error",
          "mean_absolute_percentage_error",
          "r2_score",
          "num_labeled");

  /** Numeric columns (and struct fields) of {@code *_drift_metrics}. */
  public static final List<String> DRIFT =
      List.of(
          "count_delta",
          "avg_delta",
          "percent_null_delta",
          "percent_zeros_delta",
          "percent_distinct_delta",
          "js_distance",
          "ks_test.statistic",
          "ks_test.pvalue",
          "wasserstein_distance",
          "population_stability_index",
          "chi_squared_test.statistic",
          "chi_squared_test.pvalue",
          "tv_distance",
          "l_infinity_distance");

  private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private MetricNames() {}

  /**
   * The table holding {@code metric} for a monitor with these facts.
   *
   * @throws KeelException INVALID_ARGUMENT naming {@code metric} and listing the valid names
   */
  public static MetricTable tableOf(String metric, MonitorFacts facts) {
    if (PROFILE.contains(metric) || usable(metric, facts.customProfileMetrics())) {
      return MetricTable.PROFILE;
    }
    if (DRIFT.contains(metric) || usable(metric, facts.customDriftMetrics())) {
      return MetricTable.DRIFT;
    }
    Set<String> profile = new TreeSet<>(PROFILE);
    facts.customProfileMetrics().stream().filter(IDENT.asMatchPredicate()).forEach(profile::add);
    Set<String> drift = new TreeSet<>(DRIFT);
    facts.customDriftMetrics().stream().filter(IDENT.asMatchPredicate()).forEach(drift::add);
    throw KeelException.invalid(
        "metric: unknown metric '"
            + (metric.length() > 100 ? metric.substring(0, 100) + "..." : metric)
            + "'; profile metrics: "
            + String.join(", ", profile)
            + "; drift metrics: "
            + String.join(", ", drift));
  }

  private static boolean usable(String metric, Set<String> custom) {
    return custom.contains(metric) && IDENT.matcher(metric).matches();
  }

  /** The DuckDB expression reading {@code metric}: each part quoted, struct fields by dot. */
  static String sql(String metric) {
    StringBuilder b = new StringBuilder();
    for (String part : metric.split("\\.", -1)) {
      if (!b.isEmpty()) {
        b.append('.');
      }
      b.append('"').append(part.replace("\"", "\"\"")).append('"');
    }
    return b.toString();
  }

  /** The top-level column {@code metric} reads. */
  static String column(String metric) {
    int dot = metric.indexOf('.');
    return dot < 0 ? metric : metric.substring(0, dot);
  }
}
