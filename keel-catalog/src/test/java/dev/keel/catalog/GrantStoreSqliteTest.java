package dev.keel.catalog;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;

class GrantStoreSqliteTest extends GrantStoreContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }
}
