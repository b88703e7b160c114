package dev.keel.bench;

import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.monitoring.ProfileType;
import dev.keel.monitoring.engine.DuckDbMetricsEngine;
import dev.keel.monitoring.engine.MetricsFiles;
import dev.keel.monitoring.engine.MetricsSchema;
import dev.keel.monitoring.engine.RefreshInput;
import dev.keel.monitoring.engine.RefreshOutput;
import dev.keel.monitoring.engine.TableData;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Monitor refresh benchmark: a time-series monitor (1-day windows, one baseline) over {@code
 * --rows} rows x ({@code --numeric} DOUBLE + {@code --categorical} STRING columns) spread over
 * {@code --days} daily Parquet files (generated with DuckDB; ~1% NULLs, a drift that grows by day,
 * a category that appears only in later days), and a baseline of {@code --baseline-rows}. Runs the
 * metrics engine directly on the files (no server): a full refresh, then an incremental refresh
 * after appending one more day. Then {@code bench/monitoring/pandas_refresh.py} computes the same
 * statistics with pandas + scipy on the same data (as CSV: Debian has no pyarrow) and both
 * checksums are compared.
 */
final class MonitorRefreshBench {
  private MonitorRefreshBench() {}

  /** Options of the {@code monitoring} command. */
  record Config(
      long rows,
      int days,
      int numeric,
      int categorical,
      long baselineRows,
      int threads,
      String python,
      String pandasScript,
      boolean skipPandas,
      boolean reuseData) {
    static Config from(Args args) {
      return new Config(
          args.integer("rows", 10_000_000),
          args.integer("days", 30),
          args.integer("numeric", 12),
          args.integer("categorical", 8),
          args.integer("baseline-rows", 1_000_000),
          args.integer("threads", Runtime.getRuntime().availableProcessors()),
          args.string("python", "/usr/bin/python3"),
          args.string("pandas-script", ""),
          args.flag("skip-pandas"),
          args.flag("reuse-data"));
    }
  }

  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  static void run(Path workDir, Config cfg) throws Exception {
    System.out.printf(
        "%n=== monitoring: refresh of %,d rows x %d columns (%d numeric, %d categorical), %d daily"
            + " windows, baseline %,d rows, %d threads ===%n",
        cfg.rows(),
        cfg.numeric() + cfg.categorical(),
        cfg.numeric(),
        cfg.categorical(),
        cfg.days(),
        cfg.baselineRows(),
        cfg.threads());
    Path data = Files.createDirectories(workDir.resolve("monitor-data"));
    long g0 = System.nanoTime();
    long perDay = cfg.rows() / cfg.days();
    List<Path> days = new ArrayList<>();
    Path baseline = data.resolve("baseline.parquet");
    Path extra = data.resolve("day-" + (cfg.days() + 1) + ".parquet");
    for (int d = 0; d < cfg.days(); d++) {
      days.add(data.resolve("day-" + (d + 1) + ".parquet"));
    }
    boolean reuse =
        cfg.reuseData()
            && Files.exists(extra)
            && (cfg.skipPandas() || Files.exists(data.resolve("baseline.csv")));
    if (reuse) {
      System.out.println("reusing the data in " + data + " (--reuse-data)");
    } else {
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
          Statement s = c.createStatement()) {
        s.execute("SET TimeZone = 'UTC'");
        for (int d = 0; d < cfg.days(); d++) {
          copy(s, select(cfg, d, perDay, d * perDay), days.get(d), "parquet");
        }
        copy(s, select(cfg, -1, cfg.baselineRows(), 1L << 40), baseline, "parquet");
        copy(s, select(cfg, cfg.days(), perDay, cfg.days() * perDay), extra, "parquet");
        if (!cfg.skipPandas()) {
          copy(
              s,
              "SELECT * REPLACE (epoch_us(ts) AS ts) FROM read_parquet(" + list(days) + ")",
              data.resolve("input.csv"),
              "csv");
          copy(
              s,
              "SELECT * REPLACE (epoch_us(ts) AS ts) FROM read_parquet('" + baseline + "')",
              data.resolve("baseline.csv"),
              "csv");
        }
      }
    }
    System.out.printf("generated in %.1f s (%s)%n", (System.nanoTime() - g0) / 1e9, data);

    List<Column> cols = columns(cfg);
    MonitorSpec spec =
        new MonitorSpec(
            "main.bench.events",
            "main.bench",
            Optional.empty(),
            new ProfileType.TimeSeries("ts", List.of(Granularity.parse("g", "1 day"))),
            Optional.of("main.bench.baseline"),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            false);
    TableData base = new TableData("main.bench.baseline", 1, cols, List.of(baseline));
    TableData input = new TableData("main.bench.events", 30, cols, days);
    DuckDbMetricsEngine engine =
        new DuckDbMetricsEngine(workDir.resolve("monitor-scratch"), cfg.threads());
    RefreshInput in0 =
        new RefreshInput(
            spec, 1, input, Optional.of(base), Optional.empty(), Optional.empty(), Instant.now());
    long t0 = System.nanoTime();
    long c0 = cpuNanos();
    RefreshOutput full = engine.refresh(in0, () -> false);
    double fullS = (System.nanoTime() - t0) / 1e9;
    double fullCpu = (cpuNanos() - c0) / 1e9;
    System.out.printf(
        "keel full refresh: %.2f s wall, %.2f s CPU (process, all threads); %,d profile rows, %,d"
            + " drift rows, %d windows, %,d rows read; load %s%n",
        fullS,
        fullCpu,
        full.profileRows().size(),
        full.driftRows().size(),
        full.windowsRecomputed(),
        full.rowsRead(),
        Machine.loadAverage());
    Map<String, Double> keelSums = checksums(full.driftRows());
    System.out.println("keel checksums: " + keelSums);

    Path prevProfile = data.resolve("profile_metrics.parquet");
    Path prevDrift = data.resolve("drift_metrics.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      c.createStatement().execute("SET TimeZone = 'UTC'");
      MetricsFiles.write(c, prevProfile, MetricsSchema.PROFILE, full.profileRows());
      MetricsFiles.write(c, prevDrift, MetricsSchema.DRIFT, full.driftRows());
    }
    List<Path> days1 = new ArrayList<>(days);
    days1.add(extra);
    RefreshInput in1 =
        new RefreshInput(
            spec,
            1,
            new TableData("main.bench.events", 31, cols, days1),
            Optional.of(base),
            Optional.empty(),
            Optional.of(
                new RefreshInput.Previous(
                    1,
                    input,
                    1,
                    Optional.empty(),
                    new TableData("p", 1, List.of(), List.of(prevProfile)),
                    new TableData("d", 1, List.of(), List.of(prevDrift)))),
            Instant.now());
    long t1 = System.nanoTime();
    long c1 = cpuNanos();
    RefreshOutput inc = engine.refresh(in1, () -> false);
    double incS = (System.nanoTime() - t1) / 1e9;
    double incCpu = (cpuNanos() - c1) / 1e9;
    System.out.printf(
        "keel incremental refresh (one day appended): %.2f s wall, %.2f s CPU; %d windows"
            + " recomputed, %d kept, %,d rows read; load %s%n",
        incS,
        incCpu,
        inc.windowsRecomputed(),
        inc.windowsKept(),
        inc.rowsRead(),
        Machine.loadAverage());
    if (cfg.skipPandas()) {
      return;
    }
    Path script = cfg.pandasScript().isEmpty() ? defaultScript() : Path.of(cfg.pandasScript());
    List<String> cmd =
        List.of(cfg.python(), script.toString(), "--data-dir=" + data, "--days=" + cfg.days());
    System.out.println("pandas baseline: " + String.join(" ", cmd));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    System.out.print(output);
    if (rc != 0) {
      throw new IllegalStateException("pandas baseline failed (exit " + rc + ")");
    }
    Map<String, String> res = new HashMap<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("RESULT ")) {
        for (String kv : line.substring(7).trim().split("\\s+")) {
          int eq = kv.indexOf('=');
          res.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    }
    double stats = Double.parseDouble(res.get("stats_s"));
    double statsCpu = Double.parseDouble(res.get("stats_cpu_s"));
    double load = Double.parseDouble(res.get("load_s"));
    boolean same = true;
    for (Map.Entry<String, Double> e : keelSums.entrySet()) {
      double other = Double.parseDouble(res.get(e.getKey()));
      double rel = Math.abs(other - e.getValue()) / Math.max(1e-300, Math.abs(e.getValue()));
      System.out.printf(
          "  %s: keel %.12g pandas %.12g (rel diff %.1e)%n", e.getKey(), e.getValue(), other, rel);
      same &= rel <= 1e-9;
    }
    System.out.printf(
        "| monitor refresh, %,d rows x %d columns, %d daily windows + baseline | <= 10 s, >= 10x"
            + " pandas | keel %.2f s (%.1f s CPU); pandas+scipy %.2f s statistics (%.1f s CPU; + %.2f"
            + " s CSV load) = %.1fx wall, %.1fx CPU; incremental (1 day) %.2f s; checksums %s |%n",
        cfg.rows(),
        cfg.numeric() + cfg.categorical(),
        cfg.days(),
        fullS,
        fullCpu,
        stats,
        statsCpu,
        load,
        stats / fullS,
        statsCpu / fullCpu,
        incS,
        same ? "agree (1e-9)" : "DIFFER");
    System.out.println("load: " + Machine.loadAverage());
  }

  /** CPU time of this process (all threads, DuckDB's native ones included). */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Sums over the drift rows, to compare with the pandas baseline's. */
  @SuppressWarnings("unchecked")
  static Map<String, Double> checksums(List<Map<String, Object>> drift) {
    double ks = 0;
    double w = 0;
    double psi = 0;
    double js = 0;
    double chi = 0;
    for (Map<String, Object> r : drift) {
      if (r.get("ks_test") != null) {
        ks += (Double) ((Map<String, Object>) r.get("ks_test")).get("statistic");
        w += (Double) r.get("wasserstein_distance");
        psi += (Double) r.get("population_stability_index");
      }
      if (r.get("js_distance") != null) {
        js += (Double) r.get("js_distance");
        chi += (Double) ((Map<String, Object>) r.get("chi_squared_test")).get("statistic");
      }
    }
    Map<String, Double> m = new java.util.LinkedHashMap<>();
    m.put("sum_ks", ks);
    m.put("sum_wasserstein", w);
    m.put("sum_psi", psi);
    m.put("sum_js", js);
    m.put("sum_chi2", chi);
    return m;
  }

  static List<Column> columns(Config cfg) {
    List<Column> cols = new ArrayList<>();
    cols.add(Column.of("ts", ColumnType.TIMESTAMP));
    for (int k = 0; k < cfg.numeric(); k++) {
      cols.add(Column.of("n" + k, ColumnType.DOUBLE));
    }
    for (int k = 0; k < cfg.categorical(); k++) {
      cols.add(Column.of("c" + k, ColumnType.STRING));
    }
    return cols;
  }

  /**
   * Rows {@code first … first+n-1} of day {@code d} (−1: the baseline, dated the day before the
   * first window). Values are hash-derived, so reruns give the same data.
   */
  static String select(Config cfg, int d, long n, long first) {
    long dayMicros = 86_400_000_000L;
    long startMicros = START.getEpochSecond() * 1_000_000L + (long) d * dayMicros;
    double shift = d < 0 ? 0 : d * 0.01;
    StringBuilder sb = new StringBuilder("SELECT make_timestamp(");
    sb.append(startMicros)
        .append(" + (hash(i, 'ts') % ")
        .append(dayMicros)
        .append(")::BIGINT)::TIMESTAMPTZ AS ts");
    for (int k = 0; k < cfg.numeric(); k++) {
      String u = "((hash(i, " + k + ") % 1000003) / 1000003.0)";
      String u2 = "((hash(i, " + (k + 100) + ") % 1000003) / 1000003.0)";
      sb.append(", CASE WHEN hash(i, ")
          .append(k + 200)
          .append(") % 100 = 0 THEN NULL ELSE ")
          .append(k + 1)
          .append(" * (")
          .append(u)
          .append(" + ")
          .append(u2)
          .append(" + ")
          .append(shift)
          .append(") END AS n")
          .append(k);
    }
    for (int k = 0; k < cfg.categorical(); k++) {
      int cats = 5 + 5 * k;
      sb.append(", CASE WHEN hash(i, ")
          .append(k + 300)
          .append(") % 100 = 0 THEN NULL WHEN ")
          .append(d)
          .append(" >= 20 AND hash(i, ")
          .append(k + 400)
          .append(") % 50 = 0 THEN 'new' ELSE 'v' || (hash(i, ")
          .append(k + 500)
          .append(") % ")
          .append(cats)
          .append(") END AS c")
          .append(k);
    }
    sb.append(" FROM range(").append(first).append(", ").append(first + n).append(") t(i)");
    return sb.toString();
  }

  private static Path defaultScript() {
    try {
      Path jar =
          Path.of(
              MonitorRefreshBench.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI());
      // bench/target/keel-bench.jar (or bench/target/classes) -> bench/monitoring/pandas_refresh.py
      return jar.getParent().getParent().resolve("monitoring").resolve("pandas_refresh.py");
    } catch (java.net.URISyntaxException e) {
      return Path.of("bench/monitoring/pandas_refresh.py");
    }
  }

  private static String list(List<Path> files) {
    List<String> parts = new ArrayList<>();
    for (Path p : files) {
      parts.add("'" + p + "'");
    }
    return "[" + String.join(", ", parts) + "]";
  }

  private static void copy(Statement s, String select, Path out, String format)
      throws SQLException, IOException {
    Files.deleteIfExists(out);
    s.execute(
        "COPY ("
            + select
            + ") TO '"
            + out
            + "' (FORMAT "
            + format
            + (format.equals("csv") ? ", HEADER" : "")
            + ")");
  }
}
