package dev.keel.monitoring.alerts;

import dev.keel.monitoring.alerts.Firing.JobAction;
import dev.keel.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;

/**
 * Alerts, firings and the delivery outbox in the tables of migration V18 ({@code monitor_alerts},
 * {@code monitor_alert_firings}, {@code monitor_alert_deliveries}), on SQLite and PostgreSQL.
 */
final class JdbcAlertStore {
  /** A webhook delivery due now, with what an attempt needs. */
  record PendingDelivery(
      String deliveryId,
      String firingId,
      String url,
      Optional<String> secret,
      String body,
      int attempts) {}

  /** A job action due now. */
  record PendingJob(
      String firingId, long jobId, Map<String, String> params, String runAs, int attempts) {}

  /** An outbox row written with a firing. */
  record NewDelivery(String deliveryId, String url, Optional<String> secret, String body) {}

  private final Database db;

  JdbcAlertStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  void insert(Alert a) {
    db.write(
        h ->
            h.createUpdate(
                    "INSERT INTO monitor_alerts (alert_id, table_name, name, spec, format_version,"
                        + " state, created_by, created_at, updated_at) VALUES (:id, :table, :name,"
                        + " :spec, :fv, :state, :by, :created, :updated)")
                .bind("id", a.alertId())
                .bind("table", a.spec().tableName())
                .bind("name", a.spec().name())
                .bind("spec", SpecCodec.write(a.spec()))
                .bind("fv", SpecCodec.FORMAT_VERSION)
                .bind("state", a.state().name())
                .bind("by", a.createdBy())
                .bind("created", a.createdAtMs())
                .bind("updated", a.updatedAtMs())
                .execute());
  }

  Optional<Alert> get(String alertId) {
    return db.read(
        h ->
            h.createQuery("SELECT * FROM monitor_alerts WHERE alert_id = :id")
                .bind("id", alertId)
                .map((rs, ctx) -> alert(rs))
                .findOne());
  }

  /** Alerts ordered by id after {@code afterId}, of one table or all. */
  List<Alert> list(Optional<String> tableName, Optional<String> afterId, int limit) {
    return db.read(
        h -> {
          StringBuilder sql = new StringBuilder("SELECT * FROM monitor_alerts WHERE 1 = 1");
          tableName.ifPresent(t -> sql.append(" AND table_name = :table"));
          afterId.ifPresent(t -> sql.append(" AND alert_id > :after"));
          sql.append(" ORDER BY alert_id LIMIT :limit");
          var q = h.createQuery(sql.toString()).bind("limit", limit);
          tableName.ifPresent(t -> q.bind("table", t));
          afterId.ifPresent(t -> q.bind("after", t));
          return q.map((rs, ctx) -> alert(rs)).list();
        });
  }

  /** Replaces an alert's spec; a changed rule starts again from UNKNOWN. */
  boolean update(String alertId, AlertSpec spec, boolean resetState, long at) {
    return db.write(
        h ->
            h.createUpdate(
                        "UPDATE monitor_alerts SET name = :name, spec = :spec, updated_at = :at"
                            + (resetState
                                ? ", state = 'UNKNOWN', last_error = NULL, last_evaluated_at = NULL"
                                : "")
                            + " WHERE alert_id = :id")
                    .bind("id", alertId)
                    .bind("name", spec.name())
                    .bind("spec", SpecCodec.write(spec))
                    .bind("at", at)
                    .execute()
                == 1);
  }

  /** Deletes an alert with its firings and outbox rows. */
  boolean delete(String alertId) {
    return db.write(
        h -> {
          h.createUpdate("DELETE FROM monitor_alert_deliveries WHERE alert_id = :id")
              .bind("id", alertId)
              .execute();
          h.createUpdate("DELETE FROM monitor_alert_firings WHERE alert_id = :id")
              .bind("id", alertId)
              .execute();
          return h.createUpdate("DELETE FROM monitor_alerts WHERE alert_id = :id")
                  .bind("id", alertId)
                  .execute()
              == 1;
        });
  }

  /** Records an evaluation that fires nothing, only if the state is still {@code expected}. */
  boolean evaluated(
      String alertId, AlertState expected, AlertState next, long at, Optional<String> error) {
    return db.write(
        h ->
            h.createUpdate(
                        "UPDATE monitor_alerts SET state = :next, last_evaluated_at = :at,"
                            + " last_error = :error WHERE alert_id = :id AND state = :expected")
                    .bind("id", alertId)
                    .bind("next", next.name())
                    .bind("expected", expected.name())
                    .bind("at", at)
                    .bind("error", error.orElse(null))
                    .execute()
                == 1);
  }

  /**
   * In one transaction: moves the alert from {@code expected} to TRIGGERED, writes the firing with
   * its job action and its webhook outbox rows. Nothing is written when the state moved meanwhile.
   */
  boolean fire(
      String alertId,
      AlertState expected,
      Firing f,
      Optional<String> jobParams,
      String runAs,
      List<NewDelivery> deliveries) {
    return db.write(
        h -> {
          int moved =
              h.createUpdate(
                      "UPDATE monitor_alerts SET state = 'TRIGGERED', last_evaluated_at = :at,"
                          + " last_error = NULL WHERE alert_id = :id AND state = :expected")
                  .bind("id", alertId)
                  .bind("expected", expected.name())
                  .bind("at", f.firedAtMs())
                  .execute();
          if (moved != 1) {
            return false;
          }
          insertFiring(h, f, jobParams, runAs);
          int position = 0;
          for (NewDelivery d : deliveries) {
            h.createUpdate(
                    "INSERT INTO monitor_alert_deliveries (delivery_id, firing_id, alert_id,"
                        + " position, url, secret, body, state, attempts, next_attempt_at,"
                        + " updated_at) VALUES (:id, :firing, :alert, :pos, :url, :secret, :body,"
                        + " 'PENDING', 0, :at, :at)")
                .bind("id", d.deliveryId())
                .bind("firing", f.firingId())
                .bind("alert", alertId)
                .bind("pos", position++)
                .bind("url", d.url())
                .bind("secret", d.secret().orElse(null))
                .bind("body", d.body())
                .bind("at", f.firedAtMs())
                .execute();
          }
          return true;
        });
  }

  private static void insertFiring(Handle h, Firing f, Optional<String> jobParams, String runAs) {
    var u =
        h.createUpdate(
                "INSERT INTO monitor_alert_firings (firing_id, alert_id, fired_at, refresh_id,"
                    + " window_start, window_end, value, window_values, job_id, job_params,"
                    + " job_run_as, job_state, job_attempts, job_next_at) VALUES (:id, :alert,"
                    + " :at, :refresh, :ws, :we, :value, :values, :job, :params, :run_as,"
                    + " :job_state, 0, :next)")
            .bind("id", f.firingId())
            .bind("alert", f.alertId())
            .bind("at", f.firedAtMs())
            .bind("refresh", f.refreshId())
            .bind("ws", f.latest().startMs())
            .bind("we", f.latest().endMs())
            .bind("value", f.latest().value().isPresent() ? f.latest().value().getAsDouble() : null)
            .bind("values", SpecCodec.writeValues(f.values()))
            .bind("params", jobParams.orElse(null))
            .bind("run_as", jobParams.isPresent() ? runAs : null)
            .bind("job_state", f.job().isPresent() ? "PENDING" : null)
            .bind("next", f.job().isPresent() ? f.firedAtMs() : null);
    if (f.job().isPresent()) {
      u.bind("job", f.job().get().jobId());
    } else {
      u.bind("job", (Long) null);
    }
    u.execute();
  }

  /** Firings of an alert, newest first. */
  List<Firing> firings(String alertId, long offset, int limit) {
    return db.read(
        h -> {
          List<Firing> rows =
              h.createQuery(
                      "SELECT * FROM monitor_alert_firings WHERE alert_id = :id"
                          + " ORDER BY fired_at DESC, firing_id DESC LIMIT :limit OFFSET :offset")
                  .bind("id", alertId)
                  .bind("limit", limit)
                  .bind("offset", offset)
                  .map((rs, ctx) -> firing(rs))
                  .list();
          if (rows.isEmpty()) {
            return rows;
          }
          Map<String, List<Delivery>> byFiring = new LinkedHashMap<>();
          h.createQuery(
                  "SELECT * FROM monitor_alert_deliveries WHERE firing_id IN (<ids>)"
                      + " ORDER BY firing_id, position")
              .bindList("ids", rows.stream().map(Firing::firingId).toList())
              .map((rs, ctx) -> delivery(rs))
              .forEach(d -> byFiring.computeIfAbsent(d.firingId(), k -> new ArrayList<>()).add(d));
          List<Firing> out = new ArrayList<>();
          for (Firing f : rows) {
            out.add(
                new Firing(
                    f.firingId(),
                    f.alertId(),
                    f.firedAtMs(),
                    f.refreshId(),
                    f.latest(),
                    f.values(),
                    f.job(),
                    byFiring.getOrDefault(f.firingId(), List.of())));
          }
          return out;
        });
  }

  List<PendingDelivery> dueDeliveries(long now, int limit) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT * FROM monitor_alert_deliveries WHERE state = 'PENDING'"
                        + " AND next_attempt_at <= :now ORDER BY next_attempt_at, delivery_id"
                        + " LIMIT :limit")
                .bind("now", now)
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new PendingDelivery(
                            rs.getString("delivery_id"),
                            rs.getString("firing_id"),
                            rs.getString("url"),
                            Optional.ofNullable(rs.getString("secret")),
                            rs.getString("body"),
                            rs.getInt("attempts")))
                .list());
  }

  /**
   * Claims the next attempt of a delivery: only if no one else started attempt {@code attempts +
   * 1}; the row is due again at {@code leaseUntil} if the attempt never reports back.
   */
  boolean claimDelivery(String deliveryId, int attempts, long leaseUntil, long now) {
    return db.write(
        h ->
            h.createUpdate(
                        "UPDATE monitor_alert_deliveries SET attempts = attempts + 1,"
                            + " next_attempt_at = :lease, updated_at = :now WHERE delivery_id = :id"
                            + " AND attempts = :attempts AND state = 'PENDING'")
                    .bind("id", deliveryId)
                    .bind("attempts", attempts)
                    .bind("lease", leaseUntil)
                    .bind("now", now)
                    .execute()
                == 1);
  }

  void finishDelivery(
      String deliveryId,
      Delivery.State state,
      OptionalInt status,
      Optional<String> error,
      long nextAttempt,
      long now) {
    db.write(
        h -> {
          var u =
              h.createUpdate(
                      "UPDATE monitor_alert_deliveries SET state = :state, last_status = :status,"
                          + " last_error = :error, next_attempt_at = :next, updated_at = :now"
                          + " WHERE delivery_id = :id")
                  .bind("id", deliveryId)
                  .bind("state", state.name())
                  .bind("error", error.map(JdbcAlertStore::clip).orElse(null))
                  .bind("next", nextAttempt)
                  .bind("now", now);
          if (status.isPresent()) {
            u.bind("status", status.getAsInt());
          } else {
            u.bind("status", (Integer) null);
          }
          return u.execute();
        });
  }

  List<PendingJob> dueJobs(long now, int limit) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT * FROM monitor_alert_firings WHERE job_state = 'PENDING'"
                        + " AND job_next_at <= :now ORDER BY job_next_at, firing_id LIMIT :limit")
                .bind("now", now)
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new PendingJob(
                            rs.getString("firing_id"),
                            rs.getLong("job_id"),
                            SpecCodec.readParams(rs.getString("job_params")),
                            rs.getString("job_run_as"),
                            rs.getInt("job_attempts")))
                .list());
  }

  boolean claimJob(String firingId, int attempts, long leaseUntil) {
    return db.write(
        h ->
            h.createUpdate(
                        "UPDATE monitor_alert_firings SET job_attempts = job_attempts + 1,"
                            + " job_next_at = :lease WHERE firing_id = :id"
                            + " AND job_attempts = :attempts AND job_state = 'PENDING'")
                    .bind("id", firingId)
                    .bind("attempts", attempts)
                    .bind("lease", leaseUntil)
                    .execute()
                == 1);
  }

  void finishJob(
      String firingId,
      JobAction.State state,
      OptionalLong runId,
      Optional<String> error,
      long next) {
    db.write(
        h -> {
          var u =
              h.createUpdate(
                      "UPDATE monitor_alert_firings SET job_state = :state, job_run_id = :run,"
                          + " job_error = :error, job_next_at = :next WHERE firing_id = :id")
                  .bind("id", firingId)
                  .bind("state", state.name())
                  .bind("error", error.map(JdbcAlertStore::clip).orElse(null))
                  .bind("next", next);
          if (runId.isPresent()) {
            u.bind("run", runId.getAsLong());
          } else {
            u.bind("run", (Long) null);
          }
          return u.execute();
        });
  }

  private static String clip(String s) {
    return s.length() > 1000 ? s.substring(0, 1000) : s;
  }

  private static Alert alert(ResultSet rs) throws SQLException {
    long evaluated = rs.getLong("last_evaluated_at");
    OptionalLong last = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(evaluated);
    return new Alert(
        rs.getString("alert_id"),
        SpecCodec.read(rs.getString("spec")),
        AlertState.valueOf(rs.getString("state")),
        last,
        Optional.ofNullable(rs.getString("last_error")),
        rs.getString("created_by"),
        rs.getLong("created_at"),
        rs.getLong("updated_at"));
  }

  private static Firing firing(ResultSet rs) throws SQLException {
    double value = rs.getDouble("value");
    java.util.OptionalDouble v =
        rs.wasNull() ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(value);
    WindowValue latest = new WindowValue(rs.getLong("window_start"), rs.getLong("window_end"), v);
    long jobId = rs.getLong("job_id");
    Optional<JobAction> job = Optional.empty();
    if (!rs.wasNull()) {
      long run = rs.getLong("job_run_id");
      OptionalLong runId = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(run);
      job =
          Optional.of(
              new JobAction(
                  jobId,
                  JobAction.State.valueOf(rs.getString("job_state")),
                  runId,
                  rs.getInt("job_attempts"),
                  Optional.ofNullable(rs.getString("job_error"))));
    }
    return new Firing(
        rs.getString("firing_id"),
        rs.getString("alert_id"),
        rs.getLong("fired_at"),
        rs.getString("refresh_id"),
        latest,
        SpecCodec.readValues(rs.getString("window_values")),
        job,
        List.of());
  }

  private static Delivery delivery(ResultSet rs) throws SQLException {
    int status = rs.getInt("last_status");
    OptionalInt st = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(status);
    return new Delivery(
        rs.getString("delivery_id"),
        rs.getString("firing_id"),
        rs.getString("url"),
        Delivery.State.valueOf(rs.getString("state")),
        rs.getInt("attempts"),
        st,
        Optional.ofNullable(rs.getString("last_error")),
        rs.getLong("next_attempt_at"));
  }
}
