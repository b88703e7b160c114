package dev.keel.server.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.registry.ModelFixtures;
import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import dev.keel.store.TestDatabases;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lineage graph end to end on a real server: a feature table and a spine table are written, a
 * training set built from them is logged to a run (which also logs an MLflow dataset input), a
 * model version is registered from the run, an alias points at it, and an endpoint follows the
 * alias and logs to an inference table; then the graph is asked for from each end.
 */
class LineageApiTest {
  static final String UC = "/api/2.1/unity-catalog";
  static final String ML = "/api/2.0/mlflow";
  static final String FS = "/api/2.0/feature-store";
  static final String LT = "/api/2.0/lineage-tracking";

  @TempDir static Path dir;
  static TestServer s;
  static long featureSnapshot;
  static long spineSnapshot;
  static String runId;
  static String otherRunId;

  @BeforeAll
  static void start(TestInfo test) {
    if (test.getTestClass().orElseThrow() == LineagePostgresIT.class) {
      assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
      s = TestServer.start(dir, TestDatabases.freshPostgresSchemaUrl());
    } else {
      s = TestServer.start(dir);
    }
    buildChain();
  }

  @AfterAll
  static void stop() {
    if (s != null) {
      s.close();
      s = null;
    }
  }

  static JsonNode ok(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  static void buildChain() {
    ok(
        s.post(
            FS + "/feature-tables",
            """
            {"name": "main.default.lin_drivers",
             "columns": [{"name": "driver_id", "type_name": "LONG"},
                         {"name": "ts", "type_name": "TIMESTAMP"},
                         {"name": "f0", "type_name": "DOUBLE"}],
             "primary_keys": ["driver_id", "ts"], "timeseries_key": "ts"}
            """));
    featureSnapshot =
        ok(s.post(
                FS + "/feature-tables/main.default.lin_drivers/rows",
                """
                {"rows": [{"driver_id": 1, "ts": "2024-01-01T00:00:00Z", "f0": 0.5},
                          {"driver_id": 2, "ts": "2024-01-01T00:00:00Z", "f0": 0.1}]}
                """))
            .path("snapshot_id")
            .asLong();
    ok(
        s.post(
            UC + "/tables",
            """
            {"name": "lin_spine", "catalog_name": "main", "schema_name": "default",
             "columns": [{"name": "driver_id", "type_name": "LONG", "position": 0},
                         {"name": "at", "type_name": "TIMESTAMP", "position": 1}]}
            """));
    spineSnapshot =
        ok(s.post(
                "/api/2.0/keel/tables/main.default.lin_spine/rows",
                """
                {"rows": [{"driver_id": 1, "at": "2024-01-02T00:00:00Z"},
                          {"driver_id": 2, "at": "2024-01-03T00:00:00Z"}]}
                """))
            .path("snapshot_id")
            .asLong();
    assertThat(featureSnapshot).isNotZero();
    assertThat(spineSnapshot).isNotZero();

    String exp =
        ok(s.post(ML + "/experiments/create", "{\"name\":\"lineage\"}"))
            .path("experiment_id")
            .asText();
    JsonNode info =
        ok(s.post(ML + "/runs/create", "{\"experiment_id\":\"" + exp + "\"}")).at("/run/info");
    runId = info.path("run_id").asText();
    ok(
        s.post(
            FS + "/training-sets",
            """
            {"spine": {"table": "main.default.lin_spine"},
             "lookups": [{"table_name": "main.default.lin_drivers", "feature_names": ["f0"],
                          "lookup_key": "driver_id", "timestamp_lookup_key": "at"}],
             "output_table": "main.default.lin_train", "run_id": "%s"}
            """
                .formatted(runId)));
    ok(
        s.post(
            ML + "/runs/log-inputs",
            """
            {"run_id":"%s","datasets":[
              {"tags":[{"key":"mlflow.data.context","value":"eval"}],
               "dataset":{"name":"churn","digest":"d1","source_type":"delta_table",
                          "source":"{\\"delta_table_name\\":\\"main.sales.churn\\",\\"delta_table_version\\":7}"}},
              {"dataset":{"name":"holdout","digest":"d2","source_type":"local",
                          "source":"{\\"uri\\":\\"holdout.csv\\"}"}}]}
            """
                .formatted(runId)));
    String root = info.path("artifact_uri").asText().substring("mlflow-artifacts:/".length());
    ModelFixtures.uploadOnnxModel(s.url(), root + "/model");
    ok(s.post(ML + "/registered-models/create", "{\"name\":\"main.default.lin_model\"}"));
    ok(
        s.post(
            ML + "/model-versions/create",
            "{\"name\":\"main.default.lin_model\",\"source\":\"runs:/" + runId + "/model\"}"));
    // a second version from another run, which the alias does not point at
    JsonNode other =
        ok(s.post(ML + "/runs/create", "{\"experiment_id\":\"" + exp + "\"}")).at("/run/info");
    otherRunId = other.path("run_id").asText();
    String otherRoot = other.path("artifact_uri").asText().substring("mlflow-artifacts:/".length());
    ModelFixtures.uploadOnnxModel(s.url(), otherRoot + "/model");
    ok(
        s.post(
            ML + "/model-versions/create",
            "{\"name\":\"main.default.lin_model\",\"source\":\"runs:/" + otherRunId + "/model\"}"));
    ok(
        s.send(
            "PUT", UC + "/models/main.default.lin_model/aliases/champion", "{\"version_num\":1}"));
    ok(
        s.post(
            "/api/2.0/serving-endpoints",
            """
            {"name": "lin-ep",
             "config": {"served_entities": [{"entity_name": "main.default.lin_model",
                                             "entity_version": "@champion"}]},
             "ai_gateway": {"inference_table_config": {"catalog_name": "main",
               "schema_name": "default", "table_name_prefix": "lin_ep", "enabled": true}}}
            """));
    awaitReady("lin-ep");
  }

  static void awaitReady(String name) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      JsonNode e = ok(s.get("/api/2.0/serving-endpoints/" + name));
      if (!e.at("/state/config_update").asText().equals("IN_PROGRESS")) {
        assertThat(e.at("/state/ready").asText()).as(e.toString()).isEqualTo("READY");
        return;
      }
      assertThat(System.nanoTime()).as("endpoint still updating").isLessThan(deadline);
      try {
        Thread.sleep(50);
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
        throw new AssertionError(x);
      }
    }
  }

  static String q(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  static JsonNode graph(String securable, String direction, int depth) {
    return ok(
        s.get(
            LT
                + "/graph?securable="
                + q(securable)
                + "&direction="
                + direction
                + "&depth="
                + depth));
  }

  static Set<String> nodeIds(JsonNode g) {
    Set<String> ids = new TreeSet<>();
    g.path("nodes").forEach(n -> ids.add(n.path("id").asText()));
    return ids;
  }

  static JsonNode node(JsonNode g, String id) {
    for (JsonNode n : g.path("nodes")) {
      if (n.path("id").asText().equals(id)) {
        return n;
      }
    }
    throw new AssertionError("no node " + id + " in " + g);
  }

  static JsonNode edge(JsonNode g, String from, String to) {
    for (JsonNode e : g.path("edges")) {
      if (e.path("from").asText().equals(from) && e.path("to").asText().equals(to)) {
        return e;
      }
    }
    throw new AssertionError("no edge " + from + " -> " + to + " in " + g);
  }

  static final String DRIVERS = "TABLE:main.default.lin_drivers";
  static final String SPINE = "TABLE:main.default.lin_spine";
  static final String MODEL = "REGISTERED_MODEL:main.default.lin_model";
  static final String ALIAS = "MODEL_ALIAS:main.default.lin_model@champion";
  static final String ENDPOINT = "SERVING_ENDPOINT:lin-ep";
  static final String PAYLOAD = "TABLE:main.default.lin_ep_payload";

  @Test
  void downstream_of_a_feature_table_reaches_the_inference_table_one_hop_per_depth() {
    String ts = "TRAINING_SET:" + runId;
    String run = "RUN:" + runId;
    List<String> chain = List.of(DRIVERS, ts, run, MODEL, ALIAS, ENDPOINT, PAYLOAD);
    for (int depth = 1; depth <= 6; depth++) {
      JsonNode g = graph("main.default.lin_drivers", "downstream", depth);
      assertThat(g.at("/root/id").asText()).isEqualTo(DRIVERS);
      assertThat(g.path("direction").asText()).isEqualTo("DOWNSTREAM");
      assertThat(g.path("depth").asInt()).isEqualTo(depth);
      assertThat(nodeIds(g))
          .as("depth " + depth)
          .isEqualTo(new TreeSet<>(chain.subList(0, depth + 1)));
      assertThat(g.path("edges")).hasSize(depth);
      assertThat(g.path("truncated").asBoolean()).isFalse();
    }
    JsonNode g = graph("main.default.lin_drivers", "downstream", 10);
    assertThat(nodeIds(g)).isEqualTo(new TreeSet<>(chain));
    assertThat(node(g, DRIVERS).path("snapshot_ids").toString())
        .isEqualTo("[" + featureSnapshot + "]");
    JsonNode features = edge(g, DRIVERS, ts);
    assertThat(features.path("kind").asText()).isEqualTo("FEATURES");
    assertThat(features.path("snapshot_id").asLong()).isEqualTo(featureSnapshot);
    assertThat(edge(g, ts, run).path("kind").asText()).isEqualTo("TRAINING_SET");
    JsonNode produced = edge(g, run, MODEL);
    assertThat(produced.path("kind").asText()).isEqualTo("MODEL_VERSION");
    assertThat(produced.path("version").asLong()).isEqualTo(1);
    assertThat(node(g, MODEL).path("versions").toString()).isEqualTo("[1]");
    assertThat(edge(g, MODEL, ALIAS).path("kind").asText()).isEqualTo("ALIAS");
    JsonNode serves = edge(g, ALIAS, ENDPOINT);
    assertThat(serves.path("kind").asText()).isEqualTo("SERVES");
    assertThat(serves.path("version").asLong()).isEqualTo(1);
    assertThat(edge(g, ENDPOINT, PAYLOAD).path("kind").asText()).isEqualTo("INFERENCE_LOG");
  }

  @Test
  void upstream_of_an_endpoint_follows_only_the_version_its_alias_serves() {
    JsonNode g = graph("lin-ep", "upstream", 10);
    assertThat(g.at("/root/type").asText()).isEqualTo("SERVING_ENDPOINT");
    Set<String> ids = nodeIds(g);
    assertThat(ids)
        .contains(
            ENDPOINT,
            ALIAS,
            MODEL,
            "RUN:" + runId,
            "TRAINING_SET:" + runId,
            DRIVERS,
            SPINE,
            "TABLE:main.sales.churn",
            "DATASET:holdout@d2")
        .doesNotContain("RUN:" + otherRunId, PAYLOAD);
    assertThat(node(g, SPINE).path("snapshot_ids").toString()).isEqualTo("[" + spineSnapshot + "]");
    assertThat(edge(g, SPINE, "TRAINING_SET:" + runId).path("kind").asText()).isEqualTo("SPINE");
    JsonNode churn = edge(g, "TABLE:main.sales.churn", "RUN:" + runId);
    assertThat(churn.path("kind").asText()).isEqualTo("DATASET_INPUT");
    assertThat(churn.path("snapshot_id").asLong()).isEqualTo(7);
    assertThat(node(g, MODEL).path("versions").toString()).isEqualTo("[1]");
  }

  @Test
  void a_model_names_every_version_and_a_pinned_version_only_its_own_run() {
    JsonNode all = graph("main.default.lin_model", "upstream", 1);
    assertThat(nodeIds(all)).containsExactlyInAnyOrder(MODEL, "RUN:" + runId, "RUN:" + otherRunId);
    assertThat(node(all, MODEL).path("versions").toString()).isEqualTo("[1, 2]".replace(" ", ""));

    JsonNode two = graph("main.default.lin_model/2", "both", 3);
    assertThat(two.at("/root/version").asLong()).isEqualTo(2);
    assertThat(nodeIds(two)).containsExactlyInAnyOrder(MODEL, "RUN:" + otherRunId);

    JsonNode uri = graph("models:/main.default.lin_model@champion", "downstream", 2);
    assertThat(uri.at("/root/id").asText()).isEqualTo(ALIAS);
    assertThat(nodeIds(uri)).containsExactlyInAnyOrder(ALIAS, ENDPOINT, PAYLOAD);
  }

  @Test
  void a_run_shows_its_inputs_upstream_and_its_model_downstream() {
    JsonNode g = graph(runId, "both", 1);
    assertThat(g.at("/root/id").asText()).isEqualTo("RUN:" + runId);
    assertThat(nodeIds(g))
        .containsExactlyInAnyOrder(
            "RUN:" + runId,
            "TRAINING_SET:" + runId,
            "TABLE:main.sales.churn",
            "DATASET:holdout@d2",
            MODEL);
    // a table Keel does not hold, known from the runs that logged it
    JsonNode churn = graph("main.sales.churn", "downstream", 1);
    assertThat(churn.at("/root/id").asText()).isEqualTo("TABLE:main.sales.churn");
    assertThat(nodeIds(churn)).containsExactlyInAnyOrder("TABLE:main.sales.churn", "RUN:" + runId);
    assertThat(node(churn, "TABLE:main.sales.churn").path("snapshot_ids").toString())
        .isEqualTo("[7]");
    // the default depth is 3 and the default direction both
    JsonNode d = ok(s.get(LT + "/graph?securable=" + runId));
    assertThat(d.path("depth").asInt()).isEqualTo(3);
    assertThat(d.path("direction").asText()).isEqualTo("BOTH");
    assertThat(nodeIds(d)).contains(DRIVERS, SPINE, MODEL, ALIAS, ENDPOINT).doesNotContain(PAYLOAD);
  }

  @Test
  void table_lineage_answers_in_databricks_shapes() {
    JsonNode down = ok(s.get(LT + "/table-lineage?table_name=main.default.lin_drivers"));
    assertThat(down.path("upstreams")).isEmpty();
    assertThat(down.path("downstreams")).hasSize(1);
    JsonNode info = down.path("downstreams").get(0).path("tableInfo");
    assertThat(info.path("name").asText()).isEqualTo("lin_ep_payload");
    assertThat(info.path("catalog_name").asText()).isEqualTo("main");
    assertThat(info.path("schema_name").asText()).isEqualTo("default");
    assertThat(info.path("table_type").asText()).isEqualTo("TABLE");
    assertThat(info.path("lineage_timestamp").asText())
        .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d");

    JsonNode up =
        ok(
            s.send(
                "GET",
                LT + "/table-lineage",
                "{\"table_name\":\"main.default.lin_ep_payload\",\"include_entity_lineage\":true}"));
    List<String> upstreamTables = new ArrayList<>();
    List<String> endpoints = new ArrayList<>();
    for (JsonNode e : up.path("upstreams")) {
      if (e.has("tableInfo")) {
        upstreamTables.add(
            e.at("/tableInfo/catalog_name").asText()
                + "."
                + e.at("/tableInfo/schema_name").asText()
                + "."
                + e.at("/tableInfo/name").asText());
      }
      e.path("servingEndpointInfos").forEach(x -> endpoints.add(x.path("name").asText()));
    }
    assertThat(upstreamTables)
        .containsExactlyInAnyOrder(
            "main.default.lin_drivers", "main.default.lin_spine", "main.sales.churn");
    assertThat(endpoints).containsExactly("lin-ep");
    assertThat(up.path("downstreams")).isEmpty();

    JsonNode entities =
        ok(
            s.get(
                LT
                    + "/table-lineage?table_name=main.default.lin_spine&include_entity_lineage=true"));
    JsonNode sets = null;
    for (JsonNode e : entities.path("downstreams")) {
      if (e.has("trainingSetInfos")) {
        sets = e.path("trainingSetInfos");
      }
    }
    assertThat(sets).as(entities.toString()).isNotNull().hasSize(1);
    assertThat(sets.get(0).path("run_id").asText()).isEqualTo(runId);
    assertThat(sets.get(0).path("snapshot_id").asLong()).isEqualTo(spineSnapshot);
  }

  @Test
  void a_name_shared_by_a_table_and_a_model_needs_a_securable_type() {
    ok(
        s.post(
            UC + "/tables",
            """
            {"name": "twin", "catalog_name": "main", "schema_name": "default",
             "columns": [{"name": "id", "type_name": "LONG", "position": 0}]}
            """));
    ok(s.post(ML + "/registered-models/create", "{\"name\":\"main.default.twin\"}"));
    Response both = s.get(LT + "/graph?securable=main.default.twin");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(both.json().path("message").asText()).contains("securable_type");
    JsonNode t = ok(s.get(LT + "/graph?securable=main.default.twin&securable_type=table"));
    assertThat(t.at("/root/id").asText()).isEqualTo("TABLE:main.default.twin");
    JsonNode m =
        ok(s.get(LT + "/graph?securable=main.default.twin&securable_type=REGISTERED_MODEL"));
    assertThat(m.at("/root/id").asText()).isEqualTo("REGISTERED_MODEL:main.default.twin");
  }

  @Test
  void bad_parameters_get_400_naming_them_and_unknown_securables_404() {
    String[][] cases = {
      {"", "securable"},
      {"?securable=", "securable"},
      {"?securable=lin-ep&depth=0", "depth"},
      {"?securable=lin-ep&depth=11", "depth"},
      {"?securable=lin-ep&depth=two", "depth"},
      {"?securable=lin-ep&direction=sideways", "direction"},
      {"?securable=lin-ep&securable_type=NOTEBOOK", "securable_type"},
      {"?securable=lin-ep&colour=blue", "colour"},
    };
    for (String[] c : cases) {
      Response r = s.get(LT + "/graph" + c[0]);
      assertThat(r.status()).as(c[0] + ": " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
      assertThat(r.json().path("message").asText()).as(c[0]).contains(c[1]);
    }
    for (String unknown :
        List.of("main.default.nothing", "nope-ep", "main.default.lin_model/9", "x.y.z@champion")) {
      Response r = s.get(LT + "/graph?securable=" + q(unknown));
      assertThat(r.status()).as(unknown + ": " + r.body()).isEqualTo(404);
      assertThat(r.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    }
    Response table = s.get(LT + "/table-lineage?table_name=main.default.nothing");
    assertThat(table.status()).isEqualTo(404);
    Response model = s.get(LT + "/table-lineage?table_name=main.default.lin_model");
    assertThat(model.status()).as("a model is not a table").isEqualTo(404);
    Response missing = s.get(LT + "/table-lineage");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().path("message").asText()).contains("table_name");
  }
}
