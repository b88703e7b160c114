package dev.keel.server.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes that read a run's data by an id or path they are given: registering a model version from a
 * run's artifacts and the run-lineage route need READ (CAN_READ) on the run's experiment. Alice
 * owns the experiment, bob is granted CAN_READ on it, olive may create model versions but is a
 * stranger to the experiment. Serving a model through an endpoint needs EXECUTE on the model.
 */
class RunDataAccessTest {
  static final String UC = "/api/2.1/unity-catalog";
  static final String ALICE = TestPrincipals.bearer("alice");
  static final String BOB = TestPrincipals.bearer("bob");
  static final String OLIVE = TestPrincipals.bearer("olive");
  static final String ROOT = TestPrincipals.bearer("root", "admins");

  @TempDir static Path dir;
  static TestServer server;
  static String experiment;
  static String run;
  static String artifacts;

  @BeforeAll
  static void start() {
    server = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""));
    server.user("bob", "olive"); // named in grants before they call
    TestServer alice = server.as(ALICE);
    experiment =
        ok(alice.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"private\"}"))
            .json()
            .path("experiment_id")
            .asText();
    TestServer.Response r =
        ok(alice.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + experiment + "\"}"));
    run = r.json().at("/run/info/run_id").asText();
    artifacts = r.json().at("/run/info/artifact_uri").asText();
    ok(
        alice.put(
            "/api/2.0/mlflow-artifacts/artifacts/"
                + artifacts.substring("mlflow-artifacts:/".length())
                + "/model/secret.txt",
            "x".repeat(32 * 1024).getBytes(StandardCharsets.UTF_8)));
    ok(
        alice.send(
            "PATCH",
            "/api/2.0/permissions/experiments/" + experiment,
            "{\"access_control_list\":[{\"user_name\":\"bob\",\"permission_level\":\"CAN_READ\"}]}"));

    TestServer root = server.as(ROOT);
    ok(root.post(UC + "/catalogs", "{\"name\":\"rv\"}"));
    ok(root.post(UC + "/schemas", "{\"catalog_name\":\"rv\",\"name\":\"s\"}"));
    for (String who : new String[] {"olive", "bob"}) {
      ok(grant(root, "catalog", "rv", who, "USE CATALOG"));
      ok(grant(root, "schema", "rv.s", who, "USE SCHEMA", "CREATE MODEL"));
    }
    ok(
        server
            .as(OLIVE)
            .post(
                UC + "/models", "{\"catalog_name\":\"rv\",\"schema_name\":\"s\",\"name\":\"m\"}"));
    ok(
        server
            .as(BOB)
            .post(
                UC + "/models", "{\"catalog_name\":\"rv\",\"schema_name\":\"s\",\"name\":\"b\"}"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  static TestServer.Response ok(TestServer.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r;
  }

  static TestServer.Response grant(
      TestServer who, String type, String name, String principal, String... privileges) {
    return who.send(
        "PATCH",
        UC + "/permissions/" + type + "/" + name,
        "{\"changes\":[{\"principal\":\""
            + principal
            + "\",\"add\":[\""
            + String.join("\",\"", privileges)
            + "\"]}]}");
  }

  static String ucVersion(String model, String source, String runId) {
    return "{\"catalog_name\":\"rv\",\"schema_name\":\"s\",\"model_name\":\""
        + model
        + "\",\"source\":\""
        + source
        + "\""
        + (runId == null ? "" : ",\"run_id\":\"" + runId + "\"")
        + "}";
  }

  static void assertDeniedReadOnTheExperiment(TestServer.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.body()).contains("PERMISSION_DENIED").contains("CAN_READ").contains(experiment);
  }

  static int versionsOf(String model) {
    return ok(server.as(ROOT).get(UC + "/models/rv.s." + model + "/versions"))
        .json()
        .path("model_versions")
        .size();
  }

  @Test
  void a_stranger_to_the_experiment_cannot_register_a_version_from_its_run() {
    TestServer olive = server.as(OLIVE);
    assertDeniedReadOnTheExperiment(
        olive.post(UC + "/models/versions", ucVersion("m", "runs:/" + run + "/model", null)));
    assertDeniedReadOnTheExperiment(
        olive.post(UC + "/models/versions", ucVersion("m", artifacts + "/model", null)));
    assertDeniedReadOnTheExperiment(
        olive.post(UC + "/models/versions", ucVersion("m", artifacts + "/model", run)));
    assertDeniedReadOnTheExperiment(
        olive.post(
            "/api/2.0/mlflow/model-versions/create",
            "{\"name\":\"rv.s.m\",\"source\":\"runs:/" + run + "/model\"}"));
    assertDeniedReadOnTheExperiment(
        olive.post(
            "/api/2.0/mlflow/model-versions/create",
            "{\"name\":\"rv.s.m\",\"source\":\"" + artifacts + "/model\"}"));
    assertThat(versionsOf("m")).isZero();
  }

  @Test
  void a_granted_reader_registers_a_version_from_the_run() {
    TestServer bob = server.as(BOB);
    ok(bob.post(UC + "/models/versions", ucVersion("b", "runs:/" + run + "/model", run)));
    ok(
        bob.post(
            "/api/2.0/mlflow/model-versions/create",
            "{\"name\":\"rv.s.b\",\"source\":\""
                + artifacts
                + "/model\",\"run_id\":\""
                + run
                + "\"}"));
    assertThat(versionsOf("b")).isEqualTo(2);
  }

  @Test
  void run_lineage_is_for_readers_of_the_runs_experiment() {
    String path = UC + "/lineage/runs/" + run;
    ok(server.as(ALICE).get(path));
    TestServer.Response granted = ok(server.as(BOB).get(path));
    assertThat(granted.json().path("run_id").asText()).isEqualTo(run);
    assertDeniedReadOnTheExperiment(server.as(OLIVE).get(path));
  }

  @Test
  void an_endpoint_serves_only_a_model_its_creator_may_execute() {
    String config =
        "{\"name\":\"%s\",\"config\":{\"served_entities\":[{\"entity_name\":\"rv.s.b\","
            + "\"entity_version\":\"1\",\"workload_size\":\"Small\","
            + "\"scale_to_zero_enabled\":true}]}}";
    TestServer.Response denied =
        server.as(OLIVE).post("/api/2.0/serving-endpoints", config.formatted("olives"));
    assertThat(denied.status()).as(denied.body()).isEqualTo(403);
    assertThat(denied.body()).contains("EXECUTE").contains("rv.s.b");
    assertThat(server.as(ROOT).get("/api/2.0/serving-endpoints/olives").status()).isEqualTo(404);
    TestServer.Response owner =
        server.as(BOB).post("/api/2.0/serving-endpoints", config.formatted("bobs"));
    assertThat(owner.status()).as(owner.body()).isNotEqualTo(403);
  }

  @Test
  void an_inference_table_goes_only_where_the_endpoint_creator_may_create_tables() {
    String body =
        "{\"name\":\"logged\",\"config\":{\"served_entities\":[{\"entity_name\":\"rv.s.b\","
            + "\"entity_version\":\"1\",\"workload_size\":\"Small\","
            + "\"scale_to_zero_enabled\":true}]},\"ai_gateway\":{\"inference_table_config\":"
            + "{\"catalog_name\":\"rv\",\"schema_name\":\"s\",\"table_name_prefix\":\"logged\","
            + "\"enabled\":true}}}";
    TestServer.Response denied = server.as(BOB).post("/api/2.0/serving-endpoints", body);
    assertThat(denied.status()).as(denied.body()).isEqualTo(403);
    assertThat(denied.body()).contains("CREATE TABLE").contains("rv.s");
    assertThat(server.as(ROOT).get("/api/2.0/serving-endpoints/logged").status()).isEqualTo(404);
  }
}
