package dev.keel.monitoring;

import dev.keel.core.KeelException;
import dev.keel.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;

/** {@link MonitorStore} in the {@code monitors} and {@code monitor_refreshes} tables (V17). */
public final class JdbcMonitorStore implements MonitorStore {
  private static final String MONITOR_COLUMNS =
      "table_name, spec, status, monitor_version, failure_msg, next_refresh_at, created_by,"
          + " created_at, updated_at";
  private static final String REFRESH_COLUMNS =
      "refresh_id, table_name, state, trigger_kind, monitor_version, start_time_ms, end_time_ms,"
          + " message, input_snapshot_id, baseline_snapshot_id, label_snapshot_id";

  private final Database db;

  /** A store on this database. */
  public JdbcMonitorStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public void insert(MonitorInfo m) {
    db.write(
        h -> {
          int n =
              h.createUpdate(
                      "INSERT INTO monitors ("
                          + MONITOR_COLUMNS
                          + ") VALUES (:t, :spec, :status, :v, :f, :next, :by, :at, :at)"
                          + " ON CONFLICT (table_name) DO NOTHING")
                  .bind("t", m.spec().tableName())
                  .bind("spec", MonitorSpecJson.store(m.spec()))
                  .bind("status", m.status().name())
                  .bind("v", m.monitorVersion())
                  .bind("f", m.failureMsg().orElse(null))
                  .bind("next", m.nextRefreshAt().map(Instant::toEpochMilli).orElse(null))
                  .bind("by", m.createdBy())
                  .bind("at", m.createdAt().toEpochMilli())
                  .execute();
          if (n == 0) {
            throw KeelException.alreadyExists(
                "Monitor for table '" + m.spec().tableName() + "' already exists.");
          }
          return null;
        });
  }

  @Override
  public MonitorInfo update(
      String tableName, MonitorSpec spec, Optional<Instant> nextRefreshAt, Instant at) {
    return db.write(
        h -> {
          int n =
              h.createUpdate(
                      "UPDATE monitors SET spec = :spec, monitor_version = monitor_version + 1,"
                          + " next_refresh_at = :next, updated_at = :at WHERE table_name = :t")
                  .bind("t", tableName)
                  .bind("spec", MonitorSpecJson.store(spec))
                  .bind("next", nextRefreshAt.map(Instant::toEpochMilli).orElse(null))
                  .bind("at", at.toEpochMilli())
                  .execute();
          if (n == 0) {
            throw notFound(tableName);
          }
          return get(h, tableName).orElseThrow();
        });
  }

  static KeelException notFound(String tableName) {
    return KeelException.notFound("Monitor for table '" + tableName + "' does not exist.");
  }

  @Override
  public Optional<MonitorInfo> get(String tableName) {
    return db.read(h -> get(h, tableName));
  }

  private static Optional<MonitorInfo> get(Handle h, String tableName) {
    return h.createQuery("SELECT " + MONITOR_COLUMNS + " FROM monitors WHERE table_name = :t")
        .bind("t", tableName)
        .map((rs, ctx) -> monitor(rs))
        .findOne();
  }

  @Override
  public List<MonitorInfo> watching(String tableName) {
    // the spec names the baseline and label tables; monitors are few, the JSON check is cheap
    return db.read(
        h ->
            h
                .createQuery(
                    "SELECT "
                        + MONITOR_COLUMNS
                        + " FROM monitors WHERE table_name = :t OR spec LIKE :like")
                .bind("t", tableName)
                .bind("like", "%" + tableName + "%")
                .map((rs, ctx) -> monitor(rs))
                .list()
                .stream()
                .filter(
                    m ->
                        m.spec().tableName().equals(tableName)
                            || m.spec().baselineTableName().filter(tableName::equals).isPresent()
                            || m.spec()
                                .labels()
                                .filter(l -> l.tableName().equals(tableName))
                                .isPresent())
                .toList());
  }

  @Override
  public List<MonitorInfo> dataChangeMonitors() {
    return db.read(
        h ->
            h
                .createQuery("SELECT " + MONITOR_COLUMNS + " FROM monitors WHERE spec LIKE :like")
                .bind("like", "%\"refresh_on_data_change\":true%")
                .map((rs, ctx) -> monitor(rs))
                .list()
                .stream()
                .filter(m -> m.spec().refreshOnDataChange())
                .toList());
  }

  @Override
  public void release(long refreshId, String server) {
    db.write(
        h ->
            h.createUpdate(
                    "UPDATE monitor_refreshes SET state = 'PENDING', claimed_by = NULL WHERE"
                        + " refresh_id = :id AND claimed_by = :s AND state = 'RUNNING'")
                .bind("id", refreshId)
                .bind("s", server)
                .execute());
  }

  @Override
  public List<MonitorInfo> due(Instant now) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT "
                        + MONITOR_COLUMNS
                        + " FROM monitors WHERE next_refresh_at IS NOT NULL AND next_refresh_at <="
                        + " :now")
                .bind("now", now.toEpochMilli())
                .map((rs, ctx) -> monitor(rs))
                .list());
  }

  @Override
  public boolean fireSchedule(
      String tableName, Instant expected, Optional<Instant> next, long refreshId, Instant now) {
    return db.write(
        h -> {
          int n =
              h.createUpdate(
                      "UPDATE monitors SET next_refresh_at = :next WHERE table_name = :t AND"
                          + " next_refresh_at = :expected")
                  .bind("t", tableName)
                  .bind("next", next.map(Instant::toEpochMilli).orElse(null))
                  .bind("expected", expected.toEpochMilli())
                  .execute();
          if (n == 0) {
            return false;
          }
          long version =
              h.createQuery("SELECT monitor_version FROM monitors WHERE table_name = :t")
                  .bind("t", tableName)
                  .mapTo(Long.class)
                  .one();
          queue(
              h,
              new MonitorRefresh(
                  refreshId,
                  tableName,
                  MonitorRefresh.State.PENDING,
                  MonitorRefresh.Trigger.SCHEDULE,
                  version,
                  now,
                  Optional.empty(),
                  Optional.empty(),
                  OptionalLong.empty(),
                  OptionalLong.empty(),
                  OptionalLong.empty()));
          return true;
        });
  }

  @Override
  public boolean delete(String tableName) {
    return db.write(
        h -> {
          h.createUpdate("DELETE FROM monitor_refreshes WHERE table_name = :t")
              .bind("t", tableName)
              .execute();
          return h.createUpdate("DELETE FROM monitors WHERE table_name = :t")
                  .bind("t", tableName)
                  .execute()
              > 0;
        });
  }

  @Override
  public void setStatus(String tableName, MonitorInfo.Status status, Optional<String> failureMsg) {
    db.write(
        h ->
            h.createUpdate(
                    "UPDATE monitors SET status = :s, failure_msg = :f WHERE table_name = :t")
                .bind("t", tableName)
                .bind("s", status.name())
                .bind("f", failureMsg.orElse(null))
                .execute());
  }

  @Override
  public MonitorRefresh queue(MonitorRefresh pending) {
    return db.write(h -> queue(h, pending));
  }

  private static MonitorRefresh queue(Handle h, MonitorRefresh pending) {
    Optional<MonitorRefresh> existing =
        h.createQuery(
                "SELECT "
                    + REFRESH_COLUMNS
                    + " FROM monitor_refreshes WHERE table_name = :t AND state = 'PENDING'"
                    + " ORDER BY refresh_id LIMIT 1")
            .bind("t", pending.tableName())
            .map((rs, ctx) -> refresh(rs))
            .findOne();
    if (existing.isPresent()) {
      return existing.get();
    }
    h.createUpdate(
            "INSERT INTO monitor_refreshes (refresh_id, table_name, state, trigger_kind,"
                + " monitor_version, start_time_ms) VALUES (:id, :t, 'PENDING', :trigger, :v,"
                + " :start)")
        .bind("id", pending.refreshId())
        .bind("t", pending.tableName())
        .bind("trigger", pending.trigger().name())
        .bind("v", pending.monitorVersion())
        .bind("start", pending.startTime().toEpochMilli())
        .execute();
    return pending;
  }

  @Override
  public Optional<MonitorRefresh> refresh(String tableName, long refreshId) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT "
                        + REFRESH_COLUMNS
                        + " FROM monitor_refreshes WHERE table_name = :t AND refresh_id = :id")
                .bind("t", tableName)
                .bind("id", refreshId)
                .map((rs, ctx) -> refresh(rs))
                .findOne());
  }

  @Override
  public List<MonitorRefresh> refreshes(String tableName, int limit) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT "
                        + REFRESH_COLUMNS
                        + " FROM monitor_refreshes WHERE table_name = :t"
                        + " ORDER BY start_time_ms DESC, refresh_id DESC LIMIT :n")
                .bind("t", tableName)
                .bind("n", limit)
                .map((rs, ctx) -> refresh(rs))
                .list());
  }

  @Override
  public Optional<MonitorRefresh> lastSuccess(String tableName) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT "
                        + REFRESH_COLUMNS
                        + " FROM monitor_refreshes WHERE table_name = :t AND state = 'SUCCESS'"
                        + " ORDER BY end_time_ms DESC, refresh_id DESC LIMIT 1")
                .bind("t", tableName)
                .map((rs, ctx) -> refresh(rs))
                .findOne());
  }

  @Override
  public Optional<MonitorRefresh> claim(String server, Instant now, Instant staleBefore) {
    return db.write(
        h -> {
          // A RUNNING refresh whose server stopped renewing its heartbeat goes back to PENDING
          h.createUpdate(
                  "UPDATE monitor_refreshes SET state = 'PENDING', claimed_by = NULL WHERE state ="
                      + " 'RUNNING' AND heartbeat_at < :stale")
              .bind("stale", staleBefore.toEpochMilli())
              .execute();
          List<Long> candidates =
              h.createQuery(
                      "SELECT p.refresh_id FROM monitor_refreshes p WHERE p.state = 'PENDING' AND"
                          + " NOT EXISTS (SELECT 1 FROM monitor_refreshes r WHERE r.table_name ="
                          + " p.table_name AND r.state = 'RUNNING') ORDER BY p.start_time_ms,"
                          + " p.refresh_id LIMIT 5")
                  .mapTo(Long.class)
                  .list();
          for (long id : candidates) {
            int n =
                h.createUpdate(
                        "UPDATE monitor_refreshes SET state = 'RUNNING', claimed_by = :s,"
                            + " heartbeat_at = :now WHERE refresh_id = :id AND state = 'PENDING'")
                    .bind("s", server)
                    .bind("now", now.toEpochMilli())
                    .bind("id", id)
                    .execute();
            if (n == 1) {
              return h.createQuery(
                      "SELECT "
                          + REFRESH_COLUMNS
                          + " FROM monitor_refreshes WHERE refresh_id = :id")
                  .bind("id", id)
                  .map((rs, ctx) -> refresh(rs))
                  .findOne();
            }
          }
          return Optional.<MonitorRefresh>empty();
        });
  }

  @Override
  public boolean heartbeat(long refreshId, String server, Instant now) {
    return db.write(
        h ->
            h.createUpdate(
                        "UPDATE monitor_refreshes SET heartbeat_at = :now WHERE refresh_id = :id"
                            + " AND claimed_by = :s AND state = 'RUNNING'")
                    .bind("now", now.toEpochMilli())
                    .bind("id", refreshId)
                    .bind("s", server)
                    .execute()
                == 1);
  }

  @Override
  public boolean cancelRequested(long refreshId) {
    return db.read(
        h ->
            h.createQuery("SELECT cancel_requested FROM monitor_refreshes WHERE refresh_id = :id")
                .bind("id", refreshId)
                .mapTo(Boolean.class)
                .findOne()
                .orElse(true));
  }

  @Override
  public boolean cancel(long refreshId, Instant now) {
    return db.write(
        h -> {
          int pending =
              h.createUpdate(
                      "UPDATE monitor_refreshes SET state = 'CANCELED', end_time_ms = :now,"
                          + " message = 'Canceled before it started.', cancel_requested = :t"
                          + " WHERE refresh_id = :id AND state = 'PENDING'")
                  .bind("now", now.toEpochMilli())
                  .bind("id", refreshId)
                  .bind("t", true)
                  .execute();
          if (pending == 1) {
            return true;
          }
          return h.createUpdate(
                      "UPDATE monitor_refreshes SET cancel_requested = :t WHERE refresh_id = :id"
                          + " AND state = 'RUNNING'")
                  .bind("t", true)
                  .bind("id", refreshId)
                  .execute()
              == 1;
        });
  }

  @Override
  public boolean end(
      long refreshId,
      String server,
      MonitorRefresh.State state,
      Optional<String> message,
      Instant at,
      OptionalLong inputSnapshotId,
      OptionalLong baselineSnapshotId,
      OptionalLong labelSnapshotId) {
    return db.write(
        h ->
            h.createUpdate(
                        "UPDATE monitor_refreshes SET state = :state, end_time_ms = :at, message ="
                            + " :m, input_snapshot_id = :i, baseline_snapshot_id = :b,"
                            + " label_snapshot_id = :l WHERE refresh_id = :id AND claimed_by = :s"
                            + " AND state = 'RUNNING'")
                    .bind("state", state.name())
                    .bind("at", at.toEpochMilli())
                    .bind("m", message.orElse(null))
                    .bind("i", boxed(inputSnapshotId))
                    .bind("b", boxed(baselineSnapshotId))
                    .bind("l", boxed(labelSnapshotId))
                    .bind("id", refreshId)
                    .bind("s", server)
                    .execute()
                == 1);
  }

  private static Long boxed(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  private static MonitorInfo monitor(ResultSet rs) throws SQLException {
    long next = rs.getLong("next_refresh_at");
    Optional<Instant> nextAt =
        rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(next));
    return new MonitorInfo(
        MonitorSpecJson.load(rs.getString("spec")),
        MonitorInfo.Status.valueOf(rs.getString("status")),
        rs.getLong("monitor_version"),
        Optional.ofNullable(rs.getString("failure_msg")),
        nextAt,
        rs.getString("created_by"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }

  private static MonitorRefresh refresh(ResultSet rs) throws SQLException {
    long end = rs.getLong("end_time_ms");
    Optional<Instant> endAt =
        rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(end));
    return new MonitorRefresh(
        rs.getLong("refresh_id"),
        rs.getString("table_name"),
        MonitorRefresh.State.valueOf(rs.getString("state")),
        MonitorRefresh.Trigger.valueOf(rs.getString("trigger_kind")),
        rs.getLong("monitor_version"),
        Instant.ofEpochMilli(rs.getLong("start_time_ms")),
        endAt,
        Optional.ofNullable(rs.getString("message")),
        optLong(rs, "input_snapshot_id"),
        optLong(rs, "baseline_snapshot_id"),
        optLong(rs, "label_snapshot_id"));
  }

  private static OptionalLong optLong(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
  }
}
