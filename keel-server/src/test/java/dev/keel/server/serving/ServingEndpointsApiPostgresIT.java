package dev.keel.server.serving;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.server.TestServer;
import dev.keel.store.TestDatabases;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link ServingEndpointsApiTest} on a server whose metadata database is PostgreSQL
 * (a fresh schema of {@code KEEL_TEST_POSTGRES_URL}; skipped when unset).
 */
class ServingEndpointsApiPostgresIT extends ServingEndpointsApiTest {
  @BeforeAll
  static void start() { // hides ServingEndpointsApiTest.start: only this one runs
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    setUp(TestServer.start(dir, TestDatabases.freshPostgresSchemaUrl()));
  }
}
