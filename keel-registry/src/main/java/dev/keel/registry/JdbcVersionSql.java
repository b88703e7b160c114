package dev.keel.registry;

import static dev.keel.registry.JdbcRegistryRows.VERSION_COLUMNS;
import static dev.keel.registry.JdbcRegistryRows.loadVersion;
import static dev.keel.registry.JdbcRegistryRows.lockModel;
import static dev.keel.registry.JdbcRegistryRows.modelId;
import static dev.keel.registry.JdbcRegistryRows.modelNotFound;
import static dev.keel.registry.JdbcRegistryRows.recordMove;
import static dev.keel.registry.JdbcRegistryRows.touchModel;
import static dev.keel.registry.JdbcRegistryRows.versionId;
import static dev.keel.registry.JdbcRegistryRows.versionRow;
import static dev.keel.registry.JdbcRegistryRows.versions;
import static dev.keel.registry.JdbcRegistryRows.withTagsAndAliases;

import dev.keel.core.KeelException;
import dev.keel.store.Database;
import dev.keel.store.Dialect;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Handle;

/** Owns the SQL of model versions and their tags. */
final class JdbcVersionSql {
  private final Database db;
  private final RegistryChanges changes;

  JdbcVersionSql(Database db, RegistryChanges changes) {
    this.db = db;
    this.changes = changes;
  }

  ModelVersion createVersion(
      String fullName,
      VersionDraft d,
      LongFunction<String> location,
      Optional<String> owner,
      long now,
      String by) {
    return changes.change(
        h -> {
          String modelId = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
          h.execute(
              "UPDATE registered_models SET last_version = last_version + 1, updated_at = ?,"
                  + " updated_by = ? WHERE id = ?",
              now,
              by,
              modelId);
          long version =
              h.createQuery("SELECT last_version FROM registered_models WHERE id = ?")
                  .bind(0, modelId)
                  .mapTo(Long.class)
                  .one();
          String id = UUID.randomUUID().toString();
          h.createUpdate(
                  "INSERT INTO model_versions (id, model_id, version, source, run_id, status,"
                      + " status_message, storage_location, comment, created_at, created_by,"
                      + " updated_at, updated_by, registration_owner, registration_heartbeat)"
                      + " VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)")
              .bind(0, id)
              .bind(1, modelId)
              .bind(2, version)
              .bind(3, d.source())
              .bind(4, d.runId().orElse(null))
              .bind(5, ModelVersionStatus.PENDING_REGISTRATION.name())
              .bind(6, location.apply(version))
              .bind(7, d.comment().orElse(null))
              .bind(8, now)
              .bind(9, by)
              .bind(10, now)
              .bind(11, by)
              .bind(12, owner.orElse(null))
              .bind(13, owner.isPresent() ? Long.valueOf(now) : null)
              .execute();
          d.tags()
              .forEach(
                  (k, v) ->
                      h.execute(
                          "INSERT INTO model_version_tags (version_id, key, value) VALUES (?, ?,"
                              + " ?)",
                          id,
                          k,
                          v));
          d.lineage().ifPresent(l -> JdbcLineageSql.insertLineage(h, id, l));
          return loadVersion(h, fullName, version).orElseThrow();
        });
  }

  Optional<ModelVersion> getVersion(String fullName, long version) {
    return db.read(h -> loadVersion(h, fullName, version));
  }

  List<ModelVersion> searchVersions(
      Optional<String> fullName,
      Optional<ModelVersionStatus> status,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit) {
    return db.read(h -> versions(h, fullName, status, clauses, orderBy, offset, limit));
  }

  Map<String, ModelVersion> latestReadyVersions(List<String> fullNames) {
    if (fullNames.isEmpty()) {
      return Map.of();
    }
    return db.read(
        h -> {
          List<ModelVersion> rows =
              h.createQuery(
                      "SELECT "
                          + VERSION_COLUMNS
                          + " FROM model_versions v JOIN registered_models m ON m.id = v.model_id"
                          + " WHERE m.full_name IN (<names>) AND v.status = 'READY'"
                          + " AND v.version = (SELECT MAX(v2.version) FROM model_versions v2"
                          + " WHERE v2.model_id = v.model_id AND v2.status = 'READY')")
                  .bindList("names", fullNames)
                  .map((rs, ctx) -> versionRow(rs))
                  .list();
          Map<String, ModelVersion> out = new HashMap<>();
          for (ModelVersion v : withTagsAndAliases(h, rows)) {
            out.put(v.catalogName() + "." + v.schemaName() + "." + v.modelName(), v);
          }
          return out;
        });
  }

  ModelVersion updateVersionComment(
      String fullName, long version, String comment, long now, String principal) {
    return changes.change(
        h -> {
          String id = versionId(h, fullName, version);
          h.execute(
              "UPDATE model_versions SET comment = ?, updated_at = ?, updated_by = ? WHERE id = ?",
              comment.isEmpty() ? null : comment,
              now,
              principal,
              id);
          return loadVersion(h, fullName, version).orElseThrow();
        });
  }

  ModelVersion setVersionStatus(
      String fullName,
      long version,
      ModelVersionStatus status,
      Optional<String> message,
      Map<String, String> systemTags,
      long now,
      String principal) {
    return changes.change(
        h -> {
          String id = versionId(h, fullName, version);
          h.execute(
              "UPDATE model_versions SET status = ?, status_message = ?, updated_at = ?,"
                  + " updated_by = ?, registration_owner = NULL, registration_heartbeat = NULL,"
                  + " ready_at = ? WHERE id = ?",
              status.name(),
              message.orElse(null),
              now,
              principal,
              status == ModelVersionStatus.READY ? Long.valueOf(now) : null,
              id);
          for (Map.Entry<String, String> t : systemTags.entrySet()) {
            h.execute(
                "DELETE FROM model_version_tags WHERE version_id = ? AND key = ?", id, t.getKey());
            h.execute(
                "INSERT INTO model_version_tags (version_id, key, value) VALUES (?, ?, ?)",
                id,
                t.getKey(),
                t.getValue());
          }
          return loadVersion(h, fullName, version).orElseThrow();
        });
  }

  boolean claimRegistration(
      String fullName, long version, String owner, long now, long staleBefore) {
    return db.write(
        h -> {
          String id = versionId(h, fullName, version);
          return h.execute(
                  "UPDATE model_versions SET registration_owner = ?, registration_heartbeat = ?"
                      + " WHERE id = ? AND status = ? AND (registration_owner IS NULL"
                      + " OR registration_owner = ? OR registration_heartbeat < ?)",
                  owner,
                  now,
                  id,
                  ModelVersionStatus.PENDING_REGISTRATION.name(),
                  owner,
                  staleBefore)
              == 1;
        });
  }

  Optional<ModelVersion> finalizedVersionAt(List<String> locations, String prefix) {
    return db.read(
        h -> {
          Optional<String[]> key =
              h.createQuery(
                      "SELECT m.full_name, v.version FROM model_versions v JOIN registered_models"
                          + " m ON m.id = v.model_id WHERE v.status <> :pending AND (v.storage_location"
                          + " IN (<locations>) OR substr(v.storage_location, 1, :n) = :prefix)"
                          + " ORDER BY v.version LIMIT 1")
                  .bind("pending", ModelVersionStatus.PENDING_REGISTRATION.name())
                  .bindList("locations", locations)
                  .bind("n", prefix.length())
                  .bind("prefix", prefix)
                  .map((rs, ctx) -> new String[] {rs.getString(1), Long.toString(rs.getLong(2))})
                  .findFirst();
          return key.flatMap(k -> loadVersion(h, k[0], Long.parseLong(k[1])));
        });
  }

  int heartbeat(String owner, long now) {
    return db.write(
        h ->
            h.execute(
                "UPDATE model_versions SET registration_heartbeat = ? WHERE registration_owner = ?"
                    + " AND status = ?",
                now,
                owner,
                ModelVersionStatus.PENDING_REGISTRATION.name()));
  }

  List<ModelVersion> abandonedRegistrations(long staleBefore, int limit) {
    return db.read(
        h -> {
          List<String[]> keys =
              h.createQuery(
                      "SELECT m.full_name, v.version FROM model_versions v JOIN registered_models"
                          + " m ON m.id = v.model_id WHERE v.status = ? AND v.registration_owner"
                          + " IS NOT NULL AND v.registration_heartbeat < ? ORDER BY"
                          + " v.registration_heartbeat LIMIT ?")
                  .bind(0, ModelVersionStatus.PENDING_REGISTRATION.name())
                  .bind(1, staleBefore)
                  .bind(2, limit)
                  .map((rs, ctx) -> new String[] {rs.getString(1), Long.toString(rs.getLong(2))})
                  .list();
          return keys.stream()
              .map(k -> loadVersion(h, k[0], Long.parseLong(k[1])))
              .flatMap(Optional::stream)
              .toList();
        });
  }

  void deleteVersion(String fullName, long version, long now, String principal) {
    changes.change(
        h -> {
          // Locked: the aliases it removes are moves in their history, like setAlias's.
          String modelId =
              lockModel(h, db.dialect(), fullName).orElseThrow(() -> modelNotFound(fullName));
          String id = versionId(h, fullName, version);
          List<String> aliases =
              h.createQuery("SELECT alias FROM model_aliases WHERE model_id = ? AND version = ?")
                  .bind(0, modelId)
                  .bind(1, version)
                  .mapTo(String.class)
                  .list();
          for (String a : aliases) {
            h.execute("DELETE FROM model_aliases WHERE model_id = ? AND alias = ?", modelId, a);
            recordMove(
                h, modelId, a, OptionalLong.of(version), OptionalLong.empty(), now, principal);
          }
          h.execute("DELETE FROM model_version_tags WHERE version_id = ?", id);
          h.execute("DELETE FROM model_version_datasets WHERE version_id = ?", id);
          h.execute("DELETE FROM model_version_lineage WHERE version_id = ?", id);
          h.execute("DELETE FROM model_versions WHERE id = ?", id);
          touchModel(h, modelId, now, principal);
          return null;
        });
  }

  void setVersionTag(
      String fullName,
      long version,
      String key,
      String value,
      boolean fixedOnceReady,
      long now,
      String principal) {
    changes.change(
        h -> {
          lockModel(h, db.dialect(), fullName).orElseThrow(() -> modelNotFound(fullName));
          String id = versionId(h, fullName, version);
          if (fixedOnceReady) {
            refuseIfReady(h, id, fullName, version, key, "set");
          }
          h.execute(
              "INSERT INTO model_version_tags (version_id, key, value) VALUES (?, ?, ?)"
                  + " ON CONFLICT (version_id, key) DO UPDATE SET value = excluded.value",
              id,
              key,
              value);
          h.execute(
              "UPDATE model_versions SET updated_at = ?, updated_by = ? WHERE id = ?",
              now,
              principal,
              id);
          return null;
        });
  }

  void deleteVersionTag(
      String fullName,
      long version,
      String key,
      boolean fixedOnceReady,
      long now,
      String principal) {
    changes.change(
        h -> {
          String id = versionId(h, fullName, version);
          if (fixedOnceReady) {
            refuseIfReady(h, id, fullName, version, key, "deleted");
          }
          int n =
              h.execute("DELETE FROM model_version_tags WHERE version_id = ? AND key = ?", id, key);
          if (n == 0) {
            throw KeelException.notFound(
                "No tag with key '"
                    + key
                    + "' on version "
                    + version
                    + " of registered model '"
                    + fullName
                    + "'.");
          }
          return null;
        });
  }

  /**
   * Refuses a change to a tag that decides how the version is served once it is READY. The status
   * is read with the version's row locked (on PostgreSQL; SQLite has one writer), and a finalize
   * updates that row, so the two are ordered: a tag change either precedes READY or is refused.
   */
  private void refuseIfReady(
      Handle h, String id, String fullName, long version, String key, String verb) {
    String status =
        h.createQuery(
                "SELECT status FROM model_versions WHERE id = ?"
                    + (db.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : ""))
            .bind(0, id)
            .mapTo(String.class)
            .one();
    if (ModelVersionStatus.READY.name().equals(status)) {
      throw KeelException.invalid(
          "Tag 'key' '"
              + key
              + "' cannot be "
              + verb
              + " on READY version "
              + version
              + " of "
              + fullName
              + ": it decides how the version is served and is fixed at registration. Register"
              + " a new version with the tag instead.");
    }
  }
}
