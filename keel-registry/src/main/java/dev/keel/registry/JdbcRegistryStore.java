package dev.keel.registry;

import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.core.KeelException;
import dev.keel.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * {@link RegistryStore} on Keel's metadata database (SQLite or PostgreSQL), tables from {@code
 * V3__registry.sql}. Searches run in the database (filters, order and paging in SQL). Thread-safe.
 */
public final class JdbcRegistryStore implements RegistryStore {
  private static final String MODEL_COLUMNS =
      "m.id, m.catalog_name, m.schema_name, m.name, m.comment, m.owner, m.created_at,"
          + " m.created_by, m.updated_at, m.updated_by";
  private static final String VERSION_COLUMNS =
      "v.id, m.catalog_name, m.schema_name, m.name AS model_name, v.version, v.source, v.run_id,"
          + " v.status, v.status_message, v.storage_location, v.comment, v.created_at,"
          + " v.created_by, v.updated_at, v.updated_by";

  /** The channel on which registry changes are announced to other servers on the same database. */
  static final String CHANNEL = "keel_registry";

  private final Database db;
  private final AliasCache aliases = new AliasCache();

  public JdbcRegistryStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
    aliases.listenTo(db.subscribe(CHANNEL, aliases::invalidate));
  }

  /** Runs a registry write: announces it and drops cached alias answers once it commits. */
  private <R> R change(HandleCallback<R, RuntimeException> callback) {
    try {
      return db.write(
          h -> {
            changed(h);
            return callback.withHandle(h);
          });
    } finally {
      aliases.invalidate(); // also after a rollback: harmless, and covers a failed commit
    }
  }

  /**
   * Marks the transaction of {@code h} as a registry change made outside this store (catalog
   * cascades): cached alias answers are dropped when it commits, here and on other servers.
   */
  void changed(Handle h) {
    db.announce(h, CHANNEL);
    h.afterCommit(aliases::invalidate);
  }

  // ---------------------------------------------------------------- models

  @Override
  public void createModel(RegisteredModel m) {
    try {
      change(
          h -> {
            if (!JdbcCatalogStore.lockSchemaForChild(
                h, db.dialect(), m.catalogName(), m.schemaName())) {
              throw KeelException.notFound(
                  "Schema '" + m.catalogName() + "." + m.schemaName() + "' does not exist.");
            }
            if (modelId(h, m.fullName()).isPresent()) {
              throw modelExists(m.fullName());
            }
            h.createUpdate(
                    "INSERT INTO registered_models (id, catalog_name, schema_name, name, full_name,"
                        + " comment, owner, created_at, created_by, updated_at, updated_by)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(0, m.id())
                .bind(1, m.catalogName())
                .bind(2, m.schemaName())
                .bind(3, m.name())
                .bind(4, m.fullName())
                .bind(5, m.comment().orElse(null))
                .bind(6, m.owner())
                .bind(7, m.createdAt())
                .bind(8, m.createdBy())
                .bind(9, m.updatedAt())
                .bind(10, m.updatedBy())
                .execute();
            m.tags()
                .forEach(
                    (k, v) ->
                        h.execute(
                            "INSERT INTO registered_model_tags (model_id, key, value)"
                                + " VALUES (?, ?, ?)",
                            m.id(),
                            k,
                            v));
            return null;
          });
    } catch (UnableToExecuteStatementException e) {
      if (getModel(m.fullName()).isPresent()) {
        throw modelExists(m.fullName());
      }
      throw e;
    }
  }

  @Override
  public Optional<RegisteredModel> getModel(String fullName) {
    return db.read(h -> loadModel(h, fullName));
  }

  @Override
  public List<RegisteredModel> searchModels(
      Optional<String> catalogName,
      Optional<String> schemaName,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit) {
    return db.read(
        h -> {
          Sql sql = new Sql();
          catalogName.ifPresent(c -> sql.where("m.catalog_name = ?", c));
          schemaName.ifPresent(s -> sql.where("m.schema_name = ?", s));
          for (Clause c : clauses) {
            clause(sql, c, "m.full_name", "registered_model_tags", "model_id", "m.id");
          }
          String order =
              switch (orderBy.column()) {
                case "creation_timestamp" -> "m.created_at";
                case "last_updated_timestamp" -> "m.updated_at";
                default -> "m.full_name";
              };
          String text =
              "SELECT "
                  + MODEL_COLUMNS
                  + " FROM registered_models m"
                  + sql.whereText()
                  + " ORDER BY "
                  + order
                  + (orderBy.ascending() ? " ASC" : " DESC")
                  + ", m.full_name ASC LIMIT ? OFFSET ?";
          List<RegisteredModel> rows =
              sql.bindAll(h.createQuery(text), limit, offset)
                  .map((rs, ctx) -> modelRow(rs, Map.of(), Map.of()))
                  .list();
          return withModelDetails(h, rows);
        });
  }

  @Override
  public RegisteredModel updateModel(
      String fullName,
      Optional<String[]> newName,
      Optional<String> comment,
      long now,
      String principal) {
    String target = newName.map(n -> String.join(".", n)).orElse(fullName);
    try {
      return change(
          h -> {
            String id = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
            if (!target.equals(fullName) && modelId(h, target).isPresent()) {
              throw modelExists(target);
            }
            if (newName.isPresent()) {
              String[] n = newName.get();
              h.execute(
                  "UPDATE registered_models SET catalog_name = ?, schema_name = ?, name = ?,"
                      + " full_name = ? WHERE id = ?",
                  n[0],
                  n[1],
                  n[2],
                  target,
                  id);
            }
            comment.ifPresent(
                c ->
                    h.execute(
                        "UPDATE registered_models SET comment = ? WHERE id = ?",
                        c.isEmpty() ? null : c,
                        id));
            touchModel(h, id, now, principal);
            return loadModel(h, target).orElseThrow();
          });
    } catch (UnableToExecuteStatementException e) {
      if (!target.equals(fullName) && getModel(target).isPresent()) {
        throw modelExists(target);
      }
      throw e;
    }
  }

  @Override
  public void deleteModel(String fullName) {
    change(
        h -> {
          String id = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
          deleteModelRows(h, id);
          return null;
        });
  }

  /** Deletes one model's rows (versions, lineage, tags, aliases, history) on {@code h}. */
  static void deleteModelRows(Handle h, String id) {
    for (String table :
        List.of("model_version_tags", "model_version_datasets", "model_version_lineage")) {
      h.execute(
          "DELETE FROM "
              + table
              + " WHERE version_id IN (SELECT id FROM model_versions WHERE model_id = ?)",
          id);
    }
    h.execute("DELETE FROM model_versions WHERE model_id = ?", id);
    h.execute("DELETE FROM model_aliases WHERE model_id = ?", id);
    h.execute("DELETE FROM model_alias_history WHERE model_id = ?", id);
    h.execute("DELETE FROM registered_model_tags WHERE model_id = ?", id);
    h.execute("DELETE FROM registered_models WHERE id = ?", id);
  }

  @Override
  public void setModelTag(String fullName, String key, String value, long now, String principal) {
    change(
        h -> {
          String id = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
          h.execute("DELETE FROM registered_model_tags WHERE model_id = ? AND key = ?", id, key);
          h.execute(
              "INSERT INTO registered_model_tags (model_id, key, value) VALUES (?, ?, ?)",
              id,
              key,
              value);
          touchModel(h, id, now, principal);
          return null;
        });
  }

  @Override
  public void deleteModelTag(String fullName, String key, long now, String principal) {
    change(
        h -> {
          String id = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
          int n =
              h.execute(
                  "DELETE FROM registered_model_tags WHERE model_id = ? AND key = ?", id, key);
          if (n == 0) {
            throw KeelException.notFound(
                "No tag with key '" + key + "' on registered model '" + fullName + "'.");
          }
          touchModel(h, id, now, principal);
          return null;
        });
  }

  // ---------------------------------------------------------------- versions

  @Override
  public ModelVersion createVersion(
      String fullName, VersionDraft d, LongFunction<String> location, long now, String by) {
    return change(
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
                      + " updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?,"
                      + " ?)")
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
          d.lineage().ifPresent(l -> insertLineage(h, id, l));
          return loadVersion(h, fullName, version).orElseThrow();
        });
  }

  private static void insertLineage(Handle h, String versionId, VersionLineage l) {
    h.createUpdate(
            "INSERT INTO model_version_lineage (version_id, run_id, experiment_id, code_version,"
                + " captured_at) VALUES (?, ?, ?, ?, ?)")
        .bind(0, versionId)
        .bind(1, l.runId())
        .bind(2, l.experimentId())
        .bind(3, l.codeVersion().orElse(null))
        .bind(4, l.capturedAt())
        .execute();
    int i = 0;
    for (VersionLineage.LineageDataset d : l.datasets()) {
      h.createUpdate(
              "INSERT INTO model_version_datasets (version_id, position, name, digest, source_type,"
                  + " source, context) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .bind(0, versionId)
          .bind(1, i++)
          .bind(2, d.name())
          .bind(3, d.digest())
          .bind(4, d.sourceType())
          .bind(5, d.source())
          .bind(6, d.context().orElse(null))
          .execute();
    }
  }

  @Override
  public Map<String, VersionLineage> lineages(List<String> versionIds) {
    if (versionIds.isEmpty()) {
      return Map.of();
    }
    return db.read(
        h -> {
          Map<String, List<VersionLineage.LineageDataset>> datasets = new HashMap<>();
          h.createQuery(
                  "SELECT version_id, name, digest, source_type, source, context"
                      + " FROM model_version_datasets WHERE version_id IN (<ids>)"
                      + " ORDER BY version_id, position")
              .bindList("ids", versionIds)
              .map(
                  (rs, ctx) ->
                      Map.entry(
                          rs.getString(1),
                          new VersionLineage.LineageDataset(
                              rs.getString(2),
                              rs.getString(3),
                              rs.getString(4),
                              rs.getString(5),
                              Optional.ofNullable(rs.getString(6)))))
              .forEach(
                  e ->
                      datasets
                          .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                          .add(e.getValue()));
          Map<String, VersionLineage> out = new HashMap<>();
          h.createQuery(
                  "SELECT version_id, run_id, experiment_id, code_version, captured_at"
                      + " FROM model_version_lineage WHERE version_id IN (<ids>)")
              .bindList("ids", versionIds)
              .map(
                  (rs, ctx) ->
                      Map.entry(
                          rs.getString(1),
                          new VersionLineage(
                              rs.getString(2),
                              rs.getString(3),
                              Optional.ofNullable(rs.getString(4)),
                              datasets.getOrDefault(rs.getString(1), List.of()),
                              rs.getLong(5))))
              .forEach(e -> out.put(e.getKey(), e.getValue()));
          return out;
        });
  }

  @Override
  public Optional<ModelVersion> getVersion(String fullName, long version) {
    return db.read(h -> loadVersion(h, fullName, version));
  }

  @Override
  public List<ModelVersion> searchVersions(
      Optional<String> fullName,
      Optional<ModelVersionStatus> status,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit) {
    return db.read(h -> versions(h, fullName, status, clauses, orderBy, offset, limit));
  }

  @Override
  public Map<String, ModelVersion> latestReadyVersions(List<String> fullNames) {
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

  @Override
  public ModelVersion updateVersionComment(
      String fullName, long version, String comment, long now, String principal) {
    return change(
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

  @Override
  public ModelVersion setVersionStatus(
      String fullName,
      long version,
      ModelVersionStatus status,
      Optional<String> message,
      long now,
      String principal) {
    return change(
        h -> {
          String id = versionId(h, fullName, version);
          h.execute(
              "UPDATE model_versions SET status = ?, status_message = ?, updated_at = ?,"
                  + " updated_by = ? WHERE id = ?",
              status.name(),
              message.orElse(null),
              now,
              principal,
              id);
          return loadVersion(h, fullName, version).orElseThrow();
        });
  }

  @Override
  public void deleteVersion(String fullName, long version, long now, String principal) {
    change(
        h -> {
          String modelId = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
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

  @Override
  public void setVersionTag(
      String fullName, long version, String key, String value, long now, String principal) {
    change(
        h -> {
          String id = versionId(h, fullName, version);
          h.execute("DELETE FROM model_version_tags WHERE version_id = ? AND key = ?", id, key);
          h.execute(
              "INSERT INTO model_version_tags (version_id, key, value) VALUES (?, ?, ?)",
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

  @Override
  public void deleteVersionTag(
      String fullName, long version, String key, long now, String principal) {
    change(
        h -> {
          String id = versionId(h, fullName, version);
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

  // ---------------------------------------------------------------- aliases

  @Override
  public void setAlias(String fullName, String alias, long version, long now, String principal) {
    change(
        h -> {
          String modelId = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
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

  @Override
  public void deleteAlias(String fullName, String alias, long now, String principal) {
    change(
        h -> {
          String modelId = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
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

  @Override
  public OptionalLong aliasVersion(String fullName, String alias) {
    return db.read(
        h -> {
          String modelId = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
          return aliasVersion(h, modelId, alias);
        });
  }

  @Override
  public Optional<ModelVersion> versionByAlias(String fullName, String alias) {
    return aliases.get(fullName, alias, () -> loadVersionByAlias(fullName, alias));
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

  @Override
  public List<AliasMove> aliasHistory(String fullName, String alias) {
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

  // ---------------------------------------------------------------- helpers

  private static OptionalLong aliasVersion(Handle h, String modelId, String alias) {
    return h.createQuery("SELECT version FROM model_aliases WHERE model_id = ? AND alias = ?")
        .bind(0, modelId)
        .bind(1, alias)
        .mapTo(Long.class)
        .findOne()
        .map(OptionalLong::of)
        .orElse(OptionalLong.empty());
  }

  private static void recordMove(
      Handle h,
      String modelId,
      String alias,
      OptionalLong from,
      OptionalLong to,
      long now,
      String by) {
    h.createUpdate(
            "INSERT INTO model_alias_history (model_id, alias, from_version, to_version, moved_by,"
                + " moved_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(0, modelId)
        .bind(1, alias)
        .bind(2, from.isPresent() ? from.getAsLong() : null)
        .bind(3, to.isPresent() ? to.getAsLong() : null)
        .bind(4, by)
        .bind(5, now)
        .execute();
  }

  private static void touchModel(Handle h, String id, long now, String by) {
    h.execute(
        "UPDATE registered_models SET updated_at = ?, updated_by = ? WHERE id = ?", now, by, id);
  }

  private static Optional<String> modelId(Handle h, String fullName) {
    return h.createQuery("SELECT id FROM registered_models WHERE full_name = ?")
        .bind(0, fullName)
        .mapTo(String.class)
        .findOne();
  }

  private static String versionId(Handle h, String fullName, long version) {
    modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
    return h.createQuery(
            "SELECT v.id FROM model_versions v JOIN registered_models m ON m.id = v.model_id"
                + " WHERE m.full_name = ? AND v.version = ?")
        .bind(0, fullName)
        .bind(1, version)
        .mapTo(String.class)
        .findOne()
        .orElseThrow(() -> versionNotFound(fullName, version));
  }

  private static Optional<RegisteredModel> loadModel(Handle h, String fullName) {
    List<RegisteredModel> rows =
        h.createQuery("SELECT " + MODEL_COLUMNS + " FROM registered_models m WHERE full_name = ?")
            .bind(0, fullName)
            .map((rs, ctx) -> modelRow(rs, Map.of(), Map.of()))
            .list();
    return withModelDetails(h, rows).stream().findFirst();
  }

  private static List<RegisteredModel> withModelDetails(Handle h, List<RegisteredModel> rows) {
    if (rows.isEmpty()) {
      return rows;
    }
    List<String> ids = rows.stream().map(RegisteredModel::id).toList();
    Map<String, Map<String, String>> tags = new HashMap<>();
    h.createQuery(
            "SELECT model_id, key, value FROM registered_model_tags WHERE model_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
        .forEach(r -> tags.computeIfAbsent(r[0], k -> new HashMap<>()).put(r[1], r[2]));
    Map<String, Map<String, Long>> aliases = new HashMap<>();
    h.createQuery("SELECT model_id, alias, version FROM model_aliases WHERE model_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3)})
        .forEach(
            r ->
                aliases
                    .computeIfAbsent((String) r[0], k -> new HashMap<>())
                    .put((String) r[1], (Long) r[2]));
    return rows.stream()
        .map(
            m ->
                new RegisteredModel(
                    m.id(),
                    m.catalogName(),
                    m.schemaName(),
                    m.name(),
                    m.comment(),
                    m.owner(),
                    m.createdAt(),
                    m.createdBy(),
                    m.updatedAt(),
                    m.updatedBy(),
                    tags.getOrDefault(m.id(), Map.of()),
                    aliases.getOrDefault(m.id(), Map.of())))
        .toList();
  }

  private static RegisteredModel modelRow(
      ResultSet rs, Map<String, String> tags, Map<String, Long> aliases) throws SQLException {
    return new RegisteredModel(
        rs.getString("id"),
        rs.getString("catalog_name"),
        rs.getString("schema_name"),
        rs.getString("name"),
        Optional.ofNullable(rs.getString("comment")),
        rs.getString("owner"),
        rs.getLong("created_at"),
        rs.getString("created_by"),
        rs.getLong("updated_at"),
        rs.getString("updated_by"),
        tags,
        aliases);
  }

  private static Optional<ModelVersion> loadVersion(Handle h, String fullName, long version) {
    return versions(
            h,
            Optional.of(fullName),
            Optional.empty(),
            List.of(new Clause("version_number", "=", List.of(Long.toString(version)))),
            new SortOrder("version_number", true),
            0,
            1)
        .stream()
        .findFirst();
  }

  private static List<ModelVersion> versions(
      Handle h,
      Optional<String> fullName,
      Optional<ModelVersionStatus> status,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit) {
    Sql sql = new Sql();
    fullName.ifPresent(n -> sql.where("m.full_name = ?", n));
    status.ifPresent(s -> sql.where("v.status = ?", s.name()));
    for (Clause c : clauses) {
      clause(sql, c, "m.full_name", "model_version_tags", "version_id", "v.id");
    }
    String order =
        switch (orderBy.column()) {
          case "name" -> "m.full_name";
          case "creation_timestamp" -> "v.created_at";
          case "last_updated_timestamp" -> "v.updated_at";
          default -> "v.version";
        };
    String text =
        "SELECT "
            + VERSION_COLUMNS
            + " FROM model_versions v JOIN registered_models m ON m.id = v.model_id"
            + sql.whereText()
            + " ORDER BY "
            + order
            + (orderBy.ascending() ? " ASC" : " DESC")
            + ", m.full_name ASC, v.version DESC LIMIT ? OFFSET ?";
    List<ModelVersion> rows =
        sql.bindAll(h.createQuery(text), limit, offset).map((rs, ctx) -> versionRow(rs)).list();
    return withTagsAndAliases(h, rows);
  }

  /** The rows with their tags and aliases, read with one query each. */
  private static List<ModelVersion> withTagsAndAliases(Handle h, List<ModelVersion> rows) {
    if (rows.isEmpty()) {
      return rows;
    }
    List<String> ids = rows.stream().map(ModelVersion::id).toList();
    Map<String, Map<String, String>> tags = new HashMap<>();
    h.createQuery(
            "SELECT version_id, key, value FROM model_version_tags WHERE version_id IN (<ids>)")
        .bindList("ids", ids)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
        .forEach(r -> tags.computeIfAbsent(r[0], k -> new HashMap<>()).put(r[1], r[2]));
    Map<String, List<String>> aliases = new HashMap<>();
    h.createQuery(
            "SELECT v.id, a.alias FROM model_aliases a JOIN model_versions v"
                + " ON v.model_id = a.model_id AND v.version = a.version WHERE v.id IN (<ids>)"
                + " ORDER BY a.alias")
        .bindList("ids", ids)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
        .forEach(r -> aliases.computeIfAbsent(r[0], k -> new ArrayList<>()).add(r[1]));
    return rows.stream()
        .map(
            v ->
                new ModelVersion(
                    v.id(),
                    v.catalogName(),
                    v.schemaName(),
                    v.modelName(),
                    v.version(),
                    v.source(),
                    v.runId(),
                    v.status(),
                    v.statusMessage(),
                    v.storageLocation(),
                    v.comment(),
                    v.createdAt(),
                    v.createdBy(),
                    v.updatedAt(),
                    v.updatedBy(),
                    tags.getOrDefault(v.id(), Map.of()),
                    aliases.getOrDefault(v.id(), List.of())))
        .toList();
  }

  private static ModelVersion versionRow(ResultSet rs) throws SQLException {
    return new ModelVersion(
        rs.getString("id"),
        rs.getString("catalog_name"),
        rs.getString("schema_name"),
        rs.getString("model_name"),
        rs.getLong("version"),
        rs.getString("source"),
        Optional.ofNullable(rs.getString("run_id")),
        ModelVersionStatus.valueOf(rs.getString("status")),
        Optional.ofNullable(rs.getString("status_message")),
        rs.getString("storage_location"),
        Optional.ofNullable(rs.getString("comment")),
        rs.getLong("created_at"),
        rs.getString("created_by"),
        rs.getLong("updated_at"),
        rs.getString("updated_by"),
        Map.of(),
        List.of());
  }

  /** Adds one checked clause; column names come from a fixed set, values are bound. */
  private static void clause(
      Sql sql, Clause c, String nameColumn, String tagTable, String tagOwner, String ownerId) {
    if (c.isTag()) {
      sql.where(
          "EXISTS (SELECT 1 FROM "
              + tagTable
              + " g WHERE g."
              + tagOwner
              + " = "
              + ownerId
              + " AND g.key = ? AND "
              + compare("g.value", c.op(), 1)
              + ")",
          c.tagKey(),
          c.values().get(0));
      return;
    }
    String column =
        switch (c.field()) {
          case "name" -> nameColumn;
          case "run_id" -> "v.run_id";
          case "source_path" -> "v.source";
          case "version_number" -> "v.version";
          default -> throw new IllegalArgumentException("unchecked field " + c.field());
        };
    Object[] values =
        c.field().equals("version_number")
            ? c.values().stream().map(Long::parseLong).toArray()
            : c.values().toArray();
    sql.where(compare(column, c.op(), values.length), values);
  }

  private static String compare(String column, String op, int n) {
    return switch (op) {
      case "=", "<", "<=", ">", ">=" -> column + " " + op + " ?";
      case "!=" -> column + " <> ?";
      case "LIKE" -> column + " LIKE ?";
      case "ILIKE" -> "LOWER(" + column + ") LIKE LOWER(?)";
      case "IN" ->
          column + " IN (" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
      default -> throw new IllegalArgumentException("unchecked operator " + op);
    };
  }

  /** A WHERE clause built from conditions with positional binds. */
  private static final class Sql {
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> binds = new ArrayList<>();

    void where(String condition, Object... values) {
      conditions.add(condition);
      binds.addAll(List.of(values));
    }

    String whereText() {
      return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    Query bindAll(Query q, int limit, long offset) {
      int i = 0;
      for (Object b : binds) {
        q.bind(i++, b);
      }
      q.bind(i++, limit);
      q.bind(i, offset);
      return q;
    }
  }

  private static OptionalLong optLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
  }

  static KeelException modelNotFound(String fullName) {
    return KeelException.notFound("Registered model '" + fullName + "' does not exist.");
  }

  static KeelException versionNotFound(String fullName, long version) {
    return KeelException.notFound(
        "Model version " + version + " of registered model '" + fullName + "' does not exist.");
  }

  private static KeelException modelExists(String fullName) {
    return KeelException.alreadyExists("Registered model '" + fullName + "' already exists.");
  }
}
