package dev.keel.tables;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;

class NestedColumnsSqliteTest extends NestedColumnsContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }
}
