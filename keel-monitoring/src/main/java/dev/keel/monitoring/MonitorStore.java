package dev.keel.monitoring;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Where monitors and their refreshes are kept (migration V17); thread-safe. */
public interface MonitorStore {
  /** Saves a new monitor; ALREADY_EXISTS if the table has one. */
  void insert(MonitorInfo m);

  /** Replaces a monitor's spec, bumping its version; NOT_FOUND if it has none. */
  MonitorInfo update(
      String tableName, MonitorSpec spec, Optional<Instant> nextRefreshAt, Instant at);

  /** The monitor of a table. */
  Optional<MonitorInfo> get(String tableName);

  /** Monitors whose table, baseline or label table is {@code tableName}. */
  List<MonitorInfo> watching(String tableName);

  /** Monitors with {@code refresh_on_data_change}. */
  List<MonitorInfo> dataChangeMonitors();

  /** Gives a refresh this server runs back to the queue (the server is stopping). */
  void release(long refreshId, String server);

  /** Every monitor with a due schedule at {@code now}. */
  List<MonitorInfo> due(Instant now);

  /**
   * Moves a monitor's schedule from {@code expected} to {@code next} and, in the same transaction,
   * queues a SCHEDULE refresh; false when another server did it first.
   */
  boolean fireSchedule(
      String tableName, Instant expected, Optional<Instant> next, long refreshId, Instant now);

  /** Deletes a monitor and its refreshes; false if it had none. */
  boolean delete(String tableName);

  /** Records a refresh's outcome on its monitor (status and failure message). */
  void setStatus(String tableName, MonitorInfo.Status status, Optional<String> failureMsg);

  /**
   * Queues a refresh unless one is already PENDING for the table; returns the queued refresh, or
   * the pending one (whose id differs from {@code refreshId}).
   */
  MonitorRefresh queue(MonitorRefresh pending);

  /** A refresh of a table. */
  Optional<MonitorRefresh> refresh(String tableName, long refreshId);

  /** A table's refreshes, newest first. */
  List<MonitorRefresh> refreshes(String tableName, int limit);

  /** The latest SUCCESS refresh of a table. */
  Optional<MonitorRefresh> lastSuccess(String tableName);

  /**
   * Claims the oldest PENDING refresh of a table with no RUNNING one (or a RUNNING one whose
   * heartbeat is older than {@code staleBefore}) for {@code server}; it becomes RUNNING.
   */
  Optional<MonitorRefresh> claim(String server, Instant now, Instant staleBefore);

  /** Renews the heartbeat of a refresh this server runs; false if it is no longer its. */
  boolean heartbeat(long refreshId, String server, Instant now);

  /** Whether cancel was asked for. */
  boolean cancelRequested(long refreshId);

  /**
   * Cancels: a PENDING refresh ends CANCELED at once; a RUNNING one is flagged and its runner
   * stops. False if the refresh had ended.
   */
  boolean cancel(long refreshId, Instant now);

  /**
   * Ends a refresh this server runs; false if it is no longer its (claimed again after its lease
   * ran out), in which case nothing is written.
   */
  boolean end(
      long refreshId,
      String server,
      MonitorRefresh.State state,
      Optional<String> message,
      Instant at,
      OptionalLong inputSnapshotId,
      OptionalLong baselineSnapshotId,
      OptionalLong labelSnapshotId);
}
