package dev.keel.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.server.TestServer;
import dev.keel.store.TestDatabases;
import io.unitycatalog.client.ApiClient;
import io.unitycatalog.client.ApiException;
import io.unitycatalog.client.api.CatalogsApi;
import io.unitycatalog.client.api.SchemasApi;
import io.unitycatalog.client.model.CreateCatalog;
import io.unitycatalog.client.model.CreateSchema;
import io.unitycatalog.client.model.ListSchemasResponse;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Unity Catalog Java client against a Keel server on PostgreSQL. */
class CatalogPostgresServerIT {
  @TempDir Path dir;

  @Test
  void uc_client_round_trip_on_postgresql() throws ApiException {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    try (TestServer s = TestServer.start(dir, TestDatabases.freshPostgresSchemaUrl())) {
      URI uri = URI.create(s.url());
      ApiClient client =
          new ApiClient()
              .setScheme(uri.getScheme())
              .setHost(uri.getHost())
              .setPort(uri.getPort())
              .setBasePath("/api/2.1/unity-catalog");
      CatalogsApi catalogs = new CatalogsApi(client);
      SchemasApi schemas = new SchemasApi(client);

      assertThat(schemas.getSchema("main.default").getCatalogName()).isEqualTo("main");
      catalogs.createCatalog(new CreateCatalog().name("PgCat").properties(Map.of("a", "b")));
      assertThat(catalogs.getCatalog("pgcat").getProperties()).containsEntry("a", "b");
      for (String n : new String[] {"b_1", "a-1", "A@2"}) {
        schemas.createSchema(new CreateSchema().catalogName("pgcat").name(n));
      }
      ListSchemasResponse first = schemas.listSchemas("pgcat", 2, null);
      assertThat(first.getSchemas()).extracting(x -> x.getName()).containsExactly("a-1", "a@2");
      ListSchemasResponse second = schemas.listSchemas("pgcat", 2, first.getNextPageToken());
      assertThat(second.getSchemas()).extracting(x -> x.getName()).containsExactly("b_1");
      assertThat(second.getNextPageToken()).isNull();

      assertThatThrownBy(() -> catalogs.deleteCatalog("pgcat", false))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(400));
      catalogs.deleteCatalog("pgcat", true);
      assertThatThrownBy(() -> catalogs.getCatalog("pgcat"))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }
  }
}
