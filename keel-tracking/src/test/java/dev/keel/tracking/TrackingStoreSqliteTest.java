package dev.keel.tracking;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;

class TrackingStoreSqliteTest extends TrackingStoreContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }
}
