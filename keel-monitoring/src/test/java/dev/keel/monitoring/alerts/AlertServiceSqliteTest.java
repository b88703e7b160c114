package dev.keel.monitoring.alerts;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;

class AlertServiceSqliteTest extends AlertServiceContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }
}
