package dev.keel.monitoring.engine;

import dev.keel.monitoring.quality.CustomMetrics;
import dev.keel.monitoring.quality.GroupKey;
import dev.keel.monitoring.quality.MetricColumn;
import dev.keel.monitoring.quality.QualityMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The columns after the built-in ones: model quality (inference logs with labels, {@link
 * QualityMetrics}, on the {@code :table} rows) and custom metrics ({@link CustomMetrics}), computed
 * over the grouped rows {@code __ex} grouped by {@code __gid}.
 */
final class Extras {
  private Extras() {}

  private static List<MetricsSchema.Field> fields(List<MetricColumn> cols) {
    List<MetricsSchema.Field> out = new ArrayList<>();
    for (MetricColumn c : cols) {
      out.add(new MetricsSchema.Field(c.name(), c.typeText()));
    }
    return out;
  }

  private static CustomMetrics custom(RefreshInput in) {
    return CustomMetrics.forSpec(in.spec(), tableColumns(in));
  }

  /** The monitored table's columns with a joined label column. */
  private static List<dev.keel.tables.Column> tableColumns(RefreshInput in) {
    List<dev.keel.tables.Column> cols = new ArrayList<>(in.input().columns());
    Optional<String> label = Grouping.joinedLabelCol(in.spec());
    if (label.isPresent() && in.labels().isPresent()) {
      cols.removeIf(c -> c.name().equals(label.get()));
      in.labels().get().columns().stream()
          .filter(c -> c.name().equals(label.get()))
          .findFirst()
          .ifPresent(cols::add);
    }
    return cols;
  }

  /** The profile table's columns: built-in, then quality, then custom metrics. */
  static List<MetricsSchema.Field> profileFields(RefreshInput in) {
    List<MetricsSchema.Field> out = new ArrayList<>(MetricsSchema.PROFILE);
    QualityMetrics.forSpec(in.spec()).ifPresent(q -> out.addAll(fields(q.columns())));
    out.addAll(fields(custom(in).profileColumns()));
    return out;
  }

  /** The drift table's columns: built-in, then custom drift metrics. */
  static List<MetricsSchema.Field> driftFields(RefreshInput in) {
    List<MetricsSchema.Field> out = new ArrayList<>(MetricsSchema.DRIFT);
    out.addAll(fields(custom(in).driftColumns()));
    return out;
  }

  /** Checks custom metric definitions (400 naming {@code custom_metrics[i].definition}). */
  static void check(Connection c, RefreshInput in) throws SQLException {
    custom(in).check(c, "__input");
  }

  /** Adds quality and custom metric values to the rows (the same map objects as in the output). */
  static void add(Connection c, RefreshInput in, Rows rows) throws SQLException {
    List<String> byGid = List.of("__gid");
    Optional<QualityMetrics> quality = QualityMetrics.forSpec(in.spec());
    CustomMetrics custom = custom(in);
    List<MetricsSchema.Field> extraProfile = new ArrayList<>();
    quality.ifPresent(q -> extraProfile.addAll(fields(q.columns())));
    extraProfile.addAll(fields(custom.profileColumns()));
    for (Map<String, Map<String, Object>> byCol : rows.profile.values()) {
      for (Map<String, Object> row : byCol.values()) {
        for (MetricsSchema.Field f : extraProfile) {
          row.put(f.name(), null);
        }
      }
    }
    if (quality.isPresent()) {
      Map<GroupKey, Map<String, Object>> q = quality.get().compute(c, "__ex", byGid);
      rows.profile.forEach(
          (gid, byCol) -> {
            Map<String, Object> v = q.get(new GroupKey(List.of((long) gid)));
            if (v != null) {
              byCol.get(MetricsSchema.TABLE).putAll(v);
            }
          });
    }
    if (!custom.profileColumns().isEmpty()) {
      Map<GroupKey, Map<String, Map<String, Object>>> p = custom.computeProfile(c, "__ex", byGid);
      rows.profile.forEach(
          (gid, byCol) -> {
            Map<String, Map<String, Object>> v = p.get(new GroupKey(List.of((long) gid)));
            if (v != null) {
              v.forEach(
                  (col, metrics) -> {
                    Map<String, Object> row = byCol.get(col);
                    if (row != null) {
                      row.putAll(metrics);
                    }
                  });
            }
          });
    }
    List<MetricsSchema.Field> extraDrift = fields(custom.driftColumns());
    for (DriftRef d : rows.drift) {
      for (MetricsSchema.Field f : extraDrift) {
        d.row().put(f.name(), null);
      }
    }
    if (!extraDrift.isEmpty()) {
      List<CustomMetrics.DriftInput> inputs = new ArrayList<>();
      for (DriftRef d : rows.drift) {
        inputs.add(
            new CustomMetrics.DriftInput(
                d.column(),
                profileOf(rows, d.current(), d.column()),
                profileOf(rows, d.compared(), d.column())));
      }
      List<Map<String, Object>> values = custom.computeDrift(c, inputs);
      for (int i = 0; i < values.size(); i++) {
        rows.drift.get(i).row().putAll(values.get(i));
      }
    }
  }

  private static Map<String, Object> profileOf(Rows rows, int gid, String column) {
    Map<String, Map<String, Object>> byCol = rows.profile.get(gid);
    Map<String, Object> row = byCol == null ? null : byCol.get(column);
    return row == null ? Map.of() : new LinkedHashMap<>(row);
  }

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
