package dev.keel.jobs;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link FencingTest} on PostgreSQL: the second server takes the run over once the lease lapses.
 */
@EnabledIf("configured")
class FencingPostgresIT extends FencingTest {
  static boolean configured() {
    return TestDatabases.postgresUrl().isPresent();
  }

  @Override
  Database database(Path dataDir) {
    return TestDatabases.postgres(dataDir);
  }
}
