package dev.keel.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.server.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Unity Catalog REST for catalogs and schemas against a real server on port 0. */
class CatalogApiTest {
  static final String UC = "/api/2.1/unity-catalog";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  record Res(int status, JsonNode json) {
    String errorCode() {
      return json.path("error_code").asText();
    }

    String message() {
      return json.path("message").asText();
    }
  }

  static Res send(String method, String path, String body) {
    HttpRequest.BodyPublisher p =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(s.url() + path))
            .header("Content-Type", "application/json")
            .method(method, p)
            .build();
    try {
      HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      return new Res(r.statusCode(), JSON.readTree(r.body()));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Res createCatalog(String json) {
    return send("POST", UC + "/catalogs", json);
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Test
  void fresh_server_has_main_catalog_with_default_schema() {
    Res c = send("GET", UC + "/catalogs/main", null);
    assertThat(c.status()).isEqualTo(200);
    assertThat(c.json().get("owner").asText()).isEqualTo("keel");
    Res sch = send("GET", UC + "/schemas/main.default", null);
    assertThat(sch.status()).isEqualTo(200);
    assertThat(sch.json().get("full_name").asText()).isEqualTo("main.default");
    assertThat(sch.json().get("catalog_name").asText()).isEqualTo("main");
  }

  @Test
  void create_catalog_returns_uc_fields_and_stores_the_name_lower_case() {
    Res r =
        createCatalog(
            "{\"name\":\"Finance\",\"comment\":\"money\",\"properties\":{\"team\":\"fin\"}}");
    assertThat(r.status()).isEqualTo(200);
    JsonNode c = r.json();
    assertThat(c.get("name").asText()).isEqualTo("finance");
    assertThat(c.get("comment").asText()).isEqualTo("money");
    assertThat(c.get("properties").get("team").asText()).isEqualTo("fin");
    assertThat(c.get("owner").asText()).isEqualTo("keel");
    assertThat(c.get("created_by").asText()).isEqualTo("keel");
    assertThat(c.get("updated_by").asText()).isEqualTo("keel");
    assertThat(c.get("created_at").asLong()).isGreaterThan(1_600_000_000_000L);
    assertThat(c.get("updated_at").asLong()).isGreaterThanOrEqualTo(c.get("created_at").asLong());
    assertThat(c.get("id").asText()).matches("[0-9a-f-]{36}");
    Res got = send("GET", UC + "/catalogs/FINANCE", null);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json()).isEqualTo(c);
  }

  @Test
  void duplicate_catalog_in_any_case_is_409_already_exists() {
    assertThat(createCatalog("{\"name\":\"twice\"}").status()).isEqualTo(200);
    Res r = createCatalog("{\"name\":\"TWICE\"}");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("ALREADY_EXISTS");
  }

  @Test
  void unknown_catalog_and_schema_are_404_not_found() {
    Res c = send("GET", UC + "/catalogs/nope", null);
    assertThat(c.status()).isEqualTo(404);
    assertThat(c.errorCode()).isEqualTo("NOT_FOUND");
    assertThat(c.message()).contains("nope");
    Res sch = send("GET", UC + "/schemas/main.nope", null);
    assertThat(sch.status()).isEqualTo(404);
    assertThat(sch.errorCode()).isEqualTo("NOT_FOUND");
    assertThat(send("DELETE", UC + "/catalogs/nope", null).status()).isEqualTo(404);
    assertThat(send("PATCH", UC + "/schemas/main.nope", "{\"comment\":\"x\"}").status())
        .isEqualTo(404);
    Res list = send("GET", UC + "/schemas?catalog_name=nope", null);
    assertThat(list.status()).isEqualTo(404);
    assertThat(list.errorCode()).isEqualTo("NOT_FOUND");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.b", "a/b", "a b", "tab\tname", "café", "名前", "semi;colon", ""})
  void bad_catalog_names_are_400_invalid_argument_naming_the_field(String bad) throws Exception {
    Res r = createCatalog(JSON.writeValueAsString(java.util.Map.of("name", bad)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(r.message()).contains("'name'");
  }

  @Test
  void each_broken_rule_is_named_in_the_message() {
    assertThat(createCatalog("{\"name\":\"a.b\"}").message()).contains("period");
    assertThat(createCatalog("{\"name\":\"a/b\"}").message()).contains("slash");
    assertThat(createCatalog("{\"name\":\"a b\"}").message()).contains("space");
    assertThat(createCatalog("{\"name\":\"a\\u0001b\"}").message()).contains("control");
    assertThat(createCatalog("{\"name\":\"caf\\u00e9\"}").message()).contains("ASCII letters");
    Res tooLong = createCatalog("{\"name\":\"" + "x".repeat(300) + "\"}");
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.message()).contains("'name'").contains("too long").contains("255");
    Res missing = createCatalog("{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.message()).contains("'name'");
  }

  @Test
  void bad_schema_names_and_full_names_are_400() {
    Res dot = send("POST", UC + "/schemas", "{\"catalog_name\":\"main\",\"name\":\"x.y\"}");
    assertThat(dot.status()).isEqualTo(400);
    assertThat(dot.errorCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(dot.message()).contains("'name'").contains("period");
    Res badCatalog = send("POST", UC + "/schemas", "{\"catalog_name\":\"ma in\",\"name\":\"x\"}");
    assertThat(badCatalog.message()).contains("'catalog_name'");
    Res oneLevel = send("GET", UC + "/schemas/main", null);
    assertThat(oneLevel.status()).isEqualTo(400);
    assertThat(oneLevel.message()).contains("'full_name'").contains("catalog.schema");
    Res slash = send("GET", UC + "/schemas/main.a%2Fb", null);
    assertThat(slash.status()).isEqualTo(400);
    assertThat(slash.errorCode()).isEqualTo("INVALID_ARGUMENT");
    Res noCatalog = send("GET", UC + "/schemas", null);
    assertThat(noCatalog.status()).isEqualTo(400);
    assertThat(noCatalog.message()).contains("'catalog_name'");
  }

  @Test
  void bad_bodies_are_400_invalid_argument_and_change_nothing() {
    Res props = createCatalog("{\"name\":\"bp\",\"properties\":[1]}");
    assertThat(props.status()).isEqualTo(400);
    assertThat(props.errorCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(props.message()).contains("'properties'");
    Res malformed = createCatalog("{\"name\":");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.errorCode()).isEqualTo("INVALID_ARGUMENT");
    Res root = createCatalog("{\"name\":\"bp\",\"storage_root\":\"file:///etc\"}");
    assertThat(root.status()).isEqualTo(400);
    assertThat(root.message()).contains("'storage_root'");
    assertThat(send("GET", UC + "/catalogs/bp", null).status()).isEqualTo(404);
    Res paging = send("GET", UC + "/catalogs?max_results=-1", null);
    assertThat(paging.status()).isEqualTo(400);
    assertThat(paging.message()).contains("'max_results'");
    Res token = send("GET", UC + "/catalogs?page_token=" + q("not a token!"), null);
    assertThat(token.status()).isEqualTo(400);
    assertThat(token.message()).contains("'page_token'");
    Res force = send("DELETE", UC + "/catalogs/main?force=maybe", null);
    assertThat(force.status()).isEqualTo(400);
    assertThat(force.message()).contains("'force'");
  }

  @Test
  void catalogs_and_schemas_page_with_max_results_and_next_page_token() {
    createCatalog("{\"name\":\"pager\"}");
    for (int i = 0; i < 5; i++) {
      assertThat(
              send("POST", UC + "/schemas", "{\"catalog_name\":\"pager\",\"name\":\"s" + i + "\"}")
                  .status())
          .isEqualTo(200);
    }
    List<String> names = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Res r =
          send(
              "GET",
              UC
                  + "/schemas?catalog_name=pager&max_results=2"
                  + (token == null ? "" : "&page_token=" + q(token)),
              null);
      assertThat(r.status()).isEqualTo(200);
      r.json().get("schemas").forEach(n -> names.add(n.get("full_name").asText()));
      token = r.json().has("next_page_token") ? r.json().get("next_page_token").asText() : null;
      pages++;
    } while (token != null);
    assertThat(names).containsExactly("pager.s0", "pager.s1", "pager.s2", "pager.s3", "pager.s4");
    assertThat(pages).isEqualTo(3);

    Res all = send("GET", UC + "/catalogs", null);
    assertThat(all.status()).isEqualTo(200);
    List<String> catalogNames = new ArrayList<>();
    all.json().get("catalogs").forEach(n -> catalogNames.add(n.get("name").asText()));
    assertThat(catalogNames).contains("main", "pager").isSorted();
    Res empty = send("GET", UC + "/schemas?catalog_name=finance2", null);
    assertThat(empty.status()).isEqualTo(404);
  }

  @Test
  void patch_renames_and_updates_but_empty_properties_keep_the_old_ones() {
    createCatalog("{\"name\":\"before\",\"properties\":{\"k\":\"v\"}}");
    send("POST", UC + "/schemas", "{\"catalog_name\":\"before\",\"name\":\"s\"}");
    Res r =
        send(
            "PATCH",
            UC + "/catalogs/before",
            "{\"new_name\":\"After\",\"comment\":\"renamed\",\"properties\":{}}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("name").asText()).isEqualTo("after");
    assertThat(r.json().get("comment").asText()).isEqualTo("renamed");
    assertThat(r.json().get("properties").get("k").asText()).isEqualTo("v");
    assertThat(send("GET", UC + "/catalogs/before", null).status()).isEqualTo(404);
    assertThat(send("GET", UC + "/schemas/after.s", null).status()).isEqualTo(200);

    Res sch =
        send(
            "PATCH",
            UC + "/schemas/after.s",
            "{\"new_name\":\"t\",\"comment\":\"c\",\"properties\":{\"a\":\"b\"}}");
    assertThat(sch.status()).isEqualTo(200);
    assertThat(sch.json().get("full_name").asText()).isEqualTo("after.t");
    assertThat(sch.json().get("properties").get("a").asText()).isEqualTo("b");
    Res badRename = send("PATCH", UC + "/schemas/after.t", "{\"new_name\":\"a.b\"}");
    assertThat(badRename.status()).isEqualTo(400);
    assertThat(badRename.message()).contains("'new_name'");
  }

  @Test
  void deleting_a_non_empty_catalog_needs_force() {
    createCatalog("{\"name\":\"full\"}");
    send("POST", UC + "/schemas", "{\"catalog_name\":\"full\",\"name\":\"s\"}");
    Res refused = send("DELETE", UC + "/catalogs/full", null);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("FAILED_PRECONDITION");
    assertThat(refused.message()).contains("Cannot delete catalog with schemas");
    assertThat(send("GET", UC + "/schemas/full.s", null).status()).isEqualTo(200);
    Res forced = send("DELETE", UC + "/catalogs/full?force=true", null);
    assertThat(forced.status()).isEqualTo(200);
    assertThat(forced.json().isObject()).isTrue();
    assertThat(send("GET", UC + "/catalogs/full", null).status()).isEqualTo(404);
    assertThat(send("GET", UC + "/schemas/full.s", null).status()).isEqualTo(404);
  }

  @Test
  void delete_schema_answers_an_empty_json_object() {
    send("POST", UC + "/schemas", "{\"catalog_name\":\"main\",\"name\":\"gone\"}");
    Res r = send("DELETE", UC + "/schemas/main.gone", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().size()).isZero();
    assertThat(send("GET", UC + "/schemas/main.gone", null).status()).isEqualTo(404);
  }
}
