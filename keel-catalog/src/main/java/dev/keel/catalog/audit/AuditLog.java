package dev.keel.catalog.audit;

import dev.keel.core.KeelConfig;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.PageToken;
import dev.keel.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log, written like a group-commit log: {@link #record} puts an entry in a bounded
 * in-memory queue and returns (the request thread never waits for a database commit); one writer
 * thread takes everything queued, up to {@value #MAX_BATCH} entries, and commits it in one
 * transaction, then the next batch, at most one commit every 10 ms (so under load one transaction
 * holds many entries). Under light load an entry is committed within a few ms of its request; under
 * heavy load batches grow and the commit rate stays bounded.
 *
 * <p><b>What can be lost.</b> An entry is durable once its batch commits. A request is answered
 * before its entry commits, so a {@code kill -9} (or power loss) loses the entries still queued or
 * in the uncommitted batch: the last 10-20 ms of requests under load. {@link #close} (a normal
 * stop, also on SIGTERM) writes everything queued first.
 *
 * <p><b>A full queue</b> (the database is down or slower than the request rate) applies
 * back-pressure: the request thread waits up to {@code queueWait} for room, which slows the server
 * rather than losing the record of what it did. A security log should not silently drop entries;
 * but a request has already been answered when its entry is recorded, so waiting forever would only
 * hang the server's threads during a database outage. After the wait the entry is dropped, counted
 * in {@code keel_audit_dropped_total} and logged (at most once a minute). A batch that fails to
 * commit is retried every second until it commits or the log closes.
 *
 * <p><b>Retention.</b> Entries older than {@code retentionDays} are deleted by the writer thread at
 * start and every 24 hours, {@value #DELETE_CHUNK} at a time so the database's writer is never held
 * long.
 *
 * <p><b>Readers in commit order.</b> Every committed entry has a sequence number ({@link
 * SequencedEntry}); {@link #after} reads the entries after a number, and {@link AuditSink}s added
 * with {@link #addSink} are told after each commit. This is how the {@code system.access.audit}
 * table is fed, without this log knowing about tables.
 *
 * <p>Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  /** The most entries committed in one transaction. */
  public static final int MAX_BATCH = 2_000;

  /** The most entries a page of {@link #search} holds. */
  public static final int MAX_PAGE = 1_000;

  /**
   * The shortest time between two commits of the writer: under load, entries wait at most this long
   * for the entries that follow them, so that a transaction (and its fsync) holds many; without
   * load an entry is committed at once. At 1,000 audited requests/s one commit per entry cost the
   * writer ~0.2 cores (docs/benchmarks.md, "Governance (auth on)").
   */
  static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** Entries deleted per retention transaction. */
  static final int DELETE_CHUNK = 5_000;

  private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

  /**
   * How the log runs.
   *
   * @param capacity the queue bound, in entries
   * @param queueWait how long {@link #record} waits for room in a full queue
   * @param retentionDays days entries are kept; 0 keeps them forever
   */
  public record Options(int capacity, Duration queueWait, int retentionDays) {
    public Options {
      Objects.requireNonNull(queueWait, "queueWait");
      if (capacity < 1 || retentionDays < 0 || queueWait.isNegative()) {
        throw new IllegalArgumentException(
            "capacity must be positive, retentionDays and queueWait not negative");
      }
    }
  }

  private final AuditStore store;
  private final Clock clock;
  private final Options options;
  private final ArrayBlockingQueue<AuditEntry> queue;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong lastDropWarning = new AtomicLong(Long.MIN_VALUE);
  private final Counter dropped;
  private final List<AuditSink> sinks = new CopyOnWriteArrayList<>();
  private final Thread writer;
  private volatile boolean closing;

  /**
   * Starts the writer thread (which first deletes entries past their retention).
   *
   * @param store where entries are committed
   * @param clock the clock retention is measured on
   * @param options queue bound, wait and retention
   * @param metrics where {@code keel_audit_dropped_total}, {@code keel_audit_written_total} and
   *     {@code keel_audit_queued} are registered
   */
  public AuditLog(AuditStore store, Clock clock, Options options, MeterRegistry metrics) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.options = Objects.requireNonNull(options, "options");
    // fair: under overload, request threads get room in the order they asked for it
    this.queue = new ArrayBlockingQueue<>(options.capacity(), true);
    this.dropped =
        Counter.builder("keel.audit.dropped")
            .description("Audit-log entries dropped because the queue stayed full")
            .register(metrics);
    Gauge.builder("keel.audit.written", written, AtomicLong::get)
        .description("Audit-log entries committed since the server started")
        .register(metrics);
    Gauge.builder("keel.audit.queued", queue, ArrayBlockingQueue::size)
        .description("Audit-log entries waiting to be committed")
        .register(metrics);
    this.writer = Thread.ofPlatform().daemon().name("keel-audit-writer").start(this::run);
  }

  /**
   * The audit log of a server: entries in {@code db}'s {@code audit_log} table, queue and retention
   * from {@code config}'s {@link AuditSettings}, on the system clock.
   */
  public static AuditLog open(Database db, KeelConfig config, MeterRegistry metrics) {
    return new AuditLog(
        new JdbcAuditStore(db),
        Clock.systemUTC(),
        new Options(
            config.get(AuditSettings.QUEUE),
            Duration.ofMillis(config.get(AuditSettings.QUEUE_WAIT_MS)),
            config.get(AuditSettings.RETENTION_DAYS)),
        metrics);
  }

  /**
   * Queues {@code entry} for the writer. Returns at once while the queue has room; when it is full,
   * waits up to the configured wait, then drops the entry and counts it.
   */
  public void record(AuditEntry entry) {
    Objects.requireNonNull(entry, "entry");
    boolean queued = !closing && queue.offer(entry);
    if (!queued && !closing) {
      try {
        queued = queue.offer(entry, options.queueWait().toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (queued) {
      accepted.incrementAndGet();
      return;
    }
    dropped.increment();
    long now = System.nanoTime();
    long last = lastDropWarning.get();
    if ((last == Long.MIN_VALUE || now - last > TimeUnit.MINUTES.toNanos(1))
        && lastDropWarning.compareAndSet(last, now)) {
      LOG.warn(
          "Audit-log entries are being dropped ({} so far): the queue of {} stayed full for {} ms"
              + " (is the database reachable?)",
          (long) dropped.count(),
          options.capacity(),
          options.queueWait().toMillis());
    }
  }

  /**
   * Tells {@code sink} after every commit from now on (see {@link AuditSink}). Add sinks before
   * requests are served; a sink added later reads what it missed with {@link #after}.
   */
  public void addSink(AuditSink sink) {
    sinks.add(Objects.requireNonNull(sink, "sink"));
  }

  /**
   * Up to {@code limit} committed entries numbered after {@code sequence}, in commit order. Entries
   * deleted by retention are gone: a reader more than {@code retentionDays} behind misses them.
   */
  public List<SequencedEntry> after(long sequence, int limit) {
    return store.after(sequence, limit);
  }

  /** The number of the last committed entry (0 before the first). */
  public long lastSequence() {
    return store.lastSequence();
  }

  /** Entries dropped because the queue stayed full. */
  public long dropped() {
    return (long) dropped.count();
  }

  /** Entries committed since the log started. */
  public long written() {
    return written.get();
  }

  /**
   * Waits up to {@code timeout} until every entry queued before this call has been committed (or
   * given up on), so a search sees the requests answered before it.
   *
   * @return whether they were
   */
  public boolean awaitWritten(Duration timeout) {
    long target = accepted.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (processed.get() < target) {
      if (System.nanoTime() - deadline >= 0 || !writer.isAlive()) {
        return processed.get() >= target;
      }
      LockSupport.parkNanos(200_000);
    }
    return true;
  }

  /**
   * One page of the log, newest first. The entries of requests answered just before the call are
   * included (it waits up to a second for the writer to commit them).
   *
   * @param query the filters and the page size ({@link AuditQuery#after} is taken from {@code
   *     pageToken})
   * @param pageToken the previous page's token; empty for the first page
   * @throws KeelException INVALID_ARGUMENT naming {@code page_token} when it is not one this log
   *     handed out
   */
  public Page<AuditEntry> search(AuditQuery query, Optional<String> pageToken) {
    Optional<AuditQuery.Position> after = position(pageToken);
    int limit = Math.min(query.limit(), MAX_PAGE);
    awaitWritten(Duration.ofSeconds(1));
    List<AuditEntry> rows =
        store.find(
            new AuditQuery(
                query.principal(),
                query.action(),
                query.securable(),
                query.since(),
                query.until(),
                limit + 1,
                after));
    if (rows.size() <= limit) {
      return new Page<>(rows, Optional.empty());
    }
    List<AuditEntry> page = rows.subList(0, limit);
    AuditEntry last = page.get(limit - 1);
    return new Page<>(page, Optional.of(PageToken.ofName(last.eventTime() + ":" + last.eventId())));
  }

  private static Optional<AuditQuery.Position> position(Optional<String> token) {
    Optional<String> after = PageToken.after(token);
    if (after.isEmpty()) {
      return Optional.empty();
    }
    String s = after.get();
    int colon = s.indexOf(':');
    try {
      if (colon > 0 && colon < s.length() - 1) {
        return Optional.of(
            new AuditQuery.Position(Long.parseLong(s.substring(0, colon)), s.substring(colon + 1)));
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw KeelException.invalid("Invalid page token: 'page_token' could not be decoded.");
  }

  /** Deletes the entries past their retention now; returns how many it deleted. */
  public long applyRetention() {
    if (options.retentionDays() == 0) {
      return 0;
    }
    long before = clock.millis() - options.retentionDays() * DAY_MILLIS;
    long total = 0;
    int n;
    do {
      n = store.deleteBefore(before, DELETE_CHUNK);
      total += n;
    } while (n == DELETE_CHUNK && !closing);
    if (total > 0) {
      LOG.info(
          "Deleted {} audit-log entries older than {} days (audit.retention-days)",
          total,
          options.retentionDays());
    }
    return total;
  }

  private void run() {
    long nextRetention = 0; // at start
    List<AuditEntry> batch = new ArrayList<>(MAX_BATCH);
    long lastCommit = System.nanoTime() - COMMIT_INTERVAL_NANOS;
    while (true) {
      if (System.nanoTime() - nextRetention >= 0 || nextRetention == 0) {
        try {
          applyRetention();
        } catch (RuntimeException e) {
          LOG.warn("Could not delete old audit-log entries: {}", e.toString());
        }
        nextRetention = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DAY_MILLIS);
      }
      AuditEntry first;
      try {
        first = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        first = null;
      }
      if (first == null) {
        if (closing && queue.isEmpty()) {
          return;
        }
        continue;
      }
      batch.add(first);
      // Group commit: at most one commit per COMMIT_INTERVAL. Under load the entries of that
      // interval share one transaction (one fsync); an idle log commits at once.
      long due = lastCommit + COMMIT_INTERVAL_NANOS;
      long wait;
      while (!closing && queue.size() < MAX_BATCH - 1 && (wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      lastCommit = System.nanoTime();
      commit(batch);
      batch.clear();
    }
  }

  /** Commits {@code batch}, retrying every second while the log is open. */
  private void commit(List<AuditEntry> batch) {
    while (true) {
      try {
        long last = store.append(batch);
        written.addAndGet(batch.size());
        processed.addAndGet(batch.size());
        for (AuditSink sink : sinks) {
          try {
            sink.committed(last);
          } catch (RuntimeException e) {
            LOG.warn("An audit-log sink failed: {}", e.toString());
          }
        }
        return;
      } catch (RuntimeException e) {
        if (closing) {
          LOG.error(
              "Lost {} audit-log entries at shutdown: the database refused them: {}",
              batch.size(),
              e.toString());
          dropped.increment(batch.size());
          processed.addAndGet(batch.size());
          return;
        }
        LOG.warn(
            "Could not write {} audit-log entries, retrying in 1 s: {}",
            batch.size(),
            e.toString());
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
      }
    }
  }

  /**
   * Stops taking entries and commits everything queued (waiting up to 30 s), then returns. Call it
   * after the HTTP server stopped and before the database closes.
   */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      LOG.error("The audit-log writer did not finish within 30 s; {} entries lost", queue.size());
    }
  }
}
