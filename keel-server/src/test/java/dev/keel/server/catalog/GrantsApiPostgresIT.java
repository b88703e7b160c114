package dev.keel.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link GrantsApiTest} on PostgreSQL, and the decision cache of two servers sharing it. */
class GrantsApiPostgresIT extends GrantsApiTest {
  String url;

  @BeforeAll
  static void needsPostgres() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
  }

  @Override
  TestServer open(Path dir) {
    url = TestDatabases.freshPostgresSchemaUrl();
    return TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, url));
  }

  @Test
  void a_revoke_on_one_server_reaches_the_decision_cache_of_another_at_once() throws Exception {
    catalogWithSchema(admin(), "shared", "s");
    ok(grant(admin(), "catalog", "shared", "alice", "USE CATALOG"));
    try (TestServer other =
        TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir.resolve("other"), url))) {
      TestServer alice = other.as(TestPrincipals.bearer("alice"));
      ok(alice.get(UC + "/catalogs/shared")); // decided, and cached, on the other server
      ok(revoke(admin(), "catalog", "shared", "alice", "USE CATALOG"));
      long deadline = System.currentTimeMillis() + 3_000; // well inside the cache's own expiry
      int status = 200;
      while (System.currentTimeMillis() < deadline && status != 403) {
        status = alice.get(UC + "/catalogs/shared").status();
        Thread.sleep(50);
      }
      assertThat(status).isEqualTo(403);
    }
  }
}
