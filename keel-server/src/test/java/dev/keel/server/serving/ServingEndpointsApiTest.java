package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.XGB_ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.createBody;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.mlmodel.Flavor;
import dev.keel.registry.modelpackage.CheckedModelPackage;
import dev.keel.server.TestServer;
import dev.keel.serving.LoadedModel;
import dev.keel.serving.ModelLoader;
import dev.keel.serving.ModelRuntime;
import dev.keel.serving.OnnxModelRuntime;
import dev.keel.serving.ScoringLimits;
import dev.keel.serving.XGBoostModelRuntime;
import dev.keel.store.TestDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The serving endpoints REST API, scoring, OIP V2 and inference tables against a real server. */
class ServingEndpointsApiTest {
  @TempDir static Path dir;
  static TestServer s;
  static long xgb;
  static long onnx;

  @BeforeAll
  static void start(TestInfo test) {
    if (test.getTestClass().orElseThrow() == ServingEndpointsApiPostgresIT.class) {
      assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
      setUp(TestServer.start(dir, TestDatabases.freshPostgresSchemaUrl()));
    } else {
      setUp(TestServer.start(dir));
    }
  }

  /** Seeds {@code server} (SQLite here, PostgreSQL in {@link ServingEndpointsApiPostgresIT}). */
  static void setUp(TestServer server) {
    s = server;
    xgb = version(s, "churn", true);
    onnx = version(s, "churn", false);
  }

  @AfterAll
  static void stop() {
    if (s != null) {
      s.close();
      s = null;
    }
  }

  @Test
  void create_returns_in_progress_then_becomes_ready_and_scores() {
    TestServer.Response c = s.post(API, createBody("ep-basic", "churn", Long.toString(xgb)));
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    assertThat(c.json().at("/state/config_update").asText()).isEqualTo("IN_PROGRESS");
    assertThat(c.json().at("/pending_config/served_entities/0/name").asText())
        .isEqualTo("churn-" + xgb);
    JsonNode e = awaitSettled(s, "ep-basic");
    assertThat(e.at("/state/config_update").asText()).isEqualTo("NOT_UPDATING");
    assertThat(e.at("/state/ready").asText()).isEqualTo("READY");
    assertThat(e.at("/config/config_version").asLong()).isEqualTo(1);
    assertThat(e.at("/config/served_entities/0/state/deployment").asText())
        .isEqualTo("DEPLOYMENT_READY");
    assertThat(e.at("/config/traffic_config/routes/0/traffic_percentage").asInt()).isEqualTo(100);
    assertThat(e.has("pending_config")).isFalse();

    TestServer.Response q = s.post("/serving-endpoints/ep-basic/invocations", ONE_ROW);
    assertThat(q.status()).as(q.body()).isEqualTo(200);
    assertThat(q.json().at("/predictions/0").asDouble()).isCloseTo(XGB_ONE_ROW, within(1e-6));
    assertThat(q.raw().headers().firstValue("served-model-name")).hasValue("churn-" + xgb);
    assertThat(q.raw().headers().firstValue("keel-model-time-us")).isPresent();

    TestServer.Response direct =
        s.post("/serving-endpoints/ep-basic/served-models/churn-" + xgb + "/invocations", ONE_ROW);
    assertThat(direct.status()).as(direct.body()).isEqualTo(200);
    TestServer.Response noEntity =
        s.post("/serving-endpoints/ep-basic/served-models/nope/invocations", ONE_ROW);
    assertThat(noEntity.status()).isEqualTo(404);

    TestServer.Response list = s.get(API);
    assertThat(list.json().path("endpoints").findValuesAsText("name")).contains("ep-basic");
    assertThat(s.delete(API + "/ep-basic").status()).isEqualTo(200);
    assertThat(s.get(API + "/ep-basic").status()).isEqualTo(404);
    assertThat(s.post("/serving-endpoints/ep-basic/invocations", ONE_ROW).status()).isEqualTo(404);
  }

  @Test
  void every_mlflow_format_scores() {
    s.post(API, createBody("ep-formats", "churn", Long.toString(xgb)));
    awaitSettled(s, "ep-formats");
    String[] bodies = {
      ONE_ROW,
      "{\"dataframe_records\":[{\"f0\":0.0342,\"f1\":1.3597,\"f2\":1.2247,\"f3\":-0.5103}]}",
      "{\"instances\":[{\"f0\":0.0342,\"f1\":1.3597,\"f2\":1.2247,\"f3\":-0.5103}]}",
      "{\"inputs\":{\"f0\":[0.0342],\"f1\":[1.3597],\"f2\":[1.2247],\"f3\":[-0.5103]}}"
    };
    for (String b : bodies) {
      TestServer.Response q = s.post("/serving-endpoints/ep-formats/invocations", b);
      assertThat(q.status()).as(b + " -> " + q.body()).isEqualTo(200);
      assertThat(q.json().at("/predictions/0").asDouble()).isCloseTo(XGB_ONE_ROW, within(1e-6));
    }
    TestServer.Response csv =
        s.sendRaw(
            "/serving-endpoints/ep-formats/invocations",
            "text/csv",
            "f0,f1,f2,f3\n0.0342,1.3597,1.2247,-0.5103\n".getBytes(StandardCharsets.UTF_8));
    assertThat(csv.status()).as(csv.body()).isEqualTo(200);
    assertThat(csv.json().at("/predictions/0").asDouble()).isCloseTo(XGB_ONE_ROW, within(1e-6));
  }

  @Test
  void bad_input_is_a_4xx_naming_the_problem_and_the_endpoint_keeps_serving() {
    s.post(API, createBody("ep-bad", "churn", Long.toString(xgb)));
    awaitSettled(s, "ep-bad");
    String path = "/serving-endpoints/ep-bad/invocations";
    TestServer.Response wrongName =
        s.post(
            path,
            "{\"dataframe_split\":{\"columns\":[\"f0\",\"f1\",\"f2\",\"zz\"],\"data\":[[1,2,3,4]]}}");
    assertThat(wrongName.status()).isEqualTo(400);
    assertThat(wrongName.body()).contains("f3");
    TestServer.Response missing =
        s.post(
            path, "{\"dataframe_split\":{\"columns\":[\"f0\",\"f1\",\"f2\"],\"data\":[[1,2,3]]}}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body()).contains("f3");
    TestServer.Response wrongType =
        s.post(
            path,
            "{\"dataframe_split\":{\"columns\":[\"f0\",\"f1\",\"f2\",\"f3\"],\"data\":[[1,2,\"x\",4]]}}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.body()).contains("f2");
    assertThat(s.post(path, "").status()).isEqualTo(400);
    byte[] big = new byte[10 << 20];
    Arrays.fill(big, (byte) ' ');
    assertThat(s.post(path, big).status()).isEqualTo(413);
    String deep = "[".repeat(5000) + "]".repeat(5000);
    TestServer.Response deepR = s.post(path, "{\"instances\":" + deep + "}");
    assertThat(deepR.status()).isBetween(400, 499);
    TestServer.Response ragged =
        s.sendRaw(path, "text/csv", "f0,f1,f2,f3\n1,2,3,4\n1,2\n".getBytes(StandardCharsets.UTF_8));
    assertThat(ragged.status()).isEqualTo(400);
    TestServer.Response ok = s.post(path, ONE_ROW);
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
  }

  @Test
  void bad_configs_are_refused_and_change_nothing() {
    assertThat(s.post(API, createBody("bad name!", "churn", "1")).status()).isEqualTo(400);
    TestServer.Response noModel = s.post(API, createBody("ep-nomodel", "nope", "1"));
    assertThat(noModel.status()).isEqualTo(404);
    TestServer.Response badVersion = s.post(API, createBody("ep-badversion", "churn", "x1"));
    assertThat(badVersion.status()).isEqualTo(400);
    assertThat(badVersion.body()).contains("entity_version");
    TestServer.Response sum =
        s.post(
            API,
            "{\"name\":\"ep-sum\",\"config\":{\"served_entities\":["
                + "{\"name\":\"a\",\"entity_name\":\"main.default.churn\",\"entity_version\":\"1\"},"
                + "{\"name\":\"b\",\"entity_name\":\"main.default.churn\",\"entity_version\":\"2\"}],"
                + "\"traffic_config\":{\"routes\":[{\"served_entity_name\":\"a\",\"traffic_percentage\":90},"
                + "{\"served_entity_name\":\"b\",\"traffic_percentage\":20}]}}}");
    assertThat(sum.status()).isEqualTo(400);
    assertThat(sum.body()).contains("sum to 110");
    for (String n : new String[] {"ep-nomodel", "ep-badversion", "ep-sum"}) {
      assertThat(s.get(API + "/" + n).status()).isEqualTo(404);
    }
    s.post(API, createBody("ep-dup", "churn", Long.toString(xgb)));
    TestServer.Response dup = s.post(API, createBody("ep-dup", "churn", Long.toString(xgb)));
    assertThat(dup.status()).isIn(400, 409);
    assertThat(dup.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
  }

  /**
   * An ONNX runtime whose loads wait, while {@link #hold} is armed, until {@link #release} opens: a
   * load that is held for as long as the test needs, through the loader's runtime seam.
   */
  private static final class GatedOnnx implements ModelRuntime {
    final OnnxModelRuntime onnx = new OnnxModelRuntime();
    final AtomicBoolean hold = new AtomicBoolean();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String flavor() {
      return onnx.flavor();
    }

    @Override
    public LoadedModel load(CheckedModelPackage pkg, Path packageDir, Flavor flavor)
        throws IOException {
      if (hold.get()) {
        entered.countDown();
        try {
          if (!release.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released the load");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return onnx.load(pkg, packageDir, flavor);
    }
  }

  @Test
  void a_second_update_while_one_is_in_progress_is_a_conflict_and_a_failed_load_keeps_serving(
      @TempDir Path own) throws Exception {
    GatedOnnx gate = new GatedOnnx();
    ModelLoader loader =
        new ModelLoader(List.of(gate, new XGBoostModelRuntime()), ScoringLimits.DEFAULT);
    try (TestServer g = TestServer.start(own, loader)) {
      long v1 = version(g, "upd", true);
      long v2 = version(g, "upd", false);
      long broken = version(g, "upd", ServingFixtures.brokenXgboostModel());
      g.post(API, createBody("ep-upd", "upd", Long.toString(v1)));
      assertThat(awaitSettled(g, "ep-upd").at("/state/ready").asText()).isEqualTo("READY");

      gate.hold.set(true);
      String toOnnx =
          "{\"served_entities\":[{\"name\":\"o\",\"entity_name\":\"main.default.upd\","
              + "\"entity_version\":\""
              + v2
              + "\"}]}";
      TestServer.Response u = g.send("PUT", API + "/ep-upd/config", toOnnx);
      assertThat(u.status()).as(u.body()).isEqualTo(200);
      assertThat(u.json().at("/state/config_update").asText()).isEqualTo("IN_PROGRESS");
      assertThat(gate.entered.await(60, TimeUnit.SECONDS)).as("the load started").isTrue();
      // The first update is held inside its load: the second is refused, every time.
      TestServer.Response again = g.send("PUT", API + "/ep-upd/config", toOnnx);
      assertThat(again.status()).as(again.body()).isEqualTo(409);
      assertThat(again.errorCode()).isEqualTo("RESOURCE_CONFLICT");
      TestServer.Response during = g.post("/serving-endpoints/ep-upd/invocations", ONE_ROW);
      assertThat(during.status()).as(during.body()).isEqualTo(200);
      assertThat(during.raw().headers().firstValue("served-model-name")).hasValue("upd-" + v1);
      gate.release.countDown();
      JsonNode e = awaitSettled(g, "ep-upd");
      assertThat(e.at("/state/config_update").asText()).isEqualTo("NOT_UPDATING");
      assertThat(e.at("/config/config_version").asLong()).isEqualTo(2);
      TestServer.Response q = g.post("/serving-endpoints/ep-upd/invocations", ONE_ROW);
      assertThat(q.raw().headers().firstValue("served-model-name")).hasValue("o");

      // A READY version that does not load: the update fails, the old config keeps serving.
      TestServer.Response bad =
          g.send(
              "PUT",
              API + "/ep-upd/config",
              "{\"served_entities\":[{\"name\":\"b\",\"entity_name\":\"main.default.upd\","
                  + "\"entity_version\":\""
                  + broken
                  + "\"}]}");
      assertThat(bad.status()).as(bad.body()).isEqualTo(200);
      JsonNode failed = awaitSettled(g, "ep-upd");
      assertThat(failed.at("/state/config_update").asText()).isEqualTo("UPDATE_FAILED");
      assertThat(failed.at("/state/config_update_message").asText())
          .contains("'b'")
          .contains("failed to load");
      assertThat(failed.at("/state/ready").asText()).isEqualTo("READY");
      assertThat(failed.at("/config/config_version").asLong()).isEqualTo(2);
      TestServer.Response still = g.post("/serving-endpoints/ep-upd/invocations", ONE_ROW);
      assertThat(still.status()).as(still.body()).isEqualTo(200);
      assertThat(still.raw().headers().firstValue("served-model-name")).hasValue("o");
    }
  }

  /**
   * ONNX Runtime's refusal reaches the endpoint's state as its reason only: not the model's path
   * under the data directory, nor ONNX Runtime's source files and C++ function names.
   */
  @Test
  void a_model_onnx_runtime_refuses_fails_the_endpoint_with_a_reason_and_no_paths() {
    long v = version(s, "ir99", ServingFixtures.onnxModelOfUnknownIrVersion());
    TestServer.Response c = s.post(API, createBody("ep-ir99", "ir99", Long.toString(v)));
    assertThat(c.status()).as(c.body()).isEqualTo(200);

    JsonNode e = awaitSettled(s, "ep-ir99");

    assertThat(e.at("/state/config_update").asText()).isEqualTo("UPDATE_FAILED");
    assertThat(e.at("/state/config_update_message").asText())
        .contains("ONNX Runtime cannot load model.onnx: Unsupported model IR version: 99");
    assertThat(e.toString())
        .doesNotContain(dir.toString())
        .doesNotContain(".cc:")
        .doesNotContain("onnxruntime::")
        .doesNotContain("ORT_FAIL");
  }

  /**
   * Servability is decided from the version's MLmodel flavors by the loader's own rule: a server
   * whose loader serves only XGBoost refuses an endpoint on an ONNX version at once (the registry
   * registers such versions READY), naming the flavors it serves, and nothing changes.
   */
  @Test
  void an_endpoint_on_a_version_keel_cannot_serve_is_refused_naming_the_flavors_it_serves(
      @TempDir Path own) {
    ModelLoader xgboostOnly =
        new ModelLoader(List.of(new XGBoostModelRuntime()), ScoringLimits.DEFAULT);
    try (TestServer g = TestServer.start(own, xgboostOnly)) {
      long v1 = version(g, "sv", true);
      long v2 = version(g, "sv", false);
      TestServer.Response c = g.post(API, createBody("ep-sv", "sv", Long.toString(v2)));
      assertThat(c.status()).as(c.body()).isEqualTo(400);
      assertThat(c.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
      assertThat(c.body())
          .contains("version " + v2)
          .contains("Keel serves xgboost")
          .contains("onnx");
      assertThat(g.get(API + "/ep-sv").status()).isEqualTo(404);

      g.post(API, createBody("ep-sv", "sv", Long.toString(v1)));
      awaitSettled(g, "ep-sv");
      TestServer.Response u =
          g.send(
              "PUT",
              API + "/ep-sv/config",
              "{\"served_entities\":[{\"entity_name\":\"main.default.sv\",\"entity_version\":\""
                  + v2
                  + "\"}]}");
      assertThat(u.status()).as(u.body()).isEqualTo(400);
      assertThat(u.body()).contains("Keel serves xgboost");
      JsonNode e = g.get(API + "/ep-sv").json();
      assertThat(e.at("/state/config_update").asText()).isEqualTo("NOT_UPDATING");
      assertThat(e.has("pending_config")).isFalse();
      assertThat(e.at("/config/served_entities/0/name").asText()).isEqualTo("sv-" + v1);
    }
  }

  @Test
  void open_inference_protocol_v2() {
    s.post(API, createBody("ep-v2", "churn", Long.toString(xgb)));
    awaitSettled(s, "ep-v2");
    assertThat(s.get("/v2/health/live").status()).isEqualTo(200);
    assertThat(s.get("/v2/health/ready").status()).isEqualTo(200);
    TestServer.Response ready = s.get("/v2/models/ep-v2/ready");
    assertThat(ready.json().path("ready").asBoolean()).isTrue();
    TestServer.Response meta = s.get("/v2/models/ep-v2");
    assertThat(meta.status()).as(meta.body()).isEqualTo(200);
    assertThat(meta.json().path("inputs").findValuesAsText("name"))
        .containsExactly("f0", "f1", "f2", "f3");
    assertThat(meta.json().at("/inputs/0/datatype").asText()).isEqualTo("FP64");
    String columns =
        "{\"id\":\"r1\",\"inputs\":["
            + "{\"name\":\"f0\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[0.0342]},"
            + "{\"name\":\"f1\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[1.3597]},"
            + "{\"name\":\"f2\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[1.2247]},"
            + "{\"name\":\"f3\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[-0.5103]}]}";
    TestServer.Response inf = s.post("/v2/models/ep-v2/infer", columns);
    assertThat(inf.status()).as(inf.body()).isEqualTo(200);
    assertThat(inf.json().path("id").asText()).isEqualTo("r1");
    assertThat(inf.json().at("/outputs/0/data/0").asDouble()).isCloseTo(XGB_ONE_ROW, within(1e-6));
    String matrix =
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP64\","
            + "\"data\":[[0.0342,1.3597,1.2247,-0.5103]]}]}";
    TestServer.Response inf2 = s.post("/v2/models/ep-v2/infer", matrix);
    assertThat(inf2.status()).as(inf2.body()).isEqualTo(200);
    assertThat(inf2.json().at("/outputs/0/data/0").asDouble()).isCloseTo(XGB_ONE_ROW, within(1e-6));
    TestServer.Response bad =
        s.post(
            "/v2/models/ep-v2/infer",
            "{\"inputs\":[{\"name\":\"f0\",\"shape\":[2],\"datatype\":\"FP64\",\"data\":[1]}]}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(s.get("/v2/models/nope").status()).isEqualTo(404);
  }

  @Test
  void inference_table_rows_appear_with_databricks_columns() throws Exception {
    String body =
        "{\"name\":\"ep-log\",\"config\":{\"served_entities\":[{\"entity_name\":\"main.default.churn\","
            + "\"entity_version\":\""
            + xgb
            + "\"}]},\"ai_gateway\":{\"inference_table_config\":{\"catalog_name\":\"main\","
            + "\"schema_name\":\"default\",\"table_name_prefix\":\"ep_log\",\"enabled\":true}}}";
    TestServer.Response c = s.post(API, body);
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    assertThat(c.json().at("/ai_gateway/inference_table_config/enabled").asBoolean()).isTrue();
    awaitSettled(s, "ep-log");
    String withId =
        "{\"client_request_id\":\"abc-1\",\"dataframe_split\":{\"columns\":[\"f0\",\"f1\",\"f2\",\"f3\"],"
            + "\"data\":[[0.0342,1.3597,1.2247,-0.5103]]}}";
    assertThat(s.post("/serving-endpoints/ep-log/invocations", withId).status()).isEqualTo(200);
    assertThat(s.post("/serving-endpoints/ep-log/invocations", "{\"nope\":1}").status())
        .isEqualTo(400);
    JsonNode p = awaitRows("main.default.ep_log_payload", 2);
    JsonNode ok = null;
    JsonNode bad = null;
    for (JsonNode row : p.path("rows")) {
      if (row.get(4).asInt() == 200) {
        ok = row;
      } else {
        bad = row;
      }
    }
    assertThat(ok).isNotNull();
    assertThat(bad).isNotNull();
    assertThat(ok.get(1).asText()).isNotEmpty();
    assertThat(ok.get(2).asText()).isEqualTo("abc-1");
    assertThat(ok.get(6).asText()).isEqualTo(withId);
    assertThat(ok.get(7).asText()).contains("predictions");
    assertThat(ok.get(8).asText()).isEqualTo("churn-" + xgb);
    assertThat(ok.get(9).asText()).isNotEmpty();
    assertThat(ok.get(10).asLong()).as("model time in µs").isPositive();
    assertThat(ok.get(5).asLong()).as("model time in ms, rounded up").isPositive();
    assertThat(ok.get(5).asLong()).isEqualTo((ok.get(10).asLong() + 999) / 1000);
    assertThat(ok.get(11).asText()).isEqualTo("main.default.churn");
    assertThat(ok.get(12).asLong()).isEqualTo(xgb);
    assertThat(bad.get(4).asInt()).isEqualTo(400);
    assertThat(bad.get(7).asText()).contains("BAD_REQUEST");
    assertThat(bad.get(8).asText()).as("the entity routing picked").isEqualTo("churn-" + xgb);
    assertThat(bad.get(12).asLong()).isEqualTo(xgb);
    assertThat(s.get("/metrics").body())
        .contains("keel_serving_requests_seconds")
        .contains("endpoint=\"ep-log\"")
        .contains("keel_inference_log_dropped_total");
  }

  /** Polls the table's preview until it holds at least {@code n} rows. */
  static JsonNode awaitRows(String table, int n) throws InterruptedException {
    // generous: the writer runs at the lowest CPU priority, and waits on a busy machine
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      TestServer.Response r = s.get("/api/2.0/keel/tables/" + table + "/preview");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      if (r.json().path("rows").size() >= n) {
        return r.json();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + n + " inference rows: " + r.body());
      }
      Thread.sleep(100);
    }
  }

  /** The {@code client_request_id}s logged in a table. */
  static List<String> loggedIds(JsonNode preview) {
    List<String> ids = new java.util.ArrayList<>();
    for (JsonNode row : preview.path("rows")) {
      ids.add(row.get(2).asText());
    }
    return ids;
  }

  static TestServer.Response score(String endpoint, String clientRequestId) {
    return s.post(
        "/serving-endpoints/" + endpoint + "/invocations",
        "{\"client_request_id\":\""
            + clientRequestId
            + "\",\"dataframe_split\":{\"columns\":[\"f0\",\"f1\",\"f2\",\"f3\"],"
            + "\"data\":[[0.0342,1.3597,1.2247,-0.5103]]}}");
  }

  static String gateway(String prefix, boolean enabled) {
    return "{\"inference_table_config\":{\"catalog_name\":\"main\",\"schema_name\":\"default\","
        + "\"table_name_prefix\":\""
        + prefix
        + "\",\"enabled\":"
        + enabled
        + "}}";
  }

  @Test
  void the_ai_gateway_route_turns_the_inference_table_of_an_existing_endpoint_on_off_and_over()
      throws Exception {
    ServingFixtures.alias(s, "churn", "gw", xgb);
    assertThat(s.post(API, createBody("ep-gw", "churn", "@gw")).status()).isEqualTo(200);
    awaitSettled(s, "ep-gw");
    assertThat(score("ep-gw", "before").status()).isEqualTo(200);

    TestServer.Response on = s.send("PUT", API + "/ep-gw/ai-gateway", gateway("gw_a", true));
    assertThat(on.status()).as(on.body()).isEqualTo(200);
    assertThat(on.json().at("/inference_table_config/table_name_prefix").asText())
        .isEqualTo("gw_a");
    assertThat(
            s.get(API + "/ep-gw")
                .json()
                .at("/ai_gateway/inference_table_config/enabled")
                .asBoolean())
        .isTrue();
    assertThat(score("ep-gw", "a1").status()).isEqualTo(200);
    ServingFixtures.alias(s, "churn", "gw", onnx);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (s.get(API + "/ep-gw").json().at("/config/served_entities/0/keel_loaded_version").asLong()
        != onnx) {
      assertThat(System.nanoTime()).as("the alias was followed in time").isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(score("ep-gw", "a2").status()).isEqualTo(200);
    TestServer.Response off = s.send("PUT", API + "/ep-gw/ai-gateway", "{}");
    assertThat(off.status()).as(off.body()).isEqualTo(200);
    assertThat(off.json().has("inference_table_config")).isFalse();
    assertThat(score("ep-gw", "off").status()).isEqualTo(200);
    assertThat(s.send("PUT", API + "/ep-gw/ai-gateway", gateway("gw_a", true)).status())
        .isEqualTo(200);
    assertThat(score("ep-gw", "a3").status()).isEqualTo(200);
    JsonNode a = awaitRows("main.default.gw_a_payload", 3);
    // rows reach a table in the order they were answered: a3 logged means "off" would be too
    assertThat(loggedIds(a)).containsExactlyInAnyOrder("a1", "a2", "a3");
    for (JsonNode row : a.path("rows")) {
      assertThat(row.get(8).asText()).isEqualTo("churn-gw");
      long expected = row.get(2).asText().equals("a1") ? xgb : onnx;
      assertThat(row.get(12).asLong()).as("the version the alias resolved to").isEqualTo(expected);
    }
    TestServer.Response over = s.send("PUT", API + "/ep-gw/ai-gateway", gateway("gw_b", true));
    assertThat(over.status()).isEqualTo(200);
    assertThat(score("ep-gw", "b1").status()).isEqualTo(200);
    assertThat(loggedIds(awaitRows("main.default.gw_b_payload", 1))).containsExactly("b1");

    TestServer.Response limits =
        s.send("PUT", API + "/ep-gw/ai-gateway", "{\"rate_limits\":[{\"calls\":10}]}");
    assertThat(limits.status()).isEqualTo(400);
    assertThat(limits.body()).contains("rate_limits");
    TestServer.Response badName =
        s.send("PUT", API + "/ep-gw/ai-gateway", gateway("bad-prefix", true));
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.body()).contains("inference_table_config.table_name_prefix");
    assertThat(
            s.get(API + "/ep-gw")
                .json()
                .at("/ai_gateway/inference_table_config/table_name_prefix")
                .asText())
        .as("a refused change changes nothing")
        .isEqualTo("gw_b");
    assertThat(s.send("PUT", API + "/nope/ai-gateway", gateway("x", true)).status()).isEqualTo(404);
  }

  @Test
  void legacy_auto_capture_config_sets_the_inference_table_on_create_and_update() throws Exception {
    TestServer.Response c =
        s.post(
            API,
            "{\"name\":\"ep-auto\",\"config\":{\"served_entities\":[{\"entity_name\":"
                + "\"main.default.churn\",\"entity_version\":\""
                + xgb
                + "\"}],\"auto_capture_config\":{\"catalog_name\":\"main\",\"schema_name\":\"default\"}}}");
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    assertThat(c.json().at("/ai_gateway/inference_table_config/table_name_prefix").asText())
        .as("the prefix defaults to the endpoint name")
        .isEqualTo("ep_auto");
    awaitSettled(s, "ep-auto");
    assertThat(score("ep-auto", "x1").status()).isEqualTo(200);
    assertThat(loggedIds(awaitRows("main.default.ep_auto_payload", 1))).containsExactly("x1");
    String entities =
        "\"served_entities\":[{\"entity_name\":\"main.default.churn\",\"entity_version\":\""
            + xgb
            + "\"}]";
    TestServer.Response u =
        s.send(
            "PUT",
            API + "/ep-auto/config",
            "{" + entities + ",\"auto_capture_config\":{\"enabled\":false}}");
    assertThat(u.status()).as(u.body()).isEqualTo(200);
    assertThat(u.json().at("/ai_gateway/inference_table_config/enabled").asBoolean()).isFalse();
    awaitSettled(s, "ep-auto");
    TestServer.Response keep = s.send("PUT", API + "/ep-auto/config", "{" + entities + "}");
    assertThat(keep.status()).as(keep.body()).isEqualTo(200);
    assertThat(keep.json().at("/ai_gateway/inference_table_config/enabled").asBoolean())
        .as("an update without auto_capture_config leaves the table as it is")
        .isFalse();
    awaitSettled(s, "ep-auto");
    TestServer.Response both =
        s.post(
            API,
            "{\"name\":\"ep-auto2\",\"config\":{"
                + entities
                + ",\"auto_capture_config\":{\"catalog_name\":\"main\",\"schema_name\":\"default\"}},"
                + "\"ai_gateway\":"
                + gateway("x", true)
                + "}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.body()).contains("auto_capture_config");
    assertThat(s.get(API + "/ep-auto2").status()).isEqualTo(404);
  }
}
