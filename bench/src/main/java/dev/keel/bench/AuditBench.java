package dev.keel.bench;

import dev.keel.catalog.audit.AuditEntry;
import dev.keel.catalog.audit.AuditLog;
import dev.keel.catalog.audit.JdbcAuditStore;
import dev.keel.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The audit log's writer on its own (no HTTP): how many entries per second its group commit
 * sustains when {@code --threads} request threads record as fast as they can (back-pressure holds
 * them to the writer's pace), and what one {@code record} costs a request thread at {@code --rate}
 * entries per second (p50/p99). The HTTP figures with authentication on (log-batch ingest, alias
 * p99) need the identity work: see docs/benchmarks.md.
 *
 * <pre>
 * java -cp bench/target/keel-bench.jar:bench/target/lib/* dev.keel.bench.AuditBench \
 *     [--db=sqlite|postgres] [--pg-url=jdbc:postgresql://...] [--threads=8] [--duration=10] [--rate=1000]
 * </pre>
 */
public final class AuditBench {
  private AuditBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv, 0);
    String db = args.string("db", "sqlite");
    String pgUrl = args.string("pg-url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    int threads = args.integer("threads", 8);
    Duration duration = args.seconds("duration", 10);
    int rate = args.integer("rate", 1000);
    args.checkAllUsed();
    System.out.println(Machine.describe());
    Path dir = Files.createTempDirectory("keel-audit-bench-");
    try (Database database =
        Database.open(db.equals("postgres") ? Optional.of(pgUrl) : Optional.empty(), dir)) {
      System.out.println("database: " + db);
      capacity(database, threads, duration);
      latency(database, rate, duration);
    }
  }

  static AuditEntry entry(int i) {
    return new AuditEntry(
        UUID.randomUUID().toString(),
        System.currentTimeMillis(),
        Optional.of("u-" + (i % 50)),
        Optional.of("user" + (i % 50) + "@example.com"),
        "mlflow",
        "mlflow.runs.log-batch",
        "POST",
        "/api/2.0/mlflow/runs/log-batch",
        Optional.of("RUN"),
        Optional.of(UUID.randomUUID().toString().replace("-", "")),
        Optional.of("EDIT"),
        AuditEntry.Result.ALLOWED,
        200,
        Optional.of("10.1.2.3"),
        Optional.of("mlflow-python-client/2.19.0"),
        UUID.randomUUID().toString(),
        3);
  }

  private static AuditLog open(Database db) {
    return new AuditLog(
        new JdbcAuditStore(db),
        Clock.systemUTC(),
        new AuditLog.Options(65_536, Duration.ofSeconds(2), 0),
        new SimpleMeterRegistry());
  }

  /** Entries committed per second with {@code threads} producers recording without pause. */
  static void capacity(Database db, int threads, Duration duration) throws InterruptedException {
    AuditLog log = open(db);
    long deadline = System.nanoTime() + duration.toNanos();
    List<Thread> producers = new ArrayList<>();
    long[] cpu0 = Machine.cpuTicks();
    long t0 = System.nanoTime();
    long w0 = log.written();
    for (int t = 0; t < threads; t++) {
      producers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    int i = 0;
                    while (System.nanoTime() < deadline) {
                      log.record(entry(i++));
                    }
                  }));
    }
    for (Thread p : producers) {
      p.join();
    }
    long committed = log.written() - w0;
    double seconds = (System.nanoTime() - t0) / 1e9;
    double busy = Machine.busyCores(cpu0, Machine.cpuTicks());
    long before = log.written();
    long c0 = System.nanoTime();
    log.close(); // drains the rest
    System.out.printf(
        "capacity: %d producer threads for %.1f s: %,.0f entries/s committed, %d dropped,"
            + " %.2f cores busy; drain of the last %,d queued entries at close: %d ms%n",
        threads,
        seconds,
        committed / seconds,
        log.dropped(),
        busy,
        log.written() - before,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c0));
  }

  /** The cost of {@code record} on the request thread at {@code rate} entries per second. */
  static void latency(Database db, int rate, Duration duration) {
    AuditLog log = open(db);
    Latencies lat = new Latencies();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long next = System.nanoTime();
    long end = next + duration.toNanos();
    int i = 0;
    while (next < end) {
      LockSupport.parkNanos(next - System.nanoTime());
      long s = System.nanoTime();
      log.record(entry(i++));
      lat.add(System.nanoTime() - s);
      next += interval;
    }
    boolean caughtUp = log.awaitWritten(Duration.ofSeconds(5));
    log.close();
    System.out.printf(
        "record() at %,d entries/s for %d s: p50 %.1f us, p99 %.1f us, max %.1f us (%d entries,"
            + " all committed: %s)%n",
        rate,
        duration.toSeconds(),
        lat.percentile(50) * 1000,
        lat.percentile(99) * 1000,
        lat.percentile(100) * 1000,
        lat.size(),
        caughtUp);
  }
}
