package dev.keel.bench;

import dev.keel.features.online.EmbeddedOnlineStore;
import dev.keel.features.online.EntityRows;
import dev.keel.features.online.FeatureRef;
import dev.keel.features.online.FeatureStatus;
import dev.keel.features.online.OnlineFeatures;
import dev.keel.features.online.OnlineRow;
import dev.keel.features.online.OnlineStore;
import dev.keel.features.online.RedisOnlineStore;
import dev.keel.features.online.WriteResult;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The online feature store figures, in process (no HTTP): (a) lookups of one entity x 50 features
 * (5 feature tables x 10 features, as in Feast's benchmark) after loading {@code --entities}
 * entities, one thread, percentiles over {@code --lookups} lookups after {@code --lookup-warmup};
 * (b) publish throughput of {@code --rows} rows x {@code --write-features} features into a fresh
 * table, one writer. Both on the embedded store and, with {@code --redis-url}, on Redis.
 */
final class OnlineBench {
  static final int TABLES = 5;
  static final int FEATURES_PER_TABLE = 10;
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  private OnlineBench() {}

  record Config(
      int entities, int lookups, int lookupWarmup, int rows, int writeFeatures, String redisUrl) {
    static Config from(Args args) {
      return new Config(
          args.integer("entities", 100_000),
          args.integer("lookups", 200_000),
          args.integer("lookup-warmup", 50_000),
          args.integer("rows", 1_000_000),
          args.integer("write-features", 10),
          args.string("redis-url", "redis://127.0.0.1:6379"));
    }
  }

  /** Prints how busy the machine is (other users) over 3 s before a figure. */
  private static void idleSample() throws InterruptedException {
    long[] t0 = Machine.cpuTicks();
    Thread.sleep(3000);
    System.out.printf(
        "before: load %s; %.2f of %d cores busy over 3 s with no benchmark running%n",
        Machine.loadAverage(),
        Machine.busyCores(t0, Machine.cpuTicks()),
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * {@code [on CPU, waiting for a CPU]} nanoseconds of the calling thread from {@code
   * /proc/thread-self/schedstat}; zeros elsewhere. Wall time minus both is time blocked (I/O).
   */
  private static long[] schedstat() {
    try {
      String[] f =
          java.nio.file.Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split(" ");
      return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    } catch (java.io.IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /**
   * CPU seconds (user + system) the local Redis server has used so far, from {@code INFO server}'s
   * {@code process_id} and {@code /proc/<pid>/stat}; -1 if Redis is not on this machine.
   */
  static double redisCpuSeconds(String url) {
    try (redis.clients.jedis.RedisClient r =
        redis.clients.jedis.RedisClient.create(URI.create(url))) {
      String info = r.info("server");
      long pid = -1;
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("process_id:")) {
          pid = Long.parseLong(line.substring("process_id:".length()).trim());
        }
      }
      String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in ticks
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long cpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  static void run(Path workDir, Config cfg) throws Exception {
    Path dir = workDir.resolve("online-embedded");
    try (OnlineStore s = EmbeddedOnlineStore.open(dir, Clock.systemUTC())) {
      publish("embedded", s, cfg, ">= 200,000 rows/s");
      lookups("embedded", s, cfg, "p99 <= 1 ms");
      System.out.println("online.db size: " + fileMib(dir.resolve("online/online.db")) + " MiB");
    }
    if (!cfg.redisUrl().isEmpty()) {
      String prefix = "keel-bench:" + ProcessHandle.current().pid() + ":";
      try (OnlineStore s =
          RedisOnlineStore.open(URI.create(cfg.redisUrl()), prefix, Clock.systemUTC())) {
        try {
          double redisCpu0 = redisCpuSeconds(cfg.redisUrl());
          publish("redis", s, cfg, ">= 100,000 rows/s");
          double redisCpu = redisCpuSeconds(cfg.redisUrl()) - redisCpu0;
          if (redisCpu0 >= 0) {
            System.out.printf(
                "Redis server CPU during the publish and its replay: %.2f s (%,.0f rows per Redis"
                    + " CPU second)%n",
                redisCpu, 2.0 * cfg.rows() / redisCpu);
          }
          lookups("redis", s, cfg, "(no target)");
        } finally {
          long t = System.nanoTime();
          for (String table : tableNames(cfg)) {
            s.deleteTable(table);
          }
          s.deleteTable("publish");
          System.out.printf(
              "redis: deleted the benchmark tables in %.1f s%n", (System.nanoTime() - t) / 1e9);
        }
      }
    }
  }

  private static String fileMib(Path p) throws java.io.IOException {
    return String.format("%.0f", java.nio.file.Files.size(p) / 1048576.0);
  }

  static List<String> tableNames(Config cfg) {
    List<String> names = new ArrayList<>();
    for (int t = 0; t < TABLES; t++) {
      names.add("lookup_" + t);
    }
    return names;
  }

  static List<String> featureNames(String table, int n) {
    List<String> f = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      f.add(table + "_f" + i);
    }
    return f;
  }

  /** Rows for keys {@code 0..n-1}: doubles, a long every third feature and a string every fifth. */
  static Iterator<OnlineRow> rows(int n, int features, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    return new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < n;
      }

      @Override
      public OnlineRow next() {
        if (i >= n) {
          throw new NoSuchElementException();
        }
        Object[] v = new Object[features];
        for (int f = 0; f < features; f++) {
          v[f] =
              f % 5 == 4
                  ? "v" + rnd.nextInt(1000)
                  : f % 3 == 2 ? (Object) rnd.nextLong(1_000_000) : (Object) rnd.nextDouble();
        }
        long key = i;
        return new OnlineRow(List.of(key), T0.plusSeconds(i++), Arrays.asList(v));
      }
    };
  }

  private static void publish(String backend, OnlineStore s, Config cfg, String target)
      throws InterruptedException {
    System.out.println();
    System.out.printf(
        "=== online publish (%s): %,d rows x %d features, one writer, batches of %d ===%n",
        backend, cfg.rows(), cfg.writeFeatures(), OnlineStore.BATCH_ROWS);
    idleSample();
    List<String> features = featureNames("publish", cfg.writeFeatures());
    long cpu0 = cpuNanos();
    long[] sched0 = schedstat();
    long t0 = System.nanoTime();
    WriteResult w =
        s.write(
            "publish", List.of("entity_id"), features, rows(cfg.rows(), cfg.writeFeatures(), 1));
    double secs = (System.nanoTime() - t0) / 1e9;
    check(w.written() == cfg.rows(), "expected all rows written, got " + w);
    double rate = cfg.rows() / secs;
    double cpuSecs = (cpuNanos() - cpu0) / 1e9;
    long[] sched1 = schedstat();
    double waitSecs = (sched1[1] - sched0[1]) / 1e9;
    System.out.printf(
        "writer thread: %.2f s on a CPU, %.2f s waiting for a CPU (other processes), %.2f s"
            + " blocked (I/O, locks) of %.2f s%n",
        (sched1[0] - sched0[0]) / 1e9,
        waitSecs,
        secs - (sched1[0] - sched0[0]) / 1e9 - waitSecs,
        secs);
    System.out.printf(
        "%s: %,d rows in %.2f s = %,.0f rows/s; writer thread CPU %.2f s (%,.0f rows per CPU"
            + " second)%n",
        w, cfg.rows(), secs, rate, cpuSecs, cfg.rows() / cpuSecs);

    long t1 = System.nanoTime();
    WriteResult again =
        s.write(
            "publish", List.of("entity_id"), features, rows(cfg.rows(), cfg.writeFeatures(), 1));
    double secs2 = (System.nanoTime() - t1) / 1e9;
    check(again.skippedOlder() == cfg.rows(), "expected all rows skipped, got " + again);
    System.out.printf(
        "replay (all skipped as not newer): %,.0f rows/s (%.2f s)%n", cfg.rows() / secs2, secs2);
    System.out.printf(
        "| online publish (%s, %,d rows x %d features) | %s | %,.0f rows/s (replay, all skipped:"
            + " %,.0f rows/s) |%n",
        backend, cfg.rows(), cfg.writeFeatures(), target, rate, cfg.rows() / secs2);
    System.out.println("load: " + Machine.loadAverage());
  }

  private static void lookups(String backend, OnlineStore s, Config cfg, String target)
      throws InterruptedException {
    System.out.println();
    System.out.printf(
        "=== online lookup (%s): 1 entity x %d features (%d tables x %d), %,d entities, one"
            + " thread ===%n",
        backend, TABLES * FEATURES_PER_TABLE, TABLES, FEATURES_PER_TABLE, cfg.entities());
    List<FeatureRef> refs = new ArrayList<>();
    long load0 = System.nanoTime();
    for (int t = 0; t < TABLES; t++) {
      String table = tableNames(cfg).get(t);
      List<String> features = featureNames(table, FEATURES_PER_TABLE);
      s.write(
          table, List.of("entity_id"), features, rows(cfg.entities(), FEATURES_PER_TABLE, 100 + t));
      for (String f : features) {
        refs.add(FeatureRef.of(table, f));
      }
    }
    System.out.printf(
        "loaded %,d entities x %d tables in %.1f s%n",
        cfg.entities(), TABLES, (System.nanoTime() - load0) / 1e9);
    idleSample();
    SplittableRandom rnd = new SplittableRandom(7);
    long sink = 0;
    for (int i = 0; i < cfg.lookupWarmup(); i++) {
      sink += lookup(s, refs, rnd.nextInt(cfg.entities()));
    }
    Latencies lat = new Latencies();
    long start = System.nanoTime();
    for (int i = 0; i < cfg.lookups(); i++) {
      long id = rnd.nextInt(cfg.entities());
      long t = System.nanoTime();
      sink += lookup(s, refs, id);
      lat.add(System.nanoTime() - t);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    Latencies.Summary sum = lat.summary();
    System.out.println(sum + String.format(" p99.9=%.3f ms", lat.percentile(99.9)));
    System.out.printf("%,.0f lookups/s on one thread%n", cfg.lookups() / secs);
    // The same lookups timed by the thread's CPU time: what a lookup costs when it is not
    // preempted (the wall-clock figures above include waiting for a CPU on a busy machine).
    Latencies cpu = new Latencies();
    int cpuLookups = cfg.lookups() / 2;
    for (int i = 0; i < cpuLookups; i++) {
      long id = rnd.nextInt(cfg.entities());
      long c = cpuNanos();
      sink += lookup(s, refs, id);
      cpu.add(cpuNanos() - c);
    }
    System.out.printf(
        "thread CPU time per lookup (%,d more lookups): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms%n",
        cpuLookups, cpu.percentile(50), cpu.percentile(99), cpu.percentile(99.9));
    check(
        sink == (long) (cfg.lookupWarmup() + cfg.lookups() + cpuLookups) * refs.size(),
        "missing values");
    System.out.printf(
        "| online lookup (%s, in process, 1 entity x 50 features, %,d entities) | %s | p99 %.3f ms"
            + " (p50 %.3f, p99.9 %.3f, max %.2f ms; %,d lookups after %,d warm-up) |%n",
        backend,
        cfg.entities(),
        target,
        sum.p99(),
        sum.p50(),
        lat.percentile(99.9),
        sum.max(),
        cfg.lookups(),
        cfg.lookupWarmup());
    System.out.println("load: " + Machine.loadAverage());
  }

  /** One lookup; returns the number of PRESENT values, so the work cannot be optimized away. */
  private static long lookup(OnlineStore s, List<FeatureRef> refs, long id) {
    OnlineFeatures f = s.read(refs, EntityRows.of("entity_id", id));
    long present = 0;
    for (var r : f.results()) {
      if (r.statuses().get(0) == FeatureStatus.PRESENT) {
        present++;
      }
    }
    return present;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
