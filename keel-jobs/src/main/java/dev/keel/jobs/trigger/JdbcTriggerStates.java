package dev.keel.jobs.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The trigger state rows ({@code job_trigger_state}, migration V14) in the metadata database, on
 * SQLite and PostgreSQL. Every write is a compare-and-set on {@code version}.
 */
final class JdbcTriggerStates implements TriggerStates {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS =
      "job_id, settings_at, version, last_fire_at, last_due_at, pending_token, pending_trigger,"
          + " pending_info, pending_owner, pending_since, cursors";

  private final Database db;

  JdbcTriggerStates(Database db) {
    this.db = db;
  }

  @Override
  public List<TriggerState> all() {
    return db.read(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM job_trigger_state ORDER BY job_id")
                .map((rs, ctx) -> row(rs))
                .list());
  }

  @Override
  public boolean put(TriggerState s, long expectedVersion, Instant now) {
    return db.write(
        h -> {
          TriggerState.Fire p = s.pending();
          Object[] values = {
            s.settingsAt(),
            expectedVersion + 1,
            millis(s.lastFireAt()),
            millis(s.lastDueAt()),
            p == null ? null : p.token(),
            p == null ? null : p.trigger(),
            p == null ? null : json(p.info()),
            p == null ? null : p.owner(),
            p == null ? null : p.since(),
            s.cursors().toJson(),
            now.toEpochMilli()
          };
          if (expectedVersion == 0) {
            return h.createUpdate(
                        "INSERT INTO job_trigger_state (job_id, settings_at, version, last_fire_at,"
                            + " last_due_at, pending_token, pending_trigger, pending_info,"
                            + " pending_owner, pending_since, cursors, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                            + " ON CONFLICT (job_id) DO NOTHING")
                    .bind(0, s.jobId())
                    .bindByType(1, values[0], Long.class)
                    .bindByType(2, values[1], Long.class)
                    .bindByType(3, values[2], Long.class)
                    .bindByType(4, values[3], Long.class)
                    .bindByType(5, values[4], String.class)
                    .bindByType(6, values[5], String.class)
                    .bindByType(7, values[6], String.class)
                    .bindByType(8, values[7], String.class)
                    .bindByType(9, values[8], Long.class)
                    .bindByType(10, values[9], String.class)
                    .bindByType(11, values[10], Long.class)
                    .execute()
                == 1;
          }
          return h.createUpdate(
                      "UPDATE job_trigger_state SET settings_at = ?, version = ?, last_fire_at = ?,"
                          + " last_due_at = ?, pending_token = ?, pending_trigger = ?,"
                          + " pending_info = ?, pending_owner = ?, pending_since = ?, cursors = ?,"
                          + " updated_at = ?"
                          + " WHERE job_id = ? AND version = ?")
                  .bindByType(0, values[0], Long.class)
                  .bindByType(1, values[1], Long.class)
                  .bindByType(2, values[2], Long.class)
                  .bindByType(3, values[3], Long.class)
                  .bindByType(4, values[4], String.class)
                  .bindByType(5, values[5], String.class)
                  .bindByType(6, values[6], String.class)
                  .bindByType(7, values[7], String.class)
                  .bindByType(8, values[8], Long.class)
                  .bindByType(9, values[9], String.class)
                  .bindByType(10, values[10], Long.class)
                  .bind(11, s.jobId())
                  .bind(12, expectedVersion)
                  .execute()
              == 1;
        });
  }

  @Override
  public void retain(Set<Long> jobIds, Instant unchangedSince) {
    List<Long> stored =
        db.read(
            h ->
                h.createQuery("SELECT job_id FROM job_trigger_state WHERE updated_at < ?")
                    .bind(0, unchangedSince.toEpochMilli())
                    .mapTo(Long.class)
                    .list());
    List<Long> gone = stored.stream().filter(id -> !jobIds.contains(id)).toList();
    if (gone.isEmpty()) {
      return;
    }
    db.write(
        h ->
            h.createUpdate(
                    "DELETE FROM job_trigger_state WHERE job_id IN (<ids>) AND updated_at < :before")
                .bindList("ids", gone)
                .bind("before", unchangedSince.toEpochMilli())
                .execute());
  }

  private static TriggerState row(ResultSet rs) throws SQLException {
    String token = rs.getString(6);
    TriggerState.Fire pending =
        token == null
            ? null
            : new TriggerState.Fire(
                token, rs.getString(7), info(rs.getString(8)), rs.getLong(10), rs.getString(9));
    return new TriggerState(
        rs.getLong(1),
        rs.getLong(2),
        rs.getLong(3),
        instant(rs, 4),
        instant(rs, 5),
        pending,
        TriggerState.Cursors.fromJson(rs.getString(11)));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  private static String json(Map<String, String> info) {
    try {
      return JSON.writeValueAsString(info);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> info(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable trigger info: " + e.getMessage(), e);
    }
  }
}
