package dev.keel.server.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lineage routes behind the authorization guard: no caller is 401, a non-administrator is
 * refused until an authorizer for the route's securable type grants READ (today: none is
 * registered, so deny by default), an administrator passes and reaches the route.
 */
class LineageAccessTest {
  @TempDir Path dir;

  @Test
  void the_graph_is_for_administrators_and_table_lineage_needs_the_tables_grants() {
    try (TestServer server =
        TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      String graph = "/api/2.0/lineage-tracking/graph?securable=main.default.t";
      String table = "/api/2.0/lineage-tracking/table-lineage?table_name=main.default.t";
      assertThat(server.get(graph).status()).isEqualTo(401);
      assertThat(server.get(table).status()).isEqualTo(401);

      // The graph spans securable types: administrators only. Table lineage is decided by the
      // table's grants (SELECT): a stranger to an existing table is refused.
      TestServer admin = server.as(TestPrincipals.bearer("root", "admins"));
      assertThat(admin.get(table).status()).isEqualTo(404);
      assertThat(
              admin
                  .post(
                      "/api/2.1/unity-catalog/tables",
                      """
                      {"name": "t", "catalog_name": "main", "schema_name": "default",
                       "columns": [{"name": "id", "type_name": "LONG", "position": 0}]}
                      """)
                  .status())
          .isEqualTo(200);
      TestServer alice = server.as(TestPrincipals.bearer("alice", "analysts"));
      for (String path : new String[] {graph, table}) {
        TestServer.Response r = alice.get(path);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(403);
        assertThat(r.body()).contains("PERMISSION_DENIED");
      }

      TestServer.Response g = admin.get(graph);
      assertThat(g.status()).as(g.body()).isEqualTo(200);
      TestServer.Response t = admin.get(table);
      assertThat(t.status()).as(t.body()).isEqualTo(200);
    }
  }
}
