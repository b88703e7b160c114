package dev.keel.bench;

import dev.keel.monitoring.ProfileType.ProblemType;
import dev.keel.monitoring.engine.DuckDbMetricsEngine;
import dev.keel.monitoring.quality.GroupKey;
import dev.keel.monitoring.quality.QualityMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Model-quality benchmark: the quality metrics of a classification inference log (accuracy,
 * precision/recall/F1, confusion matrix, log loss and ROC-AUC) over {@code --rows} rows in {@code
 * --days} daily Parquet files, one group per day, computed as the metrics engine does (a DuckDB
 * connection with the engine's settings, a view with the group id {@code __gid}, {@link
 * QualityMetrics#compute} grouped by it), without the column statistics. The rows (generated with
 * DuckDB, hash-derived, so reruns give the same data) have a label among {@code --classes} classes
 * {@code c0, c1, ...}, a prediction (the label 70% of the time) and, with {@code --proba=map}, a
 * {@code MAP(VARCHAR, DOUBLE)} of every class's probability (summing to 1, the true class's share
 * larger), or with {@code --proba=number} (binary: {@code --classes=2}) P(c1) as a DOUBLE. Prints
 * wall and CPU time of {@code --reps} computations, one without the probability column (the
 * confusion counts alone), and checksums of the log loss and ROC-AUC over the groups.
 */
final class MonitorQualityBench {
  private MonitorQualityBench() {}

  /** Options of the {@code monitoring-quality} command. */
  record Config(long rows, int classes, int days, String proba, int threads, int reps) {
    static Config from(Args args) {
      Config c =
          new Config(
              args.integer("rows", 2_000_000),
              args.integer("classes", 5),
              args.integer("days", 30),
              args.string("proba", "map"),
              args.integer("threads", Runtime.getRuntime().availableProcessors()),
              args.integer("reps", 3));
      if (!c.proba.equals("map") && !c.proba.equals("number")) {
        throw new IllegalArgumentException("--proba must be map or number, not " + c.proba);
      }
      if (c.classes < 2 || (c.proba.equals("number") && c.classes != 2)) {
        throw new IllegalArgumentException(
            "--classes must be at least 2, and 2 with --proba=number");
      }
      return c;
    }
  }

  static void run(Path workDir, Config cfg) throws Exception {
    System.out.printf(
        "%n=== monitoring-quality: %,d rows, %d classes, %s probabilities, %d daily windows, %d"
            + " threads ===%n",
        cfg.rows(), cfg.classes(), cfg.proba(), cfg.days(), cfg.threads());
    Path data = Files.createDirectories(workDir.resolve("quality-data"));
    Path scratch = Files.createDirectories(workDir.resolve("quality-scratch"));
    long g0 = System.nanoTime();
    List<String> files = new ArrayList<>();
    long perDay = cfg.rows() / cfg.days();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      for (int d = 0; d < cfg.days(); d++) {
        Path f = data.resolve("day-" + (d + 1) + ".parquet");
        long first = d * perDay;
        long n = d == cfg.days() - 1 ? cfg.rows() - first : perDay;
        s.execute("COPY (" + select(cfg, d, first, n) + ") TO '" + f + "' (FORMAT parquet)");
        files.add("'" + f + "'");
      }
    }
    System.out.printf("generated in %.1f s (%s)%n", (System.nanoTime() - g0) / 1e9, data);

    // The engine's connection (its settings) and its grouped view.
    try (Connection c = new DuckDbMetricsEngine(scratch, cfg.threads()).open()) {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE VIEW __ex AS SELECT CAST(datediff('day', TIMESTAMPTZ '"
                + MonitorRefreshBench.START
                + "', ts) AS INTEGER) AS __gid, label, prediction, proba FROM read_parquet(["
                + String.join(", ", files)
                + "])");
      }
      QualityMetrics plain =
          new QualityMetrics(
              ProblemType.PROBLEM_TYPE_CLASSIFICATION,
              "prediction",
              "label",
              Optional.empty(),
              Optional.empty());
      QualityMetrics withProba =
          new QualityMetrics(
              ProblemType.PROBLEM_TYPE_CLASSIFICATION,
              "prediction",
              "label",
              Optional.of("proba"),
              Optional.empty());
      time(c, plain, "without prediction_proba_col (confusion counts only)");
      double[] walls = new double[cfg.reps()];
      for (int r = 0; r < cfg.reps(); r++) {
        walls[r] = time(c, withProba, "with prediction_proba_col, rep " + (r + 1));
      }
      java.util.Arrays.sort(walls);
      System.out.printf(
          "| model quality, %,d rows, %d classes (%s), %d daily windows | median %.2f s wall |%n",
          cfg.rows(), cfg.classes(), cfg.proba(), cfg.days(), walls[walls.length / 2]);
    }
  }

  /** One computation: prints its wall and CPU time and the checksums; returns the wall time. */
  private static double time(Connection c, QualityMetrics q, String what) throws SQLException {
    long t0 = System.nanoTime();
    long c0 = MonitorRefreshBench.cpuNanos();
    Map<GroupKey, Map<String, Object>> out = q.compute(c, "__ex", List.of("__gid"));
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (MonitorRefreshBench.cpuNanos() - c0) / 1e9;
    double auc = 0;
    double ll = 0;
    int aucs = 0;
    long labeled = 0;
    // Summed in day order: the same bits for the same values.
    java.util.TreeMap<Long, Map<String, Object>> byDay = new java.util.TreeMap<>();
    out.forEach((k, row) -> byDay.put((Long) k.values().get(0), row));
    for (Map<String, Object> row : byDay.values()) {
      if (row.get("roc_auc_score") instanceof Double a) {
        auc += a;
        aucs++;
      }
      if (row.get("log_loss") instanceof Double l) {
        ll += l;
      }
      labeled += (Long) row.get("num_labeled");
    }
    System.out.printf(
        "%s: %.2f s wall, %.2f s CPU (process, all threads); %d groups, %,d rows labeled, %d"
            + " ROC-AUCs, sum roc_auc_score %.17g, sum log_loss %.17g; load %s%n",
        what, wall, cpu, out.size(), labeled, aucs, auc, ll, Machine.loadAverage());
    return wall;
  }

  /**
   * Rows {@code first … first+n-1}, dated day {@code d}: label {@code c<k>}, prediction, and the
   * probabilities: per class a hash-derived weight in [0, 1), plus 0.5 for the label's class,
   * divided by their sum.
   */
  static String select(Config cfg, int d, long first, long n) {
    long dayMicros = 86_400_000_000L;
    long startMicros = MonitorRefreshBench.START.getEpochSecond() * 1_000_000L + d * dayMicros;
    int k = cfg.classes();
    List<String> weights = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      weights.add(
          "(hash(i, "
              + (j + 10)
              + ") % 1000003) / 1000003.0 + CASE WHEN y = "
              + j
              + " THEN 0.5"
              + " ELSE 0.0 END");
      keys.add("'c" + j + "'");
    }
    String proba =
        cfg.proba().equals("number")
            ? "w[2] / ws"
            : "MAP([" + String.join(", ", keys) + "], list_transform(w, lambda v: v / ws))";
    return "SELECT make_timestamp("
        + startMicros
        + " + (hash(i, 'ts') % "
        + dayMicros
        + ")::BIGINT)::TIMESTAMPTZ AS ts, 'c' || CAST(y AS VARCHAR) AS label, 'c' || CAST(CASE"
        + " WHEN hash(i, 'p') % 10 < 7 THEN y ELSE hash(i, 'q') % "
        + k
        + " END AS VARCHAR) AS prediction, "
        + proba
        + " AS proba FROM (SELECT *, list_sum(w) AS ws FROM (SELECT i, y, ["
        + String.join(", ", weights)
        + "] AS w FROM (SELECT i, hash(i, 'y') % "
        + k
        + " AS y FROM range("
        + first
        + ", "
        + (first + n)
        + ") t(i))))";
  }
}
