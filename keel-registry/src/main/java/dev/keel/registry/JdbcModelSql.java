package dev.keel.registry;

import static dev.keel.registry.JdbcRegistryRows.MODEL_COLUMNS;
import static dev.keel.registry.JdbcRegistryRows.clause;
import static dev.keel.registry.JdbcRegistryRows.loadModel;
import static dev.keel.registry.JdbcRegistryRows.lockModel;
import static dev.keel.registry.JdbcRegistryRows.modelExists;
import static dev.keel.registry.JdbcRegistryRows.modelId;
import static dev.keel.registry.JdbcRegistryRows.modelNotFound;
import static dev.keel.registry.JdbcRegistryRows.modelRow;
import static dev.keel.registry.JdbcRegistryRows.touchModel;
import static dev.keel.registry.JdbcRegistryRows.withModelDetails;

import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.catalog.JdbcGrantStore;
import dev.keel.core.KeelException;
import dev.keel.core.SecurableType;
import dev.keel.registry.JdbcRegistryRows.Sql;
import dev.keel.store.Database;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Owns the SQL of registered models and their tags. */
final class JdbcModelSql {
  private final Database db;
  private final RegistryChanges changes;

  JdbcModelSql(Database db, RegistryChanges changes) {
    this.db = db;
    this.changes = changes;
  }

  void createModel(RegisteredModel m) {
    try {
      changes.change(
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

  Optional<RegisteredModel> getModel(String fullName) {
    return db.read(h -> loadModel(h, fullName));
  }

  List<RegisteredModel> searchModels(
      Optional<String> catalogName,
      Optional<String> schemaName,
      List<Clause> clauses,
      SortOrder orderBy,
      long offset,
      int limit,
      dev.keel.catalog.Viewer viewer) {
    dev.keel.catalog.GrantSql visible =
        dev.keel.catalog.GrantSql.visible(
            viewer,
            dev.keel.core.SecurableType.REGISTERED_MODEL,
            "m.catalog_name",
            "m.catalog_name || '.' || m.schema_name",
            "m.full_name",
            "m.owner");
    return db.read(
        h -> {
          Sql sql = new Sql();
          if (!viewer.all()) {
            sql.where(visible.sql(), visible.binds().toArray());
          }
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

  RegisteredModel updateModel(
      String fullName,
      Optional<String[]> newName,
      Optional<String> comment,
      long now,
      String principal) {
    String target = newName.map(n -> String.join(".", n)).orElse(fullName);
    try {
      return changes.change(
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
              JdbcGrantStore.moveGrants(h, SecurableType.REGISTERED_MODEL, fullName, target);
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

  RegisteredModel setModelOwner(String fullName, String owner, long now, String principal) {
    return changes.change(
        h -> {
          String id = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
          h.execute("UPDATE registered_models SET owner = ? WHERE id = ?", owner, id);
          touchModel(h, id, now, principal);
          return loadModel(h, fullName).orElseThrow();
        });
  }

  void deleteModel(String fullName) {
    changes.change(
        h -> {
          String id = modelId(h, fullName).orElseThrow(() -> modelNotFound(fullName));
          deleteModelRows(h, id);
          JdbcGrantStore.dropGrants(h, SecurableType.REGISTERED_MODEL, fullName);
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

  void setModelTag(String fullName, String key, String value, long now, String principal) {
    changes.change(
        h -> {
          String id =
              lockModel(h, db.dialect(), fullName).orElseThrow(() -> modelNotFound(fullName));
          h.execute(
              "INSERT INTO registered_model_tags (model_id, key, value) VALUES (?, ?, ?)"
                  + " ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
              id,
              key,
              value);
          touchModel(h, id, now, principal);
          return null;
        });
  }

  void deleteModelTag(String fullName, String key, long now, String principal) {
    changes.change(
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
}
