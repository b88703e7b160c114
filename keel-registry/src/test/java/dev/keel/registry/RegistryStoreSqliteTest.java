package dev.keel.registry;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;

class RegistryStoreSqliteTest extends RegistryStoreContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }
}
