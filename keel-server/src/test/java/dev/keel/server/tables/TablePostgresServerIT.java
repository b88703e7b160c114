package dev.keel.server.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.server.TestServer;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables on a Keel server backed by PostgreSQL, across a restart. */
class TablePostgresServerIT {
  @TempDir Path dir;

  @Test
  void tables_survive_a_restart_on_postgresql() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    String url = TestDatabases.freshPostgresSchemaUrl();
    try (TestServer s = TestServer.start(dir, url)) {
      assertThat(TableApiTest.create(s, "pg_t").status()).isEqualTo(200);
      assertThat(
              s.post(
                      TableApiTest.KEEL + "main.default.pg_t/rows",
                      "{\"mode\": \"upsert\", \"rows\": [{\"id\": 1, \"label\": \"a\"},"
                          + " {\"id\": 2, \"label\": \"b\"}]}")
                  .status())
          .isEqualTo(200);
    }
    try (TestServer s = TestServer.start(dir, url)) {
      assertThat(s.get(TableApiTest.KEEL + "main.default.pg_t/count").json().path("count").asLong())
          .isEqualTo(2);
      assertThat(
              s.get(TableApiTest.UC + "?catalog_name=main&schema_name=default")
                  .json()
                  .path("tables"))
          .hasSize(1);
      assertThat(s.delete("/api/2.1/unity-catalog/schemas/main.default").status())
          .isEqualTo(400); // holds a table: needs force
      assertThat(s.delete("/api/2.1/unity-catalog/schemas/main.default?force=true").status())
          .isEqualTo(200);
      assertThat(s.get(TableApiTest.UC + "/main.default.pg_t").status()).isEqualTo(404);
    }
  }
}
