package dev.keel.server.serving;

import static dev.keel.server.serving.ServingFixtures.API;
import static dev.keel.server.serving.ServingFixtures.ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.XGB_ONE_ROW;
import static dev.keel.server.serving.ServingFixtures.awaitSettled;
import static dev.keel.server.serving.ServingFixtures.createBody;
import static dev.keel.server.serving.ServingFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serving endpoints REST API, scoring, OIP V2 and inference tables against a real server. */
class ServingEndpointsApiTest {
  @TempDir static Path dir;
  static TestServer s;
  static long xgb;
  static long onnx;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    xgb = version(s, "churn", true);
    onnx = version(s, "churn", false);
  }

  @AfterAll
  static void stop() {
    s.close();
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

  @Test
  void a_second_update_while_one_is_in_progress_is_a_conflict_and_a_failed_load_keeps_serving() {
    s.post(API, createBody("ep-upd", "churn", Long.toString(xgb)));
    awaitSettled(s, "ep-upd");
    String toOnnx =
        "{\"served_entities\":[{\"name\":\"o\",\"entity_name\":\"main.default.churn\","
            + "\"entity_version\":\""
            + onnx
            + "\"}]}";
    TestServer.Response u = s.send("PUT", API + "/ep-upd/config", toOnnx);
    assertThat(u.status()).as(u.body()).isEqualTo(200);
    if (u.json().at("/state/config_update").asText().equals("IN_PROGRESS")) {
      TestServer.Response again = s.send("PUT", API + "/ep-upd/config", toOnnx);
      if (again.status() != 200) {
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("RESOURCE_CONFLICT");
      }
    }
    JsonNode e = awaitSettled(s, "ep-upd");
    assertThat(e.at("/state/config_update").asText()).isEqualTo("NOT_UPDATING");
    TestServer.Response q = s.post("/serving-endpoints/ep-upd/invocations", ONE_ROW);
    assertThat(q.raw().headers().firstValue("served-model-name")).hasValue("o");
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
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode p;
    while (true) {
      TestServer.Response r = s.get("/api/2.0/keel/tables/main.default.ep_log_payload/preview");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      p = r.json();
      if (p.path("rows").size() >= 2) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no inference rows: " + r.body());
      }
      Thread.sleep(200);
    }
    assertThat(p.path("columns").findValuesAsText("name"))
        .containsExactly(
            "request_date",
            "databricks_request_id",
            "client_request_id",
            "request_time",
            "status_code",
            "execution_duration_ms",
            "request",
            "response",
            "served_entity_id",
            "requester");
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
    assertThat(bad.get(4).asInt()).isEqualTo(400);
    assertThat(bad.get(7).asText()).contains("BAD_REQUEST");
    assertThat(s.get("/metrics").body())
        .contains("keel_serving_requests_seconds")
        .contains("endpoint=\"ep-log\"")
        .contains("keel_inference_log_dropped_total");
  }
}
