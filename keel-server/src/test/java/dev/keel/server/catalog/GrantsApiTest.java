package dev.keel.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unity Catalog grants through the API: the permissions and effective-permissions routes, both
 * privilege spellings, inheritance, ownership, lists filtered before paging. Runs on SQLite; {@link
 * GrantsApiPostgresIT} runs it on PostgreSQL.
 */
class GrantsApiTest {
  static final String UC = "/api/2.1/unity-catalog";
  static final String ROOT = TestPrincipals.bearer("root", "admins");

  @TempDir Path dir;
  TestServer server;

  TestServer open(Path dir) {
    return TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""));
  }

  @BeforeEach
  void start() {
    server = open(dir);
    // grants and owners name principals that exist
    server
        .user("alice", "ann", "bob", "olive", "vic", "sam", "pete")
        .group("analysts", "viewers", "stewards");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  TestServer as(String name, String... groups) {
    return server.as(TestPrincipals.bearer(name, groups));
  }

  TestServer admin() {
    return server.as(ROOT);
  }

  static Response ok(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  Response grant(TestServer who, String type, String name, String principal, String... privs) {
    return who.send(
        "PATCH",
        UC + "/permissions/" + type + "/" + name,
        "{\"changes\":[{\"principal\":\""
            + principal
            + "\",\"add\":[\""
            + String.join("\",\"", privs)
            + "\"]}]}");
  }

  Response revoke(TestServer who, String type, String name, String principal, String... privs) {
    return who.send(
        "PATCH",
        UC + "/permissions/" + type + "/" + name,
        "{\"changes\":[{\"principal\":\""
            + principal
            + "\",\"remove\":[\""
            + String.join("\",\"", privs)
            + "\"]}]}");
  }

  static String table(String catalog, String schema, String name) {
    return """
        {"name": "%s", "catalog_name": "%s", "schema_name": "%s",
         "columns": [{"name": "id", "type_name": "LONG", "position": 0}], "primary_keys": ["id"]}
        """
        .formatted(name, catalog, schema);
  }

  void catalogWithSchema(TestServer who, String catalog, String schema) {
    ok(who.post(UC + "/catalogs", "{\"name\":\"" + catalog + "\"}"));
    ok(
        who.post(
            UC + "/schemas", "{\"catalog_name\":\"" + catalog + "\",\"name\":\"" + schema + "\"}"));
  }

  @Test
  void grants_are_read_and_changed_in_either_spelling_and_answered_in_the_clients_spelling()
      throws Exception {
    catalogWithSchema(admin(), "gs", "s");
    ok(grant(admin(), "catalog", "gs", "alice", "USE_CATALOG", "use schema"));
    JsonNode got = ok(admin().get(UC + "/permissions/catalog/gs")).json();
    assertThat(got.toString())
        .isEqualTo(
            "{\"privilege_assignments\":[{\"principal\":\"alice\","
                + "\"privileges\":[\"USE CATALOG\",\"USE SCHEMA\"]}]}");

    // the Databricks SDK reads underscores
    HttpResponse<String> sdk =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.url() + UC + "/permissions/CATALOG/gs"))
                    .header("Authorization", ROOT)
                    .header("User-Agent", "databricks-sdk-java/0.141.0 jvm/21")
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(sdk.statusCode()).isEqualTo(200);
    assertThat(sdk.body()).contains("\"USE_CATALOG\"", "\"USE_SCHEMA\"").doesNotContain(" ");

    ok(grant(admin(), "catalog", "gs", "bob", "BROWSE"));
    JsonNode onlyBob = ok(admin().get(UC + "/permissions/catalog/gs?principal=bob")).json();
    assertThat(onlyBob.path("privilege_assignments")).hasSize(1);
    assertThat(onlyBob.at("/privilege_assignments/0/principal").asText()).isEqualTo("bob");

    // revoking what was not granted changes nothing; revoking what was removes it
    ok(revoke(admin(), "catalog", "gs", "bob", "USE CATALOG"));
    ok(revoke(admin(), "catalog", "gs", "alice", "USE_SCHEMA"));
    assertThat(ok(admin().get(UC + "/permissions/catalog/gs?principal=alice")).body())
        .contains("USE CATALOG")
        .doesNotContain("USE SCHEMA");
  }

  @Test
  void bad_grants_are_refused_naming_the_field_and_change_nothing() {
    catalogWithSchema(admin(), "gb", "s");
    Response unknown = grant(admin(), "catalog", "gb", "alice", "USE CATALOG", "FLY");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("changes[0].add", "FLY");

    Response notApplicable = grant(admin(), "catalog", "gb", "alice", "SELECT", "CREATE CATALOG");
    assertThat(notApplicable.status()).isEqualTo(400);
    assertThat(notApplicable.body()).contains("CREATE CATALOG", "does not apply to CATALOG gb");

    Response missing = grant(admin(), "catalog", "nope", "alice", "USE CATALOG");
    assertThat(missing.status()).isEqualTo(404);
    Response missingTable = grant(admin(), "table", "gb.s.nope", "alice", "SELECT");
    assertThat(missingTable.status()).isEqualTo(404);
    Response badType = admin().get(UC + "/permissions/volume/gb.s.v");
    assertThat(badType.status()).isEqualTo(400);
    assertThat(badType.body()).contains("securable_type");
    Response noPrincipal =
        admin()
            .send(
                "PATCH", UC + "/permissions/catalog/gb", "{\"changes\":[{\"add\":[\"BROWSE\"]}]}");
    assertThat(noPrincipal.status()).isEqualTo(400);
    assertThat(noPrincipal.body()).contains("changes[0].principal");

    assertThat(ok(admin().get(UC + "/permissions/catalog/gb")).json().path("privilege_assignments"))
        .isEmpty();
  }

  @Test
  void only_owners_manage_holders_and_admins_change_grants() {
    ok(grant(admin(), "metastore", "metastore", "olive", "CREATE CATALOG"));
    catalogWithSchema(as("olive"), "go", "s");
    assertThat(ok(as("olive").get(UC + "/catalogs/go")).json().path("owner").asText())
        .isEqualTo("olive");

    Response stranger = grant(as("sam"), "catalog", "go", "sam", "USE CATALOG");
    assertThat(stranger.status()).isEqualTo(403);
    assertThat(stranger.body()).contains("PERMISSION_DENIED");
    // the owner grants; a MANAGE holder (through a group) grants too
    ok(grant(as("olive"), "catalog", "go", "stewards", "MANAGE"));
    ok(grant(as("mia", "stewards"), "schema", "go.s", "sam", "USE SCHEMA"));
    // a user cannot grant themselves MANAGE with a lesser privilege
    ok(grant(as("olive"), "catalog", "go", "pete", "USE CATALOG"));
    assertThat(grant(as("pete"), "catalog", "go", "pete", "MANAGE").status()).isEqualTo(403);
    // only administrators grant on the metastore
    assertThat(grant(as("olive"), "metastore", "metastore", "pete", "CREATE CATALOG").status())
        .isEqualTo(403);

    // non-managers see only their own grants
    JsonNode seen = ok(as("pete").get(UC + "/permissions/catalog/go")).json();
    assertThat(seen.path("privilege_assignments")).hasSize(1);
    assertThat(seen.at("/privilege_assignments/0/principal").asText()).isEqualTo("pete");
  }

  @Test
  void a_denial_names_the_missing_privilege_and_securable() {
    catalogWithSchema(admin(), "main2", "sales");
    ok(admin().post(UC + "/tables", table("main2", "sales", "orders")));
    ok(grant(admin(), "catalog", "main2", "alice", "USE CATALOG"));
    ok(grant(admin(), "schema", "main2.sales", "alice", "USE SCHEMA"));

    Response r = as("alice").get(UC + "/tables/main2.sales.orders");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().path("error_code").asText()).isEqualTo("PERMISSION_DENIED");
    assertThat(r.json().path("message").asText())
        .isEqualTo("User alice does not have SELECT on TABLE main2.sales.orders.");

    Response noCatalog = as("bob").get(UC + "/tables/main2.sales.orders");
    assertThat(noCatalog.json().path("message").asText())
        .isEqualTo("User bob does not have USE CATALOG on CATALOG main2.");
  }

  @Test
  void grants_on_a_catalog_reach_current_and_future_objects_and_revoking_takes_them_away() {
    catalogWithSchema(admin(), "inh", "s");
    ok(admin().post(UC + "/tables", table("inh", "s", "t1")));
    ok(grant(admin(), "catalog", "inh", "analysts", "USE_CATALOG", "USE_SCHEMA", "SELECT"));

    ok(as("ann", "analysts").get(UC + "/tables/inh.s.t1"));
    ok(admin().post(UC + "/tables", table("inh", "s", "t2"))); // created after the grant
    ok(as("ann", "analysts").get("/api/2.0/keel/tables/inh.s.t2/count"));
    // SELECT does not write
    Response write =
        as("ann", "analysts")
            .post("/api/2.0/keel/tables/inh.s.t2/rows", "{\"mode\":\"append\",\"rows\":[]}");
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.body()).contains("MODIFY");

    // SELECT without USE CATALOG reaches nothing
    ok(revoke(admin(), "catalog", "inh", "analysts", "USE CATALOG"));
    Response after = as("ann", "analysts").get(UC + "/tables/inh.s.t1");
    assertThat(after.status()).isEqualTo(403);
    assertThat(after.body()).contains("USE CATALOG");
  }

  @Test
  void effective_permissions_show_where_each_privilege_comes_from() {
    catalogWithSchema(admin(), "eff", "s");
    ok(admin().post(UC + "/tables", table("eff", "s", "t")));
    ok(grant(admin(), "catalog", "eff", "alice", "USE CATALOG", "SELECT"));
    ok(grant(admin(), "schema", "eff.s", "alice", "USE SCHEMA", "MODIFY"));
    ok(grant(admin(), "table", "eff.s.t", "alice", "APPLY TAG"));

    JsonNode e = ok(admin().get(UC + "/effective-permissions/table/eff.s.t")).json();
    JsonNode privileges = e.at("/privilege_assignments/0/privileges");
    assertThat(e.at("/privilege_assignments/0/principal").asText()).isEqualTo("alice");
    List<String> lines = new ArrayList<>();
    privileges.forEach(
        p ->
            lines.add(
                p.path("privilege").asText()
                    + "<"
                    + p.path("inherited_from_type").asText("-")
                    + ":"
                    + p.path("inherited_from_name").asText("-")));
    // USE CATALOG / USE SCHEMA do not apply to a table; SELECT and MODIFY are inherited
    assertThat(lines)
        .containsExactlyInAnyOrder("SELECT<CATALOG:eff", "MODIFY<SCHEMA:eff.s", "APPLY TAG<-:-");
  }

  @Test
  void owners_are_their_creators_and_ownership_can_be_transferred() {
    ok(grant(admin(), "metastore", "metastore", "olive", "CREATE_CATALOG"));
    catalogWithSchema(as("olive"), "own", "s");
    ok(as("olive").post(UC + "/tables", table("own", "s", "t")));
    ok(
        as("olive")
            .post(
                UC + "/models", "{\"catalog_name\":\"own\",\"schema_name\":\"s\",\"name\":\"m\"}"));
    assertThat(ok(as("olive").get(UC + "/schemas/own.s")).json().path("owner").asText())
        .isEqualTo("olive");
    assertThat(ok(as("olive").get(UC + "/tables/own.s.t")).json().path("owner").asText())
        .isEqualTo("olive");
    assertThat(ok(as("olive").get(UC + "/models/own.s.m")).json().path("owner").asText())
        .isEqualTo("olive");

    // olive hands the schema to bob, who can then manage it (with USE CATALOG on the catalog)
    assertThat(as("bob").send("PATCH", UC + "/schemas/own.s", "{\"comment\":\"x\"}").status())
        .isEqualTo(403);
    ok(as("olive").send("PATCH", UC + "/schemas/own.s", "{\"owner\":\"bob\"}"));
    ok(grant(as("olive"), "catalog", "own", "bob", "USE CATALOG"));
    assertThat(
            ok(as("bob").send("PATCH", UC + "/schemas/own.s", "{\"comment\":\"x\"}"))
                .json()
                .path("owner")
                .asText())
        .isEqualTo("bob");
    Response empty = as("olive").send("PATCH", UC + "/catalogs/own", "{\"owner\":\" \"}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.body()).contains("owner");
  }

  static void refused(Response r, String message) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_ARGUMENT"); // Unity Catalog's word
    assertThat(r.json().path("message").asText()).isEqualTo(message);
  }

  @Test
  void
      a_grant_or_revoke_naming_no_known_principal_is_refused_naming_the_field_and_changes_nothing() {
    catalogWithSchema(admin(), "up", "s");
    refused(
        admin()
            .send(
                "PATCH",
                UC + "/permissions/catalog/up",
                "{\"changes\":[{\"principal\":\"alice\",\"add\":[\"USE CATALOG\"]},"
                    + "{\"principal\":\"ghost\",\"add\":[\"BROWSE\"]}]}"),
        "'changes[1].principal': no user, group or service principal named 'ghost'.");
    assertThat(ok(admin().get(UC + "/permissions/catalog/up")).json().toString())
        .isEqualTo("{\"privilege_assignments\":[]}");
    refused(
        revoke(admin(), "schema", "up.s", "ghost", "USE SCHEMA"),
        "'changes[0].principal': no user, group or service principal named 'ghost'.");
    // the owner learns the principal does not exist; a stranger only that it may not grant
    assertThat(grant(as("bob"), "catalog", "up", "ghost", "BROWSE").status()).isEqualTo(403);

    // names are matched ignoring case and stored as the identity spells them, so they apply
    ok(grant(admin(), "catalog", "up", "ANALYSTS", "USE CATALOG"));
    ok(grant(admin(), "schema", "up.s", "Ann", "USE SCHEMA"));
    assertThat(ok(admin().get(UC + "/permissions/catalog/up")).json().toString())
        .contains("\"principal\":\"analysts\"");
    assertThat(ok(admin().get(UC + "/permissions/schema/up.s")).json().toString())
        .contains("\"principal\":\"ann\"");
    ok(as("ann", "analysts").get(UC + "/schemas/up.s"));
  }

  @Test
  void an_owner_must_be_a_known_principal_and_a_refused_change_changes_nothing() {
    ok(grant(admin(), "metastore", "metastore", "olive", "CREATE_CATALOG"));
    catalogWithSchema(as("olive"), "ow", "s");
    ok(
        as("olive")
            .post(
                UC + "/models", "{\"catalog_name\":\"ow\",\"schema_name\":\"s\",\"name\":\"m\"}"));
    String unknown = "'owner': no user, group or service principal named 'ghost'.";
    refused(as("olive").send("PATCH", UC + "/catalogs/ow", "{\"owner\":\"ghost\"}"), unknown);
    refused(
        as("olive").send("PATCH", UC + "/schemas/ow.s", "{\"comment\":\"c\",\"owner\":\"ghost\"}"),
        unknown);
    refused(
        as("olive")
            .send("PATCH", UC + "/models/ow.s.m", "{\"new_name\":\"n\",\"owner\":\"ghost\"}"),
        unknown);
    assertThat(ok(as("olive").get(UC + "/catalogs/ow")).json().path("owner").asText())
        .isEqualTo("olive");
    JsonNode schema = ok(as("olive").get(UC + "/schemas/ow.s")).json();
    assertThat(schema.path("owner").asText()).isEqualTo("olive");
    assertThat(schema.path("comment").isMissingNode() || schema.path("comment").isNull()).isTrue();
    assertThat(ok(as("olive").get(UC + "/models/ow.s.m")).json().path("owner").asText())
        .isEqualTo("olive");
    assertThat(as("olive").get(UC + "/models/ow.s.n").status()).isEqualTo(404);

    // a group may own, named in any case; it is stored as the group spells it
    JsonNode given =
        ok(as("olive").send("PATCH", UC + "/catalogs/ow", "{\"owner\":\"ANALYSTS\"}")).json();
    assertThat(given.path("owner").asText()).isEqualTo("analysts");
    ok(as("ann", "analysts").send("PATCH", UC + "/catalogs/ow", "{\"comment\":\"ours\"}"));
  }

  @Test
  void lists_hold_only_visible_objects_and_pages_are_full() {
    for (int i = 1; i <= 6; i++) {
      catalogWithSchema(admin(), "lc" + i, "s");
    }
    for (int i : new int[] {2, 4, 5}) {
      ok(grant(admin(), "catalog", "lc" + i, "viewers", "BROWSE"));
    }
    // page by page, one visible catalog each: hidden catalogs never eat a page
    List<String> seen = new ArrayList<>();
    String token = "";
    for (int page = 0; page < 5; page++) {
      JsonNode p = ok(as("vic", "viewers").get(UC + "/catalogs?max_results=2" + token)).json();
      p.path("catalogs").forEach(c -> seen.add(c.path("name").asText()));
      if (!p.has("next_page_token")) {
        break;
      }
      assertThat(p.path("catalogs")).hasSize(2);
      token = "&page_token=" + p.path("next_page_token").asText();
    }
    assertThat(seen).containsExactly("lc2", "lc4", "lc5");
    assertThat(ok(as("sam").get(UC + "/catalogs")).json().path("catalogs")).isEmpty();

    // schemas: USE SCHEMA on the catalog shows them all; otherwise only those granted
    catalogWithSchema(admin(), "ls", "a");
    for (String s : List.of("b", "c", "d")) {
      ok(admin().post(UC + "/schemas", "{\"catalog_name\":\"ls\",\"name\":\"" + s + "\"}"));
    }
    ok(grant(admin(), "catalog", "ls", "vic", "USE CATALOG"));
    ok(grant(admin(), "schema", "ls.c", "vic", "USE SCHEMA"));
    ok(grant(admin(), "schema", "ls.d", "vic", "SELECT"));
    JsonNode schemas = ok(as("vic").get(UC + "/schemas?catalog_name=ls&max_results=1")).json();
    assertThat(schemas.at("/schemas/0/name").asText()).isEqualTo("c");
    JsonNode next =
        ok(as("vic")
                .get(
                    UC
                        + "/schemas?catalog_name=ls&max_results=1&page_token="
                        + schemas.path("next_page_token").asText()))
            .json();
    assertThat(next.at("/schemas/0/name").asText()).isEqualTo("d");

    // tables: SELECT on one table shows it alone; SELECT on the schema shows every table
    ok(grant(admin(), "schema", "ls.c", "vic", "CREATE TABLE"));
    for (String t : List.of("t1", "t2", "t3")) {
      ok(admin().post(UC + "/tables", table("ls", "c", t)));
    }
    ok(as("vic").post(UC + "/tables", table("ls", "c", "mine")));
    ok(grant(admin(), "table", "ls.c.t2", "vic", "SELECT"));
    List<String> tables = new ArrayList<>();
    ok(as("vic").get(UC + "/tables?catalog_name=ls&schema_name=c&max_results=1"))
        .json()
        .path("tables")
        .forEach(t -> tables.add(t.path("name").asText()));
    assertThat(tables).containsExactly("mine"); // the page holds a visible one, not t1
    List<String> all = new ArrayList<>();
    ok(as("vic").get(UC + "/tables?catalog_name=ls&schema_name=c"))
        .json()
        .path("tables")
        .forEach(t -> all.add(t.path("name").asText()));
    assertThat(all).containsExactly("mine", "t2");
    ok(grant(admin(), "schema", "ls.c", "vic", "SELECT"));
    assertThat(
            ok(as("vic").get(UC + "/tables?catalog_name=ls&schema_name=c")).json().path("tables"))
        .hasSize(4);

    // models, in Unity Catalog's list and MLflow's search
    for (String m : List.of("m1", "m2", "m3")) {
      ok(
          admin()
              .post(
                  UC + "/models",
                  "{\"catalog_name\":\"ls\",\"schema_name\":\"a\",\"name\":\"" + m + "\"}"));
    }
    ok(grant(admin(), "registered_model", "ls.a.m3", "vic", "EXECUTE"));
    JsonNode models =
        ok(as("vic").get(UC + "/models?catalog_name=ls&schema_name=a&max_results=1")).json();
    assertThat(models.at("/registered_models/0/full_name").asText()).isEqualTo("ls.a.m3");
    JsonNode search =
        ok(as("vic").get("/api/2.0/mlflow/registered-models/search?max_results=10")).json();
    assertThat(search.path("registered_models")).hasSize(1);
    assertThat(search.at("/registered_models/0/name").asText()).isEqualTo("ls.a.m3");
    assertThat(
            ok(admin().get("/api/2.0/mlflow/registered-models/search"))
                .json()
                .path("registered_models"))
        .hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void a_model_keeps_its_grants_when_renamed_and_loses_them_when_deleted() {
    catalogWithSchema(admin(), "mg", "s");
    String create = "{\"catalog_name\":\"mg\",\"schema_name\":\"s\",\"name\":\"%s\"}";
    ok(admin().post(UC + "/models", create.formatted("m")));
    ok(grant(admin(), "registered_model", "mg.s.m", "alice", "EXECUTE"));
    ok(
        admin()
            .post(
                "/api/2.0/mlflow/registered-models/rename",
                "{\"name\":\"mg.s.m\",\"new_name\":\"mg.s.n\"}"));
    assertThat(ok(admin().get(UC + "/permissions/registered_model/mg.s.n")).body())
        .contains("alice", "EXECUTE");
    ok(admin().delete(UC + "/models/mg.s.n"));
    ok(admin().post(UC + "/models", create.formatted("n")));
    assertThat(
            ok(admin().get(UC + "/permissions/registered_model/mg.s.n"))
                .json()
                .path("privilege_assignments"))
        .isEmpty();
  }

  @Test
  void a_training_set_needs_select_on_every_table_it_reads_and_its_creator_owns_it() {
    catalogWithSchema(admin(), "ts", "s");
    ok(admin().post(UC + "/tables", table("ts", "s", "spine")));
    ok(
        admin()
            .post(
                "/api/2.0/keel/tables/ts.s.spine/rows",
                "{\"mode\": \"append\", \"rows\": [{\"id\": 1}]}"));
    ok(
        admin()
            .post(
                "/api/2.0/feature-store/feature-tables",
                """
                {"name": "ts.s.f", "columns": [{"name": "id", "type_name": "LONG"},
                  {"name": "ts", "type_name": "TIMESTAMP"}, {"name": "v", "type_name": "DOUBLE"}],
                 "primary_keys": ["id", "ts"], "timeseries_key": "ts"}
                """));
    ok(
        admin()
            .post(
                "/api/2.0/feature-store/feature-tables/ts.s.f/rows",
                "{\"rows\": [{\"id\": 1, \"ts\": \"2024-01-01T00:00:00Z\", \"v\": 0.5}]}"));
    ok(grant(admin(), "catalog", "ts", "ann", "USE CATALOG"));
    ok(grant(admin(), "schema", "ts.s", "ann", "USE SCHEMA", "CREATE TABLE"));
    ok(grant(admin(), "table", "ts.s.f", "ann", "SELECT"));
    String body =
        """
        {"spine": {"table": "ts.s.spine"},
         "lookups": [{"table_name": "ts.s.f", "feature_names": ["v"], "lookup_key": "id"}],
         "output_table": "ts.s.out"}
        """;
    ok(
        admin()
            .post(
                "/api/2.0/feature-store/feature-tables",
                """
                {"name": "ts.s.hidden", "columns": [{"name": "id", "type_name": "LONG"},
                  {"name": "ts", "type_name": "TIMESTAMP"}], "primary_keys": ["id", "ts"]}
                """));
    // registering someone else's table as a feature table needs MANAGE on it, not only CREATE TABLE
    Response register =
        as("ann")
            .post(
                "/api/2.0/feature-store/feature-tables",
                "{\"name\": \"ts.s.spine\", \"primary_keys\": [\"id\"]}");
    assertThat(register.status()).isEqualTo(403);
    assertThat(register.body()).contains("MANAGE on TABLE ts.s.spine");
    List<String> listed = new ArrayList<>();
    ok(as("ann").get("/api/2.0/feature-store/feature-tables?catalog_name=ts&schema_name=s"))
        .json()
        .path("feature_tables")
        .forEach(t -> listed.add(t.path("name").asText()));
    assertThat(listed).containsExactly("ts.s.f"); // not ts.s.hidden
    Response refused = as("ann").post("/api/2.0/feature-store/training-sets", body);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("does not have SELECT on TABLE ts.s.spine");

    ok(grant(admin(), "table", "ts.s.spine", "ann", "SELECT"));
    ok(as("ann").post("/api/2.0/feature-store/training-sets", body));
    JsonNode out = ok(as("ann").get(UC + "/tables/ts.s.out")).json();
    assertThat(out.path("owner").asText()).isEqualTo("ann");

    Response online =
        as("bob")
            .post(
                "/api/2.0/feature-store/online-features",
                "{\"features\": [\"ts.s.f:v\"], \"entities\": {\"id\": [1]}}");
    assertThat(online.status()).isEqualTo(403);
    assertThat(online.body()).contains("USE CATALOG");
  }

  @Test
  void a_model_moves_to_another_schema_only_with_create_model_there_and_changes_owner() {
    catalogWithSchema(admin(), "mv", "a");
    ok(admin().post(UC + "/schemas", "{\"catalog_name\":\"mv\",\"name\":\"b\"}"));
    ok(grant(admin(), "catalog", "mv", "olive", "USE CATALOG"));
    ok(grant(admin(), "schema", "mv.a", "olive", "USE SCHEMA", "CREATE MODEL"));
    ok(
        as("olive")
            .post(
                UC + "/models", "{\"catalog_name\":\"mv\",\"schema_name\":\"a\",\"name\":\"m\"}"));
    Response moved =
        as("olive")
            .post(
                "/api/2.0/mlflow/registered-models/rename",
                "{\"name\":\"mv.a.m\",\"new_name\":\"mv.b.m\"}");
    assertThat(moved.status()).isEqualTo(403);
    assertThat(moved.body()).contains("USE SCHEMA on SCHEMA mv.b");
    ok(as("olive").send("PATCH", UC + "/models/mv.a.m", "{\"new_name\":\"n\"}")); // same schema
    JsonNode given =
        ok(as("olive").send("PATCH", UC + "/models/mv.a.n", "{\"owner\":\"bob\"}")).json();
    assertThat(given.path("owner").asText()).isEqualTo("bob");
    assertThat(as("olive").get(UC + "/models/mv.a.n").status()).isEqualTo(403);
  }
}
