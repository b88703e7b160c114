package dev.keel.registry;

import static dev.keel.registry.JdbcRegistryRows.VERSION_COLUMNS;
import static dev.keel.registry.JdbcRegistryRows.lockModel;
import static dev.keel.registry.JdbcRegistryRows.modelId;
import static dev.keel.registry.JdbcRegistryRows.modelNotFound;
import static dev.keel.registry.JdbcRegistryRows.optLong;
import static dev.keel.registry.JdbcRegistryRows.recordMove;
import static dev.keel.registry.JdbcRegistryRows.touchModel;
import static dev.keel.registry.JdbcRegistryRows.versionId;
import static dev.keel.registry.JdbcRegistryRows.versionRow;
import static dev.keel.registry.JdbcRegistryRows.withTagsAndAliases;

import dev.keel.store.Database;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;

/** Owns the SQL of aliases and their move history, with the alias cache in front of look-ups. */
final class JdbcAliasSql {
  private final Database db;
  private final RegistryChanges changes;
  private final AliasCache cache;

  JdbcAliasSql(Database db, RegistryChanges changes, AliasCache cache) {
    this.db = db;
    this.changes = changes;
    this.cache = cache;
  }

  void setAlias(String fullName, String alias, long version, long now, String principal) {
    changes.change(
        h -> {
          String modelId =
              lockModel(h, db.dialect(), fullName).orElseThrow(() -> modelNotFound(fullName));
          versionId(h, fullName, version);
          OptionalLong from = aliasVersion(h, modelId, alias);
          if (from.isPresent() && from.getAsLong() == version) {
            return null;
          }
          h.execute("DELETE FROM model_aliases WHERE model_id = ? AND alias = ?", modelId, alias);
          h.execute(
              "INSERT INTO model_aliases (model_id, alias, version) VALUES (?, ?, ?)",
              modelId,
              alias,
              version);
          recordMove(h, modelId, alias, from, OptionalLong.of(version), now, principal);
          touchModel(h, modelId, now, principal);
          return null;
        });
  }

  void deleteAlias(String fullName, String alias, long now, String principal) {
    changes.change(
        h -> {
          String modelId =
              lockModel(h, db.dialect(), fullName).orElseThrow(() -> modelNotFound(fullName));
          OptionalLong from = aliasVersion(h, modelId, alias);
          if (from.isEmpty()) {
            return null;
          }
          h.execute("DELETE FROM model_aliases WHERE model_id = ? AND alias = ?", modelId, alias);
          recordMove(h, modelId, alias, from, OptionalLong.empty(), now, principal);
          touchModel(h, modelId, now, principal);
          return null;
        });
  }

  OptionalLong aliasVersion(String fullName, String alias) {
    return db.read(
        h -> {
          String modelId = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
          return aliasVersion(h, modelId, alias);
        });
  }

  Optional<ModelVersion> versionByAlias(String fullName, String alias) {
    return cache.get(fullName, alias, () -> loadVersionByAlias(fullName, alias));
  }

  private Optional<ModelVersion> loadVersionByAlias(String fullName, String alias) {
    return db.read(
        h -> {
          List<ModelVersion> rows =
              h.createQuery(
                      "SELECT "
                          + VERSION_COLUMNS
                          + " FROM model_aliases a JOIN registered_models m ON m.id = a.model_id"
                          + " JOIN model_versions v ON v.model_id = a.model_id"
                          + " AND v.version = a.version WHERE m.full_name = ? AND a.alias = ?")
                  .bind(0, fullName)
                  .bind(1, alias)
                  .map((rs, ctx) -> versionRow(rs))
                  .list();
          if (rows.isEmpty()) {
            if (modelId(h, fullName).isEmpty()) {
              throw modelNotFound(fullName);
            }
            return Optional.empty();
          }
          return withTagsAndAliases(h, rows).stream().findFirst();
        });
  }

  List<AliasMove> aliasHistory(String fullName, String alias) {
    return db.read(
        h -> {
          String modelId = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
          return h.createQuery(
                  "SELECT alias, from_version, to_version, moved_by, moved_at"
                      + " FROM model_alias_history WHERE model_id = ? AND alias = ? ORDER BY seq")
              .bind(0, modelId)
              .bind(1, alias)
              .map(
                  (rs, ctx) ->
                      new AliasMove(
                          rs.getString(1),
                          optLong(rs, 2),
                          optLong(rs, 3),
                          rs.getString(4),
                          rs.getLong(5)))
              .list();
        });
  }

  private static OptionalLong aliasVersion(Handle h, String modelId, String alias) {
    return h.createQuery("SELECT version FROM model_aliases WHERE model_id = ? AND alias = ?")
        .bind(0, modelId)
        .bind(1, alias)
        .mapTo(Long.class)
        .findOne()
        .map(OptionalLong::of)
        .orElse(OptionalLong.empty());
  }
}
