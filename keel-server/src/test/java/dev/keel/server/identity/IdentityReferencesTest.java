package dev.keel.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renaming or deleting an identity through SCIM moves or removes what names it: grants, access
 * control entries and owners. A later identity of a deleted one's name inherits nothing (the
 * security bug this guards against); one that still owns catalog objects is not deleted.
 */
class IdentityReferencesTest {
  static final String SCIM = "/api/2.0/preview/scim/v2";
  static final String UC = "/api/2.1/unity-catalog";

  @TempDir Path dir;
  TestServer server;
  TestServer admin;
  String experiment;

  /** The database URL, empty for SQLite; {@code IdentityReferencesPostgresIT} overrides it. */
  Optional<String> database() {
    return Optional.of("");
  }

  @BeforeEach
  void start() {
    Optional<String> db = database();
    assumeTrue(db.isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    server = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, db.get()));
    admin = server.as(TestPrincipals.bearer("root", "admins"));
    server.as(TestPrincipals.bearer("alice"));
    ok(
        admin.post(
            UC + "/tables",
            """
            {"name": "ref_t", "catalog_name": "main", "schema_name": "default",
             "columns": [{"name": "id", "type_name": "LONG", "position": 0}]}
            """));
    grant("catalog", "main", "USE_CATALOG");
    grant("schema", "main.default", "USE_SCHEMA");
    grant("table", "main.default.ref_t", "SELECT");
    experiment =
        ok(admin.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"refs\"}"))
            .json()
            .path("experiment_id")
            .asText();
    ok(
        admin.send(
            "PATCH",
            "/api/2.0/permissions/experiments/" + experiment,
            "{\"access_control_list\":[{\"user_name\":\"alice\",\"permission_level\":\"CAN_READ\"}]}"));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static TestServer.Response ok(TestServer.Response r) {
    assertThat(r.status()).as(r.body()).isBetween(200, 204);
    return r;
  }

  void grant(String type, String name, String privilege) {
    ok(
        admin.send(
            "PATCH",
            UC + "/permissions/" + type + "/" + name,
            "{\"changes\":[{\"principal\":\"alice\",\"add\":[\"" + privilege + "\"]}]}"));
  }

  String userId(String name) {
    String filter = URLEncoder.encode("userName eq \"" + name + "\"", StandardCharsets.UTF_8);
    return ok(admin.get(SCIM + "/Users?filter=" + filter)).json().at("/Resources/0/id").asText();
  }

  int reads(String user) {
    TestServer as = server.as(TestPrincipals.bearer(user));
    int table = as.get(UC + "/tables/main.default.ref_t").status();
    int exp = as.get("/api/2.0/mlflow/experiments/get?experiment_id=" + experiment).status();
    assertThat(table).as("table and experiment agree").isEqualTo(exp);
    return table;
  }

  @Test
  void a_user_created_again_under_a_deleted_users_name_inherits_none_of_its_rights() {
    assertThat(reads("alice")).isEqualTo(200);
    ok(admin.send("DELETE", SCIM + "/Users/" + userId("alice"), null));
    ok(admin.post(SCIM + "/Users", "{\"userName\":\"alice\"}"));

    assertThat(reads("alice")).isEqualTo(403);
    assertThat(ok(admin.get(UC + "/permissions/table/main.default.ref_t")).body())
        .doesNotContain("alice");
    assertThat(ok(admin.get("/api/2.0/permissions/experiments/" + experiment)).body())
        .doesNotContain("alice");
  }

  @Test
  void renaming_a_user_moves_its_grants_access_entries_and_ownerships_to_the_new_name() {
    ok(admin.send("PATCH", UC + "/schemas/main.default", "{\"owner\":\"alice\"}"));
    ok(
        admin.send(
            "PATCH",
            SCIM + "/Users/" + userId("alice"),
            """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "path": "userName", "value": "alice2"}]}
            """));
    assertThat(reads("alice2")).isEqualTo(200);
    assertThat(ok(admin.get(UC + "/schemas/main.default")).json().path("owner").asText())
        .isEqualTo("alice2");

    // a new alice gets nothing the renamed one had
    ok(admin.post(SCIM + "/Users", "{\"userName\":\"alice\"}"));
    assertThat(reads("alice")).isEqualTo(403);
  }

  @Test
  void a_user_that_owns_catalog_objects_is_not_deleted_until_they_change_hands() {
    ok(admin.send("PATCH", UC + "/schemas/main.default", "{\"owner\":\"alice\"}"));
    String id = userId("alice");
    TestServer.Response refused = admin.send("DELETE", SCIM + "/Users/" + id, null);
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("owns SCHEMA main.default");
    assertThat(reads("alice")).as("nothing changed").isEqualTo(200);

    ok(admin.send("PATCH", UC + "/schemas/main.default", "{\"owner\":\"root\"}"));
    ok(admin.send("DELETE", SCIM + "/Users/" + id, null));
    assertThat(reads("alice")).isEqualTo(403);
  }

  @Test
  void a_user_that_owns_a_job_or_that_a_job_runs_as_is_kept_and_a_rename_follows_into_jobs() {
    String task =
        "\"tasks\":[{\"task_key\":\"a\",\"condition_task\":{\"op\":\"EQUAL_TO\",\"left\":\"1\",\"right\":\"1\"}}]";
    TestServer alice = server.as(TestPrincipals.bearer("alice"));
    long owned =
        ok(alice.post("/api/2.2/jobs/create", "{\"name\":\"mine\"," + task + "}"))
            .json()
            .path("job_id")
            .asLong();
    long runsAs =
        ok(admin.post(
                "/api/2.2/jobs/create",
                "{\"name\":\"as-alice\",\"run_as\":{\"user_name\":\"alice\"}," + task + "}"))
            .json()
            .path("job_id")
            .asLong();
    String id = userId("alice");
    TestServer.Response refused = admin.send("DELETE", SCIM + "/Users/" + id, null);
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("JOB " + owned).contains("JOB " + runsAs + " (run_as)");

    ok(
        admin.send(
            "PATCH",
            SCIM + "/Users/" + id,
            """
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations": [{"op": "replace", "path": "userName", "value": "alice2"}]}
            """));
    var job = ok(admin.get("/api/2.2/jobs/get?job_id=" + runsAs)).json();
    assertThat(job.path("run_as_user_name").asText()).isEqualTo("alice2");
    assertThat(job.at("/settings/run_as/user_name").asText()).isEqualTo("alice2");
    assertThat(ok(admin.get("/api/2.0/permissions/jobs/" + owned)).body())
        .contains("alice2")
        .contains("IS_OWNER");
    assertThat(
            ok(server.as(TestPrincipals.bearer("alice2")).get("/api/2.2/jobs/get?job_id=" + owned))
                .json()
                .path("creator_user_name")
                .asText())
        .isEqualTo("alice2");
  }
}
