package dev.keel.tracking.search;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;

class RunSearchSqliteTest extends RunSearchContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }
}
