package dev.keel.server.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelConfig;
import dev.keel.core.SecurableType;
import dev.keel.http.HttpServer;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import dev.keel.store.TestDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experiment object permissions enforced on every tracking and artifact route, and the permissions
 * API for experiments. Callers: alice owns what she creates, bob holds a level directly, carol
 * through her group {@code team}, dan holds the level below the one a route needs, eve nothing.
 */
class ExperimentPermissionsApiTest {
  @TempDir static Path dir;
  static TestServer server;
  static final AtomicInteger names = new AtomicInteger();

  static final String ALICE = TestPrincipals.bearer("alice");
  static final String BOB = TestPrincipals.bearer("bob");
  static final String CAROL = TestPrincipals.bearer("carol", "team");
  static final String DAN = TestPrincipals.bearer("dan");
  static final String EVE = TestPrincipals.bearer("eve");
  static final String ROOT = TestPrincipals.bearer("root", "admins");

  @BeforeAll
  static void start(TestInfo test) {
    String db = "";
    if (test.getTestClass().orElseThrow() == ExperimentPermissionsApiPostgresIT.class) {
      assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
      db = TestDatabases.freshPostgresSchemaUrl();
    }
    server = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, db));
    // access control lists name principals that exist, of the kind their field says
    server
        .servicePrincipal("etl-bot")
        .user("alice", "bob", "carol", "dan", "eve", "gina", "zed")
        .group("team", "readers", "default-loggers");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  static TestServer as(String who) {
    return server.as(who);
  }

  /** An experiment alice created, with a run, a metric and an artifact. */
  record Fixture(String experiment, String name, String run, String artifacts) {}

  static Fixture fixture() {
    TestServer alice = as(ALICE);
    String name = "exp-" + names.incrementAndGet();
    TestServer.Response e =
        alice.post(
            "/api/2.0/mlflow/experiments/create",
            "{\"name\":\"" + name + "\",\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}");
    assertThat(e.status()).as(e.body()).isEqualTo(200);
    String id = e.json().path("experiment_id").asText();
    TestServer.Response r =
        alice.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + id + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String run = r.json().at("/run/info/run_id").asText();
    String uri = r.json().at("/run/info/artifact_uri").asText();
    String artifacts = uri.substring("mlflow-artifacts:/".length());
    ok(
        alice.post(
            "/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\":\"" + run + "\",\"key\":\"m\",\"value\":1,\"timestamp\":1}"));
    ok(
        alice.put(
            "/api/2.0/mlflow-artifacts/artifacts/" + artifacts + "/f.txt",
            BIG.getBytes(StandardCharsets.UTF_8)));
    return new Fixture(id, name, run, artifacts);
  }

  static void grant(Fixture f, String principalField, String principal, String level) {
    ok(
        as(ALICE)
            .send(
                "PATCH",
                "/api/2.0/permissions/experiments/" + f.experiment(),
                "{\"access_control_list\":[{\""
                    + principalField
                    + "\":\""
                    + principal
                    + "\",\"permission_level\":\""
                    + level
                    + "\"}]}"));
  }

  static TestServer.Response ok(TestServer.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  /** One request: method, path (with query), JSON body or null (raw bytes for artifact PUT). */
  record Req(String method, String path, String body) {}

  /**
   * A row of the route table: the route as registered, the level it needs (empty: the collection,
   * open to every authenticated caller), the request to send against a fresh fixture.
   */
  record Row(String method, String route, String level, Function<Fixture, Req> request) {}

  /**
   * Artifact contents: 32 KiB, because Jetty cuts a body whose bytes, counted from its first read,
   * average under 1 KiB/s: a 5-byte upload whose file write takes over 5 ms on a loaded machine
   * fails before its second read (a limit of the server, not of permissions).
   */
  static final String BIG = "x".repeat(32 * 1024);

  static final String MLFLOW = "/api/2.0/mlflow/";
  static final String AJAX = "/ajax-api/2.0/mlflow/";
  static final String PROXY = "/api/2.0/mlflow-artifacts/artifacts";
  static final String AJAX_PROXY = "/ajax-api/2.0/mlflow-artifacts/artifacts";

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (String p : List.of(MLFLOW, AJAX)) {
      rows.add(
          new Row(
              "POST",
              p + "experiments/create",
              "",
              f ->
                  new Req(
                      "POST",
                      p + "experiments/create",
                      "{\"name\":\"new-" + names.incrementAndGet() + "\"}")));
      rows.add(
          row(
              p,
              "GET",
              "experiments/get",
              "CAN_READ",
              f -> "?experiment_id=" + f.experiment(),
              null));
      rows.add(
          row(
              p,
              "GET",
              "experiments/get-by-name",
              "CAN_READ",
              f -> "?experiment_name=" + f.name(),
              null));
      rows.add(row(p, "POST", "experiments/search", "", f -> "", f -> "{}"));
      rows.add(row(p, "GET", "experiments/search", "", f -> "?max_results=10", null));
      rows.add(
          row(
              p,
              "POST",
              "experiments/update",
              "CAN_MANAGE",
              f -> "",
              f ->
                  "{\"experiment_id\":\""
                      + f.experiment()
                      + "\",\"new_name\":\"renamed-"
                      + names.incrementAndGet()
                      + "\"}"));
      rows.add(row(p, "POST", "experiments/delete", "CAN_MANAGE", f -> "", f -> exp(f)));
      rows.add(row(p, "POST", "experiments/restore", "CAN_MANAGE", f -> "", f -> exp(f)));
      rows.add(
          row(
              p,
              "POST",
              "experiments/set-experiment-tag",
              "CAN_EDIT",
              f -> "",
              f -> "{\"experiment_id\":\"" + f.experiment() + "\",\"key\":\"k\",\"value\":\"v\"}"));
      rows.add(
          row(
              p,
              "POST",
              "experiments/delete-experiment-tag",
              "CAN_EDIT",
              f -> "",
              f -> "{\"experiment_id\":\"" + f.experiment() + "\",\"key\":\"k\"}"));
      rows.add(row(p, "POST", "runs/create", "CAN_EDIT", f -> "", f -> exp(f)));
      rows.add(row(p, "GET", "runs/get", "CAN_READ", f -> "?run_id=" + f.run(), null));
      rows.add(
          row(
              p,
              "POST",
              "runs/update",
              "CAN_EDIT",
              f -> "",
              f -> "{\"run_id\":\"" + f.run() + "\",\"status\":\"FINISHED\"}"));
      rows.add(row(p, "POST", "runs/delete", "CAN_MANAGE", f -> "", f -> run(f)));
      rows.add(row(p, "POST", "runs/restore", "CAN_MANAGE", f -> "", f -> run(f)));
      rows.add(
          row(
              p,
              "POST",
              "runs/search",
              "",
              f -> "",
              f -> "{\"experiment_ids\":[\"" + f.experiment() + "\"]}"));
      rows.add(
          row(
              p,
              "POST",
              "runs/log-metric",
              "CAN_EDIT",
              f -> "",
              f -> "{\"run_id\":\"" + f.run() + "\",\"key\":\"m\",\"value\":2,\"timestamp\":2}"));
      rows.add(
          row(
              p,
              "POST",
              "runs/log-parameter",
              "CAN_EDIT",
              f -> "",
              f -> "{\"run_id\":\"" + f.run() + "\",\"key\":\"p\",\"value\":\"1\"}"));
      rows.add(
          row(
              p,
              "POST",
              "runs/set-tag",
              "CAN_EDIT",
              f -> "",
              f -> "{\"run_id\":\"" + f.run() + "\",\"key\":\"t\",\"value\":\"1\"}"));
      rows.add(
          row(
              p,
              "POST",
              "runs/delete-tag",
              "CAN_EDIT",
              f -> "",
              f -> "{\"run_id\":\"" + f.run() + "\",\"key\":\"mlflow.runName\"}"));
      rows.add(
          row(
              p,
              "POST",
              "runs/log-batch",
              "CAN_EDIT",
              f -> "",
              f ->
                  "{\"run_id\":\""
                      + f.run()
                      + "\",\"metrics\":[{\"key\":\"b\",\"value\":1,\"timestamp\":1}]}"));
      rows.add(
          row(
              p,
              "POST",
              "runs/log-inputs",
              "CAN_EDIT",
              f -> "",
              f -> "{\"run_id\":\"" + f.run() + "\",\"datasets\":[]}"));
      rows.add(
          row(
              p,
              "GET",
              "metrics/get-history",
              "CAN_READ",
              f -> "?run_id=" + f.run() + "&metric_key=m",
              null));
      rows.add(row(p, "GET", "artifacts/list", "CAN_READ", f -> "?run_id=" + f.run(), null));
    }
    for (String p : List.of(PROXY, AJAX_PROXY)) {
      rows.add(
          new Row(
              "PUT",
              p + "/<path>",
              "CAN_EDIT",
              f -> new Req("PUT", p + "/" + f.artifacts() + "/g.txt", BIG)));
      rows.add(
          new Row(
              "GET",
              p + "/<path>",
              "CAN_READ",
              f -> new Req("GET", p + "/" + f.artifacts() + "/f.txt", null)));
      rows.add(
          new Row(
              "DELETE",
              p + "/<path>",
              "CAN_MANAGE",
              f -> new Req("DELETE", p + "/" + f.artifacts() + "/f.txt", null)));
      rows.add(
          new Row("GET", p, "CAN_READ", f -> new Req("GET", p + "?path=" + f.artifacts(), null)));
    }
    String perms = "/api/2.0/permissions/experiments/";
    rows.add(
        new Row(
            "GET",
            perms + "{object_id}",
            "CAN_READ",
            f -> new Req("GET", perms + f.experiment(), null)));
    rows.add(
        new Row(
            "PUT",
            perms + "{object_id}",
            "CAN_MANAGE",
            f ->
                new Req(
                    "PUT",
                    perms + f.experiment(),
                    "{\"access_control_list\":[{\"user_name\":\"zed\",\"permission_level\":\"CAN_READ\"}]}")));
    rows.add(
        new Row(
            "PATCH",
            perms + "{object_id}",
            "CAN_MANAGE",
            f ->
                new Req(
                    "PATCH",
                    perms + f.experiment(),
                    "{\"access_control_list\":[{\"user_name\":\"zed\",\"permission_level\":\"CAN_READ\"}]}")));
    rows.add(
        new Row(
            "GET",
            perms + "{object_id}/permissionLevels",
            "CAN_READ",
            f -> new Req("GET", perms + f.experiment() + "/permissionLevels", null)));
    return rows;
  }

  static String exp(Fixture f) {
    return "{\"experiment_id\":\"" + f.experiment() + "\"}";
  }

  static String run(Fixture f) {
    return "{\"run_id\":\"" + f.run() + "\"}";
  }

  static Row row(
      String prefix,
      String method,
      String rpc,
      String level,
      Function<Fixture, String> query,
      Function<Fixture, String> body) {
    return new Row(
        method,
        prefix + rpc,
        level,
        f -> new Req(method, prefix + rpc + query.apply(f), body == null ? null : body.apply(f)));
  }

  static TestServer.Response send(TestServer as, Req r) {
    if (r.method().equals("PUT") && r.path().contains("mlflow-artifacts")) {
      return as.put(r.path(), r.body().getBytes(StandardCharsets.UTF_8));
    }
    if (r.method().equals("GET")) {
      return as.get(r.path());
    }
    if (r.method().equals("DELETE")) {
      return as.delete(r.path());
    }
    return as.send(r.method(), r.path(), r.body());
  }

  static final List<String> LEVELS = List.of("CAN_READ", "CAN_EDIT", "CAN_MANAGE");

  @Test
  void
      every_tracking_artifact_and_permissions_route_answers_owner_grantee_group_member_lower_level_and_stranger_as_its_level_says()
          throws IOException {
    Set<SecurableType> mine =
        Set.of(SecurableType.EXPERIMENT, SecurableType.RUN, SecurableType.ARTIFACT);
    Map<String, Row> table = new LinkedHashMap<>();
    for (Row r : rows()) {
      table.put(r.method() + " " + r.route(), r);
    }
    Set<String> routes = new TreeSet<>();
    for (HttpServer.Route r : server.server().routes()) {
      boolean ours =
          r.path().startsWith("/api/2.0/mlflow")
              || r.path().startsWith("/ajax-api/2.0/mlflow")
              || r.path().startsWith("/api/2.0/permissions/experiments");
      if (ours && mine.contains(r.access().securable())) {
        routes.add(r.method() + " " + r.path());
      }
    }
    assertThat(table.keySet())
        .as("the table covers every experiment, run and artifact route")
        .containsAll(routes);

    StringBuilder md =
        new StringBuilder(
            "| route | needs | owner | granted user | group member | level below | stranger |\n|---|---|---|---|---|---|---|\n");
    List<String> failures = new ArrayList<>();
    for (Row row : table.values()) {
      int rank = LEVELS.indexOf(row.level());
      md.append("| ")
          .append(row.method())
          .append(' ')
          .append(row.route())
          .append(" | ")
          .append(row.level().isEmpty() ? "(any caller; lists filtered)" : row.level());
      Map<String, String> callers = new LinkedHashMap<>();
      callers.put("owner", ALICE);
      callers.put("granted user", BOB);
      callers.put("group member", CAROL);
      callers.put("level below", DAN);
      callers.put("stranger", EVE);
      for (Map.Entry<String, String> c : callers.entrySet()) {
        Fixture f = fixture();
        if (rank >= 0) {
          grant(f, "user_name", "bob", row.level());
          grant(f, "group_name", "team", row.level());
          if (rank > 0) {
            grant(f, "user_name", "dan", LEVELS.get(rank - 1));
          }
        }
        boolean allowed =
            row.level().isEmpty()
                || !(c.getKey().equals("stranger") || c.getKey().equals("level below"));
        TestServer.Response r = send(as(c.getValue()), row.request().apply(f));
        md.append(" | ").append(r.status());
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
        if (!allowed && row.route().endsWith("experiments/get-by-name")) {
          // answered as for a name nothing has, so that names cannot be probed
          if (r.status() != 404
              || !r.body()
                  .contains(
                      "RESOURCE_DOES_NOT_EXIST\",\"message\":\"Could not find experiment with name '"
                          + f.name()
                          + "'\"")) {
            failures.add("expected 404 as for a missing name: " + what);
          }
        } else if (!allowed) {
          if (r.status() != 403
              || !r.body().contains("PERMISSION_DENIED")
              || !r.body()
                  .contains("does not have " + row.level() + " on experiment " + f.experiment())) {
            failures.add("expected 403 naming " + row.level() + ": " + what);
          }
        }
      }
      md.append(" |\n");
    }
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/experiment-permissions-route-table.md"), md);
    assertThat(failures).isEmpty();
  }

  @Test
  void the_permissions_api_answers_databricks_shapes_and_put_replaces_while_patch_adds() {
    Fixture f = fixture();
    String path = "/api/2.0/permissions/experiments/" + f.experiment();
    JsonNode acl = ok(as(ALICE).get(path)).json();
    assertThat(acl.path("object_id").asText()).isEqualTo("/experiments/" + f.experiment());
    assertThat(acl.path("object_type").asText()).isEqualTo("mlflowExperiment");
    assertThat(acl.at("/access_control_list/0/user_name").asText()).isEqualTo("alice");
    assertThat(acl.at("/access_control_list/0/all_permissions/0/permission_level").asText())
        .isEqualTo("CAN_MANAGE");
    assertThat(acl.at("/access_control_list/0/all_permissions/0/inherited").asBoolean()).isFalse();
    JsonNode admins = acl.at("/access_control_list/1");
    assertThat(admins.path("group_name").asText()).isEqualTo("admins");
    assertThat(admins.at("/all_permissions/0/inherited").asBoolean()).isTrue();
    assertThat(admins.at("/all_permissions/0/inherited_from_object/0").asText())
        .isEqualTo("/experiments/");

    ok(
        as(ALICE)
            .send(
                "PATCH",
                path,
                "{\"access_control_list\":[{\"user_name\":\"bob\",\"permission_level\":\"CAN_READ\"}]}"));
    JsonNode patched =
        ok(as(ALICE)
                .send(
                    "PATCH",
                    path,
                    "{\"access_control_list\":[{\"group_name\":\"team\",\"permission_level\":\"CAN_EDIT\"}]}"))
            .json();
    assertThat(patched.path("access_control_list").toString())
        .contains("\"user_name\":\"bob\"")
        .contains("\"group_name\":\"team\"");
    assertThat(
            as(BOB).get("/api/2.0/mlflow/experiments/get?experiment_id=" + f.experiment()).status())
        .isEqualTo(200);

    JsonNode put =
        ok(as(ALICE)
                .send(
                    "PUT",
                    path,
                    "{\"access_control_list\":[{\"service_principal_name\":\"etl-bot\",\"permission_level\":\"CAN_EDIT\"}]}"))
            .json();
    assertThat(put.path("access_control_list").toString())
        .doesNotContain("\"bob\"")
        .doesNotContain("\"team\"")
        .contains("\"service_principal_name\":\"etl-bot\"")
        .contains("\"user_name\":\"alice\""); // the owner stays
    TestServer.Response bob =
        as(BOB).get("/api/2.0/mlflow/experiments/get?experiment_id=" + f.experiment());
    assertThat(bob.status()).as(bob.body()).isEqualTo(403);
    assertThat(bob.json().path("message").asText())
        .isEqualTo("User bob does not have CAN_READ on experiment " + f.experiment() + ".");

    JsonNode levels = ok(as(ALICE).get(path + "/permissionLevels")).json();
    assertThat(levels.findValuesAsText("permission_level"))
        .containsExactly("CAN_READ", "CAN_EDIT", "CAN_MANAGE");
  }

  @Test
  void bad_access_control_lists_are_refused_naming_the_field_and_change_nothing() {
    Fixture f = fixture();
    String path = "/api/2.0/permissions/experiments/" + f.experiment();
    String before = ok(as(ALICE).get(path)).body();
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put(
        "{\"access_control_list\":[{\"user_name\":\"bob\",\"permission_level\":\"CAN_QUERY\"}]}",
        "access_control_list[0].permission_level");
    bad.put(
        "{\"access_control_list\":[{\"user_name\":\"bob\",\"permission_level\":\"IS_OWNER\"}]}",
        "access_control_list[0].permission_level");
    bad.put(
        "{\"access_control_list\":[{\"permission_level\":\"CAN_READ\"}]}",
        "access_control_list[0]");
    bad.put(
        "{\"access_control_list\":[{\"user_name\":\"bob\",\"group_name\":\"team\",\"permission_level\":\"CAN_READ\"}]}",
        "exactly one");
    bad.put(
        "{\"access_control_list\":[{\"user_name\":\"bob\"}]}",
        "access_control_list[0].permission_level");
    bad.put(
        "{\"access_control_list\":[{\"user_name\":\"bob\",\"permission_level\":\"CAN_READ\",\"x\":1}]}",
        "access_control_list[0].x");
    bad.put("{\"access_control_list\":{}}", "access_control_list");
    bad.put(
        "{\"access_control_list\":[{\"user_name\":\"bob\",\"permission_level\":\"CAN_READ\"},{\"user_name\":\"bob\",\"permission_level\":\"CAN_EDIT\"}]}",
        "more than once");
    for (Map.Entry<String, String> b : bad.entrySet()) {
      for (String method : List.of("PUT", "PATCH")) {
        TestServer.Response r = as(ALICE).send(method, path, b.getKey());
        assertThat(r.status()).as(method + " " + b.getKey() + " " + r.body()).isEqualTo(400);
        assertThat(r.body()).contains(b.getValue());
      }
    }
    assertThat(ok(as(ALICE).get(path)).body()).isEqualTo(before);
    TestServer.Response missing = as(ROOT).get("/api/2.0/permissions/experiments/999999");
    assertThat(missing.status()).as(missing.body()).isEqualTo(404);
    assertThat(as(ROOT).get("/api/2.0/permissions/jobs/1").status()).isEqualTo(404);
  }

  @Test
  void an_entry_naming_no_principal_of_its_fields_kind_is_refused_naming_the_field() {
    Fixture f = fixture();
    String path = "/api/2.0/permissions/experiments/" + f.experiment();
    String before = ok(as(ALICE).get(path)).body();
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put(
        "[{\"user_name\":\"bob\",\"permission_level\":\"CAN_READ\"},"
            + "{\"group_name\":\"ghosts\",\"permission_level\":\"CAN_READ\"}]",
        "'access_control_list[1].group_name': no group named 'ghosts'.");
    bad.put(
        "[{\"user_name\":\"ghost\",\"permission_level\":\"CAN_READ\"}]",
        "'access_control_list[0].user_name': no user named 'ghost'.");
    bad.put(
        "[{\"service_principal_name\":\"ghost-bot\",\"permission_level\":\"CAN_READ\"}]",
        "'access_control_list[0].service_principal_name': no service principal named"
            + " 'ghost-bot'.");
    bad.put(
        "[{\"user_name\":\"team\",\"permission_level\":\"CAN_READ\"}]",
        "'access_control_list[0].user_name': no user named 'team' (team is a group).");
    bad.put(
        "[{\"group_name\":\"bob\",\"permission_level\":\"CAN_READ\"}]",
        "'access_control_list[0].group_name': no group named 'bob' (bob is a user).");
    bad.put(
        "[{\"service_principal_name\":\"bob\",\"permission_level\":\"CAN_READ\"}]",
        "'access_control_list[0].service_principal_name': no service principal named 'bob'"
            + " (bob is a user).");
    bad.put(
        "[{\"user_name\":\"etl-bot\",\"permission_level\":\"CAN_READ\"}]",
        "'access_control_list[0].user_name': no user named 'etl-bot' (etl-bot is a service"
            + " principal).");
    for (Map.Entry<String, String> b : bad.entrySet()) {
      for (String method : List.of("PUT", "PATCH")) {
        TestServer.Response r =
            as(ALICE).send(method, path, "{\"access_control_list\":" + b.getKey() + "}");
        assertThat(r.status()).as(method + " " + b.getKey() + " " + r.body()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(r.json().path("message").asText()).isEqualTo(b.getValue());
      }
    }
    assertThat(ok(as(ALICE).get(path)).body()).isEqualTo(before);

    // names match ignoring case and are stored as the identity spells them, so they apply
    grant(f, "group_name", "READERS", "CAN_READ");
    grant(f, "service_principal_name", "ETL-Bot", "CAN_EDIT");
    assertThat(ok(as(ALICE).get(path)).body())
        .contains("\"group_name\":\"readers\"", "\"service_principal_name\":\"etl-bot\"");
    ok(
        as(TestPrincipals.bearer("bob", "readers"))
            .get(MLFLOW + "experiments/get?experiment_id=" + f.experiment()));
  }

  @Test
  void searches_keep_only_visible_experiments_and_runs_and_a_page_holds_max_results_of_them() {
    List<Fixture> alices = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      alices.add(fixture());
    }
    // bob sees every other one of alice's, through himself or his group
    List<String> visible = new ArrayList<>();
    for (int i = 0; i < alices.size(); i += 2) {
      grant(
          alices.get(i),
          i % 4 == 0 ? "user_name" : "group_name",
          i % 4 == 0 ? "bob" : "readers",
          "CAN_READ");
      visible.add(alices.get(i).experiment());
    }
    TestServer bob = as(TestPrincipals.bearer("bob", "readers"));
    TestServer.Response own =
        bob.post(
            "/api/2.0/mlflow/experiments/create",
            "{\"name\":\"bobs-" + names.incrementAndGet() + "\"}");
    visible.add(ok(own).json().path("experiment_id").asText());

    List<String> seen = new ArrayList<>();
    String token = "";
    do {
      JsonNode page =
          ok(bob.post(
                  "/api/2.0/mlflow/experiments/search",
                  "{\"max_results\":2"
                      + (token.isEmpty() ? "" : ",\"page_token\":\"" + token + "\"")
                      + "}"))
              .json();
      int n = page.path("experiments").size();
      token = page.path("next_page_token").asText("");
      if (!token.isEmpty()) {
        assertThat(n).as("a page that is not the last is full").isEqualTo(2);
      }
      page.path("experiments").forEach(e -> seen.add(e.path("experiment_id").asText()));
    } while (!token.isEmpty());
    assertThat(seen).containsExactlyInAnyOrderElementsOf(visible);

    StringBuilder ids = new StringBuilder();
    for (Fixture f : alices) {
      ids.append(ids.isEmpty() ? "" : ",").append('"').append(f.experiment()).append('"');
    }
    JsonNode runs =
        ok(bob.post(
                "/api/2.0/mlflow/runs/search",
                "{\"experiment_ids\":[" + ids + "],\"max_results\":2}"))
            .json();
    assertThat(runs.path("runs").size()).isEqualTo(2);
    List<String> runExperiments = new ArrayList<>();
    String t = runs.path("next_page_token").asText("");
    runs.path("runs").forEach(r -> runExperiments.add(r.at("/info/experiment_id").asText()));
    while (!t.isEmpty()) {
      JsonNode p =
          ok(bob.post(
                  "/api/2.0/mlflow/runs/search",
                  "{\"experiment_ids\":["
                      + ids
                      + "],\"max_results\":2,\"page_token\":\""
                      + t
                      + "\"}"))
              .json();
      p.path("runs").forEach(r -> runExperiments.add(r.at("/info/experiment_id").asText()));
      t = p.path("next_page_token").asText("");
    }
    assertThat(runExperiments).containsExactlyInAnyOrderElementsOf(visible.subList(0, 3));
    TestServer.Response none =
        as(EVE).post("/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[" + ids + "]}");
    assertThat(ok(none).json().path("runs").isMissingNode()).isTrue();
    TestServer.Response badFilter =
        as(EVE)
            .post(
                "/api/2.0/mlflow/runs/search",
                "{\"experiment_ids\":[" + ids + "],\"filter\":\"metrics.m >>> 1\"}");
    assertThat(badFilter.status()).isEqualTo(400);
  }

  @Test
  void a_non_administrator_creates_experiments_it_owns_but_cannot_choose_their_artifact_location() {
    TestServer.Response r =
        as(EVE)
            .post(
                "/api/2.0/mlflow/experiments/create",
                "{\"name\":\"eve-"
                    + names.incrementAndGet()
                    + "\",\"artifact_location\":\"mlflow-artifacts:/1\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.body()).contains("artifact_location");
    TestServer.Response mine =
        ok(
            as(EVE)
                .post(
                    "/api/2.0/mlflow/experiments/create",
                    "{\"name\":\"eve-" + names.incrementAndGet() + "\"}"));
    String id = mine.json().path("experiment_id").asText();
    ok(as(EVE).post("/api/2.0/mlflow/experiments/delete", "{\"experiment_id\":\"" + id + "\"}"));
    ok(as(EVE).post("/api/2.0/mlflow/experiments/restore", "{\"experiment_id\":\"" + id + "\"}"));
    ok(
        as(ROOT)
            .post(
                "/api/2.0/mlflow/experiments/create",
                "{\"name\":\"root-"
                    + names.incrementAndGet()
                    + "\",\"artifact_location\":\"mlflow-artifacts:/shared/place\"}"));
  }

  @Test
  void the_default_experiment_is_for_administrators_until_one_grants_it() {
    TestServer gina = as(TestPrincipals.bearer("gina", "default-loggers"));
    TestServer.Response denied = gina.post("/api/2.0/mlflow/runs/create", "{}");
    assertThat(denied.status()).as(denied.body()).isEqualTo(403);
    assertThat(denied.json().path("message").asText())
        .isEqualTo("User gina does not have CAN_EDIT on experiment 0.");
    ok(
        as(ROOT)
            .send(
                "PATCH",
                "/api/2.0/permissions/experiments/0",
                "{\"access_control_list\":[{\"group_name\":\"default-loggers\",\"permission_level\":\"CAN_EDIT\"}]}"));
    TestServer.Response run = ok(gina.post("/api/2.0/mlflow/runs/create", "{}"));
    assertThat(run.json().at("/run/info/experiment_id").asText()).isEqualTo("0");
  }

  @Test
  void model_version_files_are_decided_on_the_model_and_the_store_root_is_for_administrators() {
    ok(
        as(ROOT)
            .post(
                "/api/2.1/unity-catalog/models",
                "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\"m\"}"));
    TestServer.Response r = as(EVE).get(PROXY + "/models/main/default/m/1/MLmodel");
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.body()).contains("does not have USE CATALOG on CATALOG main");
    TestServer.Response root = as(ALICE).get(PROXY);
    assertThat(root.status()).as(root.body()).isEqualTo(403);
    assertThat(as(ROOT).get(PROXY).status()).isEqualTo(200);
  }

  @Test
  void without_credentials_every_experiment_route_answers_401() {
    Fixture f = fixture();
    for (Row row : rows()) {
      TestServer.Response r = send(server, row.request().apply(f));
      assertThat(r.status()).as(row.method() + " " + row.route() + " " + r.body()).isEqualTo(401);
    }
  }
}
