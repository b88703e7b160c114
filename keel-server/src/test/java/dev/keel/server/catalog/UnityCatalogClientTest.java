package dev.keel.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.server.TestServer;
import io.unitycatalog.client.ApiClient;
import io.unitycatalog.client.ApiException;
import io.unitycatalog.client.api.CatalogsApi;
import io.unitycatalog.client.api.SchemasApi;
import io.unitycatalog.client.model.CatalogInfo;
import io.unitycatalog.client.model.CreateCatalog;
import io.unitycatalog.client.model.CreateSchema;
import io.unitycatalog.client.model.ListCatalogsResponse;
import io.unitycatalog.client.model.ListSchemasResponse;
import io.unitycatalog.client.model.SchemaInfo;
import io.unitycatalog.client.model.UpdateCatalog;
import io.unitycatalog.client.model.UpdateSchema;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Unity Catalog Java client (0.6.0), unchanged, against a real Keel server. */
class UnityCatalogClientTest {
  @TempDir static Path dir;
  static TestServer s;
  static CatalogsApi catalogs;
  static SchemasApi schemas;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    URI uri = URI.create(s.url());
    ApiClient client =
        new ApiClient()
            .setScheme(uri.getScheme())
            .setHost(uri.getHost())
            .setPort(uri.getPort())
            .setBasePath("/api/2.1/unity-catalog");
    catalogs = new CatalogsApi(client);
    schemas = new SchemasApi(client);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void the_client_sees_main_and_default() throws ApiException {
    assertThat(catalogs.getCatalog("main").getName()).isEqualTo("main");
    SchemaInfo def = schemas.getSchema("main.default");
    assertThat(def.getFullName()).isEqualTo("main.default");
    assertThat(def.getSchemaId()).isNotBlank();
  }

  @Test
  void create_get_update_and_delete_a_catalog() throws ApiException {
    CatalogInfo created =
        catalogs.createCatalog(
            new CreateCatalog().name("UcCat").comment("c1").properties(Map.of("k", "v")));
    assertThat(created.getName()).isEqualTo("uccat");
    assertThat(created.getComment()).isEqualTo("c1");
    assertThat(created.getProperties()).containsEntry("k", "v");
    assertThat(created.getOwner()).isEqualTo("keel");
    assertThat(created.getCreatedAt()).isPositive();
    assertThat(created.getId()).isNotBlank();

    CatalogInfo got = catalogs.getCatalog("uccat");
    assertThat(got.getId()).isEqualTo(created.getId());
    assertThat(got.getCreatedBy()).isEqualTo("keel");

    CatalogInfo updated =
        catalogs.updateCatalog("uccat", new UpdateCatalog().newName("uccat2").comment("c2"));
    assertThat(updated.getName()).isEqualTo("uccat2");
    assertThat(updated.getComment()).isEqualTo("c2");
    assertThat(updated.getProperties()).containsEntry("k", "v"); // the client sent {}
    assertThat(updated.getUpdatedBy()).isEqualTo("keel");

    catalogs.deleteCatalog("uccat2", false);
    assertThatThrownBy(() -> catalogs.getCatalog("uccat2"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @Test
  void duplicates_and_bad_names_are_client_errors() throws ApiException {
    catalogs.createCatalog(new CreateCatalog().name("ucdup"));
    assertThatThrownBy(() -> catalogs.createCatalog(new CreateCatalog().name("UCDUP")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(409);
              assertThat(e.getResponseBody()).contains("ALREADY_EXISTS");
            });
    assertThatThrownBy(() -> catalogs.createCatalog(new CreateCatalog().name("a.b")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(400);
              assertThat(e.getResponseBody()).contains("INVALID_ARGUMENT").contains("period");
            });
  }

  @Test
  void catalogs_list_in_pages() throws ApiException {
    for (int i = 0; i < 5; i++) {
      catalogs.createCatalog(new CreateCatalog().name("ucpage" + i));
    }
    List<String> names = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      ListCatalogsResponse r = catalogs.listCatalogs(token, 2);
      assertThat(r.getCatalogs()).hasSizeLessThanOrEqualTo(2);
      r.getCatalogs().forEach(c -> names.add(c.getName()));
      token = r.getNextPageToken();
      pages++;
    } while (token != null);
    assertThat(names).contains("main", "ucpage0", "ucpage4").isSorted().doesNotHaveDuplicates();
    assertThat(pages).isGreaterThanOrEqualTo(3);
  }

  @Test
  void schemas_create_list_in_pages_update_and_delete() throws ApiException {
    catalogs.createCatalog(new CreateCatalog().name("ucsch"));
    for (int i = 0; i < 3; i++) {
      SchemaInfo sch =
          schemas.createSchema(
              new CreateSchema()
                  .catalogName("ucsch")
                  .name("S" + i)
                  .comment("schema " + i)
                  .properties(Map.of("i", Integer.toString(i))));
      assertThat(sch.getFullName()).isEqualTo("ucsch.s" + i);
      assertThat(sch.getCatalogName()).isEqualTo("ucsch");
      assertThat(sch.getProperties()).containsEntry("i", Integer.toString(i));
    }
    List<String> names = new ArrayList<>();
    String token = null;
    do {
      ListSchemasResponse r = schemas.listSchemas("ucsch", 2, token);
      r.getSchemas().forEach(x -> names.add(x.getFullName()));
      token = r.getNextPageToken();
    } while (token != null);
    assertThat(names).containsExactly("ucsch.s0", "ucsch.s1", "ucsch.s2");

    SchemaInfo updated =
        schemas.updateSchema(
            "ucsch.s0", new UpdateSchema().newName("renamed").comment("new comment"));
    assertThat(updated.getFullName()).isEqualTo("ucsch.renamed");
    assertThat(updated.getComment()).isEqualTo("new comment");
    assertThat(updated.getProperties()).containsEntry("i", "0");
    assertThat(schemas.getSchema("UCSCH.RENAMED").getSchemaId()).isEqualTo(updated.getSchemaId());

    schemas.deleteSchema("ucsch.renamed", false);
    assertThatThrownBy(() -> schemas.getSchema("ucsch.renamed"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));

    assertThatThrownBy(() -> catalogs.deleteCatalog("ucsch", false))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(400));
    catalogs.deleteCatalog("ucsch", true);
    assertThatThrownBy(() -> schemas.getSchema("ucsch.s1"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }
}
