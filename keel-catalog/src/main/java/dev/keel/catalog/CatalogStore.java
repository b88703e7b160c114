package dev.keel.catalog;

import java.util.List;
import java.util.Optional;

/**
 * Storage contract for catalogs and schemas. Names are already checked and lower-cased by {@link
 * CatalogService}. Implementations check existence inside the same transaction as the write, so a
 * rejected request changes nothing; failures are {@code KeelException}s with Unity Catalog's codes
 * ({@code NOT_FOUND}, {@code ALREADY_EXISTS}, {@code FAILED_PRECONDITION}). Thread-safe.
 */
public interface CatalogStore {

  /** Stores a new catalog; {@code ALREADY_EXISTS} when the name is taken. */
  void createCatalog(Catalog catalog);

  Optional<Catalog> getCatalog(String name);

  /** Up to {@code limit} catalogs ordered by name, starting after {@code afterName}. */
  default List<Catalog> listCatalogs(Optional<String> afterName, int limit) {
    return listCatalogs(afterName, limit, Viewer.ALL);
  }

  /**
   * Up to {@code limit} catalogs {@code viewer} may see (see {@link GrantSql}), ordered by name,
   * starting after {@code afterName}.
   */
  List<Catalog> listCatalogs(Optional<String> afterName, int limit, Viewer viewer);

  /**
   * Applies {@code changes} to a catalog and returns it as stored.
   *
   * @param now ms since the epoch, the new {@code updated_at}
   * @param principal the new {@code updated_by}
   */
  Catalog updateCatalog(String name, Changes changes, long now, String principal);

  /**
   * Deletes a catalog; with {@code force} its schemas and everything in them (registered models) go
   * too, without it a catalog that still has schemas is {@code FAILED_PRECONDITION}. Renaming a
   * catalog or schema keeps what it holds reachable under the new name.
   */
  void deleteCatalog(String name, boolean force);

  /** Stores a new schema in its (existing) catalog; {@code ALREADY_EXISTS} when taken. */
  void createSchema(Schema schema);

  Optional<Schema> getSchema(String catalogName, String name);

  /**
   * Up to {@code limit} schemas of a catalog ordered by name, starting after {@code afterName};
   * {@code NOT_FOUND} for an unknown catalog.
   */
  default List<Schema> listSchemas(String catalogName, Optional<String> afterName, int limit) {
    return listSchemas(catalogName, afterName, limit, Viewer.ALL);
  }

  /** As {@link #listSchemas(String, Optional, int)}, only the schemas {@code viewer} may see. */
  List<Schema> listSchemas(
      String catalogName, Optional<String> afterName, int limit, Viewer viewer);

  /** Applies {@code changes} to a schema and returns it as stored. */
  Schema updateSchema(String catalogName, String name, Changes changes, long now, String principal);

  /**
   * Deletes a schema; with {@code force} the objects in it (registered models with their versions
   * and files) go too, without it a schema that still holds any is {@code FAILED_PRECONDITION}.
   */
  void deleteSchema(String catalogName, String name, boolean force);
}
