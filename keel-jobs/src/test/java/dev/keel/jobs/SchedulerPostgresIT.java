package dev.keel.jobs;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The scheduler tests on PostgreSQL (runs claimed with {@code FOR UPDATE SKIP LOCKED}; after a
 * restart the new server takes the run over once the old lease lapses).
 */
@EnabledIf("configured")
class SchedulerPostgresIT extends SchedulerTest {
  static boolean configured() {
    return TestDatabases.postgresUrl().isPresent();
  }

  @Override
  Database database(Path dataDir) {
    return TestDatabases.postgres(dataDir);
  }
}
