package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelConfig;
import dev.keel.core.Page;
import dev.keel.server.KeelServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the SDK's catalog and schema calls against a real Keel server on a free port. */
class CatalogClientTest {
  @TempDir static Path dataDir;

  static KeelServer server;
  static KeelClient client;

  @BeforeAll
  static void start() {
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
    client = new KeelClient(server.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  static KeelClientException failure(Runnable call) {
    try {
      call.run();
    } catch (KeelClientException e) {
      return e;
    }
    throw new AssertionError("expected a KeelClientException");
  }

  // ------------------------------------------------------------------ catalogs

  @Test
  void fresh_server_has_main_catalog_with_default_schema() {
    Catalog main = client.catalogs().getCatalog("main");
    assertThat(main.name()).isEqualTo("main");
    assertThat(main.owner()).isEqualTo("keel");
    Schema def = client.catalogs().getSchema("main.default");
    assertThat(def.catalogName()).isEqualTo("main");
    assertThat(def.name()).isEqualTo("default");
    assertThat(def.fullName()).isEqualTo("main.default");
  }

  @Test
  void create_catalog_returns_every_field_and_get_finds_it_in_any_case() {
    String name = unique("Sales");
    Catalog c =
        client.catalogs().createCatalog(name, "Sales data", Map.of("team", "bi", "tier", "gold"));
    assertThat(c.name()).isEqualTo(name.toLowerCase());
    assertThat(c.comment()).isEqualTo("Sales data");
    assertThat(c.properties()).containsExactly(Map.entry("team", "bi"), Map.entry("tier", "gold"));
    assertThat(c.owner()).isEqualTo("keel");
    assertThat(c.createdBy()).isEqualTo("keel");
    assertThat(c.updatedBy()).isEqualTo("keel");
    assertThat(c.createdAt()).isGreaterThan(1_600_000_000_000L);
    assertThat(c.updatedAt()).isGreaterThanOrEqualTo(c.createdAt());
    assertThat(c.id()).matches("[0-9a-f-]{36}");
    assertThat(client.catalogs().getCatalog(name.toUpperCase())).isEqualTo(c);
  }

  @Test
  void create_catalog_without_comment_or_properties_reads_them_as_empty() {
    Catalog c = client.catalogs().createCatalog(unique("bare"));
    assertThat(c.comment()).isEmpty();
    assertThat(c.properties()).isEmpty();
  }

  @Test
  void duplicate_catalog_in_any_case_is_409_already_exists() {
    String name = unique("twice");
    client.catalogs().createCatalog(name);
    KeelClientException e = failure(() -> client.catalogs().createCatalog(name.toUpperCase()));
    assertThat(e.httpStatus()).isEqualTo(409);
    assertThat(e.errorCode()).isEqualTo("ALREADY_EXISTS");
  }

  @Test
  void bad_catalog_names_are_400_invalid_argument_naming_the_field() {
    for (String bad : List.of("a.b", "a b", "semi;colon", "café")) {
      KeelClientException e = failure(() -> client.catalogs().createCatalog(bad));
      assertThat(e.httpStatus()).as(bad).isEqualTo(400);
      assertThat(e.errorCode()).as(bad).isEqualTo("INVALID_ARGUMENT");
      assertThat(e.getMessage()).as(bad).contains("'name'");
    }
    KeelClientException slash = failure(() -> client.catalogs().getCatalog("a/b"));
    assertThat(slash.httpStatus()).isEqualTo(400);
  }

  @Test
  void names_that_cannot_address_an_object_are_refused_locally() {
    assertThatThrownBy(() -> client.catalogs().getCatalog(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.catalogs().deleteCatalog("..", true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.catalogs().getSchema("."))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.catalogs().listCatalogs(-1, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unknown_catalog_is_404_not_found_for_every_call() {
    String name = unique("nope");
    List<Runnable> calls =
        List.of(
            () -> client.catalogs().getCatalog(name),
            () -> client.catalogs().updateCatalog(name, SecurableUpdate.none().withComment("x")),
            () -> client.catalogs().deleteCatalog(name, false),
            () -> client.catalogs().deleteCatalog(name, true),
            () -> client.catalogs().listSchemas(name, 0, ""),
            () -> client.catalogs().createSchema(name, "s"));
    for (Runnable call : calls) {
      KeelClientException e = failure(call);
      assertThat(e.httpStatus()).isEqualTo(404);
      assertThat(e.errorCode()).isEqualTo("NOT_FOUND");
      assertThat(e.isNotFound()).isTrue();
    }
  }

  @Test
  void list_catalogs_pages_by_name_and_stream_reads_every_page() {
    String prefix = unique("pg");
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      mine.add(client.catalogs().createCatalog(prefix + "_" + i).name());
    }
    List<String> paged = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      Page<Catalog> page = client.catalogs().listCatalogs(2, token);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
      page.items().forEach(c -> paged.add(c.name()));
      token = page.nextPageToken().orElse("");
      pages++;
    } while (!token.isEmpty());
    assertThat(paged).containsAll(mine).contains("main").isSorted().doesNotHaveDuplicates();
    assertThat(pages).isGreaterThanOrEqualTo(3);

    List<String> streamed = client.catalogs().streamCatalogs().map(Catalog::name).toList();
    assertThat(streamed).containsAll(mine).isSorted();

    Page<Catalog> first = client.catalogs().listCatalogs(0, "");
    assertThat(first.items()).isNotEmpty();

    KeelClientException badToken = failure(() -> client.catalogs().listCatalogs(1, "not a token!"));
    assertThat(badToken.httpStatus()).isEqualTo(400);
    assertThat(badToken.getMessage()).contains("'page_token'");
  }

  @Test
  void update_catalog_changes_comment_and_properties_and_empty_properties_keep_them() {
    String name = unique("upd");
    client.catalogs().createCatalog(name, "old", Map.of("k", "v"));

    Catalog commented =
        client.catalogs().updateCatalog(name, SecurableUpdate.none().withComment("new"));
    assertThat(commented.comment()).isEqualTo("new");
    assertThat(commented.properties()).containsExactly(Map.entry("k", "v"));

    Catalog replaced =
        client
            .catalogs()
            .updateCatalog(name, SecurableUpdate.none().withProperties(Map.of("a", "b")));
    assertThat(replaced.properties()).containsExactly(Map.entry("a", "b"));
    assertThat(replaced.comment()).isEqualTo("new");

    Catalog cleared = client.catalogs().updateCatalog(name, SecurableUpdate.none().withComment(""));
    assertThat(cleared.comment()).isEmpty();
    assertThat(client.catalogs().getCatalog(name).comment()).isEmpty();
    assertThat(client.catalogs().updateCatalog(name, SecurableUpdate.none()).properties())
        .containsExactly(Map.entry("a", "b"));
  }

  @Test
  void rename_catalog_moves_its_schemas_and_refuses_taken_or_bad_names() {
    String before = unique("before");
    String after = unique("after");
    String taken = client.catalogs().createCatalog(unique("taken")).name();
    client.catalogs().createCatalog(before);
    client.catalogs().createSchema(before, "s");

    Catalog renamed =
        client.catalogs().updateCatalog(before, SecurableUpdate.none().withNewName(after));
    assertThat(renamed.name()).isEqualTo(after);
    assertThat(failure(() -> client.catalogs().getCatalog(before)).httpStatus()).isEqualTo(404);
    assertThat(client.catalogs().getSchema(after + ".s").catalogName()).isEqualTo(after);

    KeelClientException dup =
        failure(
            () ->
                client.catalogs().updateCatalog(after, SecurableUpdate.none().withNewName(taken)));
    assertThat(dup.httpStatus()).isEqualTo(409);
    assertThat(dup.errorCode()).isEqualTo("ALREADY_EXISTS");
    KeelClientException bad =
        failure(
            () ->
                client.catalogs().updateCatalog(after, SecurableUpdate.none().withNewName("a.b")));
    assertThat(bad.httpStatus()).isEqualTo(400);
    assertThat(bad.getMessage()).contains("'new_name'");
  }

  @Test
  void deleting_a_catalog_with_schemas_needs_force() {
    String name = unique("full");
    client.catalogs().createCatalog(name);
    client.catalogs().createSchema(name, "s");

    KeelClientException refused = failure(() -> client.catalogs().deleteCatalog(name, false));
    assertThat(refused.httpStatus()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("FAILED_PRECONDITION");
    assertThat(refused.getMessage()).contains("Cannot delete catalog with schemas");
    assertThat(client.catalogs().getSchema(name + ".s").name()).isEqualTo("s");

    client.catalogs().deleteCatalog(name, true);
    assertThat(failure(() -> client.catalogs().getCatalog(name)).isNotFound()).isTrue();
    assertThat(failure(() -> client.catalogs().getSchema(name + ".s")).isNotFound()).isTrue();

    String empty = unique("empty");
    client.catalogs().createCatalog(empty);
    client.catalogs().deleteCatalog(empty, false);
    assertThat(failure(() -> client.catalogs().getCatalog(empty)).isNotFound()).isTrue();
  }

  // ------------------------------------------------------------------ schemas

  @Test
  void create_schema_returns_every_field_and_get_finds_it_by_full_name_in_any_case() {
    String catalog = client.catalogs().createCatalog(unique("sc")).name();
    Schema s =
        client.catalogs().createSchema(catalog, "Raw", "Landing zone", Map.of("format", "parquet"));
    assertThat(s.name()).isEqualTo("raw");
    assertThat(s.catalogName()).isEqualTo(catalog);
    assertThat(s.fullName()).isEqualTo(catalog + ".raw");
    assertThat(s.comment()).isEqualTo("Landing zone");
    assertThat(s.properties()).containsExactly(Map.entry("format", "parquet"));
    assertThat(s.owner()).isEqualTo("keel");
    assertThat(s.createdBy()).isEqualTo("keel");
    assertThat(s.updatedBy()).isEqualTo("keel");
    assertThat(s.createdAt()).isGreaterThan(1_600_000_000_000L);
    assertThat(s.updatedAt()).isGreaterThanOrEqualTo(s.createdAt());
    assertThat(s.schemaId()).matches("[0-9a-f-]{36}");
    assertThat(client.catalogs().getSchema(catalog.toUpperCase() + ".RAW")).isEqualTo(s);
  }

  @Test
  void duplicate_and_badly_named_schemas_are_refused() {
    String catalog = client.catalogs().createCatalog(unique("dup")).name();
    client.catalogs().createSchema(catalog, "s");
    KeelClientException dup = failure(() -> client.catalogs().createSchema(catalog, "S"));
    assertThat(dup.httpStatus()).isEqualTo(409);
    assertThat(dup.errorCode()).isEqualTo("ALREADY_EXISTS");

    KeelClientException dot = failure(() -> client.catalogs().createSchema(catalog, "x.y"));
    assertThat(dot.httpStatus()).isEqualTo(400);
    assertThat(dot.errorCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(dot.getMessage()).contains("'name'");

    KeelClientException oneLevel = failure(() -> client.catalogs().getSchema(catalog));
    assertThat(oneLevel.httpStatus()).isEqualTo(400);
    assertThat(oneLevel.getMessage()).contains("'full_name'");

    KeelClientException unknown = failure(() -> client.catalogs().getSchema(catalog + ".nope"));
    assertThat(unknown.httpStatus()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("NOT_FOUND");
    assertThat(failure(() -> client.catalogs().deleteSchema(catalog + ".nope", false)).isNotFound())
        .isTrue();
    assertThat(
            failure(
                    () ->
                        client
                            .catalogs()
                            .updateSchema(
                                catalog + ".nope", SecurableUpdate.none().withComment("x")))
                .isNotFound())
        .isTrue();
  }

  @Test
  void list_schemas_pages_by_name_and_stream_reads_every_page() {
    String catalog = client.catalogs().createCatalog(unique("pager")).name();
    for (int i = 0; i < 5; i++) {
      client.catalogs().createSchema(catalog, "s" + i);
    }
    List<String> paged = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      Page<Schema> page = client.catalogs().listSchemas(catalog, 2, token);
      page.items().forEach(s -> paged.add(s.fullName()));
      token = page.nextPageToken().orElse("");
      pages++;
    } while (!token.isEmpty());
    List<String> expected =
        List.of(
            catalog + ".s0", catalog + ".s1", catalog + ".s2", catalog + ".s3", catalog + ".s4");
    assertThat(paged).containsExactlyElementsOf(expected);
    assertThat(pages).isEqualTo(3);
    assertThat(client.catalogs().streamSchemas(catalog).map(Schema::fullName).toList())
        .containsExactlyElementsOf(expected);
    assertThat(client.catalogs().listSchemas(catalog, 0, "").nextPageToken()).isEmpty();

    String empty = client.catalogs().createCatalog(unique("nosch")).name();
    assertThat(client.catalogs().streamSchemas(empty).toList()).isEmpty();
  }

  @Test
  void update_schema_renames_within_its_catalog_and_changes_comment_and_properties() {
    String catalog = client.catalogs().createCatalog(unique("us")).name();
    client.catalogs().createSchema(catalog, "s", "old", Map.of("k", "v"));
    client.catalogs().createSchema(catalog, "other");

    Schema s =
        client
            .catalogs()
            .updateSchema(
                catalog + ".s",
                SecurableUpdate.none()
                    .withNewName("t")
                    .withComment("new")
                    .withProperties(Map.of("a", "b")));
    assertThat(s.fullName()).isEqualTo(catalog + ".t");
    assertThat(s.comment()).isEqualTo("new");
    assertThat(s.properties()).containsExactly(Map.entry("a", "b"));
    assertThat(failure(() -> client.catalogs().getSchema(catalog + ".s")).isNotFound()).isTrue();

    Schema cleared =
        client.catalogs().updateSchema(catalog + ".t", SecurableUpdate.none().withComment(""));
    assertThat(cleared.comment()).isEmpty();
    assertThat(cleared.properties()).containsExactly(Map.entry("a", "b"));

    KeelClientException dup =
        failure(
            () ->
                client
                    .catalogs()
                    .updateSchema(catalog + ".t", SecurableUpdate.none().withNewName("other")));
    assertThat(dup.httpStatus()).isEqualTo(409);
    KeelClientException bad =
        failure(
            () ->
                client
                    .catalogs()
                    .updateSchema(catalog + ".t", SecurableUpdate.none().withNewName("a.b")));
    assertThat(bad.httpStatus()).isEqualTo(400);
    assertThat(bad.getMessage()).contains("'new_name'");
  }

  @Test
  void delete_schema_with_and_without_force() {
    String catalog = client.catalogs().createCatalog(unique("ds")).name();
    client.catalogs().createSchema(catalog, "a");
    client.catalogs().createSchema(catalog, "b");
    client.catalogs().deleteSchema(catalog + ".a", false);
    client.catalogs().deleteSchema(catalog + ".b", true);
    assertThat(client.catalogs().streamSchemas(catalog).toList()).isEmpty();
    assertThat(failure(() -> client.catalogs().getSchema(catalog + ".a")).isNotFound()).isTrue();
  }

  // ------------------------------------------------------------------ JSON

  @Test
  void json_round_trips_catalogs_and_schemas_in_the_servers_shape() {
    Catalog c = client.catalogs().createCatalog(unique("js"), "c", Map.of("k", "v"));
    JsonNode cj = KeelJson.toJson(c);
    assertThat(cj.get("name").asText()).isEqualTo(c.name());
    assertThat(cj.get("properties").get("k").asText()).isEqualTo("v");
    assertThat(cj.get("created_at").isIntegralNumber()).isTrue();
    assertThat(cj.get("id").asText()).isEqualTo(c.id());
    assertThat(CatalogJson.catalog(cj)).isEqualTo(c);

    Schema s = client.catalogs().createSchema(c.name(), "s");
    JsonNode sj = KeelJson.toJson(s);
    assertThat(sj.has("comment")).isFalse();
    assertThat(sj.get("full_name").asText()).isEqualTo(c.name() + ".s");
    assertThat(sj.get("schema_id").asText()).isEqualTo(s.schemaId());
    assertThat(CatalogJson.schema(sj)).isEqualTo(s);
  }

  @Test
  void update_record_builds_up_changes() {
    assertThat(SecurableUpdate.none().isEmpty()).isTrue();
    SecurableUpdate u = SecurableUpdate.none().withNewName("n").withComment("");
    assertThat(u.newName()).contains("n");
    assertThat(u.comment()).contains("");
    assertThat(u.properties()).isEmpty();
    assertThat(u.isEmpty()).isFalse();
  }
}
