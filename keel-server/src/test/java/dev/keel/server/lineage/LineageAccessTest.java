package dev.keel.server.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelConfig;
import dev.keel.registry.ModelFixtures;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lineage routes for callers who are not administrators: the securable asked about needs at
 * least its browse right (403 otherwise), and every other node of the graph is shown only when the
 * caller may see it, else as an opaque restricted node whose name appears nowhere in the answer.
 * The chain: table {@code la_src} and a table Keel does not hold ({@code ext.sales.outside}) are
 * logged as inputs of a run, a model version is registered from the run and served by an endpoint.
 */
class LineageAccessTest {
  static final String UC = "/api/2.1/unity-catalog";
  static final String GRAPH = "/api/2.0/lineage-tracking/graph?securable=";
  static final String TABLE_LINEAGE = "/api/2.0/lineage-tracking/table-lineage?table_name=";

  @TempDir static Path dir;
  static TestServer server;
  static TestServer admin;
  static String experimentId;
  static String runId;
  static String endpointId;

  @BeforeAll
  static void buildChain() {
    server = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""));
    admin = server.as(TestPrincipals.bearer("root", "admins"));
    ok(
        admin.post(
            UC + "/tables",
            """
            {"name": "la_src", "catalog_name": "main", "schema_name": "default",
             "columns": [{"name": "id", "type_name": "LONG", "position": 0}]}
            """));
    experimentId =
        ok(admin.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"la\"}"))
            .path("experiment_id")
            .asText();
    JsonNode info =
        ok(admin.post(
                "/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + experimentId + "\"}"))
            .at("/run/info");
    runId = info.path("run_id").asText();
    ok(
        admin.post(
            "/api/2.0/mlflow/runs/log-inputs",
            """
            {"run_id":"%s","datasets":[
              {"dataset":{"name":"src","digest":"d1","source_type":"delta_table",
                          "source":"{\\"delta_table_name\\":\\"main.default.la_src\\"}"}},
              {"dataset":{"name":"outside","digest":"d2","source_type":"delta_table",
                          "source":"{\\"delta_table_name\\":\\"ext.sales.outside\\"}"}}]}
            """
                .formatted(runId)));
    String root = info.path("artifact_uri").asText().substring("mlflow-artifacts:/".length());
    ModelFixtures.onnxModel()
        .forEach(
            (file, bytes) ->
                ok(
                    admin.put(
                        "/api/2.0/mlflow-artifacts/artifacts/" + root + "/model/" + file, bytes)));
    ok(
        admin.post(
            "/api/2.0/mlflow/registered-models/create", "{\"name\":\"main.default.la_model\"}"));
    ok(
        admin.post(
            "/api/2.0/mlflow/model-versions/create",
            "{\"name\":\"main.default.la_model\",\"source\":\"runs:/" + runId + "/model\"}"));
    endpointId =
        ok(admin.post(
                "/api/2.0/serving-endpoints",
                """
                {"name": "la-ep", "config": {"served_entities": [
                  {"entity_name": "main.default.la_model", "entity_version": "1"}]}}
                """))
            .path("id")
            .asText();
    awaitSettled("la-ep");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static JsonNode ok(TestServer.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  static void awaitSettled(String name) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (ok(admin.get("/api/2.0/serving-endpoints/" + name))
        .at("/state/config_update")
        .asText()
        .equals("IN_PROGRESS")) {
      assertThat(System.nanoTime()).as("endpoint still updating").isLessThan(deadline);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static String q(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  static String graph(String securable) {
    return GRAPH + q(securable) + "&direction=both&depth=4";
  }

  static List<String> ids(JsonNode g) {
    List<String> ids = new ArrayList<>();
    g.path("nodes").forEach(n -> ids.add(n.path("id").asText()));
    return ids;
  }

  static void grant(String type, String name, String principal, String... privileges) {
    ok(
        admin.send(
            "PATCH",
            UC + "/permissions/" + type + "/" + name,
            "{\"changes\":[{\"principal\":\""
                + principal
                + "\",\"add\":[\""
                + String.join("\",\"", privileges)
                + "\"]}]}"));
  }

  static void allow(String objects, String id, String user, String level) {
    ok(
        admin.send(
            "PATCH",
            "/api/2.0/permissions/" + objects + "/" + id,
            "{\"access_control_list\":[{\"user_name\":\""
                + user
                + "\",\"permission_level\":\""
                + level
                + "\"}]}"));
  }

  @Test
  void without_a_token_both_routes_answer_401() {
    assertThat(server.get(graph("main.default.la_src")).status()).isEqualTo(401);
    assertThat(server.get(TABLE_LINEAGE + "main.default.la_src").status()).isEqualTo(401);
  }

  @Test
  void the_root_needs_a_read_right_and_an_unknown_name_is_404() {
    TestServer carol = server.as(TestPrincipals.bearer("carol"));
    for (String path :
        List.of(
            graph("main.default.la_src"),
            graph(runId),
            graph("main.default.la_model"),
            graph("la-ep"),
            graph("ext.sales.outside"),
            TABLE_LINEAGE + "main.default.la_src",
            TABLE_LINEAGE + "ext.sales.outside")) {
      TestServer.Response r = carol.get(path);
      assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(403);
      assertThat(r.body()).contains("PERMISSION_DENIED");
    }
    assertThat(carol.get(graph("main.default.nothing")).status()).isEqualTo(404);
    assertThat(admin.get(graph("main.default.la_src")).status()).isEqualTo(200);
  }

  @Test
  void nodes_the_caller_may_not_see_are_restricted_and_their_names_never_appear() {
    TestServer alice = server.as(TestPrincipals.bearer("alice"));
    grant("catalog", "main", "alice", "USE_CATALOG");
    grant("schema", "main.default", "alice", "USE_SCHEMA");
    grant("table", "main.default.la_src", "alice", "SELECT");

    TestServer.Response r = alice.get(graph("main.default.la_src"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode g = r.json();
    assertThat(g.at("/root/name").asText()).isEqualTo("main.default.la_src");
    assertThat(ids(g)).contains("TABLE:main.default.la_src", "RESTRICTED:1");
    assertThat(r.body())
        .doesNotContain(runId)
        .doesNotContain("la_model")
        .doesNotContain("la-ep")
        .doesNotContain("outside");
    for (JsonNode n : g.path("nodes")) {
      if (n.path("type").asText().equals("RESTRICTED")) {
        assertThat(n.has("name")).as(n.toString()).isFalse();
      }
    }
    for (JsonNode e : g.path("edges")) {
      if (e.toString().contains("RESTRICTED")) {
        assertThat(e.has("timestamp") || e.has("version") || e.has("snapshot_id"))
            .as(e.toString())
            .isFalse();
      }
    }

    // CAN_READ on the experiment shows the run, and through it the table Keel does not hold
    allow("experiments", experimentId, "alice", "CAN_READ");
    JsonNode withRun = ok(alice.get(graph("main.default.la_src")));
    assertThat(ids(withRun)).contains("RUN:" + runId);
    assertThat(ids(ok(alice.get(graph(runId))))).contains("TABLE:ext.sales.outside");
    assertThat(withRun.toString()).doesNotContain("la_model").doesNotContain("la-ep");
    JsonNode external =
        ok(alice.get(TABLE_LINEAGE + "ext.sales.outside&include_entity_lineage=true"));
    assertThat(external.at("/downstreams/0/runInfos/0/run_id").asText()).isEqualTo(runId);

    // EXECUTE on the model and CAN_VIEW on the endpoint show them too
    grant("registered_model", "main.default.la_model", "alice", "EXECUTE");
    allow("serving-endpoints", endpointId, "alice", "CAN_VIEW");
    JsonNode all = ok(alice.get(graph("main.default.la_src")));
    assertThat(ids(all))
        .contains("REGISTERED_MODEL:main.default.la_model", "SERVING_ENDPOINT:la-ep")
        .noneMatch(id -> id.startsWith("RESTRICTED"));
  }

  @Test
  void browse_on_the_catalog_shows_tables_and_models_but_not_runs_or_endpoints() {
    TestServer bob = server.as(TestPrincipals.bearer("bob"));
    grant("catalog", "main", "bob", "BROWSE");
    JsonNode g = ok(bob.get(graph("main.default.la_model")));
    assertThat(ids(g))
        .contains("REGISTERED_MODEL:main.default.la_model", "TABLE:main.default.la_src")
        .doesNotContain("RUN:" + runId, "SERVING_ENDPOINT:la-ep");
    assertThat(g.toString()).doesNotContain(runId).doesNotContain("la-ep");
    // a node id names the root as well as a name does
    assertThat(ok(bob.get(graph("TABLE:main.default.la_src"))).at("/root/id").asText())
        .isEqualTo("TABLE:main.default.la_src");
  }
}
