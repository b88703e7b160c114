package dev.keel.monitoring.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
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

  /** Adds quality and custom metric values to the rows (the same map objects as in the output). */
  static void add(Connection c, RefreshInput in, Rows rows) throws SQLException {}

  /**
   * The refresh's rows by group: profile rows of every group (also the groups only read as the
   * comparison side of consecutive drift, which are not output) and drift rows with their groups.
   */
  static final class Rows {
    final Map<Integer, Map<String, Map<String, Object>>> profile = new HashMap<>();
    final List<DriftRef> drift = new ArrayList<>();

    void profile(int gid, String column, Map<String, Object> row) {
      profile.computeIfAbsent(gid, k -> new HashMap<>()).put(column, row);
    }

    void drift(Map<String, Object> row, int[] pair, String column) {
      drift.add(new DriftRef(row, pair[0], pair[1], column));
    }
  }

  /**
   * A drift row and what it compares.
   *
   * @param row the output row
   * @param current the current group id
   * @param compared the compared group id
   * @param column the column ({@code :table} for table-level)
   */
  record DriftRef(Map<String, Object> row, int current, int compared, String column) {}
}
