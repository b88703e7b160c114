package dev.keel.bench;

import dev.keel.features.training.FeatureLookup;
import dev.keel.features.training.FeatureSource;
import dev.keel.features.training.OnDemandRegistry;
import dev.keel.features.training.Spine;
import dev.keel.features.training.StaticFeatureSourceResolver;
import dev.keel.features.training.TrainingSet;
import dev.keel.features.training.TrainingSetEngine;
import dev.keel.features.training.TrainingSetSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Point-in-time training-set benchmark: a spine of {@code --spine-rows} rows, three lookups into
 * three feature tables of {@code --entities} x {@code --timestamps} rows (three DOUBLE features and
 * an ingestion time each; the third lookup has a 3-day lookback window), generated as Parquet with
 * DuckDB. Measures plan + join + Parquet write, median of {@code --reps} after one warm-up, with
 * and without the availability filter, then runs {@code bench/pit_baseline_pandas.py} ({@code
 * pandas.merge_asof}) on the same data (as CSV: Debian has no pyarrow) and compares row count and
 * checksums.
 */
final class TrainingSetBench {
  private TrainingSetBench() {}

  /** Options of the {@code training-set} command. */
  record Config(
      int spineRows,
      int entities,
      int timestamps,
      int reps,
      int threads,
      String python,
      String pandasScript,
      boolean skipBaselines,
      boolean timeOrdered) {
    static Config from(Args args) {
      return new Config(
          args.integer("spine-rows", 1_000_000),
          args.integer("entities", 100_000),
          args.integer("timestamps", 50),
          args.integer("reps", 3),
          args.integer("threads", Runtime.getRuntime().availableProcessors()),
          args.string("python", "/usr/bin/python3"),
          args.string("pandas-script", ""),
          args.flag("skip-baselines"),
          args.flag("time-ordered"));
    }
  }

  static final String[] TABLES = {"user_feats", "item_feats", "merchant_feats"};
  static final String[] KEYS = {"user_id", "item_id", "merchant_id"};
  static final Duration LOOKBACK = Duration.ofDays(3);

  static void run(Path workDir, Config cfg) throws Exception {
    System.out.printf(
        "%n=== training-set: %,d spine rows, 3 lookups into 3 tables of %,d x %d = %,d rows ===%n",
        cfg.spineRows(),
        cfg.entities(),
        cfg.timestamps(),
        (long) cfg.entities() * cfg.timestamps());
    Path data = Files.createDirectories(workDir.resolve("pit-data"));
    long g0 = System.nanoTime();
    List<FeatureSource> sources = generate(data, cfg);
    System.out.printf(
        "generated Parquet + CSV in %.1f s (%s)%n", (System.nanoTime() - g0) / 1e9, data);

    Check first = null;
    for (Variant v : Variant.values()) {
      boolean avail = v == Variant.AVAILABILITY;
      TrainingSetSpec spec = spec(data, avail);
      List<FeatureSource> vs =
          v == Variant.FEAST_UNMARKED
              ? sources.stream().map(TrainingSetBench::unmarked).toList()
              : sources;
      TrainingSetEngine engine =
          new TrainingSetEngine(
              new StaticFeatureSourceResolver(vs),
              new OnDemandRegistry(),
              new TrainingSetEngine.Options(
                  cfg.threads(), Optional.of(workDir.resolve("spill")), Optional.empty()));
      Path out = workDir.resolve("training-" + v.name().toLowerCase(Locale.ROOT) + ".parquet");
      double[] times = new double[cfg.reps()];
      for (int i = -1; i < cfg.reps(); i++) {
        long t0 = System.nanoTime();
        try (TrainingSet set = engine.build(spec)) {
          set.writeParquet(out);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s run %d: %.3f s%n", i < 0 ? "warm-up" : "measured", i + 1, s);
        if (i >= 0) {
          times[i] = s;
        }
      }
      engine.close();
      Arrays.sort(times);
      double median = times[times.length / 2];
      Check c = check(out);
      System.out.printf(
          "keel (%s): median %.3f s (min %.3f, max %.3f); %,d rows; sum(user_f1) = %.6f over %,d"
              + " non-null; sum(merchant_f1) = %.6f over %,d non-null%n",
          v.label, median, times[0], times[times.length - 1], c.rows, c.sum1, c.n1, c.sum3, c.n3);
      System.out.printf(
          "| training set (%s, %,d x 3 lookups into 3 x %,d rows, %d threads) | <= 3 s |"
              + " median %.2f s (min %.2f, max %.2f; %d reps) |%n",
          v.label,
          cfg.spineRows(),
          (long) cfg.entities() * cfg.timestamps(),
          cfg.threads(),
          median,
          times[0],
          times[times.length - 1],
          cfg.reps());
      System.out.println("load: " + Machine.loadAverage());
      if (v == Variant.FEAST_UNIQUE) {
        first = c;
        if (!cfg.skipBaselines()) {
          rawAsof(data, workDir, cfg);
          pandas(data, cfg, median, c);
        }
      } else if (v == Variant.FEAST_UNMARKED && !c.sameAs(first)) {
        throw new IllegalStateException(
            "the event-time and the full-order joins disagree: " + first + " vs " + c);
      }
    }
  }

  /**
   * What is timed: Feast's rule on tables marked as having a unique primary key (as Keel marks a
   * table written by overwrites, upserts or one append: the lookup joins on the event time), the
   * same on unmarked tables (a table appended to more than once: the join orders by event time,
   * ingestion time and read order), and the availability filter.
   */
  private enum Variant {
    FEAST_UNIQUE("Feast rule"),
    FEAST_UNMARKED("Feast rule, key not marked unique"),
    AVAILABILITY("availability filter");

    final String label;

    Variant(String label) {
      this.label = label;
    }
  }

  private static FeatureSource unmarked(FeatureSource s) {
    return new FeatureSource(
        s.table(),
        s.snapshotId(),
        s.parquetFiles(),
        s.primaryKeys(),
        false,
        s.timeseriesKey(),
        s.ingestionTimeColumn());
  }

  /**
   * The floor under this machine's load: the same three joins as one hand-written DuckDB query with
   * a plain ASOF on the event time (no ingestion-time tie-break, no read-order tie-break), written
   * to Parquet, timed like the engine. Not exact when event times tie; context only.
   */
  private static void rawAsof(Path data, Path workDir, Config cfg) throws SQLException {
    StringBuilder q = new StringBuilder("SELECT s.*");
    StringBuilder from =
        new StringBuilder(" FROM read_parquet('" + data.resolve("spine.parquet") + "') s");
    for (int i = 0; i < 3; i++) {
      String prefix = TABLES[i].substring(0, TABLES[i].indexOf('_'));
      for (String f : List.of("f1", "f2", "f3")) {
        q.append(", t")
            .append(i)
            .append('.')
            .append(f)
            .append(" AS ")
            .append(prefix)
            .append('_')
            .append(f);
      }
      from.append(" ASOF LEFT JOIN read_parquet('")
          .append(data.resolve(TABLES[i] + ".parquet"))
          .append("') t")
          .append(i)
          .append(" ON s.")
          .append(KEYS[i])
          .append(" = t")
          .append(i)
          .append(".entity_id AND s.event_time >= t")
          .append(i)
          .append(".event_time");
    }
    String sql =
        "COPY ("
            + q
            + from
            + " ORDER BY s.row_id) TO '"
            + workDir.resolve("raw.parquet")
            + "' (FORMAT parquet, COMPRESSION zstd)";
    double[] times = new double[cfg.reps()];
    try (Connection c = duck();
        Statement s = c.createStatement()) {
      s.execute("SET threads = " + cfg.threads());
      for (int i = -1; i < cfg.reps(); i++) {
        long t0 = System.nanoTime();
        s.execute(sql);
        if (i >= 0) {
          times[i] = (System.nanoTime() - t0) / 1e9;
        }
      }
    }
    Arrays.sort(times);
    System.out.printf(
        "raw DuckDB, plain ASOF on event time only (not exact on ties; the floor on this machine"
            + " now): median %.3f s (min %.3f, max %.3f)%n",
        times[times.length / 2], times[0], times[times.length - 1]);
  }

  private record Check(long rows, double sum1, long n1, double sum3, long n3) {
    /** Same counts, sums equal to 1e-9 relative (DuckDB's parallel sums may round differently). */
    boolean sameAs(Check o) {
      return rows == o.rows
          && n1 == o.n1
          && n3 == o.n3
          && Math.abs(sum1 - o.sum1) <= 1e-9 * Math.max(1, Math.abs(sum1))
          && Math.abs(sum3 - o.sum3) <= 1e-9 * Math.max(1, Math.abs(sum3));
    }
  }

  private static Check check(Path out) throws SQLException {
    try (Connection c = duck();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*), sum(user_f1), count(user_f1), sum(merchant_f1),"
                    + " count(merchant_f1) FROM read_parquet('"
                    + out
                    + "')")) {
      r.next();
      return new Check(r.getLong(1), r.getDouble(2), r.getLong(3), r.getDouble(4), r.getLong(5));
    }
  }

  private static void pandas(Path data, Config cfg, double keelMedian, Check keel)
      throws IOException, InterruptedException {
    Path script = cfg.pandasScript().isEmpty() ? defaultScript() : Path.of(cfg.pandasScript());
    List<String> cmd =
        new ArrayList<>(
            List.of(
                cfg.python(),
                script.toString(),
                "--data-dir=" + data,
                "--reps=" + cfg.reps(),
                "--lookback-days=" + LOOKBACK.toDays()));
    System.out.println("pandas baseline: " + String.join(" ", cmd));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    System.out.print(output);
    if (rc != 0) {
      throw new IllegalStateException("pandas baseline failed (exit " + rc + ")");
    }
    Map<String, String> res = new java.util.HashMap<>();
    for (String line : output.split("\n")) {
      if (line.startsWith("RESULT ")) {
        for (String kv : line.substring(7).trim().split("\\s+")) {
          int eq = kv.indexOf('=');
          res.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    }
    long rows = Long.parseLong(res.get("rows"));
    double sum1 = Double.parseDouble(res.get("sum_user_f1"));
    double sum3 = Double.parseDouble(res.get("sum_merchant_f1"));
    double join = Double.parseDouble(res.get("join_median_s"));
    double load = Double.parseDouble(res.get("load_s"));
    boolean same =
        rows == keel.rows()
            && Math.abs(sum1 - keel.sum1()) <= 1e-9 * Math.max(1, Math.abs(sum1))
            && Math.abs(sum3 - keel.sum3()) <= 1e-9 * Math.max(1, Math.abs(sum3));
    System.out.printf(
        "pandas vs keel: rows %,d vs %,d, sum(user_f1) %.6f vs %.6f, sum(merchant_f1) %.6f vs %.6f"
            + " -> %s%n",
        rows, keel.rows(), sum1, keel.sum1(), sum3, keel.sum3(), same ? "SAME" : "DIFFERENT");
    System.out.printf(
        "| speed-up vs pandas.merge_asof (pandas: sort + 3 merges + reorder, CSV load and write"
            + " excluded; keel: plan + join + Parquet write) | >= 20x | %.1fx (pandas median"
            + " %.2f s + %.1f s CSV load; keel %.2f s; results %s) |%n",
        join / keelMedian, join, load, keelMedian, same ? "identical" : "DIFFERENT");
    if (!same) {
      throw new IllegalStateException("pandas and keel disagree");
    }
  }

  private static Path defaultScript() {
    try {
      Path jar =
          Path.of(
              TrainingSetBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // bench/target/keel-bench.jar (or bench/target/classes) -> bench/pit_baseline_pandas.py
      return jar.getParent().getParent().resolve("pit_baseline_pandas.py");
    } catch (java.net.URISyntaxException e) {
      return Path.of("bench/pit_baseline_pandas.py");
    }
  }

  static TrainingSetSpec spec(Path data, boolean avail) {
    List<FeatureLookup> lookups = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String prefix = TABLES[i].substring(0, TABLES[i].indexOf('_'));
      FeatureLookup l =
          FeatureLookup.of(TABLES[i], List.of(KEYS[i]))
              .withTimestamp("event_time")
              .withRenames(
                  Map.of("f1", prefix + "_f1", "f2", prefix + "_f2", "f3", prefix + "_f3"));
      lookups.add(i == 2 ? l.withLookback(LOOKBACK) : l);
    }
    return new TrainingSetSpec(
        Spine.parquet(List.of(data.resolve("spine.parquet"))),
        lookups,
        List.of(),
        List.of(),
        avail,
        false);
  }

  private static Connection duck() throws SQLException {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    return DriverManager.getConnection("jdbc:duckdb:", p);
  }

  /**
   * Writes spine.parquet/csv and the three tables as Parquet (for Keel) and CSV with epoch
   * microseconds (for pandas). Event times: entity {@code e}'s j-th row is at day {@code j} plus an
   * entity-specific offset; ingestion is 0 to 4 hours later. Each table is one file with its rows
   * in primary-key order (entity, event time), as Keel writes a feature table's data files (a table
   * written in one batch, or compacted); {@code --time-ordered} writes them in event-time order
   * instead, as a plain Parquet file appended to by time would be.
   */
  private static List<FeatureSource> generate(Path data, Config cfg) throws SQLException {
    List<FeatureSource> sources = new ArrayList<>();
    try (Connection c = duck();
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET threads = " + cfg.threads());
      String base = "TIMESTAMPTZ '2026-01-01 00:00:00+00'";
      for (int i = 0; i < 3; i++) {
        s.execute(
            "CREATE OR REPLACE TABLE f AS SELECT e AS entity_id, "
                + base
                + " + to_seconds(j * 86400 + (e * 7919 + "
                + i
                + " * 31) % 86400) AS event_time, "
                + base
                + " + to_seconds(j * 86400 + (e * 7919 + "
                + i
                + " * 31) % 86400 + ((e + j) % 5) * 3600) AS _ingested_at,"
                + " ((hash(e, j, "
                + i
                + ", 1) % 1000000) / 1000.0)::DOUBLE AS f1,"
                + " ((hash(e, j, "
                + i
                + ", 2) % 1000000) / 1000.0)::DOUBLE AS f2,"
                + " ((hash(e, j, "
                + i
                + ", 3) % 1000000) / 1000.0)::DOUBLE AS f3"
                + " FROM range("
                + cfg.entities()
                + ") r(e), range("
                + cfg.timestamps()
                + ") q(j) ORDER BY "
                + (cfg.timeOrdered() ? "event_time, entity_id" : "entity_id, event_time"));
        Path pq = data.resolve(TABLES[i] + ".parquet");
        s.execute("COPY f TO '" + pq + "' (FORMAT parquet, COMPRESSION zstd)");
        s.execute(
            "COPY (SELECT entity_id, epoch_us(event_time) AS event_time, epoch_us(_ingested_at) AS"
                + " _ingested_at, f1, f2, f3 FROM f) TO '"
                + data.resolve(TABLES[i] + ".csv")
                + "' (FORMAT csv, HEADER)");
        sources.add(
            new FeatureSource(
                TABLES[i],
                1,
                List.of(pq),
                List.of("entity_id", "event_time"),
                true,
                Optional.of("event_time"),
                Optional.of("_ingested_at")));
      }
      long span = (long) (cfg.timestamps() + 1) * 86400L;
      s.execute(
          "CREATE OR REPLACE TABLE sp AS SELECT i AS row_id,"
              + " (hash(i, 'u') % "
              + cfg.entities()
              + ")::BIGINT AS user_id, (hash(i, 'i') % "
              + cfg.entities()
              + ")::BIGINT AS item_id, (hash(i, 'm') % "
              + cfg.entities()
              + ")::BIGINT AS merchant_id, "
              + base
              + " + to_seconds((hash(i, 't') % "
              + span
              + ")::BIGINT) AS event_time, (i % 2)::INTEGER AS label FROM range("
              + cfg.spineRows()
              + ") r(i) ORDER BY i");
      s.execute(
          "COPY sp TO '" + data.resolve("spine.parquet") + "' (FORMAT parquet, COMPRESSION zstd)");
      s.execute(
          "COPY (SELECT row_id, user_id, item_id, merchant_id, epoch_us(event_time) AS"
              + " event_time, label FROM sp ORDER BY row_id) TO '"
              + data.resolve("spine.csv")
              + "' (FORMAT csv, HEADER)");
    }
    return sources;
  }
}
