package dev.keel.catalog.audit;

import dev.keel.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link AuditStore} on Keel's metadata database (SQLite or PostgreSQL), table {@code audit_log}
 * from {@code V12__audit.sql}, numbered in commit order by {@code V15__audit_sequence.sql}.
 * Searches run in the database on its indexes (time; principal, action and securable each with
 * time), a page at a time by keyset. Thread-safe.
 */
public final class JdbcAuditStore implements AuditStore {
  private static final String COLUMNS =
      "event_id, event_time, principal_id, principal_name, service_name, action_name,"
          + " http_method, path, securable_type, securable_name, privilege, result, status_code,"
          + " source_ip_address, user_agent, request_id, duration_ms";

  private final Database db;

  public JdbcAuditStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public long append(List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      return lastSequence();
    }
    return db.write(
        h -> {
          // The counter row's lock (PostgreSQL) or the single writer (SQLite) is held until this
          // transaction commits: numbers become visible in order (see V15__audit_sequence.sql).
          long last =
              h.createQuery(
                      "UPDATE audit_sequence SET last_seq = last_seq + ? WHERE id = 1"
                          + " RETURNING last_seq")
                  .bind(0, (long) entries.size())
                  .mapTo(Long.class)
                  .one();
          long seq = last - entries.size();
          PreparedBatch b =
              h.prepareBatch(
                  "INSERT INTO audit_log ("
                      + COLUMNS
                      + ", seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          for (AuditEntry e : entries) {
            b.bind(0, e.eventId())
                .bind(1, e.eventTime())
                .bind(2, e.principalId().orElse(null))
                .bind(3, e.principalName().orElse(null))
                .bind(4, e.serviceName())
                .bind(5, e.actionName())
                .bind(6, e.httpMethod())
                .bind(7, e.path())
                .bind(8, e.securableType().orElse(null))
                .bind(9, e.securableName().orElse(null))
                .bind(10, e.privilege().orElse(null))
                .bind(11, e.result().wire())
                .bind(12, e.statusCode())
                .bind(13, e.sourceAddress().orElse(null))
                .bind(14, e.userAgent().orElse(null))
                .bind(15, e.requestId())
                .bind(16, e.durationMillis())
                .bind(17, ++seq)
                .add();
          }
          b.execute();
          return last;
        });
  }

  @Override
  public long lastSequence() {
    return db.read(
        h ->
            h.createQuery("SELECT last_seq FROM audit_sequence WHERE id = 1")
                .mapTo(Long.class)
                .one());
  }

  @Override
  public List<SequencedEntry> after(long sequence, int limit) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT seq, " + COLUMNS + " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?")
                .bind(0, sequence)
                .bind(1, limit)
                .map((rs, ctx) -> new SequencedEntry(rs.getLong("seq"), row(rs)))
                .list());
  }

  @Override
  public List<AuditEntry> find(AuditQuery q) {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM audit_log");
    List<Object> args = new ArrayList<>();
    List<String> where = new ArrayList<>();
    q.principal()
        .ifPresent(
            p -> {
              where.add("principal_name = ?");
              args.add(p);
            });
    q.action()
        .ifPresent(
            a -> {
              if (a.endsWith("*")) {
                where.add("action_name LIKE ? ESCAPE '\\'");
                args.add(likePrefix(a.substring(0, a.length() - 1)) + "%");
              } else {
                where.add("action_name = ?");
                args.add(a);
              }
            });
    q.securable()
        .ifPresent(
            s -> {
              where.add("securable_name = ?");
              args.add(s);
            });
    q.since()
        .ifPresent(
            t -> {
              where.add("event_time >= ?");
              args.add(t);
            });
    q.until()
        .ifPresent(
            t -> {
              where.add("event_time < ?");
              args.add(t);
            });
    q.after()
        .ifPresent(
            p -> {
              where.add("(event_time < ? OR (event_time = ? AND event_id < ?))");
              args.add(p.eventTime());
              args.add(p.eventTime());
              args.add(p.eventId());
            });
    if (!where.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", where));
    }
    sql.append(" ORDER BY event_time DESC, event_id DESC LIMIT ?");
    args.add(q.limit());
    return db.read(
        h -> {
          Query query = h.createQuery(sql.toString());
          for (int i = 0; i < args.size(); i++) {
            query.bind(i, args.get(i));
          }
          return query.map((rs, ctx) -> row(rs)).list();
        });
  }

  @Override
  public int deleteBefore(long before, int limit) {
    // a read first: a server with nothing to delete does not write (nor take SQLite's writer)
    boolean any =
        db.read(
            h ->
                h.createQuery("SELECT 1 FROM audit_log WHERE event_time < ? LIMIT 1")
                    .bind(0, before)
                    .mapTo(Integer.class)
                    .findOne()
                    .isPresent());
    if (!any) {
      return 0;
    }
    return db.write(
        h ->
            h.createUpdate(
                    "DELETE FROM audit_log WHERE event_id IN (SELECT event_id FROM audit_log"
                        + " WHERE event_time < ? ORDER BY event_time LIMIT ?)")
                .bind(0, before)
                .bind(1, limit)
                .execute());
  }

  /** {@code s} with LIKE's wildcards and the escape character escaped. */
  private static String likePrefix(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static AuditEntry row(ResultSet rs) throws SQLException {
    return new AuditEntry(
        rs.getString("event_id"),
        rs.getLong("event_time"),
        Optional.ofNullable(rs.getString("principal_id")),
        Optional.ofNullable(rs.getString("principal_name")),
        rs.getString("service_name"),
        rs.getString("action_name"),
        rs.getString("http_method"),
        rs.getString("path"),
        Optional.ofNullable(rs.getString("securable_type")),
        Optional.ofNullable(rs.getString("securable_name")),
        Optional.ofNullable(rs.getString("privilege")),
        AuditEntry.Result.ofWire(rs.getString("result")),
        rs.getInt("status_code"),
        Optional.ofNullable(rs.getString("source_ip_address")),
        Optional.ofNullable(rs.getString("user_agent")),
        rs.getString("request_id"),
        rs.getLong("duration_ms"));
  }
}
