package dev.keel.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.registry.ModelFixtures;
import dev.keel.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lineage both ways, {@code models:/} URI resolution and schema/catalog cascades on a real server
 * on port 0.
 */
class RegistryLineageApiTest {
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

  static Res ok(Res r) {
    assertThat(r.status()).as(r.json().toString()).isEqualTo(200);
    return r;
  }

  /** A run with a git commit tag and two dataset inputs, holding the ONNX fixture at model/. */
  static JsonNode runWithModel(String experiment) {
    String expId =
        ok(call("POST", ML + "/experiments/create", "{\"name\":\"" + experiment + "\"}"))
            .json()
            .path("experiment_id")
            .asText();
    JsonNode info =
        ok(call(
                "POST",
                ML + "/runs/create",
                "{\"experiment_id\":\""
                    + expId
                    + "\",\"tags\":[{\"key\":\"mlflow.source.git.commit\",\"value\":\"9f3c1e2\"}]}"))
            .json()
            .at("/run/info");
    String runId = info.path("run_id").asText();
    ok(
        call(
            "POST",
            ML + "/runs/log-inputs",
            """
        {"run_id":"%s","datasets":[
          {"tags":[{"key":"mlflow.data.context","value":"training"}],
           "dataset":{"name":"churn_train","digest":"d1","source_type":"delta_table",
                      "source":"{\\"table_name\\":\\"main.sales.churn\\",\\"version\\":7}"}},
          {"tags":[{"key":"mlflow.data.context","value":"eval"}],
           "dataset":{"name":"churn_eval","digest":"d2","source_type":"local",
                      "source":"{\\"uri\\":\\"eval.csv\\"}"}}]}
        """
                .formatted(runId)));
    String root = info.path("artifact_uri").asText().substring("mlflow-artifacts:/".length());
    ModelFixtures.uploadOnnxModel(s.url(), root + "/model");
    return info;
  }

  @Test
  void lineage_walks_model_to_versions_to_run_to_datasets_and_back_from_the_run() {
    JsonNode run = runWithModel("lineage-exp");
    String runId = run.path("run_id").asText();
    ok(call("POST", ML + "/registered-models/create", "{\"name\":\"main.default.churn\"}"));
    // one version through MLflow (runs:/ source), one through Unity Catalog (run_id + source)
    ok(
        call(
            "POST",
            ML + "/model-versions/create",
            "{\"name\":\"main.default.churn\",\"source\":\"runs:/" + runId + "/model\"}"));
    ok(
        call(
            "POST",
            UC + "/models/main.default.churn/versions",
            "{\"source\":\"runs:/" + runId + "/model\",\"run_id\":\"" + runId + "\"}"));
    // a version with no run
    ok(
        call(
            "POST",
            UC + "/models/main.default.churn/versions",
            "{\"source\":\"mlflow-artifacts:/elsewhere\"}"));
    ok(call("PUT", UC + "/models/main.default.churn/aliases/champion", "{\"version_num\":1}"));
    // later changes to the run do not rewrite the recorded lineage
    ok(
        call(
            "POST",
            ML + "/runs/set-tag",
            "{\"run_id\":\""
                + runId
                + "\",\"key\":\"mlflow.source.git.commit\",\"value\":\"later\"}"));

    JsonNode m = ok(call("GET", UC + "/models/main.default.churn/lineage", null)).json();
    assertThat(m.path("full_name").asText()).isEqualTo("main.default.churn");
    JsonNode versions = m.path("model_versions");
    assertThat(versions).hasSize(3);
    JsonNode v1 = versions.get(0);
    assertThat(v1.path("version").asLong()).isEqualTo(1);
    assertThat(v1.path("status").asText()).isEqualTo("READY");
    assertThat(v1.path("aliases").get(0).asText()).isEqualTo("champion");
    assertThat(v1.at("/run/run_id").asText()).isEqualTo(runId);
    assertThat(v1.at("/run/experiment_id").asText()).isEqualTo(run.path("experiment_id").asText());
    assertThat(v1.at("/run/code_version").asText()).isEqualTo("9f3c1e2");
    JsonNode datasets = v1.path("datasets");
    assertThat(datasets).hasSize(2);
    JsonNode train =
        datasets.get(0).path("name").asText().equals("churn_train")
            ? datasets.get(0)
            : datasets.get(1);
    assertThat(train.path("digest").asText()).isEqualTo("d1");
    assertThat(train.path("source_type").asText()).isEqualTo("delta_table");
    assertThat(train.path("source").asText()).contains("main.sales.churn").contains("7");
    assertThat(train.path("context").asText()).isEqualTo("training");
    assertThat(versions.get(1).at("/run/run_id").asText()).isEqualTo(runId);
    assertThat(versions.get(2).has("run")).isFalse();
    assertThat(versions.get(2).path("datasets")).isEmpty();

    JsonNode one =
        ok(call("GET", UC + "/models/main.default.churn/versions/2/lineage", null)).json();
    assertThat(one.path("full_name").asText()).isEqualTo("main.default.churn");
    assertThat(one.path("version").asLong()).isEqualTo(2);
    assertThat(one.at("/run/code_version").asText()).isEqualTo("9f3c1e2");
    assertThat(one.path("datasets")).hasSize(2);

    JsonNode back = ok(call("GET", UC + "/lineage/runs/" + runId, null)).json();
    assertThat(back.path("run_id").asText()).isEqualTo(runId);
    JsonNode from = back.path("model_versions");
    assertThat(from).hasSize(2);
    assertThat(from.get(0).path("full_name").asText()).isEqualTo("main.default.churn");
    assertThat(from.get(0).path("version").asLong()).isEqualTo(1);
    assertThat(from.get(0).path("status").asText()).isEqualTo("READY");
    assertThat(from.get(0).path("aliases").get(0).asText()).isEqualTo("champion");
    assertThat(from.get(1).path("version").asLong()).isEqualTo(2);
    assertThat(from.get(1).path("status").asText()).isEqualTo("PENDING_REGISTRATION");

    Res unknownRun = call("GET", UC + "/lineage/runs/0123456789abcdef0123456789abcdef", null);
    assertThat(unknownRun.status()).isEqualTo(404);
    assertThat(call("GET", UC + "/models/main.default.none/lineage", null).status()).isEqualTo(404);
    assertThat(call("GET", UC + "/models/main.default.churn/versions/9/lineage", null).status())
        .isEqualTo(404);
    assertThat(call("GET", UC + "/models/main.default.churn/versions/x/lineage", null).status())
        .isEqualTo(400);
  }

  @Test
  void models_uris_resolve_by_version_and_alias() {
    JsonNode run = runWithModel("uri-exp");
    ok(call("POST", ML + "/registered-models/create", "{\"name\":\"main.default.uri\"}"));
    ok(
        call(
            "POST",
            ML + "/model-versions/create",
            "{\"name\":\"main.default.uri\",\"source\":\"runs:/"
                + run.path("run_id").asText()
                + "/model\"}"));
    ok(call("PUT", UC + "/models/main.default.uri/aliases/champion", "{\"version_num\":1}"));

    JsonNode byVersion =
        ok(call("GET", UC + "/models/resolve?uri=" + q("models:/main.default.uri/1"), null)).json();
    assertThat(byVersion.path("version").asLong()).isEqualTo(1);
    assertThat(byVersion.path("status").asText()).isEqualTo("READY");
    assertThat(byVersion.path("storage_location").asText())
        .isEqualTo("mlflow-artifacts:/models/main/default/uri/1");
    JsonNode byAlias =
        ok(call("GET", UC + "/models/resolve?uri=" + q("models:/main.default.uri@champion"), null))
            .json();
    assertThat(byAlias.path("version").asLong()).isEqualTo(1);
    assertThat(byAlias.path("model_name").asText()).isEqualTo("uri");

    Res unknownAlias =
        call("GET", UC + "/models/resolve?uri=" + q("models:/main.default.uri@challenger"), null);
    assertThat(unknownAlias.status()).isEqualTo(404);
    assertThat(unknownAlias.code()).isEqualTo("NOT_FOUND");
    for (String bad :
        List.of(
            "models:/main.default.uri/latest",
            "models:/main.default.uri",
            "models:/uri/1",
            "runs:/abc/model",
            "models:/main.default.uri@latest")) {
      Res r = call("GET", UC + "/models/resolve?uri=" + q(bad), null);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.code()).as(bad).isEqualTo("INVALID_ARGUMENT");
    }
    assertThat(call("GET", UC + "/models/resolve", null).status()).isEqualTo(400);
    // models:/ URIs are not a version source
    Res source =
        call(
            "POST",
            UC + "/models/main.default.uri/versions",
            "{\"source\":\"models:/main.default.uri/1\"}");
    assertThat(source.status()).isEqualTo(400);
  }

  @Test
  void schema_and_catalog_deletes_cascade_with_force_and_renames_keep_models_reachable() {
    ok(call("POST", UC + "/catalogs", "{\"name\":\"cas\"}"));
    ok(call("POST", UC + "/schemas", "{\"catalog_name\":\"cas\",\"name\":\"s1\"}"));
    ok(call("POST", UC + "/schemas", "{\"catalog_name\":\"cas\",\"name\":\"s2\"}"));
    ok(
        call(
            "POST",
            UC + "/models",
            "{\"catalog_name\":\"cas\",\"schema_name\":\"s1\",\"name\":\"m\"}"));
    ok(
        call(
            "POST",
            UC + "/models",
            "{\"catalog_name\":\"cas\",\"schema_name\":\"s2\",\"name\":\"m\"}"));
    ok(call("POST", UC + "/models/cas.s1.m/versions", "{\"source\":\"mlflow-artifacts:/x\"}"));
    ModelFixtures.uploadOnnxModel(s.url(), "models/cas/s1/m/1");
    ok(call("PATCH", UC + "/models/cas.s1.m/versions/1/finalize", "{}"));

    // rename: the models follow the schema and the catalog
    ok(call("PATCH", UC + "/schemas/cas.s1", "{\"new_name\":\"t1\"}"));
    assertThat(call("GET", UC + "/models/cas.s1.m", null).status()).isEqualTo(404);
    assertThat(ok(call("GET", UC + "/models/cas.t1.m", null)).json().path("schema_name").asText())
        .isEqualTo("t1");
    ok(call("PATCH", UC + "/catalogs/cas", "{\"new_name\":\"cas2\"}"));
    JsonNode v = ok(call("GET", UC + "/models/cas2.t1.m/versions/1", null)).json();
    assertThat(v.path("status").asText()).isEqualTo("READY");
    assertThat(v.path("catalog_name").asText()).isEqualTo("cas2");
    assertThat(
            ok(call("GET", ML + "/registered-models/get?name=cas2.s2.m", null))
                .json()
                .at("/registered_model/name")
                .asText())
        .isEqualTo("cas2.s2.m");

    // delete: refused without force while models exist, cascades with it
    Res refused = call("DELETE", UC + "/schemas/cas2.t1", null);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.code()).isEqualTo("FAILED_PRECONDITION");
    ok(call("GET", UC + "/models/cas2.t1.m", null));
    ok(call("DELETE", UC + "/schemas/cas2.t1?force=true", null));
    assertThat(call("GET", UC + "/models/cas2.t1.m", null).status()).isEqualTo(404);
    assertThat(
            call("GET", "/api/2.0/mlflow-artifacts/artifacts/models/cas/s1/m/1/model.onnx", null)
                .status())
        .isEqualTo(404);

    assertThat(call("DELETE", UC + "/catalogs/cas2", null).code()).isEqualTo("FAILED_PRECONDITION");
    ok(call("DELETE", UC + "/catalogs/cas2?force=true", null));
    assertThat(call("GET", UC + "/models/cas2.s2.m", null).status()).isEqualTo(404);
    assertThat(
            ok(call("GET", ML + "/registered-models/search?filter=" + q("name LIKE 'cas%'"), null))
                .json()
                .path("registered_models"))
        .isEmpty();
  }
}
