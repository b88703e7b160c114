package dev.keel.monitoring.engine;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.tables.Column;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The metrics engine on embedded DuckDB: one in-memory database per call (no extension install or
 * autoload, session time zone UTC, spill files under the scratch directory). DuckDB reads the
 * Parquet files, evaluates windows, model ids and slices and groups the values (one scan per few
 * columns, read on threads of their own while earlier columns' statistics are computed); the {@code
 * stats} classes compute every statistic in Java, so the numbers are the ones docs/monitoring.md
 * defines. See docs/monitoring.md, "Refreshes", for windows, slices, baseline and incremental
 * refresh.
 */
public final class DuckDbMetricsEngine implements MetricsEngine {
  private final Path scratchDir;
  private final int threads;

  /**
   * @param scratchDir DuckDB's temp (spill) and extension directories live under it
   * @param threads DuckDB's threads and the Java statistics' threads (at least 1)
   */
  public DuckDbMetricsEngine(Path scratchDir, int threads) {
    this.scratchDir = scratchDir;
    this.threads = Math.max(1, threads);
  }

  /**
   * A new in-memory DuckDB connection with the settings of this engine's refreshes (no extension
   * install or autoload, its threads, spill files under the scratch directory, streamed results,
   * session time zone UTC): for tools that run parts of a refresh, such as the benchmarks.
   */
  public Connection open() throws SQLException {
    try {
      Files.createDirectories(scratchDir.resolve("extensions"));
      Files.createDirectories(scratchDir.resolve("tmp"));
    } catch (IOException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "cannot create DuckDB directories: " + e.getMessage(), e);
    }
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    p.setProperty("extension_directory", scratchDir.resolve("extensions").toString());
    p.setProperty("temp_directory", scratchDir.resolve("tmp").toString());
    p.setProperty("threads", String.valueOf(threads));
    // Results stream to the reader as DuckDB produces them rather than being collected first: a
    // column pass holds its values once (in Java), not twice.
    p.setProperty("jdbc_stream_results", "true");
    Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
    try (Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  @Override
  public void check(RefreshInput input) {
    try (Connection c = open()) {
      Grouping.createRelations(c, input, false);
      List<String> exprs = input.spec().slicingExprs();
      for (int i = 0; i < exprs.size(); i++) {
        try (Statement s = c.createStatement()) {
          s.executeQuery("SELECT (" + exprs.get(i) + ") FROM __input LIMIT 0").close();
        } catch (SQLException e) {
          throw KeelException.invalid("slicing_exprs[" + i + "]: " + e.getMessage());
        }
      }
      Extras.check(c, input);
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "monitor check failed: " + e.getMessage(), e);
    }
  }

  @Override
  public RefreshOutput refresh(RefreshInput input, BooleanSupplier cancelled) {
    Computed r = compute(input, cancelled);
    return new RefreshOutput(
        MetricsSchema.toColumns(Extras.profileFields(input)),
        r.profileRows(),
        MetricsSchema.toColumns(Extras.driftFields(input)),
        r.driftRows(),
        r.windowsRecomputed(),
        r.windowsKept(),
        r.rowsRead());
  }

  /**
   * The rows of a refresh without the column declarations (which need nested column types).
   *
   * @param profileRows the profile table's rows
   * @param driftRows the drift table's rows
   * @param windowsRecomputed (granularity, window) pairs computed from the data
   * @param windowsKept (granularity, window) pairs kept from the previous output
   * @param rowsRead rows of the monitored table read
   */
  record Computed(
      List<Map<String, Object>> profileRows,
      List<Map<String, Object>> driftRows,
      int windowsRecomputed,
      int windowsKept,
      long rowsRead) {}

  Computed compute(RefreshInput input, BooleanSupplier cancelled) {
    try (Connection c = open();
        Parallel parallel = new Parallel(threads)) {
      return new Run(c, input, cancelled, parallel).run();
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "monitor refresh failed: " + e.getMessage(), e);
    }
  }

  /** One refresh. */
  private static final class Run {
    private final Connection c;
    private final RefreshInput in;
    private final BooleanSupplier cancelled;
    private final Parallel parallel;
    private final MonitorSpec spec;
    private final List<Granularity> grans;

    Run(Connection c, RefreshInput in, BooleanSupplier cancelled, Parallel parallel) {
      this.c = c;
      this.in = in;
      this.cancelled = cancelled;
      this.parallel = parallel;
      this.spec = in.spec();
      this.grans = Grouping.granularities(spec.profile());
    }

    private void poll() {
      if (cancelled.getAsBoolean()) {
        throw new CancellationException("refresh cancelled");
      }
    }

    Computed run() throws SQLException {
      List<Column> profiled = Grouping.createRelations(c, in, true);
      poll();
      Optional<List<Set<Long>>> plan = Incremental.plan(c, in);
      List<Set<Long>> load = null;
      if (plan.isPresent()) {
        load = new ArrayList<>();
        for (int g = 0; g < grans.size(); g++) {
          Set<Long> l = new HashSet<>(plan.get().get(g));
          for (long ws : plan.get().get(g)) {
            l.add(Incremental.previousStart(grans.get(g), ws));
          }
          load.add(l);
        }
      }
      Grouping gr = Grouping.build(c, in, profiled, load);
      poll();
      int n = gr.groups.size();
      boolean[] emit = new boolean[n];
      Set<String> recomputedWindows = new HashSet<>();
      for (Grouping.Group g : gr.groups) {
        boolean e =
            g.g() == Grouping.BASELINE
                || plan.isEmpty()
                || plan.get().get(g.g()).contains(g.windowStartMicros());
        emit[g.gid()] = e;
        if (e && g.g() != Grouping.BASELINE) {
          recomputedWindows.add(g.g() + "/" + g.windowStartMicros());
        }
      }
      long[] rows = new long[n];
      for (Grouping.Group g : gr.groups) {
        rows[g.gid()] = g.rows();
      }
      long[][] nonNull = new long[profiled.size()][];
      Windows windows = new Windows(c, in, gr);
      List<int[]> pairs = pairs(gr, emit);
      List<Map<String, Object>> profileRows = new ArrayList<>();
      List<Map<String, Object>> driftRows = new ArrayList<>();
      Extras.Rows index = new Extras.Rows();
      @SuppressWarnings("unchecked")
      Map<String, Object>[] tableProfile = new Map[n];
      List<Map<String, Object>> tableDrift = new ArrayList<>();
      for (Grouping.Group g : gr.groups) {
        Map<String, Object> row = windows.profileRow(g, MetricsSchema.TABLE, null);
        row.put("count", rows[g.gid()]);
        tableProfile[g.gid()] = row; // non_null_columns once the columns are read
        index.profile(g.gid(), MetricsSchema.TABLE, row);
        if (emit[g.gid()]) {
          profileRows.add(row);
        }
      }
      for (int[] p : pairs) {
        Grouping.Group cur = gr.groups.get(p[0]);
        Grouping.Group cmp = gr.groups.get(p[1]);
        Map<String, Object> row = windows.driftRow(cur, cmp, MetricsSchema.TABLE, null);
        row.put("count_delta", (double) (rows[cur.gid()] - rows[cmp.gid()]));
        tableDrift.add(row); // non_null_columns_delta once the columns are read
        driftRows.add(row);
        index.drift(row, p, MetricsSchema.TABLE);
      }
      // Columns arrive in the reader's order; their rows are added in table order.
      List<List<Map<String, Object>>> profileByColumn = new ArrayList<>();
      List<List<Map<String, Object>>> driftByColumn = new ArrayList<>();
      try (ColumnReader reader = new ColumnReader(c, profiled, rows)) {
        for (int ci = 0; ci < profiled.size(); ci++) {
          profileByColumn.add(null);
          driftByColumn.add(null);
        }
        for (int ci : reader.order()) {
          poll();
          Column col = profiled.get(ci);
          ColumnMetrics.Kind kind = ColumnMetrics.kind(col.type());
          ColumnMetrics.Fetched fetched = reader.take(ci);
          nonNull[ci] = fetched.nonNull();
          ColumnMetrics.Stat[] stats = ColumnMetrics.compute(fetched, kind, rows, parallel);
          String type = col.type().typeText();
          List<Map<String, Object>> profile = new ArrayList<>();
          for (Grouping.Group g : gr.groups) {
            Map<String, Object> row = windows.profileRow(g, col.name(), type);
            ColumnMetrics.profileValues(stats[g.gid()], kind, row);
            index.profile(g.gid(), col.name(), row);
            if (emit[g.gid()]) {
              profile.add(row);
            }
          }
          profileByColumn.set(ci, profile);
          @SuppressWarnings("unchecked")
          Map<String, Object>[] drift = new Map[pairs.size()];
          parallel.forEach(
              pairs.size(),
              i -> {
                int[] p = pairs.get(i);
                Map<String, Object> row =
                    windows.driftRow(gr.groups.get(p[0]), gr.groups.get(p[1]), col.name(), type);
                ColumnMetrics.driftValues(stats[p[0]], stats[p[1]], row);
                drift[i] = row;
              });
          for (int i = 0; i < drift.length; i++) {
            index.drift(drift[i], pairs.get(i), col.name());
          }
          driftByColumn.set(ci, List.of(drift));
          reader.done();
        }
      }
      for (int ci = 0; ci < profiled.size(); ci++) {
        profileRows.addAll(profileByColumn.get(ci));
        driftRows.addAll(driftByColumn.get(ci));
      }
      for (int gid = 0; gid < n; gid++) {
        tableProfile[gid].put("non_null_columns", nonNullColumns(profiled, nonNull, gid));
      }
      for (int i = 0; i < pairs.size(); i++) {
        List<String> a = nonNullColumns(profiled, nonNull, pairs.get(i)[0]);
        List<String> b = nonNullColumns(profiled, nonNull, pairs.get(i)[1]);
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put("added", (int) a.stream().filter(x -> !b.contains(x)).count());
        delta.put("missing", (int) b.stream().filter(x -> !a.contains(x)).count());
        tableDrift.get(i).put("non_null_columns_delta", delta);
      }
      poll();
      Extras.add(c, in, index);
      int kept = 0;
      if (plan.isPresent()) {
        kept = keep(plan.get(), profileRows, driftRows);
      }
      long rowsRead = rowsRead(load);
      return new Computed(profileRows, driftRows, recomputedWindows.size(), kept, rowsRead);
    }

    private static List<String> nonNullColumns(List<Column> cols, long[][] nonNull, int gid) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < cols.size(); i++) {
        if (nonNull[i][gid] > 0) {
          out.add(cols.get(i).name());
        }
      }
      return out;
    }

    /** (current, compared) group ids: consecutive then baseline, for every emitted input group. */
    private List<int[]> pairs(Grouping gr, boolean[] emit) {
      List<int[]> out = new ArrayList<>();
      for (Grouping.Group g : gr.groups) {
        if (!emit[g.gid()] || g.g() == Grouping.BASELINE) {
          continue;
        }
        if (!grans.isEmpty()) {
          long prev = Incremental.previousStart(grans.get(g.g()), g.windowStartMicros());
          Grouping.Group p = gr.byKey.get(Grouping.key(g.g(), prev, g.dims()));
          if (p != null) {
            out.add(new int[] {g.gid(), p.gid()});
          }
        }
        Grouping.Group b = gr.byKey.get(Grouping.key(Grouping.BASELINE, 0, g.dims()));
        if (b != null) {
          out.add(new int[] {g.gid(), b.gid()});
        }
      }
      return out;
    }

    /** Adds the previous refresh's rows of the windows not recomputed; returns how many windows. */
    private int keep(
        List<Set<Long>> recompute,
        List<Map<String, Object>> profileRows,
        List<Map<String, Object>> driftRows)
        throws SQLException {
      RefreshInput.Previous prev = in.previous().get();
      Set<String> keptWindows = new HashSet<>();
      List<Map<String, Object>> keptProfile = new ArrayList<>();
      for (Map<String, Object> row : MetricsFiles.read(c, prev.profileMetrics().dataFiles())) {
        if (!"INPUT".equals(row.get("log_type"))) {
          continue;
        }
        String w = keptWindow(row, recompute);
        if (w != null) {
          keptWindows.add(w);
          keptProfile.add(row);
        }
      }
      profileRows.addAll(0, keptProfile);
      List<Map<String, Object>> keptDrift = new ArrayList<>();
      for (Map<String, Object> row : MetricsFiles.read(c, prev.driftMetrics().dataFiles())) {
        if (keptWindow(row, recompute) != null) {
          keptDrift.add(row);
        }
      }
      driftRows.addAll(0, keptDrift);
      return keptWindows.size();
    }

    /** "g/start" when the row's window is kept, null when it is recomputed (or unknown). */
    @SuppressWarnings("unchecked")
    private String keptWindow(Map<String, Object> row, List<Set<Long>> recompute) {
      Object gran = row.get("granularity");
      for (int g = 0; g < grans.size(); g++) {
        if (grans.get(g).text().equals(gran)) {
          Instant start = (Instant) ((Map<String, Object>) row.get("window")).get("start");
          long ws = Incremental.micros(start);
          return recompute.get(g).contains(ws) ? null : g + "/" + ws;
        }
      }
      return null;
    }

    private long rowsRead(List<Set<Long>> load) throws SQLException {
      String where = "";
      if (load != null) {
        String ts = Sql.ident(Grouping.timestampCol(spec.profile()).orElseThrow());
        List<String> ors = new ArrayList<>();
        for (int g = 0; g < grans.size(); g++) {
          if (!load.get(g).isEmpty()) {
            ors.add(
                "("
                    + Sql.windowStartMicros(grans.get(g), ts)
                    + " IN ("
                    + Grouping.joinLongs(load.get(g))
                    + ") AND "
                    + Grouping.timeRange(
                        in.input().columns(),
                        Grouping.timestampCol(spec.profile()).orElseThrow(),
                        grans.get(g),
                        load.get(g))
                    + ")");
          }
        }
        where = " WHERE " + (ors.isEmpty() ? "false" : String.join(" OR ", ors));
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM __input" + where)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
