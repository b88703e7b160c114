package dev.keel.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.store.TestDatabases;
import org.junit.jupiter.api.BeforeEach;

/** {@link SystemAuditTableTest} with the metadata in PostgreSQL (a fresh schema per test). */
class SystemAuditTablePostgresIT extends SystemAuditTableTest {
  private String url;

  @BeforeEach
  void freshSchema() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    url = TestDatabases.freshPostgresSchemaUrl();
  }

  @Override
  String databaseUrl() {
    return url;
  }
}
