package dev.keel.tracking.search;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * Scratch timing sanity check, not a test (nothing runs it in the build): fills a store with
 * 100,000 runs x 10 metrics x 10 params (once; a data dir that already holds runs is reused) and
 * prints median wall and thread-CPU latency of a few searches.
 *
 * <p>Run after {@code ./mvnw -pl keel-tracking -am test-compile}, with the module's test classpath:
 * {@code java -cp <classpath> dev.keel.tracking.search.SearchTimingScratch <dataDir> [pg|jdbcUrl]}.
 * {@code pg} fills a fresh schema in {@code KEEL_TEST_POSTGRES_URL} (drop it afterwards). {@code
 * PLAN=1} prints query plans; {@code RAW=<file>} times the SQL statements in the file, one per
 * line, instead; {@code -Diterations=N} sets the sample size.
 */
final class SearchTimingScratch {
  private SearchTimingScratch() {}

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("keel-timing");
    Optional<String> url = args.length > 1 ? Optional.of(args[1]) : Optional.empty();
    int runs = 100_000;
    boolean pg = url.isPresent() && url.get().equals("pg");
    try (Database db =
        pg
            ? TestDatabases.postgres(dir)
            : url.isPresent() ? Database.open(url, dir) : TestDatabases.sqlite(dir)) {
      int have =
          db.read(h -> h.createQuery("SELECT COUNT(*) FROM runs").mapTo(Integer.class).one());
      if (have == 0) {
        fill(db, runs);
      }
      if (System.getenv("RAW") != null) {
        for (String sql : Files.readAllLines(Path.of(System.getenv("RAW")))) {
          if (!sql.isBlank()) {
            time(db, "raw", new SqlQuery(sql, List.of()));
          }
        }
        return;
      }
      time(db, "metrics.acc > 0.9 and params.model = 'xgb'", List.of("metrics.m1 DESC"), 100);
      time(db, "metrics.acc > 0.9 and params.model = 'xgb'", List.of("metrics.m1 DESC"), 1000);
      time(db, "metrics.acc > 0.9 and params.model = 'xgb'", List.of(), 100);
      time(db, "", List.of(), 100);
      time(db, "", List.of("metrics.m2 DESC"), 100);
      time(db, "params.model = 'xgb'", List.of(), 100);
      time(db, "metrics.acc > 0.999", List.of("metrics.m1"), 100);
      time(db, "params.p3 LIKE 'v1%' and tags.t1 = 'x'", List.of("params.p3"), 100);
      time(db, "metrics.acc != 0.5 and params.model = 'xgb'", List.of(), 100);
      time(db, "metrics.acc > 0", List.of(), 100);
      time(db, "run_name LIKE 'run-99%'", List.of("metrics.acc"), 100);
      time(
          db,
          "metrics.acc > 0.5 and metrics.m1 < 0.5 and params.model ILIKE 'XGB'",
          List.of("metrics.m3 DESC"),
          100);
    }
  }

  private static void time(Database db, String filter, List<String> order, int limit) {
    SqlQuery q =
        RunSearch.compile(db.dialect(), List.of(1L), ViewType.ACTIVE_ONLY, filter, order, limit, 0);
    time(db, "filter=[" + filter + "] order=" + order + " limit=" + limit, q);
  }

  private static void time(Database db, String label, SqlQuery q) {
    long[] ns = new long[Integer.getInteger("iterations", 25)];
    long[] cpu = new long[ns.length];
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    int n = 0;
    for (int i = 0; i < ns.length + 5; i++) {
      long t = System.nanoTime();
      long c = mx.getCurrentThreadCpuTime();
      n = db.read(h -> bind(h.createQuery(q.sql()), q).mapTo(String.class).list()).size();
      if (i >= 5) {
        ns[i - 5] = System.nanoTime() - t;
        cpu[i - 5] = mx.getCurrentThreadCpuTime() - c;
      }
    }
    Arrays.sort(ns);
    Arrays.sort(cpu);
    System.out.printf(
        "p50 %6.1f ms  p90 %6.1f ms  cpu p50 %6.1f ms  rows %4d  %s%n",
        ns[ns.length / 2] / 1e6,
        ns[ns.length * 9 / 10] / 1e6,
        cpu[cpu.length / 2] / 1e6,
        n,
        label.equals("raw") ? q.sql() : label);
    if (System.getenv("PLAN") != null) {
      String explain =
          db.dialect() == dev.keel.store.Dialect.SQLITE ? "EXPLAIN QUERY PLAN " : "EXPLAIN ";
      db.read(h -> bind(h.createQuery(explain + q.sql()), q).mapToMap().list())
          .forEach(r -> System.out.println("    " + r));
    }
  }

  private static Query bind(Query query, SqlQuery q) {
    for (int i = 0; i < q.binds().size(); i++) {
      query.bind(i, q.binds().get(i));
    }
    return query;
  }

  private static void fill(Database db, int runs) {
    Random rnd = new Random(42);
    String[] models = {"xgb", "lgbm", "rf"};
    db.write(
        h ->
            h.execute(
                "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage,"
                    + " creation_time, last_update_time) VALUES (1, 'bench', 'a', 'active', 0, 0)"));
    int batch = 5_000;
    for (int start = 0; start < runs; start += batch) {
      int from = start;
      db.write(
          h -> {
            PreparedBatch r =
                h.prepareBatch(
                    "INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time,"
                        + " artifact_uri, lifecycle_stage) VALUES (?, ?, 1, 'u', 'FINISHED', ?,"
                        + " 'a', 'active')");
            PreparedBatch m =
                h.prepareBatch(
                    "INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan)"
                        + " VALUES (?, ?, 0, 0, ?, 0)");
            PreparedBatch p =
                h.prepareBatch("INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)");
            PreparedBatch t =
                h.prepareBatch("INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?)");
            for (int i = from; i < from + batch; i++) {
              String id =
                  new java.util.UUID(rnd.nextLong(), rnd.nextLong()).toString().replace("-", "");
              r.add(id, "run-" + i, 1_700_000_000_000L + i);
              m.add(id, "acc", rnd.nextDouble());
              for (int k = 1; k < 10; k++) {
                m.add(id, "m" + k, rnd.nextDouble());
              }
              p.add(id, "model", models[rnd.nextInt(3)]);
              for (int k = 1; k < 10; k++) {
                p.add(id, "p" + k, "v" + rnd.nextInt(100));
              }
              t.add(id, "t1", rnd.nextInt(10) == 0 ? "x" : "y");
              t.add(id, "mlflow.runName", "run-" + i);
            }
            r.execute();
            m.execute();
            p.execute();
            t.execute();
            return null;
          });
    }
    System.out.println("filled " + runs + " runs");
  }
}
