package dev.keel.monitoring;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class JdbcMonitorStoreSqliteTest extends MonitorStoreContract {
  @TempDir Path dir;
  private Database db;

  @Override
  MonitorStore store() {
    db = TestDatabases.sqlite(dir);
    return new JdbcMonitorStore(db);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }
}
