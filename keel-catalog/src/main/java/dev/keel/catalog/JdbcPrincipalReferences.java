package dev.keel.catalog;

import dev.keel.catalog.identity.PrincipalReferences;
import dev.keel.catalog.permissions.ObjectPermissionStore;
import dev.keel.store.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The catalog's references to principals by name: Unity Catalog grants and the owners of catalogs,
 * schemas and tables (in this module's tables), and object permissions (through their store, which
 * keeps its cache right). After a change every cached grant decision is dropped, here and on every
 * server sharing the database.
 */
public final class JdbcPrincipalReferences implements PrincipalReferences {
  private final Database db;
  private final GrantService grants;
  private final ObjectPermissionStore permissions;

  /** References in {@code db}; {@code grants} is told after each change. */
  public JdbcPrincipalReferences(
      Database db, GrantService grants, ObjectPermissionStore permissions) {
    this.db = Objects.requireNonNull(db, "db");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.permissions = Objects.requireNonNull(permissions, "permissions");
  }

  @Override
  public List<String> owned(String name, int limit) {
    return db.read(
        h -> {
          List<String> out = new ArrayList<>();
          out.addAll(
              h.createQuery("SELECT name FROM catalogs WHERE owner = ? ORDER BY name LIMIT ?")
                  .bind(0, name)
                  .bind(1, limit)
                  .mapTo(String.class)
                  .map(n -> "CATALOG " + n)
                  .list());
          out.addAll(
              h.createQuery(
                      "SELECT c.name || '.' || s.name FROM catalog_schemas s"
                          + " JOIN catalogs c ON c.id = s.catalog_id WHERE s.owner = ?"
                          + " ORDER BY 1 LIMIT ?")
                  .bind(0, name)
                  .bind(1, limit)
                  .mapTo(String.class)
                  .map(n -> "SCHEMA " + n)
                  .list());
          out.addAll(
              h.createQuery(
                      "SELECT full_name FROM uc_table_owners WHERE owner = ?"
                          + " ORDER BY full_name LIMIT ?")
                  .bind(0, name)
                  .bind(1, limit)
                  .mapTo(String.class)
                  .map(n -> "TABLE " + n)
                  .list());
          return out.size() > limit ? out.subList(0, limit) : out;
        });
  }

  @Override
  public void renamed(String from, String to) {
    db.write(
        h -> {
          h.createUpdate("DELETE FROM uc_grants WHERE principal = ?").bind(0, to).execute();
          h.createUpdate("UPDATE uc_grants SET principal = ? WHERE principal = ?")
              .bind(0, to)
              .bind(1, from)
              .execute();
          for (String table : List.of("catalogs", "catalog_schemas", "uc_table_owners")) {
            h.createUpdate("UPDATE " + table + " SET owner = ? WHERE owner = ?")
                .bind(0, to)
                .bind(1, from)
                .execute();
          }
          return null;
        });
    permissions.renamePrincipal(from, to);
    grants.changed();
  }

  @Override
  public void deleted(String name) {
    db.write(
        h -> h.createUpdate("DELETE FROM uc_grants WHERE principal = ?").bind(0, name).execute());
    permissions.forgetPrincipal(name);
    grants.changed();
  }
}
