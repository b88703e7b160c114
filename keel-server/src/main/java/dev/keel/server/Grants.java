package dev.keel.server;

import dev.keel.catalog.CatalogStore;
import dev.keel.catalog.GrantService;
import dev.keel.catalog.GrantStore;
import dev.keel.catalog.Principals;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.SecurableType;
import dev.keel.registry.RegistryService;
import dev.keel.store.Database;
import dev.keel.tables.TableService;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the Unity Catalog grants service: it finds tables and registered models (and their owners)
 * through the capabilities that store them, and empties its decision cache when another server
 * sharing the database changes grants.
 */
final class Grants {
  private Grants() {}

  static GrantService service(
      Database db,
      GrantStore store,
      CatalogStore catalogs,
      TableService tables,
      RegistryService registry,
      Principals principals,
      Clock clock) {
    GrantService grants =
        new GrantService(store, catalogs, principals, clock)
            .owners(SecurableType.TABLE, name -> owner(() -> tables.get(name).owner()))
            .owners(
                SecurableType.REGISTERED_MODEL,
                name -> owner(() -> registry.getModel(name).owner()));
    grants.listenTo(db.subscribe(GrantStore.CHANNEL, grants::invalidate));
    return grants;
  }

  /** The owner, or empty when the object does not exist. */
  private static Optional<String> owner(Supplier<String> lookup) {
    try {
      return Optional.of(lookup.get());
    } catch (KeelException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
