package dev.keel.registry;

import dev.keel.store.Database;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;

/** Owns registry write transactions: each is announced and drops cached alias answers. */
final class RegistryChanges {
  private final Database db;
  private final AliasCache aliases;

  RegistryChanges(Database db, AliasCache aliases) {
    this.db = db;
    this.aliases = aliases;
  }

  /** Runs a registry write: announces it and drops cached alias answers once it commits. */
  <R> R change(HandleCallback<R, RuntimeException> callback) {
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

  /** See {@link JdbcRegistryStore#changed}. */
  void changed(Handle h) {
    db.announce(h, JdbcRegistryStore.CHANNEL);
    h.afterCommit(aliases::invalidate);
  }
}
