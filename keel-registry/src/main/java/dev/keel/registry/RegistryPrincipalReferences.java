package dev.keel.registry;

import dev.keel.catalog.identity.PrincipalReferences;
import dev.keel.store.Database;
import java.util.List;
import java.util.Objects;

/**
 * The registry's references to principals by name: the owners of registered models. Their grants
 * are the catalog's ({@code dev.keel.catalog.JdbcPrincipalReferences}), which also drops the cached
 * grant decisions after a change.
 */
public final class RegistryPrincipalReferences implements PrincipalReferences {
  private final Database db;

  public RegistryPrincipalReferences(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public List<String> owned(String name, int limit) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT full_name FROM registered_models WHERE owner = ?"
                        + " ORDER BY full_name LIMIT ?")
                .bind(0, name)
                .bind(1, limit)
                .mapTo(String.class)
                .map(n -> "REGISTERED_MODEL " + n)
                .list());
  }

  @Override
  public void renamed(String from, String to) {
    db.write(
        h ->
            h.createUpdate("UPDATE registered_models SET owner = ? WHERE owner = ?")
                .bind(0, to)
                .bind(1, from)
                .execute());
  }

  @Override
  public void deleted(String name) {
    // a model's owner blocks the deletion (see owned): nothing else names a principal here
  }
}
