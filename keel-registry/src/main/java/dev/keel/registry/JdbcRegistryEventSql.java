package dev.keel.registry;

import dev.keel.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Owns the SQL that reads registry events from durable facts: {@code registered_models.created_at},
 * {@code model_versions.ready_at} (V14_1) and the alias moves in {@code model_alias_history} that
 * set an alias. Ordered by time, then kind, then name.
 */
final class JdbcRegistryEventSql {
  private final Database db;

  JdbcRegistryEventSql(Database db) {
    this.db = db;
  }

  List<RegistryEvent> eventsSince(long sinceMillis, int limit) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT kind, full_name, version, alias, at FROM ("
                        + " SELECT 'MODEL_CREATED' AS kind, m.full_name AS full_name,"
                        + " CAST(NULL AS BIGINT) AS version, CAST(NULL AS TEXT) AS alias,"
                        + " m.created_at AS at FROM registered_models m WHERE m.created_at >= :since"
                        + " UNION ALL"
                        + " SELECT 'VERSION_READY', m.full_name, v.version, NULL, v.ready_at"
                        + " FROM model_versions v JOIN registered_models m ON m.id = v.model_id"
                        + " WHERE v.ready_at >= :since"
                        + " UNION ALL"
                        + " SELECT 'ALIAS_SET', m.full_name, a.to_version, a.alias, a.moved_at"
                        + " FROM model_alias_history a JOIN registered_models m ON m.id = a.model_id"
                        + " WHERE a.to_version IS NOT NULL AND a.moved_at >= :since"
                        + ") e ORDER BY at, kind, full_name LIMIT :limit")
                .bind("since", sinceMillis)
                .bind("limit", limit)
                .map(
                    (rs, ctx) -> {
                      long v = rs.getLong(3);
                      OptionalLong version =
                          rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
                      return new RegistryEvent(
                          RegistryEvent.Kind.valueOf(rs.getString(1)),
                          rs.getString(2),
                          version,
                          Optional.ofNullable(rs.getString(4)),
                          Instant.ofEpochMilli(rs.getLong(5)));
                    })
                .list());
  }
}
