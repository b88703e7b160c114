package dev.keel.tables;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

class NestedColumnsPostgresIT extends NestedColumnsContract {
  @BeforeAll
  static void needsPostgres() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
  }

  @Override
  Database open(Path dir) {
    return TestDatabases.postgres(dir);
  }
}
