package dev.keel.catalog.permissions;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;

class ObjectPermissionStoreSqliteTest extends ObjectPermissionStoreContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }
}
