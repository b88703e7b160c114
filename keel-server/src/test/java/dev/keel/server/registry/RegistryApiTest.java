package dev.keel.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.registry.ModelFixtures;
import dev.keel.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry over both its APIs (Unity Catalog and MLflow) on a real server on port 0. */
class RegistryApiTest {
  static final String UC = "/api/2.1/unity-catalog";
  static final String ML = "/api/2.0/mlflow";
  static final ObjectMapper JSON = new ObjectMapper();

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
    String code() {
      return json.path("error_code").asText();
    }
  }

  static Res call(String method, String path, String body) {
    TestServer.Response r = s.send(method, path, body);
    return new Res(r.status(), r.jsonOrText());
  }

  static String q(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  static void upload(String storePath, String content) {
    Res r = call("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + storePath, content);
    assertThat(r.status()).isEqualTo(200);
  }

  static Res ucModel(String name) {
    return call(
        "POST",
        UC + "/models",
        "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\"" + name + "\"}");
  }

  static Res ucVersion(String model, String source) {
    return call(
        "POST",
        UC + "/models/versions",
        "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"model_name\":\""
            + model
            + "\",\"source\":\""
            + source
            + "\"}");
  }

  @Test
  void a_model_created_through_unity_catalog_is_seen_through_mlflow() {
    Res c = ucModel("Cross_UC");
    assertThat(c.status()).isEqualTo(200);
    assertThat(c.json().path("full_name").asText()).isEqualTo("main.default.cross_uc");
    assertThat(c.json().path("storage_location").asText())
        .isEqualTo("mlflow-artifacts:/models/main/default/cross_uc");
    Res m = call("GET", ML + "/registered-models/get?name=main.default.cross_uc", null);
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.json().at("/registered_model/name").asText()).isEqualTo("main.default.cross_uc");
    assertThat(ucVersion("cross_uc", "mlflow-artifacts:/x").status()).isEqualTo(200);
    Res v = call("GET", ML + "/model-versions/get?name=main.default.cross_uc&version=1", null);
    assertThat(v.json().at("/model_version/status").asText()).isEqualTo("PENDING_REGISTRATION");
  }

  @Test
  void a_model_created_through_mlflow_is_seen_through_unity_catalog() {
    Res c =
        call(
            "POST",
            ML + "/registered-models/create",
            "{\"name\":\"main.default.cross_ml\",\"description\":\"d\","
                + "\"tags\":[{\"key\":\"team\",\"value\":\"x\"}]}");
    assertThat(c.status()).isEqualTo(200);
    assertThat(c.json().at("/registered_model/tags/0/key").asText()).isEqualTo("team");
    Res u = call("GET", UC + "/models/main.default.cross_ml", null);
    assertThat(u.status()).isEqualTo(200);
    assertThat(u.json().path("comment").asText()).isEqualTo("d");
    assertThat(u.json().path("owner").asText()).isEqualTo("keel");
    Res list = call("GET", UC + "/models?catalog_name=main&schema_name=default", null);
    assertThat(list.json().path("registered_models").findValuesAsText("name")).contains("cross_ml");
  }

  @Test
  void upload_then_finalize_makes_a_version_ready_and_loadable() {
    ucModel("life");
    Res v = ucVersion("life", "mlflow-artifacts:/somewhere");
    assertThat(v.json().path("status").asText()).isEqualTo("PENDING_REGISTRATION");
    assertThat(v.json().path("version").asLong()).isEqualTo(1);
    String loc = v.json().path("storage_location").asText();
    assertThat(loc).isEqualTo("mlflow-artifacts:/models/main/default/life/1");
    Res notReady =
        call("GET", ML + "/model-versions/get-download-uri?name=main.default.life&version=1", null);
    assertThat(notReady.status()).isEqualTo(400);
    ModelFixtures.uploadOnnxModel(s.url(), "models/main/default/life/1");
    Res f =
        call(
            "PATCH",
            UC + "/models/main.default.life/versions/1/finalize",
            "{\"full_name\":\"main.default.life\",\"version\":1}");
    assertThat(f.status()).isEqualTo(200);
    assertThat(f.json().path("status").asText()).isEqualTo("READY");
    Res d =
        call("GET", ML + "/model-versions/get-download-uri?name=main.default.life&version=1", null);
    assertThat(d.json().path("artifact_uri").asText()).isEqualTo(loc);
    Res latest =
        call("GET", ML + "/registered-models/get-latest-versions?name=main.default.life", null);
    assertThat(latest.json().at("/model_versions/0/version").asText()).isEqualTo("1");
  }

  @Test
  void finalize_without_mlmodel_is_failed_registration() {
    ucModel("nomlmodel");
    ucVersion("nomlmodel", "mlflow-artifacts:/empty");
    Res f = call("PATCH", UC + "/models/main.default.nomlmodel/versions/1/finalize", "{}");
    assertThat(f.json().path("status").asText()).isEqualTo("FAILED_REGISTRATION");
    assertThat(f.json().path("status_message").asText()).contains("MLmodel");
    Res v = call("GET", ML + "/model-versions/get?name=main.default.nomlmodel&version=1", null);
    assertThat(v.json().at("/model_version/status").asText()).isEqualTo("FAILED_REGISTRATION");
  }

  @Test
  void mlflow_create_from_a_run_with_a_model_is_ready_at_once() {
    Res exp = call("POST", ML + "/experiments/create", "{\"name\":\"reg-exp\"}");
    String expId = exp.json().path("experiment_id").asText();
    Res run = call("POST", ML + "/runs/create", "{\"experiment_id\":\"" + expId + "\"}");
    String runId = run.json().at("/run/info/run_id").asText();
    String root =
        run.json().at("/run/info/artifact_uri").asText().substring("mlflow-artifacts:/".length());
    ModelFixtures.uploadOnnxModel(s.url(), root + "/model");
    call("POST", ML + "/registered-models/create", "{\"name\":\"main.default.fromrun\"}");
    Res v =
        call(
            "POST",
            ML + "/model-versions/create",
            "{\"name\":\"main.default.fromrun\",\"source\":\"runs:/"
                + runId
                + "/model\",\"run_id\":\""
                + runId
                + "\"}");
    assertThat(v.status()).isEqualTo(200);
    assertThat(v.json().at("/model_version/status").asText()).isEqualTo("READY");
    assertThat(v.json().at("/model_version/version").asText()).isEqualTo("1");
    Res file =
        call(
            "GET",
            "/api/2.0/mlflow-artifacts/artifacts/models/main/default/fromrun/1/model.onnx",
            null);
    assertThat(file.status()).isEqualTo(200);
    Res search =
        call("GET", ML + "/model-versions/search?filter=" + q("run_id = '" + runId + "'"), null);
    assertThat(search.json().at("/model_versions/0/name").asText())
        .isEqualTo("main.default.fromrun");
  }

  @Test
  void aliases_move_with_history_through_both_apis() {
    ucModel("aliased");
    ucVersion("aliased", "mlflow-artifacts:/x");
    ucVersion("aliased", "mlflow-artifacts:/x");
    Res put =
        call("PUT", UC + "/models/main.default.aliased/aliases/champion", "{\"version_num\":1}");
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().path("alias_name").asText()).isEqualTo("champion");
    assertThat(put.json().path("version_num").asLong()).isEqualTo(1);
    Res ml =
        call(
            "POST",
            ML + "/registered-models/alias",
            "{\"name\":\"main.default.aliased\",\"alias\":\"champion\",\"version\":\"2\"}");
    assertThat(ml.status()).isEqualTo(200);
    Res get = call("GET", UC + "/models/main.default.aliased/aliases/champion", null);
    assertThat(get.json().path("version").asLong()).isEqualTo(2);
    Res byAlias =
        call("GET", ML + "/registered-models/alias?name=main.default.aliased&alias=champion", null);
    assertThat(byAlias.json().at("/model_version/version").asText()).isEqualTo("2");
    assertThat(byAlias.json().at("/model_version/aliases/0").asText()).isEqualTo("champion");
    Res model = call("GET", ML + "/registered-models/get?name=main.default.aliased", null);
    assertThat(model.json().at("/registered_model/aliases/0/version").asText()).isEqualTo("2");
    assertThat(call("DELETE", UC + "/models/main.default.aliased/aliases/champion", null).status())
        .isEqualTo(200);
    Res h = call("GET", UC + "/models/main.default.aliased/aliases/champion/history", null);
    JsonNode moves = h.json().path("history");
    assertThat(moves).hasSize(3);
    assertThat(moves.get(0).has("from_version_num")).isFalse();
    assertThat(moves.get(0).path("to_version_num").asLong()).isEqualTo(1);
    assertThat(moves.get(1).path("from_version_num").asLong()).isEqualTo(1);
    assertThat(moves.get(1).path("to_version_num").asLong()).isEqualTo(2);
    assertThat(moves.get(2).has("to_version_num")).isFalse();
    assertThat(moves.get(2).path("moved_by").asText()).isEqualTo("keel");
    assertThat(moves.get(2).path("moved_at").asLong()).isPositive();
    assertThat(call("GET", UC + "/models/main.default.aliased/aliases/champion", null).code())
        .isEqualTo("NOT_FOUND");
  }

  @Test
  void reserved_and_invalid_aliases_are_400() {
    ucModel("reserved");
    ucVersion("reserved", "mlflow-artifacts:/x");
    for (String a : new String[] {"latest", "Latest", "v1", "V7"}) {
      Res r = call("PUT", UC + "/models/main.default.reserved/aliases/" + a, "{\"version_num\":1}");
      assertThat(r.status()).as(a).isEqualTo(400);
      assertThat(r.code()).isEqualTo("INVALID_ARGUMENT");
      Res m =
          call(
              "POST",
              ML + "/registered-models/alias",
              "{\"name\":\"main.default.reserved\",\"alias\":\"" + a + "\",\"version\":\"1\"}");
      assertThat(m.status()).isEqualTo(400);
      assertThat(m.code()).isEqualTo("INVALID_PARAMETER_VALUE");
    }
    Res dots =
        call(
            "POST",
            ML + "/registered-models/alias",
            "{\"name\":\"main.default.reserved\",\"alias\":\"a.b\",\"version\":\"1\"}");
    assertThat(dots.status()).isEqualTo(400);
  }

  @Test
  void bad_model_names_are_400_through_both_apis() {
    String[] bad = {"a.b", "a/b", "a b", "modèle", "x".repeat(300)};
    for (String n : bad) {
      Res r =
          call(
              "POST",
              UC + "/models",
              JSON.createObjectNode()
                  .put("catalog_name", "main")
                  .put("schema_name", "default")
                  .put("name", n)
                  .toString());
      assertThat(r.status()).as(n).isEqualTo(400);
      assertThat(r.code()).isEqualTo("INVALID_ARGUMENT");
      Res m =
          call(
              "POST",
              ML + "/registered-models/create",
              JSON.createObjectNode().put("name", "main.default." + n).toString());
      assertThat(m.status()).as(n).isEqualTo(400);
      assertThat(m.code()).isEqualTo("INVALID_PARAMETER_VALUE");
    }
    Res oneLevel = call("POST", ML + "/registered-models/create", "{\"name\":\"plain\"}");
    assertThat(oneLevel.status()).isEqualTo(400);
    assertThat(oneLevel.json().path("message").asText()).contains("catalog.schema.model");
    Res twoLevel = call("POST", ML + "/registered-models/create", "{\"name\":\"default.m\"}");
    assertThat(twoLevel.status()).isEqualTo(400);
    Res upper = ucModel("UPPER_Case");
    assertThat(upper.json().path("name").asText()).isEqualTo("upper_case");
    assertThat(ucModel("upper_case").code()).isEqualTo("ALREADY_EXISTS");
    assertThat(ucModel("upper_case").status()).isEqualTo(409);
    Res noSchema =
        call(
            "POST",
            UC + "/models",
            "{\"catalog_name\":\"main\",\"schema_name\":\"nope\",\"name\":\"m\"}");
    assertThat(noSchema.code()).isEqualTo("NOT_FOUND");
  }

  @Test
  void sources_outside_managed_storage_are_refused() {
    ucModel("ssrf");
    for (String src :
        new String[] {
          "file:///etc", "http://169.254.169.254/", "../x", "s3://b/k", "mlflow-artifacts:/../x"
        }) {
      Res r = ucVersion("ssrf", src);
      assertThat(r.status()).as(src).isEqualTo(400);
      assertThat(r.code()).isEqualTo("INVALID_ARGUMENT");
      Res m =
          call(
              "POST",
              ML + "/model-versions/create",
              JSON.createObjectNode()
                  .put("name", "main.default.ssrf")
                  .put("source", src)
                  .toString());
      assertThat(m.status()).as(src).isEqualTo(400);
      assertThat(m.code()).isEqualTo("INVALID_PARAMETER_VALUE");
    }
    Res list = call("GET", UC + "/models/main.default.ssrf/versions", null);
    assertThat(list.json().path("model_versions")).isEmpty();
  }

  @Test
  void unity_catalog_lists_page_and_mlflow_search_filters() {
    for (int i = 0; i < 5; i++) {
      call("POST", UC + "/catalogs", "{\"name\":\"pagecat\"}");
      call("POST", UC + "/schemas", "{\"catalog_name\":\"pagecat\",\"name\":\"s\"}");
      call(
          "POST",
          UC + "/models",
          "{\"catalog_name\":\"pagecat\",\"schema_name\":\"s\",\"name\":\"m" + i + "\"}");
    }
    Res p1 = call("GET", UC + "/models?catalog_name=pagecat&schema_name=s&max_results=3", null);
    assertThat(p1.json().path("registered_models")).hasSize(3);
    String token = p1.json().path("next_page_token").asText();
    Res p2 =
        call(
            "GET",
            UC + "/models?catalog_name=pagecat&schema_name=s&max_results=3&page_token=" + q(token),
            null);
    assertThat(p2.json().path("registered_models").findValuesAsText("name"))
        .containsExactly("m3", "m4");
    Res s1 =
        call(
            "GET",
            ML
                + "/registered-models/search?filter="
                + q("name LIKE 'pagecat.s.%'")
                + "&max_results=2",
            null);
    assertThat(s1.json().path("registered_models")).hasSize(2);
    assertThat(s1.json().path("next_page_token").asText()).isNotEmpty();
    Res bad = call("GET", ML + "/registered-models/search?filter=" + q("foo = 'x'"), null);
    assertThat(bad.status()).isEqualTo(400);
  }

  @Test
  void update_rename_and_delete() {
    ucModel("upd");
    ucVersion("upd", "mlflow-artifacts:/x");
    Res p =
        call("PATCH", UC + "/models/main.default.upd", "{\"comment\":\"c\",\"new_name\":\"upd2\"}");
    assertThat(p.json().path("full_name").asText()).isEqualTo("main.default.upd2");
    assertThat(p.json().path("comment").asText()).isEqualTo("c");
    Res vp = call("PATCH", UC + "/models/main.default.upd2/versions/1", "{\"comment\":\"vc\"}");
    assertThat(vp.json().path("comment").asText()).isEqualTo("vc");
    Res ren =
        call(
            "POST",
            ML + "/registered-models/rename",
            "{\"name\":\"main.default.upd2\",\"new_name\":\"main.default.upd3\"}");
    assertThat(ren.json().at("/registered_model/name").asText()).isEqualTo("main.default.upd3");
    assertThat(call("DELETE", UC + "/models/main.default.upd3/versions/1", null).status())
        .isEqualTo(200);
    assertThat(call("GET", UC + "/models/main.default.upd3/versions/1", null).code())
        .isEqualTo("NOT_FOUND");
    assertThat(
            call("DELETE", ML + "/registered-models/delete", "{\"name\":\"main.default.upd3\"}")
                .status())
        .isEqualTo(200);
    assertThat(call("GET", ML + "/registered-models/get?name=main.default.upd3", null).code())
        .isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void unity_catalog_delete_of_a_model_with_versions_needs_force() {
    ucModel("forced");
    ucVersion("forced", "mlflow-artifacts:/x");
    Res refused = call("DELETE", UC + "/models/main.default.forced", null);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("FAILED_PRECONDITION");
    assertThat(call("GET", UC + "/models/main.default.forced/versions/1", null).status())
        .isEqualTo(200);
    assertThat(call("DELETE", UC + "/models/main.default.forced?force=true", null).status())
        .isEqualTo(200);
    assertThat(call("GET", UC + "/models/main.default.forced", null).code()).isEqualTo("NOT_FOUND");
  }
}
