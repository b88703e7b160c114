package dev.keel.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

class PostgresDatabaseIT extends DatabaseContract {
  @BeforeAll
  static void needsPostgres() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
  }

  @Override
  Database open(Path dir) {
    return TestDatabases.postgres(dir);
  }
}
