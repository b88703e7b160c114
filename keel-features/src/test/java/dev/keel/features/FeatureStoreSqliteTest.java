package dev.keel.features;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;

class FeatureStoreSqliteTest extends FeatureStoreContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }
}
