package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.createBody;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelConfig;
import dev.keel.core.SecurableType;
import dev.keel.http.HttpServer;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving endpoint object permissions on every serving route and the permissions API for endpoints.
 * alice creates (owns) the endpoints; bob holds a level directly, carol through her group {@code
 * team}, dan the level below the one a route needs, eve nothing. The model version is registered by
 * an administrator, who lets every user here execute it (creating an endpoint that serves a model
 * needs EXECUTE on it): the endpoint serves it with its creator's rights, and callers need nothing
 * on the model.
 */
class EndpointPermissionsApiTest {
  @TempDir static Path dir;
  static TestServer server;
  static long version;
  static final AtomicInteger names = new AtomicInteger();

  static final String ALICE = TestPrincipals.bearer("alice");
  static final String BOB = TestPrincipals.bearer("bob");
  static final String CAROL = TestPrincipals.bearer("carol", "team");
  static final String DAN = TestPrincipals.bearer("dan");
  static final String EVE = TestPrincipals.bearer("eve");
  static final String ROOT = TestPrincipals.bearer("root", "admins");
  static final List<String> LEVELS = List.of("CAN_VIEW", "CAN_QUERY", "CAN_MANAGE");

  @BeforeAll
  static void start() {
    server = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""));
    // access control lists name principals that exist, of the kind their field says
    server
        .servicePrincipal("scoring-bot")
        .user("alice", "bob", "carol", "dan", "eve", "frank", "zed")
        .group("viewers", "team");
    version = version(server.as(ROOT), "perm", true);
    // creating an endpoint that serves the model needs EXECUTE on it: everyone here may run it,
    // so what each caller may do with an endpoint depends on its level on the endpoint alone
    for (String who : List.of("alice", "bob", "carol", "dan", "eve", "frank")) {
      ServingFixtures.allowServing(server.as(ROOT), who, "perm");
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** An endpoint alice created, ready: its name and id. */
  record Endpoint(String name, String id) {}

  static Endpoint endpoint(String creator) {
    String name = "ep-" + names.incrementAndGet();
    TestServer.Response c =
        server.as(creator).post(API, createBody(name, "perm", Long.toString(version)));
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    awaitSettled(server.as(creator), name);
    return new Endpoint(name, c.json().path("id").asText());
  }

  static TestServer.Response grant(Endpoint e, String field, String principal, String level) {
    TestServer.Response r =
        server
            .as(ALICE)
            .send(
                "PATCH",
                "/api/2.0/permissions/serving-endpoints/" + e.id(),
                "{\"access_control_list\":[{\""
                    + field
                    + "\":\""
                    + principal
                    + "\",\"permission_level\":\""
                    + level
                    + "\"}]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  record Req(String method, String path, String body) {}

  record Row(String method, String route, String level, Function<Endpoint, Req> request) {}

  static final String V2_ROW =
      "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\","
          + "\"data\":[[0.0342,1.3597,1.2247,-0.5103]]}]}";

  static List<Row> rows() {
    String perms = "/api/2.0/permissions/serving-endpoints/";
    String acl =
        "{\"access_control_list\":[{\"user_name\":\"zed\",\"permission_level\":\"CAN_VIEW\"}]}";
    return List.of(
        new Row(
            "POST",
            API,
            "",
            e ->
                new Req(
                    "POST",
                    API,
                    createBody("new-" + names.incrementAndGet(), "perm", Long.toString(version)))),
        new Row("GET", API, "", e -> new Req("GET", API, null)),
        new Row(
            "GET", API + "/{name}", "CAN_VIEW", e -> new Req("GET", API + "/" + e.name(), null)),
        new Row(
            "DELETE",
            API + "/{name}",
            "CAN_MANAGE",
            e -> new Req("DELETE", API + "/" + e.name(), null)),
        new Row(
            "PUT",
            API + "/{name}/config",
            "CAN_MANAGE",
            e ->
                new Req(
                    "PUT",
                    API + "/" + e.name() + "/config",
                    "{\"served_entities\":[{\"entity_name\":\"main.default.perm\",\"entity_version\":\""
                        + version
                        + "\"}]}")),
        new Row(
            "PUT",
            API + "/{name}/ai-gateway",
            "CAN_MANAGE",
            e -> new Req("PUT", API + "/" + e.name() + "/ai-gateway", "{}")),
        new Row(
            "POST",
            "/serving-endpoints/{name}/invocations",
            "CAN_QUERY",
            e -> new Req("POST", "/serving-endpoints/" + e.name() + "/invocations", ONE_ROW)),
        new Row(
            "POST",
            "/serving-endpoints/{name}/served-models/{served}/invocations",
            "CAN_QUERY",
            e ->
                new Req(
                    "POST",
                    "/serving-endpoints/"
                        + e.name()
                        + "/served-models/perm-"
                        + version
                        + "/invocations",
                    ONE_ROW)),
        new Row(
            "GET",
            "/v2/models/{name}",
            "CAN_VIEW",
            e -> new Req("GET", "/v2/models/" + e.name(), null)),
        new Row(
            "GET",
            "/v2/models/{name}/ready",
            "CAN_VIEW",
            e -> new Req("GET", "/v2/models/" + e.name() + "/ready", null)),
        new Row(
            "POST",
            "/v2/models/{name}/infer",
            "CAN_QUERY",
            e -> new Req("POST", "/v2/models/" + e.name() + "/infer", V2_ROW)),
        new Row(
            "GET", perms + "{object_id}", "CAN_VIEW", e -> new Req("GET", perms + e.id(), null)),
        new Row(
            "PUT", perms + "{object_id}", "CAN_MANAGE", e -> new Req("PUT", perms + e.id(), acl)),
        new Row(
            "PATCH",
            perms + "{object_id}",
            "CAN_MANAGE",
            e -> new Req("PATCH", perms + e.id(), acl)),
        new Row(
            "GET",
            perms + "{object_id}/permissionLevels",
            "CAN_VIEW",
            e -> new Req("GET", perms + e.id() + "/permissionLevels", null)));
  }

  static TestServer.Response send(TestServer as, Req r) {
    return switch (r.method()) {
      case "GET" -> as.get(r.path());
      case "DELETE" -> as.delete(r.path());
      default -> as.send(r.method(), r.path(), r.body());
    };
  }

  @Test
  void
      every_serving_route_answers_owner_grantee_group_member_lower_level_and_stranger_as_its_level_says()
          throws IOException {
    Map<String, Row> table = new LinkedHashMap<>();
    for (Row r : rows()) {
      table.put(r.method() + " " + r.route(), r);
    }
    Set<String> routes = new TreeSet<>();
    for (HttpServer.Route r : server.server().routes()) {
      if (r.access().securable() == SecurableType.SERVING_ENDPOINT) {
        routes.add(r.method() + " " + r.path());
      }
    }
    assertThat(table.keySet())
        .as("the table covers every serving endpoint route")
        .containsAll(routes);

    StringBuilder md =
        new StringBuilder(
            "| route | needs | owner | granted user | group member | level below | stranger |\n"
                + "|---|---|---|---|---|---|---|\n");
    List<String> failures = new ArrayList<>();
    Map<String, String> callers = new LinkedHashMap<>();
    callers.put("stranger", EVE);
    callers.put("level below", DAN);
    callers.put("group member", CAROL);
    callers.put("granted user", BOB);
    callers.put("owner", ALICE);
    for (Row row : table.values()) {
      int rank = LEVELS.indexOf(row.level());
      boolean destructive = !row.method().equals("GET") && rank == 2;
      Endpoint shared = endpoint(ALICE);
      grants(shared, rank);
      Map<String, Integer> statuses = new LinkedHashMap<>();
      for (Map.Entry<String, String> c : callers.entrySet()) {
        Endpoint e = shared;
        if (destructive && statuses.size() >= 2) { // each allowed caller changes its own endpoint
          e = endpoint(ALICE);
          grants(e, rank);
        }
        boolean allowed =
            row.level().isEmpty()
                || !(c.getKey().equals("stranger") || c.getKey().equals("level below"));
        TestServer.Response r = send(server.as(c.getValue()), row.request().apply(e));
        statuses.put(c.getKey(), r.status());
        String what =
            row.method()
                + " "
                + row.route()
                + " as "
                + c.getKey()
                + ": "
                + r.status()
                + " "
                + r.body();
        if (allowed && r.status() != 200) {
          failures.add("expected 200: " + what);
        }
        if (!allowed
            && (r.status() != 403
                || !r.body()
                    .contains(
                        "does not have " + row.level() + " on serving endpoint " + e.name()))) {
          failures.add("expected 403 naming " + row.level() + ": " + what);
        }
      }
      md.append("| ")
          .append(row.method())
          .append(' ')
          .append(row.route())
          .append(" | ")
          .append(row.level().isEmpty() ? "(any caller; list filtered)" : row.level());
      for (String who :
          List.of("owner", "granted user", "group member", "level below", "stranger")) {
        md.append(" | ").append(statuses.get(who));
      }
      md.append(" |\n");
    }
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/endpoint-permissions-route-table.md"), md);
    assertThat(failures).isEmpty();
  }

  private static void grants(Endpoint e, int rank) {
    if (rank >= 0) {
      grant(e, "user_name", "bob", LEVELS.get(rank));
      grant(e, "group_name", "team", LEVELS.get(rank));
      if (rank > 0) {
        grant(e, "user_name", "dan", LEVELS.get(rank - 1));
      }
    }
  }

  @Test
  void can_query_alone_scores_and_the_creator_is_the_caller() {
    Endpoint e = endpoint(ALICE);
    TestServer.Response created = server.as(ALICE).get(API + "/" + e.name());
    assertThat(created.json().path("creator").asText()).isEqualTo("alice");
    assertThat(created.json().path("permission_level").asText()).isEqualTo("CAN_MANAGE");
    grant(e, "service_principal_name", "scoring-bot", "CAN_QUERY");
    TestServer bot = server.as(TestPrincipals.bearer("scoring-bot"));
    TestServer.Response scored =
        bot.post("/serving-endpoints/" + e.name() + "/invocations", ONE_ROW);
    assertThat(scored.status()).as(scored.body()).isEqualTo(200);
    assertThat(scored.json().path("predictions").size()).isEqualTo(1);
    assertThat(bot.get(API + "/" + e.name()).json().path("permission_level").asText())
        .isEqualTo("CAN_QUERY");
    TestServer.Response config = bot.send("PUT", API + "/" + e.name() + "/ai-gateway", "{}");
    assertThat(config.status()).isEqualTo(403);
    assertThat(config.json().path("message").asText())
        .isEqualTo(
            "User scoring-bot does not have CAN_MANAGE on serving endpoint " + e.name() + ".");
    TestServer.Response denied =
        server.as(EVE).post("/serving-endpoints/" + e.name() + "/invocations", ONE_ROW);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.body())
        .contains("User eve does not have CAN_QUERY on serving endpoint " + e.name() + ".");
  }

  @Test
  void an_entry_naming_no_principal_of_its_fields_kind_is_refused_and_changes_nothing() {
    Endpoint e = endpoint(ALICE);
    String path = "/api/2.0/permissions/serving-endpoints/" + e.id();
    String before = server.as(ALICE).get(path).body();
    for (String method : List.of("PUT", "PATCH")) {
      TestServer.Response r =
          server
              .as(ALICE)
              .send(
                  method,
                  path,
                  "{\"access_control_list\":[{\"user_name\":\"bob\",\"permission_level\":"
                      + "\"CAN_QUERY\"},{\"service_principal_name\":\"nobody-bot\","
                      + "\"permission_level\":\"CAN_QUERY\"}]}");
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
      assertThat(r.json().path("message").asText())
          .isEqualTo(
              "'access_control_list[1].service_principal_name': no service principal named"
                  + " 'nobody-bot'.");
      TestServer.Response kind =
          server
              .as(ALICE)
              .send(
                  method,
                  path,
                  "{\"access_control_list\":[{\"group_name\":\"scoring-bot\","
                      + "\"permission_level\":\"CAN_QUERY\"}]}");
      assertThat(kind.status()).as(kind.body()).isEqualTo(400);
      assertThat(kind.json().path("message").asText())
          .isEqualTo(
              "'access_control_list[0].group_name': no group named 'scoring-bot' (scoring-bot is"
                  + " a service principal).");
    }
    assertThat(server.as(ALICE).get(path).body()).isEqualTo(before);
    assertThat(
            server
                .as(BOB)
                .post("/serving-endpoints/" + e.name() + "/invocations", ONE_ROW)
                .status())
        .isEqualTo(403);
  }

  @Test
  void the_list_holds_only_the_endpoints_the_caller_may_see() {
    Endpoint mine = endpoint(ALICE);
    Endpoint shared = endpoint(ALICE);
    Endpoint hidden = endpoint(ALICE);
    grant(shared, "group_name", "viewers", "CAN_VIEW");
    Endpoint frank = endpoint(TestPrincipals.bearer("frank"));
    JsonNode list = server.as(TestPrincipals.bearer("frank", "viewers")).get(API).json();
    List<String> names = list.path("endpoints").findValuesAsText("name");
    assertThat(names)
        .contains(shared.name(), frank.name())
        .doesNotContain(mine.name(), hidden.name());
    assertThat(server.as(ROOT).get(API).json().path("endpoints").findValuesAsText("name"))
        .contains(mine.name(), shared.name(), hidden.name(), frank.name());
  }

  @Test
  void
      the_permissions_api_answers_databricks_shapes_and_a_deleted_endpoint_forgets_its_permissions() {
    Endpoint e = endpoint(ALICE);
    String path = "/api/2.0/permissions/serving-endpoints/" + e.id();
    grant(e, "user_name", "bob", "CAN_QUERY");
    JsonNode acl = server.as(BOB).get(path).json();
    assertThat(acl.path("object_id").asText()).isEqualTo("/serving-endpoints/" + e.id());
    assertThat(acl.path("object_type").asText()).isEqualTo("serving-endpoint");
    assertThat(acl.path("access_control_list").toString())
        .contains(
            "{\"user_name\":\"alice\",\"all_permissions\":[{\"permission_level\":\"CAN_MANAGE\",\"inherited\":false}]}")
        .contains(
            "{\"user_name\":\"bob\",\"all_permissions\":[{\"permission_level\":\"CAN_QUERY\",\"inherited\":false}]}");
    JsonNode levels = server.as(BOB).get(path + "/permissionLevels").json();
    assertThat(levels.findValuesAsText("permission_level"))
        .containsExactly("CAN_VIEW", "CAN_QUERY", "CAN_MANAGE");
    TestServer.Response wrong =
        server
            .as(ALICE)
            .send(
                "PATCH",
                path,
                "{\"access_control_list\":[{\"user_name\":\"bob\",\"permission_level\":\"CAN_EDIT\"}]}");
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.body()).contains("CAN_VIEW, CAN_QUERY, CAN_MANAGE");
    TestServer.Response byName =
        server.as(ROOT).get("/api/2.0/permissions/serving-endpoints/" + e.name());
    assertThat(byName.status()).as("endpoints are named by id here").isEqualTo(404);

    assertThat(server.as(ALICE).delete(API + "/" + e.name()).status()).isEqualTo(200);
    assertThat(server.as(ROOT).get(path).status()).isEqualTo(404);
    // a new endpoint of the same name is a new object: bob's grant does not carry over
    Endpoint again = endpointNamed(e.name());
    assertThat(server.as(BOB).get(API + "/" + again.name()).status()).isEqualTo(403);
  }

  static Endpoint endpointNamed(String name) {
    TestServer.Response c =
        server.as(ALICE).post(API, createBody(name, "perm", Long.toString(version)));
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    return new Endpoint(name, c.json().path("id").asText());
  }
}
