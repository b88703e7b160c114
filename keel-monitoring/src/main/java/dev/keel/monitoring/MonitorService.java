package dev.keel.monitoring;

import dev.keel.core.KeelException;
import dev.keel.monitoring.engine.MetricsEngine;
import dev.keel.monitoring.engine.RefreshInput;
import dev.keel.monitoring.engine.TableData;
import dev.keel.tables.Column;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Monitors: create, read, update, delete, and asking for refreshes (which {@link RefreshRunner}
 * runs). Every change is checked against the tables before anything is saved.
 */
public final class MonitorService {
  /** Most refreshes listed. */
  public static final int MAX_REFRESHES = 100;

  private final MonitorStore store;
  private final TableService tables;
  private final MetricsEngine engine;
  private final RefreshCalendar calendar;
  private final Clock clock;
  private volatile Runnable wake = () -> {};

  /** A service over these parts. */
  public MonitorService(
      MonitorStore store,
      TableService tables,
      MetricsEngine engine,
      RefreshCalendar calendar,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.tables = Objects.requireNonNull(tables, "tables");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.calendar = Objects.requireNonNull(calendar, "calendar");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Runs {@code wake} after a refresh is queued (the runner looks at once). */
  void onQueued(Runnable wake) {
    this.wake = wake;
  }

  MonitorStore store() {
    return store;
  }

  /**
   * Creates the monitor of {@code spec.tableName()} and queues its first refresh, as Databricks
   * does.
   */
  public MonitorInfo create(MonitorSpec spec, String caller) {
    check(spec);
    Instant now = clock.instant();
    MonitorInfo m =
        new MonitorInfo(
            spec,
            MonitorInfo.Status.MONITOR_STATUS_ACTIVE,
            1,
            Optional.empty(),
            next(spec, now),
            caller,
            now,
            now);
    store.insert(m);
    queue(spec.tableName(), MonitorRefresh.Trigger.MANUAL, 1);
    return m;
  }

  /** The monitor of a table; NOT_FOUND if it has none. */
  public MonitorInfo get(String tableName) {
    return store.get(tableName).orElseThrow(() -> JdbcMonitorStore.notFound(tableName));
  }

  /** The monitor of a table, if it has one. */
  public Optional<MonitorInfo> find(String tableName) {
    return store.get(tableName);
  }

  /** Replaces a monitor's configuration (a full update); its version goes up by one. */
  public MonitorInfo update(MonitorSpec spec) {
    get(spec.tableName());
    check(spec);
    return store.update(spec.tableName(), spec, next(spec, clock.instant()), clock.instant());
  }

  /** Deletes a monitor and its refresh history; its output tables stay. */
  public void delete(String tableName) {
    if (!store.delete(tableName)) {
      throw JdbcMonitorStore.notFound(tableName);
    }
  }

  /** Queues a MANUAL refresh (or answers the one already queued). */
  public MonitorRefresh refresh(String tableName) {
    MonitorInfo m = get(tableName);
    return queue(tableName, MonitorRefresh.Trigger.MANUAL, m.monitorVersion());
  }

  MonitorRefresh queue(String tableName, MonitorRefresh.Trigger trigger, long version) {
    MonitorRefresh r =
        store.queue(
            new MonitorRefresh(
                newRefreshId(),
                tableName,
                MonitorRefresh.State.PENDING,
                trigger,
                version,
                clock.instant(),
                Optional.empty(),
                Optional.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.empty()));
    wake.run();
    return r;
  }

  static long newRefreshId() {
    return ThreadLocalRandom.current().nextLong(1, 1L << 53); // exact in JSON numbers
  }

  /** One refresh; NOT_FOUND if the table has no such refresh. */
  public MonitorRefresh getRefresh(String tableName, long refreshId) {
    get(tableName);
    return store
        .refresh(tableName, refreshId)
        .orElseThrow(
            () ->
                KeelException.notFound(
                    "Refresh "
                        + refreshId
                        + " of the monitor of '"
                        + tableName
                        + "' does not exist."));
  }

  /** The latest refreshes, newest first. */
  public List<MonitorRefresh> refreshes(String tableName) {
    get(tableName);
    return store.refreshes(tableName, MAX_REFRESHES);
  }

  /** Cancels a pending or running refresh; FAILED_PRECONDITION if it has ended. */
  public void cancel(String tableName, long refreshId) {
    MonitorRefresh r = getRefresh(tableName, refreshId);
    if (!store.cancel(refreshId, clock.instant())) {
      throw new KeelException(
          dev.keel.core.ErrorCode.FAILED_PRECONDITION,
          "Refresh "
              + refreshId
              + " has already ended ("
              + store.refresh(tableName, refreshId).map(MonitorRefresh::state).orElse(r.state())
              + ").");
    }
  }

  private Optional<Instant> next(MonitorSpec spec, Instant now) {
    return spec.schedule().filter(s -> !s.paused()).flatMap(s -> calendar.nextAfter(s, now));
  }

  /** Checks a spec against the tables (404 for a missing table, 400 naming the field). */
  void check(MonitorSpec spec) {
    TableData input = data(spec.tableName(), "table_name");
    Optional<TableData> baseline =
        spec.baselineTableName().map(b -> data(b, "baseline_table_name"));
    Optional<TableData> labels =
        spec.labels().map(l -> data(l.tableName(), "label_join.table_name"));
    String[] out = spec.outputSchemaName().split("\\.");
    try {
      tables.list(out[0], out[1], OptionalLong.of(1), Optional.empty());
    } catch (KeelException e) {
      if (e.code().httpStatus() == 404) {
        throw KeelException.invalid(
            "output_schema_name: schema '" + spec.outputSchemaName() + "' does not exist");
      }
      throw e;
    }
    spec.schedule().ifPresent(calendar::check);
    MonitorValidator.check(
        spec, input.columns(), baseline.map(TableData::columns), labels.map(TableData::columns));
    engine.check(
        new RefreshInput(spec, 0, input, baseline, labels, Optional.empty(), clock.instant()));
  }

  /**
   * The current snapshot of a table as the engine reads it; a table with no snapshot yet has no
   * files.
   */
  TableData data(String fullName, String field) {
    List<Column> columns;
    try {
      columns = tables.get(fullName).columns();
    } catch (KeelException e) {
      if (e.code().httpStatus() == 404 && field.equals("table_name")) {
        throw KeelException.notFound("Table '" + fullName + "' does not exist.");
      }
      if (e.code().httpStatus() == 404) {
        throw KeelException.invalid(field + ": table '" + fullName + "' does not exist");
      }
      throw e;
    }
    if (tables.currentSnapshot(fullName).isEmpty()) {
      return new TableData(fullName, 0, columns, List.of());
    }
    TableSnapshot s = tables.resolve(fullName, new SnapshotRef.Latest());
    return new TableData(fullName, s.snapshotId(), s.columns(), s.dataFiles());
  }

  /** A table at one snapshot, if the snapshot still exists. */
  Optional<TableData> dataAt(String fullName, long snapshotId) {
    if (snapshotId == 0) {
      return Optional.empty();
    }
    try {
      TableSnapshot s = tables.resolve(fullName, new SnapshotRef.Id(snapshotId));
      return Optional.of(new TableData(fullName, s.snapshotId(), s.columns(), s.dataFiles()));
    } catch (KeelException e) {
      return Optional.empty(); // expired or the table is gone: recompute everything
    }
  }
}
