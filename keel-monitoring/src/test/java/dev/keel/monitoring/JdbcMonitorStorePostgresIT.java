package dev.keel.monitoring;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class JdbcMonitorStorePostgresIT extends MonitorStoreContract {
  @TempDir Path dir;
  private Database db;

  @Override
  MonitorStore store() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL not set");
    db = TestDatabases.postgres(dir);
    return new JdbcMonitorStore(db);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }
}
