package dev.keel.catalog.audit;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;

class AuditStoreSqliteTest extends AuditStoreContract {
  @Override
  Database open(Path dir) {
    return TestDatabases.sqlite(dir);
  }
}
