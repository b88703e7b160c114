package dev.keel.catalog;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.SecurableType;
import dev.keel.store.Database;
import dev.keel.store.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * {@link CatalogStore} on Keel's metadata database (SQLite or PostgreSQL), tables from {@code
 * V2__catalog.sql}. Thread-safe.
 */
public final class JdbcCatalogStore implements CatalogStore {
  private static final String CATALOG_COLUMNS =
      "id, name, comment, owner, created_at, created_by, updated_at, updated_by";
  private static final String SCHEMA_COLUMNS =
      "s.id, c.name AS catalog_name, s.name, s.comment, s.owner, s.created_at, s.created_by,"
          + " s.updated_at, s.updated_by";

  private final Database db;
  private final List<SchemaContents> contents;

  public JdbcCatalogStore(Database db) {
    this(db, List.of());
  }

  /**
   * @param contents what other capabilities store under schemas; deletes cascade to them (or are
   *     refused without {@code force}) and renames move them, in the same transaction
   */
  public JdbcCatalogStore(Database db, List<SchemaContents> contents) {
    this.db = Objects.requireNonNull(db, "db");
    this.contents = List.copyOf(contents);
  }

  // ---------------------------------------------------------------- catalogs

  @Override
  public void createCatalog(Catalog c) {
    uniqueName(
        () ->
            db.write(
                h -> {
                  if (catalogId(h, c.name()).isPresent()) {
                    throw catalogExists(c.name());
                  }
                  h.createUpdate(
                          "INSERT INTO catalogs ("
                              + CATALOG_COLUMNS
                              + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                      .bind(0, c.id())
                      .bind(1, c.name())
                      .bind(2, c.comment().orElse(null))
                      .bind(3, c.owner())
                      .bind(4, c.createdAt())
                      .bind(5, c.createdBy())
                      .bind(6, c.updatedAt())
                      .bind(7, c.updatedBy())
                      .execute();
                  insertProperties(h, "catalog_properties", "catalog_id", c.id(), c.properties());
                  return null;
                }),
        () -> getCatalog(c.name()).isPresent(),
        () -> catalogExists(c.name()));
  }

  @Override
  public Optional<Catalog> getCatalog(String name) {
    return db.read(h -> loadCatalog(h, name));
  }

  @Override
  public List<Catalog> listCatalogs(Optional<String> afterName, int limit, Viewer viewer) {
    GrantSql visible =
        GrantSql.visible(
            viewer,
            SecurableType.CATALOG,
            "catalogs.name",
            null,
            "catalogs.name",
            "catalogs.owner");
    return db.read(
        h -> {
          org.jdbi.v3.core.statement.Query q =
              h.createQuery(
                  "SELECT "
                      + CATALOG_COLUMNS
                      + " FROM catalogs WHERE name > ? AND "
                      + visible.sql()
                      + " ORDER BY name LIMIT ?");
          int i = 0;
          q.bind(i++, afterName.orElse(""));
          for (Object b : visible.binds()) {
            q.bind(i++, b);
          }
          q.bind(i, limit);
          List<Catalog> rows = q.map((rs, ctx) -> catalogRow(rs, Map.of())).list();
          Map<String, Map<String, String>> props =
              properties(h, "catalog_properties", "catalog_id", rows.stream().map(Catalog::id));
          return rows.stream()
              .map(c -> withProperties(c, props.getOrDefault(c.id(), Map.of())))
              .toList();
        });
  }

  @Override
  public Catalog updateCatalog(String name, Changes changes, long now, String principal) {
    String target = changes.newName().orElse(name);
    return uniqueName(
        () ->
            db.write(
                h -> {
                  String id =
                      catalogId(h, name, lock("UPDATE")).orElseThrow(() -> catalogNotFound(name));
                  if (!target.equals(name) && catalogId(h, target).isPresent()) {
                    throw catalogExists(target);
                  }
                  update(h, "catalogs", id, target, changes, now, principal);
                  if (!target.equals(name)) {
                    contents.forEach(c -> c.rename(h, name, Optional.empty(), target));
                  }
                  if (!changes.properties().isEmpty()) {
                    h.execute("DELETE FROM catalog_properties WHERE catalog_id = ?", id);
                    insertProperties(
                        h, "catalog_properties", "catalog_id", id, changes.properties());
                  }
                  return loadCatalog(h, target).orElseThrow();
                }),
        () -> !target.equals(name) && getCatalog(target).isPresent(),
        () -> catalogExists(target));
  }

  @Override
  public void deleteCatalog(String name, boolean force) {
    List<Runnable> after =
        db.write(
            h -> {
              String id =
                  catalogId(h, name, lock("UPDATE")).orElseThrow(() -> catalogNotFound(name));
              boolean hasSchemas =
                  h.createQuery("SELECT 1 FROM catalog_schemas WHERE catalog_id = ? LIMIT 1")
                      .bind(0, id)
                      .mapTo(Integer.class)
                      .findOne()
                      .isPresent();
              if (hasSchemas && !force) {
                throw new KeelException(
                    ErrorCode.FAILED_PRECONDITION, "Cannot delete catalog with schemas: " + name);
              }
              List<Runnable> cleanup = deleteContents(h, name, Optional.empty(), force);
              h.execute(
                  "DELETE FROM schema_properties WHERE schema_id IN"
                      + " (SELECT id FROM catalog_schemas WHERE catalog_id = ?)",
                  id);
              h.execute("DELETE FROM catalog_schemas WHERE catalog_id = ?", id);
              h.execute("DELETE FROM catalog_properties WHERE catalog_id = ?", id);
              h.execute("DELETE FROM catalogs WHERE id = ?", id);
              return cleanup;
            });
    after.forEach(Runnable::run);
  }

  /**
   * Refuses (without {@code force}) or deletes what other capabilities store under the catalog or
   * schema; returns the work to run after the commit.
   */
  private List<Runnable> deleteContents(
      Handle h, String catalog, Optional<String> schema, boolean force) {
    String what = schema.map(s -> "schema " + catalog + "." + s).orElse("catalog " + catalog);
    if (!force) {
      for (SchemaContents c : contents) {
        long n = c.count(h, catalog, schema);
        if (n > 0) {
          throw new KeelException(
              ErrorCode.FAILED_PRECONDITION,
              "Cannot delete "
                  + what
                  + ": it still holds "
                  + n
                  + " "
                  + c.kind()
                  + "; delete them first or pass force=true.");
        }
      }
    }
    List<Runnable> after = new ArrayList<>();
    for (SchemaContents c : contents) {
      after.add(c.delete(h, catalog, schema));
    }
    return after;
  }

  // ---------------------------------------------------------------- schemas

  @Override
  public void createSchema(Schema s) {
    uniqueName(
        () ->
            db.write(
                h -> {
                  String catalogId =
                      catalogId(h, s.catalogName(), lock("SHARE"))
                          .orElseThrow(() -> catalogNotFound(s.catalogName()));
                  if (schemaId(h, catalogId, s.name()).isPresent()) {
                    throw schemaExists(s.fullName());
                  }
                  h.createUpdate(
                          "INSERT INTO catalog_schemas (id, catalog_id, name, comment, owner,"
                              + " created_at, created_by, updated_at, updated_by)"
                              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                      .bind(0, s.id())
                      .bind(1, catalogId)
                      .bind(2, s.name())
                      .bind(3, s.comment().orElse(null))
                      .bind(4, s.owner())
                      .bind(5, s.createdAt())
                      .bind(6, s.createdBy())
                      .bind(7, s.updatedAt())
                      .bind(8, s.updatedBy())
                      .execute();
                  insertProperties(h, "schema_properties", "schema_id", s.id(), s.properties());
                  return null;
                }),
        () -> getSchema(s.catalogName(), s.name()).isPresent(),
        () -> schemaExists(s.fullName()));
  }

  @Override
  public Optional<Schema> getSchema(String catalogName, String name) {
    return db.read(h -> loadSchema(h, catalogName, name));
  }

  @Override
  public List<Schema> listSchemas(
      String catalogName, Optional<String> afterName, int limit, Viewer viewer) {
    GrantSql visible =
        GrantSql.visible(
            viewer, SecurableType.SCHEMA, "c.name", null, "c.name || '.' || s.name", "s.owner");
    return db.read(
        h -> {
          String catalogId =
              catalogId(h, catalogName).orElseThrow(() -> catalogNotFound(catalogName));
          org.jdbi.v3.core.statement.Query q =
              h.createQuery(
                  "SELECT "
                      + SCHEMA_COLUMNS
                      + " FROM catalog_schemas s JOIN catalogs c ON c.id = s.catalog_id"
                      + " WHERE s.catalog_id = ? AND s.name > ? AND "
                      + visible.sql()
                      + " ORDER BY s.name LIMIT ?");
          int i = 0;
          q.bind(i++, catalogId);
          q.bind(i++, afterName.orElse(""));
          for (Object b : visible.binds()) {
            q.bind(i++, b);
          }
          q.bind(i, limit);
          List<Schema> rows = q.map((rs, ctx) -> schemaRow(rs, Map.of())).list();
          Map<String, Map<String, String>> props =
              properties(h, "schema_properties", "schema_id", rows.stream().map(Schema::id));
          return rows.stream()
              .map(s -> withProperties(s, props.getOrDefault(s.id(), Map.of())))
              .toList();
        });
  }

  @Override
  public Schema updateSchema(
      String catalogName, String name, Changes changes, long now, String principal) {
    String target = changes.newName().orElse(name);
    String fullTarget = catalogName + "." + target;
    return uniqueName(
        () ->
            db.write(
                h -> {
                  String catalogId =
                      catalogId(h, catalogName, lock("SHARE"))
                          .orElseThrow(() -> catalogNotFound(catalogName));
                  String id =
                      schemaId(h, catalogId, name, lock("UPDATE"))
                          .orElseThrow(() -> schemaNotFound(catalogName + "." + name));
                  if (!target.equals(name) && schemaId(h, catalogId, target).isPresent()) {
                    throw schemaExists(fullTarget);
                  }
                  update(h, "catalog_schemas", id, target, changes, now, principal);
                  if (!target.equals(name)) {
                    contents.forEach(c -> c.rename(h, catalogName, Optional.of(name), target));
                  }
                  if (!changes.properties().isEmpty()) {
                    h.execute("DELETE FROM schema_properties WHERE schema_id = ?", id);
                    insertProperties(h, "schema_properties", "schema_id", id, changes.properties());
                  }
                  return loadSchema(h, catalogName, target).orElseThrow();
                }),
        () -> !target.equals(name) && getSchema(catalogName, target).isPresent(),
        () -> schemaExists(fullTarget));
  }

  @Override
  public void deleteSchema(String catalogName, String name, boolean force) {
    List<Runnable> after =
        db.write(
            h -> {
              String catalogId =
                  catalogId(h, catalogName, lock("SHARE"))
                      .orElseThrow(() -> catalogNotFound(catalogName));
              String id =
                  schemaId(h, catalogId, name, lock("UPDATE"))
                      .orElseThrow(() -> schemaNotFound(catalogName + "." + name));
              List<Runnable> cleanup = deleteContents(h, catalogName, Optional.of(name), force);
              h.execute("DELETE FROM schema_properties WHERE schema_id = ?", id);
              h.execute("DELETE FROM catalog_schemas WHERE id = ?", id);
              return cleanup;
            });
    after.forEach(Runnable::run);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Runs a write; when it fails on a unique constraint because a concurrent request took the same
   * name, answers {@code ALREADY_EXISTS} instead of a storage error.
   */
  private static <T> T uniqueName(
      Supplier<T> write, Supplier<Boolean> taken, Supplier<KeelException> exists) {
    try {
      return write.get();
    } catch (UnableToExecuteStatementException e) {
      if (taken.get()) {
        throw exists.get();
      }
      throw e;
    }
  }

  private static void update(
      Handle h, String table, String id, String name, Changes changes, long now, String by) {
    if (changes.comment().isPresent()) {
      String comment = changes.comment().get();
      h.execute(
          "UPDATE " + table + " SET comment = ? WHERE id = ?",
          comment.isEmpty() ? null : comment,
          id);
    }
    if (changes.owner().isPresent()) {
      h.execute("UPDATE " + table + " SET owner = ? WHERE id = ?", changes.owner().get(), id);
    }
    h.execute(
        "UPDATE " + table + " SET name = ?, updated_at = ?, updated_by = ? WHERE id = ?",
        name,
        now,
        by,
        id);
  }

  private static Optional<String> catalogId(Handle h, String name) {
    return catalogId(h, name, "");
  }

  private static Optional<String> catalogId(Handle h, String name, String lock) {
    return h.createQuery("SELECT id FROM catalogs WHERE name = ?" + lock)
        .bind(0, name)
        .mapTo(String.class)
        .findOne();
  }

  private static Optional<String> schemaId(Handle h, String catalogId, String name) {
    return schemaId(h, catalogId, name, "");
  }

  private static Optional<String> schemaId(Handle h, String catalogId, String name, String lock) {
    return h.createQuery("SELECT id FROM catalog_schemas WHERE catalog_id = ? AND name = ?" + lock)
        .bind(0, catalogId)
        .bind(1, name)
        .mapTo(String.class)
        .findOne();
  }

  /**
   * Row-lock clause for PostgreSQL, where writers run concurrently: a delete or rename locks the
   * catalog or schema row {@code FOR UPDATE} before it looks at the contents, and whoever adds
   * something under it holds {@code FOR SHARE}, so the two serialise and no child is ever left
   * under a deleted parent. SQLite serialises all writers already.
   */
  private String lock(String mode) {
    return lockClause(db.dialect(), mode);
  }

  private static String lockClause(Dialect dialect, String mode) {
    return dialect == Dialect.POSTGRESQL ? " FOR " + mode : "";
  }

  /**
   * For stores that keep objects under schemas (models, tables): inside their write transaction on
   * {@code h}, checks that {@code catalog.schema} exists and keeps it from being deleted or renamed
   * until the transaction ends. Returns false when the schema does not exist.
   */
  public static boolean lockSchemaForChild(
      Handle h, Dialect dialect, String catalog, String schema) {
    String share = lockClause(dialect, "SHARE");
    Optional<String> c = catalogId(h, catalog, share);
    return c.isPresent() && schemaId(h, c.get(), schema, share).isPresent();
  }

  private static Optional<Catalog> loadCatalog(Handle h, String name) {
    return h.createQuery("SELECT " + CATALOG_COLUMNS + " FROM catalogs WHERE name = ?")
        .bind(0, name)
        .map((rs, ctx) -> catalogRow(rs, Map.of()))
        .findOne()
        .map(
            c ->
                withProperties(
                    c,
                    properties(
                            h,
                            "catalog_properties",
                            "catalog_id",
                            java.util.stream.Stream.of(c.id()))
                        .getOrDefault(c.id(), Map.of())));
  }

  private static Optional<Schema> loadSchema(Handle h, String catalogName, String name) {
    return h.createQuery(
            "SELECT "
                + SCHEMA_COLUMNS
                + " FROM catalog_schemas s JOIN catalogs c ON c.id = s.catalog_id"
                + " WHERE c.name = ? AND s.name = ?")
        .bind(0, catalogName)
        .bind(1, name)
        .map((rs, ctx) -> schemaRow(rs, Map.of()))
        .findOne()
        .map(
            s ->
                withProperties(
                    s,
                    properties(
                            h, "schema_properties", "schema_id", java.util.stream.Stream.of(s.id()))
                        .getOrDefault(s.id(), Map.of())));
  }

  private static Catalog catalogRow(ResultSet rs, Map<String, String> props) throws SQLException {
    return new Catalog(
        rs.getString("id"),
        rs.getString("name"),
        Optional.ofNullable(rs.getString("comment")),
        props,
        rs.getString("owner"),
        rs.getLong("created_at"),
        rs.getString("created_by"),
        rs.getLong("updated_at"),
        rs.getString("updated_by"));
  }

  private static Schema schemaRow(ResultSet rs, Map<String, String> props) throws SQLException {
    return new Schema(
        rs.getString("id"),
        rs.getString("catalog_name"),
        rs.getString("name"),
        Optional.ofNullable(rs.getString("comment")),
        props,
        rs.getString("owner"),
        rs.getLong("created_at"),
        rs.getString("created_by"),
        rs.getLong("updated_at"),
        rs.getString("updated_by"));
  }

  private static Catalog withProperties(Catalog c, Map<String, String> p) {
    return new Catalog(
        c.id(),
        c.name(),
        c.comment(),
        p,
        c.owner(),
        c.createdAt(),
        c.createdBy(),
        c.updatedAt(),
        c.updatedBy());
  }

  private static Schema withProperties(Schema s, Map<String, String> p) {
    return new Schema(
        s.id(),
        s.catalogName(),
        s.name(),
        s.comment(),
        p,
        s.owner(),
        s.createdAt(),
        s.createdBy(),
        s.updatedAt(),
        s.updatedBy());
  }

  /** Properties of the given owners, keyed by owner id; one query. */
  private static Map<String, Map<String, String>> properties(
      Handle h, String table, String ownerColumn, java.util.stream.Stream<String> ownerIds) {
    List<String> ids = ownerIds.toList();
    Map<String, Map<String, String>> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    h.createQuery(
            "SELECT "
                + ownerColumn
                + " AS owner_id, key, value FROM "
                + table
                + " WHERE "
                + ownerColumn
                + " IN (<ids>)")
        .bindList("ids", ids)
        .map(
            (rs, ctx) ->
                new String[] {rs.getString("owner_id"), rs.getString("key"), rs.getString("value")})
        .forEach(r -> out.computeIfAbsent(r[0], k -> new HashMap<>()).put(r[1], r[2]));
    return out;
  }

  private static void insertProperties(
      Handle h, String table, String ownerColumn, String ownerId, Map<String, String> props) {
    if (props.isEmpty()) {
      return;
    }
    PreparedBatch b =
        h.prepareBatch(
            "INSERT INTO " + table + " (" + ownerColumn + ", key, value) VALUES (?, ?, ?)");
    for (Map.Entry<String, String> e : new ArrayList<>(props.entrySet())) {
      b.bind(0, ownerId).bind(1, e.getKey()).bind(2, e.getValue()).add();
    }
    b.execute();
  }

  private static KeelException catalogNotFound(String name) {
    return new KeelException(ErrorCode.NOT_FOUND, "Catalog not found: " + name);
  }

  private static KeelException schemaNotFound(String fullName) {
    return new KeelException(ErrorCode.NOT_FOUND, "Schema not found: " + fullName);
  }

  private static KeelException catalogExists(String name) {
    return new KeelException(ErrorCode.ALREADY_EXISTS, "Catalog already exists: " + name);
  }

  private static KeelException schemaExists(String fullName) {
    return new KeelException(ErrorCode.ALREADY_EXISTS, "Schema already exists: " + fullName);
  }
}
