package dev.keel.monitoring;

import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.monitoring.engine.MetricsEngine;
import dev.keel.monitoring.engine.RefreshInput;
import dev.keel.monitoring.engine.RefreshOutput;
import dev.keel.monitoring.engine.TableData;
import dev.keel.tables.Column;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued refreshes: claims them from the store (a durable queue shared by every server on the
 * metadata database), computes with the {@link MetricsEngine}, overwrites both output tables, ends
 * the refresh and tells the {@link RefreshListener}s. Also fires due schedules and, for monitors
 * with {@code refresh_on_data_change}, queues a DATA_CHANGE refresh when a watched table's snapshot
 * is newer than the last successful refresh read. A refresh whose server dies is claimed again
 * after the lease (its output writes are overwrites, so running it twice is harmless).
 */
public final class RefreshRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RefreshRunner.class);

  private final MonitorService monitors;
  private final MonitorStore store;
  private final TableService tables;
  private final MetricsEngine engine;
  private final RefreshCalendar calendar;
  private final Clock clock;
  private final Duration lease;
  private final long pollMillis;
  private final String server = "monitor-" + Ids.hex32().substring(0, 12);
  private final List<RefreshListener> listeners = new CopyOnWriteArrayList<>();
  private final Semaphore slots;
  private final ExecutorService workers;
  private final ScheduledExecutorService poller;

  /** Tables this server committed to since the last look: only their monitors are checked. */
  private final Set<String> changedTables = ConcurrentHashMap.newKeySet();

  /** A commit somewhere (another server's notice) or the first poll: every monitor is checked. */
  private final AtomicBoolean anyChanged = new AtomicBoolean(true);

  private volatile boolean closed;

  /** A runner; {@link #start} begins polling. */
  public RefreshRunner(
      MonitorService monitors,
      TableService tables,
      MetricsEngine engine,
      RefreshCalendar calendar,
      Clock clock,
      int threads,
      long pollMillis,
      Duration lease) {
    this.monitors = monitors;
    this.store = monitors.store();
    this.tables = tables;
    this.engine = engine;
    this.calendar = calendar;
    this.clock = clock;
    this.lease = lease;
    this.pollMillis = pollMillis;
    this.slots = new Semaphore(threads);
    this.workers = Executors.newFixedThreadPool(threads, r -> daemon(r, "keel-monitor-refresh"));
    this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "keel-monitor-poll"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Adds a listener told of every successful refresh. */
  public void addListener(RefreshListener l) {
    listeners.add(l);
  }

  /** Starts polling; table commits seen by {@code tables} make it look for data changes sooner. */
  public void start() {
    monitors.onQueued(this::wake);
    tables.addCommitListener(
        (t, id, at) -> {
          changedTables.add(t);
          wake();
        });
    tables.subscribeToCommits(
        () -> {
          anyChanged.set(true);
          wake();
        });
    poller.scheduleWithFixedDelay(this::poll, 0, pollMillis, TimeUnit.MILLISECONDS);
  }

  private void wake() {
    if (!closed) {
      try {
        poller.execute(this::poll);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void poll() {
    if (closed) {
      return;
    }
    try {
      fireSchedules();
      if (anyChanged.getAndSet(false)) {
        changedTables.clear(); // the full check below reads every table's current snapshot
        queueDataChanges(store.dataChangeMonitors());
      } else if (!changedTables.isEmpty()) {
        Map<String, MonitorInfo> affected = new LinkedHashMap<>();
        for (String t : changedTables) {
          changedTables.remove(t);
          for (MonitorInfo m : store.watching(t)) {
            if (m.spec().refreshOnDataChange()) {
              affected.put(m.spec().tableName(), m);
            }
          }
        }
        queueDataChanges(affected.values());
      }
      while (slots.tryAcquire()) {
        Instant now = clock.instant();
        Optional<MonitorRefresh> claimed = store.claim(server, now, now.minus(lease));
        if (claimed.isEmpty()) {
          slots.release();
          break;
        }
        MonitorRefresh r = claimed.get();
        workers.execute(
            () -> {
              try {
                run(r);
              } finally {
                slots.release();
                wake();
              }
            });
      }
    } catch (RuntimeException e) {
      LOG.warn("monitor refresh poll failed: {}", e.toString());
    }
  }

  private void fireSchedules() {
    Instant now = clock.instant();
    for (MonitorInfo m : store.due(now)) {
      Optional<Instant> next =
          m.spec().schedule().filter(s -> !s.paused()).flatMap(s -> calendar.nextAfter(s, now));
      store.fireSchedule(
          m.spec().tableName(),
          m.nextRefreshAt().orElseThrow(),
          next,
          MonitorService.newRefreshId(),
          now);
    }
  }

  /** Queues DATA_CHANGE refreshes for those monitors whose tables moved past their last success. */
  private void queueDataChanges(Collection<MonitorInfo> candidates) {
    for (MonitorInfo m : candidates) {
      String t = m.spec().tableName();
      Optional<MonitorRefresh> last = store.lastSuccess(t);
      boolean changed =
          last.isEmpty()
              || moved(t, last.get().inputSnapshotId())
              || m.spec()
                  .labels()
                  .map(l -> moved(l.tableName(), last.get().labelSnapshotId()))
                  .orElse(false);
      boolean active = store.refreshes(t, 5).stream().anyMatch(r -> !r.state().ended());
      if (changed && !active) {
        monitors.queue(t, MonitorRefresh.Trigger.DATA_CHANGE, m.monitorVersion());
      }
    }
  }

  private boolean moved(String table, OptionalLong seen) {
    try {
      long now = tables.currentSnapshot(table).map(s -> s.snapshotId()).orElse(0L);
      return now != (seen.isPresent() ? seen.getAsLong() : 0L);
    } catch (KeelException e) {
      return false; // the table is gone: the refresh would fail; its monitor says so when asked
    }
  }

  private void run(MonitorRefresh r) {
    String t = r.tableName();
    AtomicBoolean lost = new AtomicBoolean();
    var beat =
        poller.scheduleWithFixedDelay(
            () -> {
              if (!store.heartbeat(r.refreshId(), server, clock.instant())) {
                lost.set(true);
              }
            },
            lease.toMillis() / 4,
            lease.toMillis() / 4,
            TimeUnit.MILLISECONDS);
    try {
      Optional<MonitorInfo> found = store.get(t);
      if (found.isEmpty()) {
        end(r, MonitorRefresh.State.FAILED, "The monitor was deleted.", null, null);
        return;
      }
      MonitorInfo m = found.get();
      MonitorSpec spec = m.spec();
      TableData input = monitors.data(t, "table_name");
      Optional<TableData> baseline =
          spec.baselineTableName().map(b -> monitors.data(b, "baseline_table_name"));
      Optional<TableData> labels =
          spec.labels().map(l -> monitors.data(l.tableName(), "label_join.table_name"));
      RefreshInput in =
          new RefreshInput(
              spec, m.monitorVersion(), input, baseline, labels, previous(m), clock.instant());
      RefreshOutput out =
          engine.refresh(in, () -> closed || lost.get() || store.cancelRequested(r.refreshId()));
      TableData profile =
          write(spec.profileMetricsTableName(), out.profileColumns(), out.profileRows(), m);
      TableData drift = write(spec.driftMetricsTableName(), out.driftColumns(), out.driftRows(), m);
      String msg =
          out.windowsRecomputed()
              + " windows computed from "
              + out.rowsRead()
              + " rows, "
              + out.windowsKept()
              + " kept from the previous refresh";
      if (!end(r, MonitorRefresh.State.SUCCESS, msg, in, m)) {
        return;
      }
      store.setStatus(t, MonitorInfo.Status.MONITOR_STATUS_ACTIVE, Optional.empty());
      MonitorRefresh done = store.refresh(t, r.refreshId()).orElse(r);
      for (RefreshListener l : listeners) {
        try {
          l.refreshed(m, done, profile, drift);
        } catch (RuntimeException e) {
          LOG.warn("refresh listener failed after refresh {} of {}", r.refreshId(), t, e);
        }
      }
    } catch (CancellationException e) {
      if (closed) {
        store.release(r.refreshId(), server); // the next server to start runs it again
      } else if (!lost.get()) {
        end(r, MonitorRefresh.State.CANCELED, "Canceled.", null, null);
      }
    } catch (KeelException e) {
      fail(r, e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("refresh {} of the monitor of {} failed", r.refreshId(), t, e);
      fail(r, "Internal error: " + e);
    } finally {
      beat.cancel(false);
    }
  }

  private void fail(MonitorRefresh r, String message) {
    if (end(r, MonitorRefresh.State.FAILED, message, null, null)) {
      store.setStatus(r.tableName(), MonitorInfo.Status.MONITOR_STATUS_ERROR, Optional.of(message));
    }
  }

  private boolean end(
      MonitorRefresh r, MonitorRefresh.State state, String msg, RefreshInput in, MonitorInfo m) {
    OptionalLong input =
        in == null ? OptionalLong.empty() : OptionalLong.of(in.input().snapshotId());
    OptionalLong base =
        in == null || in.baseline().isEmpty()
            ? OptionalLong.empty()
            : OptionalLong.of(in.baseline().get().snapshotId());
    OptionalLong label =
        in == null || in.labels().isEmpty()
            ? OptionalLong.empty()
            : OptionalLong.of(in.labels().get().snapshotId());
    boolean ended =
        store.end(
            r.refreshId(), server, state, Optional.of(msg), clock.instant(), input, base, label);
    if (!ended) {
      LOG.warn(
          "refresh {} of {} was claimed by another server; its end is not recorded here",
          r.refreshId(),
          r.tableName());
    }
    return ended;
  }

  /** What the last successful refresh read and wrote, when it can still be read. */
  private Optional<RefreshInput.Previous> previous(MonitorInfo m) {
    MonitorSpec spec = m.spec();
    Optional<MonitorRefresh> last = store.lastSuccess(spec.tableName());
    if (last.isEmpty() || last.get().inputSnapshotId().isEmpty()) {
      return Optional.empty();
    }
    MonitorRefresh l = last.get();
    Optional<TableData> input = monitors.dataAt(spec.tableName(), l.inputSnapshotId().getAsLong());
    Optional<TableData> labels =
        spec.labels().isPresent() && l.labelSnapshotId().isPresent()
            ? monitors.dataAt(spec.labels().get().tableName(), l.labelSnapshotId().getAsLong())
            : Optional.empty();
    if (input.isEmpty()
        || (spec.labels().isPresent() && l.labelSnapshotId().isPresent() && labels.isEmpty())) {
      return Optional.empty();
    }
    Optional<TableData> profile = current(spec.profileMetricsTableName());
    Optional<TableData> drift = current(spec.driftMetricsTableName());
    if (profile.isEmpty() || drift.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new RefreshInput.Previous(
            l.monitorVersion(),
            input.get(),
            l.baselineSnapshotId().orElse(0),
            labels,
            profile.get(),
            drift.get()));
  }

  private Optional<TableData> current(String table) {
    try {
      return Optional.of(monitors.data(table, "output"));
    } catch (KeelException e) {
      return Optional.empty();
    }
  }

  /**
   * Overwrites an output table with {@code rows}, creating it (owned by the monitor's creator) when
   * missing; a table whose columns differ (custom metrics changed) is made again.
   */
  private TableData write(
      String table, List<Column> columns, List<Map<String, Object>> rows, MonitorInfo m) {
    Optional<List<Column>> existing;
    try {
      existing = Optional.of(tables.get(table).columns());
    } catch (KeelException e) {
      if (e.code().httpStatus() != 404) {
        throw e;
      }
      existing = Optional.empty();
    }
    if (existing.isPresent() && !sameColumns(existing.get(), columns)) {
      LOG.info("output table {} gets new columns: made again", table);
      tables.delete(table);
      existing = Optional.empty();
    }
    if (existing.isEmpty()) {
      String[] p = table.split("\\.");
      try {
        tables.create(TableSpec.of(p[0], p[1], p[2], columns), m.createdBy());
      } catch (KeelException e) {
        if (e.code().httpStatus() != 409) {
          throw e;
        }
      }
    }
    tables.write(table, WriteMode.OVERWRITE, rows);
    return monitors.data(table, "output");
  }

  private static boolean sameColumns(List<Column> a, List<Column> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).name().equals(b.get(i).name()) || !a.get(i).type().equals(b.get(i).type())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    poller.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
