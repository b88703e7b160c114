package dev.keel.jobs.trigger;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;

class TriggerServiceSqliteTest extends TriggerServiceContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }
}
