package dev.keel.monitoring.engine;

import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.monitoring.ProfileType;
import dev.keel.tables.Column;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Sets up one refresh's relations in its private in-memory DuckDB database (not TEMP: the column
 * readers' connections see them too): {@code __input} (the monitored table, with joined labels),
 * {@code __baseline}, and the exploded relation {@code __ex} where each row appears once per group
 * it belongs to (granularity × window × model id × slice), tagged with the group's id {@code
 * __gid}; {@code __groups} lists the groups with their row counts.
 */
final class Grouping {
  /** The number of slices a non-boolean slicing expression gives at most (by frequency). */
  static final int MAX_SLICE_VALUES = 100;

  /** {@code g} of baseline groups. */
  static final int BASELINE = -1;

  /** {@code sk} of whole-table groups. */
  static final int WHOLE = -1;

  /** Model id of the all-models group (and the only one of non-inference monitors). */
  static final String ALL_MODELS = "*";

  /**
   * One group of rows.
   *
   * @param gid its id in {@code __ex}
   * @param g the granularity's index, or {@link #BASELINE}
   * @param windowStartMicros the window's start (0 for baseline and snapshot groups)
   * @param modelId {@code *} or a model id value
   * @param sliceIndex the slicing expression's index or {@link #WHOLE}
   * @param sliceValue the slice value ("" for the whole table)
   * @param rows the rows in the group
   */
  record Group(
      int gid,
      int g,
      long windowStartMicros,
      String modelId,
      int sliceIndex,
      String sliceValue,
      long rows) {
    /** The same group's key without window, for matching baseline and consecutive groups. */
    String dims() {
      return modelId + "\u0000" + sliceIndex + "\u0000" + sliceValue;
    }
  }

  final List<Column> columns;
  final List<Group> groups = new ArrayList<>();
  final Map<String, Group> byKey = new HashMap<>();
  final List<Granularity> granularities;
  final Optional<String> timestampCol;
  final Optional<String> modelCol;

  private Grouping(
      List<Column> columns,
      List<Granularity> granularities,
      Optional<String> timestampCol,
      Optional<String> modelCol) {
    this.columns = columns;
    this.granularities = granularities;
    this.timestampCol = timestampCol;
    this.modelCol = modelCol;
  }

  /** The granularities of a time series or inference log; none for a snapshot. */
  static List<Granularity> granularities(ProfileType p) {
    return switch (p) {
      case ProfileType.TimeSeries ts -> ts.granularities();
      case ProfileType.InferenceLog il -> il.granularities();
      case ProfileType.Snapshot s -> List.of();
    };
  }

  static Optional<String> timestampCol(ProfileType p) {
    return switch (p) {
      case ProfileType.TimeSeries ts -> Optional.of(ts.timestampCol());
      case ProfileType.InferenceLog il -> Optional.of(il.timestampCol());
      case ProfileType.Snapshot s -> Optional.empty();
    };
  }

  /** The label column read from the label table, when the monitor joins labels. */
  static Optional<String> joinedLabelCol(MonitorSpec spec) {
    if (spec.labels().isPresent() && spec.profile() instanceof ProfileType.InferenceLog il) {
      return il.labelCol();
    }
    return Optional.empty();
  }

  /**
   * Creates {@code __input} and {@code __baseline} (views) in {@code c}: the input's columns and,
   * with a label join, the label column from the label table (the label of a key in the last data
   * file of the label snapshot that has a non-NULL label for it, the last such row of that file).
   *
   * @param refresh whether a refresh follows (joined labels are then computed once, into a table),
   *     or only checks that read no rows
   * @return the profiled columns, in order
   */
  static List<Column> createRelations(Connection c, RefreshInput in, boolean refresh)
      throws SQLException {
    MonitorSpec spec = in.spec();
    Optional<String> labelCol = joinedLabelCol(spec);
    List<Column> inputCols = new ArrayList<>();
    for (Column col : in.input().columns()) {
      if (labelCol.isEmpty() || !col.name().equals(labelCol.get())) {
        inputCols.add(col);
      }
    }
    List<Column> profiled = new ArrayList<>(inputCols);
    String inputRel = Sql.parquet(inputCols, in.input().dataFiles(), false);
    if (labelCol.isPresent() && in.labels().isPresent()) {
      TableData lt = in.labels().get();
      String key = spec.labels().get().keyCol();
      Column keyColumn = find(lt.columns(), key);
      Column labelColumn = find(lt.columns(), labelCol.get());
      profiled.add(labelColumn);
      String lab = Sql.ident(labelColumn.name());
      String k = Sql.ident(keyColumn.name());
      String files = lt.dataFiles().isEmpty() ? "[]" : Sql.fileList(lt.dataFiles());
      String labels =
          "(SELECT "
              + k
              + ", "
              + lab
              + " FROM (SELECT "
              + k
              + ", "
              + lab
              + ", row_number() OVER (PARTITION BY "
              + k
              + " ORDER BY list_position("
              + files
              + ", filename) DESC, file_row_number DESC) AS __rn FROM "
              + Sql.parquet(List.of(keyColumn, labelColumn), lt.dataFiles(), true)
              + " WHERE "
              + lab
              + " IS NOT NULL) WHERE __rn = 1)";
      List<String> sel = new ArrayList<>();
      for (Column col : inputCols) {
        sel.add("__i." + Sql.ident(col.name()));
      }
      sel.add("__l." + lab);
      inputRel =
          "(SELECT "
              + String.join(", ", sel)
              + " FROM "
              + inputRel
              + " __i LEFT JOIN "
              + labels
              + " __l ON __i."
              + k
              + " = __l."
              + k
              + ")";
    }
    try (Statement s = c.createStatement()) {
      // With joined labels __input is read once per pass: the join (and the pick of each
      // key's label) is done once, into a table.
      s.execute(
          "CREATE OR REPLACE "
              + (refresh && labelCol.isPresent() && in.labels().isPresent() ? "TABLE" : "VIEW")
              + " __input AS SELECT * FROM "
              + inputRel);
      if (in.baseline().isPresent()) {
        TableData b = in.baseline().get();
        List<Column> bcols = new ArrayList<>();
        for (Column col : profiled) {
          bcols.add(
              b.columns().stream().anyMatch(x -> x.name().equals(col.name()))
                  ? col
                  : new Column(col.name(), col.type(), true, Optional.empty()));
        }
        List<String> sel = new ArrayList<>();
        List<Column> present = new ArrayList<>();
        for (Column col : bcols) {
          if (b.columns().stream().anyMatch(x -> x.name().equals(col.name()))) {
            present.add(col);
            sel.add(Sql.ident(col.name()));
          } else {
            sel.add(
                "CAST(NULL AS "
                    + Sql.duckType(col.type().typeText())
                    + ") AS "
                    + Sql.ident(col.name()));
          }
        }
        s.execute(
            "CREATE OR REPLACE VIEW __baseline AS SELECT "
                + String.join(", ", sel)
                + " FROM "
                + Sql.parquet(present, b.dataFiles(), false));
      }
    }
    return profiled;
  }

  private static Column find(List<Column> cols, String name) {
    for (Column c : cols) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    throw new IllegalStateException("column " + name + " is not in the table");
  }

  /**
   * Builds {@code __ex} and {@code __groups}.
   *
   * @param load per granularity index, the window starts (µs) to load; null = every window
   */
  static Grouping build(Connection c, RefreshInput in, List<Column> profiled, List<Set<Long>> load)
      throws SQLException {
    MonitorSpec spec = in.spec();
    List<Granularity> grans = granularities(spec.profile());
    Optional<String> ts = timestampCol(spec.profile());
    Optional<String> model =
        spec.profile() instanceof ProfileType.InferenceLog il
            ? Optional.of(il.modelIdCol())
            : Optional.empty();
    Grouping gr = new Grouping(profiled, grans, ts, model);
    List<List<String>> sliceValues = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      for (String expr : spec.slicingExprs()) {
        List<String> vals = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT CAST(("
                    + expr
                    + ") AS VARCHAR) AS v, count(*) AS n FROM __input WHERE ("
                    + expr
                    + ") IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT "
                    + MAX_SLICE_VALUES)) {
          while (rs.next()) {
            vals.add(rs.getString(1));
          }
        }
        sliceValues.add(vals);
      }
    }
    List<String> cols = new ArrayList<>();
    for (Column col : profiled) {
      cols.add(Sql.ident(col.name()));
    }
    String colList = String.join(", ", cols);
    String sliceCols = "";
    for (int j = 0; j < spec.slicingExprs().size(); j++) {
      sliceCols += ", CAST((" + spec.slicingExprs().get(j) + ") AS VARCHAR) AS __s" + j;
    }
    String modelCol = model.map(m -> ", CAST(" + Sql.ident(m) + " AS VARCHAR) AS __m").orElse("");
    List<String> windowCols = new ArrayList<>();
    for (int g = 0; g < grans.size(); g++) {
      windowCols.add(Sql.windowStartMicros(grans.get(g), Sql.ident(ts.get())) + " AS __w" + g);
    }
    String inputRows =
        "(SELECT "
            + colList
            + sliceCols
            + modelCol
            + (windowCols.isEmpty() ? "" : ", " + String.join(", ", windowCols))
            + " FROM __input)";
    String baseRows = "(SELECT " + colList + sliceCols + modelCol + " FROM __baseline)";
    List<String> keyBranches = new ArrayList<>();
    // The rows with their group id, once the groups are known (see wholeTableRows).
    List<Supplier<String>> rowBranches = new ArrayList<>();
    int gCount = grans.isEmpty() ? 1 : grans.size();
    for (int g = -1; g < gCount; g++) {
      if (g == BASELINE && in.baseline().isEmpty()) {
        continue;
      }
      String rows = g == BASELINE ? baseRows : inputRows;
      String ws = g == BASELINE || grans.isEmpty() ? "CAST(0 AS BIGINT)" : "__w" + g;
      String where = g == BASELINE || grans.isEmpty() ? "true" : "__w" + g + " IS NOT NULL";
      if (g >= 0 && !grans.isEmpty() && load != null) {
        Set<Long> starts = load.get(g);
        if (starts.isEmpty()) {
          continue;
        }
        where +=
            " AND __w"
                + g
                + " IN ("
                + joinLongs(starts)
                + ") AND "
                + timeRange(profiled, ts.get(), grans.get(g), starts);
      }
      for (boolean perModel : model.isPresent() ? List.of(false, true) : List.of(false)) {
        String m = perModel ? "__m" : Sql.literal(ALL_MODELS);
        String mWhere = perModel ? " AND __m IS NOT NULL" : "";
        for (int j = -1; j < spec.slicingExprs().size(); j++) {
          String sv = j < 0 ? "''" : "__s" + j;
          String sWhere = "";
          if (j >= 0) {
            List<String> vals = sliceValues.get(j);
            if (vals.isEmpty()) {
              continue;
            }
            List<String> lits = new ArrayList<>();
            for (String v : vals) {
              lits.add(Sql.literal(v));
            }
            sWhere = " AND __s" + j + " IN (" + String.join(", ", lits) + ")";
          }
          String filter = " FROM " + rows + " WHERE " + where + mWhere + sWhere;
          keyBranches.add(
              "SELECT "
                  + g
                  + " AS __g, "
                  + ws
                  + " AS __ws, "
                  + m
                  + " AS __mid, "
                  + j
                  + " AS __sk, "
                  + sv
                  + " AS __sv"
                  + filter);
          if (!perModel && j < 0) {
            int gg = g;
            Optional<String> range =
                gg >= 0 && !grans.isEmpty() && load != null
                    ? Optional.of(timeRange(profiled, ts.get(), grans.get(gg), load.get(gg)))
                    : Optional.empty();
            String joined = joinedRows(colList, ws, m, sv, filter, g, j, perModel);
            rowBranches.add(() -> gr.wholeTableRows(gg, colList, range).orElse(joined));
            continue;
          }
          String joined = joinedRows(colList, ws, m, sv, filter, g, j, perModel);
          rowBranches.add(() -> joined);
        }
      }
    }
    try (Statement s = c.createStatement()) {
      if (keyBranches.isEmpty()) {
        s.execute(
            "CREATE OR REPLACE TABLE __groups (__gid INTEGER, __g INTEGER, __ws BIGINT, __mid"
                + " VARCHAR, __sk INTEGER, __sv VARCHAR, __n BIGINT)");
      } else {
        s.execute(
            "CREATE OR REPLACE TABLE __groups AS SELECT (row_number() OVER (ORDER BY __g, __ws,"
                + " __mid, __sk, __sv) - 1)::INTEGER AS __gid, * FROM (SELECT __g, __ws, __mid,"
                + " __sk, __sv, count(*) AS __n FROM ("
                + String.join("\nUNION ALL\n", keyBranches)
                + ") GROUP BY ALL)");
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT __gid, __g, __ws, __mid, __sk, __sv, __n FROM __groups ORDER BY __gid")) {
        while (rs.next()) {
          Group grp =
              new Group(
                  rs.getInt(1),
                  rs.getInt(2),
                  rs.getLong(3),
                  rs.getString(4),
                  rs.getInt(5),
                  rs.getString(6),
                  rs.getLong(7));
          gr.groups.add(grp);
          gr.byKey.put(key(grp.g(), grp.windowStartMicros(), grp.dims()), grp);
        }
      }
      if (rowBranches.isEmpty()) {
        s.execute(
            "CREATE OR REPLACE VIEW __ex AS SELECT CAST(NULL AS INTEGER) AS __gid, "
                + colList
                + " FROM __input WHERE false");
      } else {
        List<String> branches = new ArrayList<>();
        for (Supplier<String> b : rowBranches) {
          branches.add(b.get());
        }
        // A view, not a table: each pass reads only its columns from the Parquet files
        // (materializing every column cost more than all the passes together).
        s.execute("CREATE OR REPLACE VIEW __ex AS " + String.join("\nUNION ALL\n", branches));
      }
    }
    return gr;
  }

  /** Windows one list lookup spans at most; beyond, the rows are joined to {@code __groups}. */
  static final int MAX_LOOKUP_WINDOWS = 4096;

  /**
   * The whole-table, all-models rows of granularity {@code g} (or of the baseline, or of a
   * snapshot) with their group id computed without a join: a constant when the branch has one
   * group, else the window's index into a list of group ids (fixed-length windows spanning at most
   * {@value #MAX_LOOKUP_WINDOWS}; a row outside them, or with a NULL or infinite timestamp, gets
   * none and is left out, as the join leaves it out). Empty when neither applies: the caller joins.
   *
   * @param range the incremental refresh's predicate on the timestamp column, if any
   */
  Optional<String> wholeTableRows(int g, String colList, Optional<String> range) {
    String dims = ALL_MODELS + "\u0000" + WHOLE + "\u0000";
    String none = "SELECT CAST(NULL AS INTEGER) AS __gid, " + colList + " FROM __input WHERE false";
    if (g == BASELINE || granularities.isEmpty()) {
      Group only = byKey.get(key(g, 0, dims));
      String rel = g == BASELINE ? "__baseline" : "__input";
      return Optional.of(
          only == null ? none : "SELECT " + only.gid() + " AS __gid, " + colList + " FROM " + rel);
    }
    Granularity gran = granularities.get(g);
    if (gran.months() != 0) {
      return Optional.empty();
    }
    TreeMap<Long, Integer> windows = new TreeMap<>();
    for (Group grp : groups) {
      if (grp.g() == g && grp.dims().equals(dims)) {
        windows.put(grp.windowStartMicros(), grp.gid());
      }
    }
    if (windows.isEmpty()) {
      return Optional.of(none);
    }
    long len = gran.fixed().toNanos() / 1000;
    long first = windows.firstKey();
    long end = windows.lastKey() + len;
    long span = (end - first) / len;
    if (span > MAX_LOOKUP_WINDOWS) {
      return Optional.empty();
    }
    List<String> ids = new ArrayList<>();
    for (long i = 0; i < span; i++) {
      Integer gid = windows.get(first + i * len);
      ids.add(gid == null ? "NULL" : gid.toString());
    }
    String e = "epoch_us(" + Sql.ident(timestampCol.orElseThrow()) + ")";
    String gid =
        "CAST(CASE WHEN "
            + e
            + " >= "
            + first
            + " AND "
            + e
            + " < "
            + end
            + " THEN ["
            + String.join(", ", ids)
            + "][(("
            + e
            + " - "
            + first
            + ") // "
            + len
            + ") + 1] END AS INTEGER)";
    return Optional.of(
        "SELECT * FROM (SELECT "
            + gid
            + " AS __gid, "
            + colList
            + " FROM __input"
            + range.map(r -> " WHERE " + r).orElse("")
            + ") WHERE __gid IS NOT NULL");
  }

  /**
   * The rows of a branch with its group id, joined to {@code __groups}: the branch's constants
   * select its groups, so the join is on the window (and the model id or slice value) only.
   */
  private static String joinedRows(
      String colList,
      String ws,
      String m,
      String sv,
      String filter,
      int g,
      int j,
      boolean perModel) {
    return "SELECT __gr.__gid, __e.* EXCLUDE (__kw, __km, __ks) FROM (SELECT "
        + colList
        + ", "
        + ws
        + " AS __kw, "
        + m
        + " AS __km, "
        + sv
        + " AS __ks"
        + filter
        + ") __e JOIN (SELECT __gid, __ws, __mid, __sv FROM __groups WHERE __g = "
        + g
        + " AND __sk = "
        + j
        + (perModel ? " AND __mid <> '*'" : " AND __mid = '*'")
        + ") __gr ON __gr.__ws = __e.__kw"
        + (perModel ? " AND __gr.__mid = __e.__km" : "")
        + (j >= 0 ? " AND __gr.__sv = __e.__ks" : "");
  }

  /**
   * A predicate on the raw timestamp column that holds for every row of the windows starting at
   * {@code starts}: DuckDB pushes it into the Parquet scan, which skips row groups outside it.
   */
  static String timeRange(List<Column> cols, String tsCol, Granularity g, Set<Long> starts) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (long s : starts) {
      lo = Math.min(lo, s);
      hi = Math.max(hi, Incremental.nextStart(g, s));
    }
    boolean date =
        cols.stream()
            .anyMatch(c -> c.name().equals(tsCol) && c.type().kind().name().equals("DATE"));
    String col = date ? "CAST(" + Sql.ident(tsCol) + " AS TIMESTAMP)" : Sql.ident(tsCol);
    String type = date ? "TIMESTAMP" : "TIMESTAMPTZ";
    return "("
        + col
        + " >= CAST(make_timestamp("
        + lo
        + ") AS "
        + type
        + ") AND "
        + col
        + " < CAST(make_timestamp("
        + hi
        + ") AS "
        + type
        + "))";
  }

  static String key(int g, long ws, String dims) {
    return g + "\u0000" + ws + "\u0000" + dims;
  }

  static String joinLongs(Set<Long> values) {
    List<String> parts = new ArrayList<>();
    for (long v : new TreeSet<>(values)) {
      parts.add(Long.toString(v));
    }
    return String.join(", ", parts);
  }
}
