package dev.keel.monitoring.engine;

import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.ProfileType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key columns of output rows (window, granularity, model id, log type, versions, slice,
 * column): input windows are {@code [start, end)} of their granularity; a snapshot's window is
 * {@code [now, now]}; the baseline's window spans its earliest to its latest timestamp (both
 * included; {@code [now, now]} without a timestamp column or timestamps), with granularity NULL.
 */
final class Windows {
  private final RefreshInput in;
  private final Grouping gr;
  private final boolean inferenceLog;
  private final Map<String, Object> baselineWindow;

  Windows(Connection c, RefreshInput in, Grouping gr) throws SQLException {
    this.in = in;
    this.gr = gr;
    this.inferenceLog = in.spec().profile() instanceof ProfileType.InferenceLog;
    this.baselineWindow = baselineWindow(c);
  }

  private Map<String, Object> baselineWindow(Connection c) throws SQLException {
    if (in.baseline().isEmpty() || gr.timestampCol.isEmpty()) {
      return window(in.now(), in.now());
    }
    String ts = "epoch_us(" + Sql.ident(gr.timestampCol.get()) + ")";
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT min(" + ts + "), max(" + ts + ") FROM __baseline")) {
      rs.next();
      long lo = rs.getLong(1);
      if (rs.wasNull()) {
        return window(in.now(), in.now());
      }
      long hi = rs.getLong(2);
      return window(Incremental.instant(lo), Incremental.instant(hi));
    }
  }

  static Map<String, Object> window(Instant start, Instant end) {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("start", start);
    w.put("end", end);
    return w;
  }

  Map<String, Object> windowOf(Grouping.Group g) {
    if (g.g() == Grouping.BASELINE) {
      return baselineWindow;
    }
    if (gr.granularities.isEmpty()) {
      return window(in.now(), in.now());
    }
    Granularity gran = gr.granularities.get(g.g());
    Instant start = Incremental.instant(g.windowStartMicros());
    return window(start, gran.windowEnd(start));
  }

  private String granularity(Grouping.Group g) {
    return g.g() == Grouping.BASELINE || gr.granularities.isEmpty()
        ? null
        : gr.granularities.get(g.g()).text();
  }

  private void common(Grouping.Group g, String column, String type, Map<String, Object> row) {
    row.put("granularity", granularity(g));
    row.put("model_id", inferenceLog ? g.modelId() : null);
    row.put("monitor_version", in.monitorVersion());
    row.put(
        "slice_key",
        g.sliceIndex() == Grouping.WHOLE ? null : in.spec().slicingExprs().get(g.sliceIndex()));
    row.put("slice_value", g.sliceIndex() == Grouping.WHOLE ? null : g.sliceValue());
    row.put("column_name", column);
    row.put("data_type", type);
  }

  /** A profile row with its key columns set and every other built-in column NULL. */
  Map<String, Object> profileRow(Grouping.Group g, String column, String type) {
    Map<String, Object> row = empty(MetricsSchema.PROFILE);
    row.put("window", windowOf(g));
    boolean base = g.g() == Grouping.BASELINE;
    row.put("log_type", base ? "BASELINE" : "INPUT");
    row.put(
        "logging_table_commit_version",
        base ? in.baseline().get().snapshotId() : in.input().snapshotId());
    common(g, column, type, row);
    return row;
  }

  /** A drift row of {@code cur} against {@code cmp} with its key columns set. */
  Map<String, Object> driftRow(Grouping.Group cur, Grouping.Group cmp, String column, String type) {
    Map<String, Object> row = empty(MetricsSchema.DRIFT);
    row.put("window", windowOf(cur));
    row.put("window_cmp", windowOf(cmp));
    row.put("drift_type", cmp.g() == Grouping.BASELINE ? "BASELINE" : "CONSECUTIVE");
    common(cur, column, type, row);
    return row;
  }

  private static Map<String, Object> empty(List<MetricsSchema.Field> fields) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (MetricsSchema.Field f : fields) {
      row.put(f.name(), null);
    }
    return row;
  }
}
