package dev.keel.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.registry.ModelFixtures;
import dev.keel.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 items 9, 14 and 19 through the HTTP APIs: every well-formed MLflow package registers
 * (with {@code keel.servable}), finalized versions' files are immutable, sources inside registry
 * storage are refused, and deleting a version removes the aliases pointing at it.
 */
class RegistryHardeningTest {
  static final String UC = "/api/2.1/unity-catalog";
  static final String ML = "/api/2.0/mlflow";
  static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts/";

  static final String SKLEARN_MLMODEL =
      """
      artifact_path: model
      flavors:
        python_function:
          env:
            conda: conda.yaml
            virtualenv: python_env.yaml
          loader_module: mlflow.sklearn
          model_path: model.pkl
          predict_fn: predict
          python_version: 3.11.9
        sklearn:
          code: null
          pickled_model: model.pkl
          serialization_format: cloudpickle
          sklearn_version: 1.5.2
      mlflow_version: 2.17.2
      model_size_bytes: 1024
      model_uuid: 0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e
      signature:
        inputs: '[{"type": "double", "name": "x", "required": true}]'
        outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
        params: null
      utc_time_created: '2024-11-05 10:30:45.123456'
      """;

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

  // ------------------------------------------------------------------ helpers

  static TestServer.Response post(String path, String body) {
    return s.send("POST", path, body);
  }

  static void upload(String storePath, String content) {
    TestServer.Response r = s.put(ARTIFACTS + storePath, content.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** A run with an artifact root; returns {run_id, store path of its artifacts}. */
  static String[] run(String experiment) {
    String exp =
        post(ML + "/experiments/create", "{\"name\":\"" + experiment + "\"}")
            .json()
            .path("experiment_id")
            .asText();
    JsonNode run = post(ML + "/runs/create", "{\"experiment_id\":\"" + exp + "\"}").json();
    String root =
        run.at("/run/info/artifact_uri").asText().substring("mlflow-artifacts:/".length());
    return new String[] {run.at("/run/info/run_id").asText(), root};
  }

  static JsonNode mlflowCreate(String model, String source) {
    post(ML + "/registered-models/create", "{\"name\":\"main.default." + model + "\"}");
    TestServer.Response v =
        post(
            ML + "/model-versions/create",
            "{\"name\":\"main.default." + model + "\",\"source\":\"" + source + "\"}");
    assertThat(v.status()).as(v.body()).isEqualTo(200);
    return v.json().path("model_version");
  }

  static Map<String, String> tags(JsonNode version) {
    Map<String, String> out = new HashMap<>();
    version.path("tags").forEach(t -> out.put(t.path("key").asText(), t.path("value").asText()));
    return out;
  }

  // ------------------------------------------------------------------ item 14

  @Test
  void an_sklearn_package_registers_ready_and_is_marked_not_servable() {
    String[] run = run("sk-exp");
    upload(run[1] + "/model/MLmodel", SKLEARN_MLMODEL);
    upload(run[1] + "/model/model.pkl", "\u0080\u0004not really a pickle.");
    JsonNode v = mlflowCreate("sk", "runs:/" + run[0] + "/model");

    assertThat(v.path("status").asText()).as(v.toString()).isEqualTo("READY");
    assertThat(tags(v)).containsEntry("keel.servable", "false");
    assertThat(tags(v).get("keel.servable_reason"))
        .contains("onnx and xgboost")
        .contains("python_function, sklearn");
    JsonNode got = s.get(ML + "/model-versions/get?name=main.default.sk&version=1").json();
    assertThat(tags(got.path("model_version"))).containsEntry("keel.servable", "false");
    assertThat(
            s.get(ML + "/model-versions/get-download-uri?name=main.default.sk&version=1").status())
        .isEqualTo(200);
  }

  @Test
  void an_onnx_package_is_marked_servable_with_onnx() {
    String[] run = run("onnx-exp");
    ModelFixtures.uploadOnnxModel(s.url(), run[1] + "/model");
    JsonNode v = mlflowCreate("onnxok", "runs:/" + run[0] + "/model");
    assertThat(v.path("status").asText()).isEqualTo("READY");
    assertThat(tags(v))
        .containsEntry("keel.servable", "onnx")
        .doesNotContainKey("keel.servable_reason");
  }

  @Test
  void a_broken_package_still_fails_registration() {
    String[] run = run("broken-exp");
    upload(
        run[1] + "/model/MLmodel",
        "flavors:\n  sklearn:\n    pickled_model: model.pkl\n  python_function:\n"
            + "    loader_module: mlflow.sklearn\n    model_path: ../../escape.pkl\n");
    JsonNode v = mlflowCreate("broken", "runs:/" + run[0] + "/model");
    assertThat(v.path("status").asText()).isEqualTo("FAILED_REGISTRATION");
    assertThat(v.path("status_message").asText()).contains("model_path").contains("relative");
    assertThat(tags(v)).doesNotContainKey("keel.servable");
  }

  @Test
  void keel_servable_cannot_be_set_or_removed_by_clients() {
    String[] run = run("tag-exp");
    ModelFixtures.uploadOnnxModel(s.url(), run[1] + "/model");
    mlflowCreate("tagged", "runs:/" + run[0] + "/model");
    TestServer.Response set =
        post(
            ML + "/model-versions/set-tag",
            "{\"name\":\"main.default.tagged\",\"version\":\"1\",\"key\":\"keel.servable\","
                + "\"value\":\"false\"}");
    assertThat(set.status()).isEqualTo(400);
    assertThat(set.json().path("message").asText()).contains("keel.servable");
    TestServer.Response del =
        s.send(
            "DELETE",
            ML + "/model-versions/delete-tag",
            "{\"name\":\"main.default.tagged\",\"version\":\"1\",\"key\":\"keel.servable\"}");
    assertThat(del.status()).isEqualTo(400);
    JsonNode got = s.get(ML + "/model-versions/get?name=main.default.tagged&version=1").json();
    assertThat(tags(got.path("model_version"))).containsEntry("keel.servable", "onnx");
  }

  // ------------------------------------------------------------------ item 9

  @Test
  void the_files_of_a_ready_version_cannot_be_replaced_or_deleted() {
    String[] run = run("immutable-exp");
    ModelFixtures.uploadOnnxModel(s.url(), run[1] + "/model");
    JsonNode v = mlflowCreate("frozen", "runs:/" + run[0] + "/model");
    assertThat(v.path("status").asText()).isEqualTo("READY");
    String file = "models/main/default/frozen/1/model.onnx";
    String before = s.getRaw(ARTIFACTS + file).body();

    TestServer.Response put = s.put(ARTIFACTS + file, "garbage".getBytes(StandardCharsets.UTF_8));
    assertThat(put.status()).as(put.body()).isEqualTo(403);
    assertThat(put.errorCode()).isEqualTo("PERMISSION_DENIED");
    assertThat(put.json().path("message").asText())
        .contains("version 1 of registered model 'main.default.frozen'")
        .contains("READY");
    for (String path :
        new String[] {
          file, "models/main/default/frozen/1", "models/main/default/frozen", "models"
        }) {
      TestServer.Response del = s.delete(ARTIFACTS + path);
      assertThat(del.status()).as("DELETE " + path + ": " + del.body()).isEqualTo(403);
    }
    TestServer.Response added =
        s.put(ARTIFACTS + "models/main/default/frozen/1/extra.bin", new byte[] {1});
    assertThat(added.status()).isEqualTo(403);

    assertThat(s.getRaw(ARTIFACTS + file).body()).isEqualTo(before);
    assertThat(s.get(ARTIFACTS + "models/main/default/frozen/1/extra.bin").status()).isEqualTo(404);
    JsonNode after = s.get(ML + "/model-versions/get?name=main.default.frozen&version=1").json();
    assertThat(after.at("/model_version/status").asText()).isEqualTo("READY");
  }

  @Test
  void a_pending_version_takes_uploads_until_it_is_finalized() {
    post(
        UC + "/models",
        "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\"uploading\"}");
    TestServer.Response v =
        post(
            UC + "/models/versions",
            "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"model_name\":\"uploading\","
                + "\"source\":\"mlflow-artifacts:/elsewhere\"}");
    assertThat(v.json().path("status").asText()).isEqualTo("PENDING_REGISTRATION");
    upload("models/main/default/uploading/1/scratch.txt", "x");
    assertThat(s.delete(ARTIFACTS + "models/main/default/uploading/1/scratch.txt").status())
        .isEqualTo(200);
    ModelFixtures.uploadOnnxModel(s.url(), "models/main/default/uploading/1");
    TestServer.Response f =
        s.send("PATCH", UC + "/models/main.default.uploading/versions/1/finalize", "{}");
    assertThat(f.json().path("status").asText()).isEqualTo("READY");
    assertThat(
            s.put(ARTIFACTS + "models/main/default/uploading/1/MLmodel", new byte[] {1}).status())
        .isEqualTo(403);
  }

  @Test
  void a_failed_version_is_final_too() {
    post(
        UC + "/models",
        "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\"failedfinal\"}");
    post(
        UC + "/models/versions",
        "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"model_name\":\"failedfinal\","
            + "\"source\":\"mlflow-artifacts:/nothing-here\"}");
    TestServer.Response f =
        s.send("PATCH", UC + "/models/main.default.failedfinal/versions/1/finalize", "{}");
    assertThat(f.json().path("status").asText()).isEqualTo("FAILED_REGISTRATION");
    TestServer.Response put =
        s.put(ARTIFACTS + "models/main/default/failedfinal/1/MLmodel", new byte[] {1});
    assertThat(put.status()).isEqualTo(403);
  }

  @Test
  void a_source_in_or_above_registry_storage_is_refused() {
    String[] run = run("src-exp");
    ModelFixtures.uploadOnnxModel(s.url(), run[1] + "/model");
    mlflowCreate("victim", "runs:/" + run[0] + "/model");
    post(ML + "/registered-models/create", "{\"name\":\"main.default.thief\"}");
    for (String source :
        new String[] {
          "mlflow-artifacts:/models",
          "mlflow-artifacts:/models/main/default",
          "mlflow-artifacts:/models/main/default/victim/1",
          "mlflow-artifacts:/models/main/default/victim",
        }) {
      TestServer.Response r =
          post(
              ML + "/model-versions/create",
              "{\"name\":\"main.default.thief\",\"source\":\"" + source + "\"}");
      assertThat(r.status()).as(source).isEqualTo(400);
      assertThat(r.json().path("message").asText()).contains("'source'").contains("registry");
      TestServer.Response uc =
          post(
              UC + "/models/versions",
              "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"model_name\":\"thief\","
                  + "\"source\":\""
                  + source
                  + "\"}");
      assertThat(uc.status()).as(source).isEqualTo(400);
    }
    JsonNode versions =
        s.get(ML + "/model-versions/search?filter=name%3D%27main.default.thief%27").json();
    assertThat(versions.path("model_versions")).isEmpty();

    // The model's own location (what Keel's client gives before uploading to the version's
    // location) is accepted, and nothing is copied from it.
    TestServer.Response own =
        post(
            ML + "/model-versions/create",
            "{\"name\":\"main.default.thief\",\"source\":\"mlflow-artifacts:/models/main/default/thief\"}");
    assertThat(own.status()).as(own.body()).isEqualTo(200);
    assertThat(own.json().at("/model_version/status").asText()).isEqualTo("PENDING_REGISTRATION");
  }

  @Test
  void an_experiment_cannot_put_its_runs_in_registry_storage() {
    for (String loc :
        new String[] {"mlflow-artifacts:/models", "mlflow-artifacts:/models/main/default/x/1"}) {
      TestServer.Response r =
          post(
              ML + "/experiments/create",
              "{\"name\":\"in-models-"
                  + loc.length()
                  + "\",\"artifact_location\":\""
                  + loc
                  + "\"}");
      assertThat(r.status()).as(loc).isEqualTo(400);
      assertThat(r.json().path("message").asText()).contains("artifact_location");
    }
  }

  // ------------------------------------------------------------------ item 19

  @Test
  void deleting_a_version_removes_its_aliases_and_records_the_move() {
    post(
        UC + "/models",
        "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\"aliasdel\"}");
    for (int i = 0; i < 2; i++) {
      post(
          UC + "/models/versions",
          "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"model_name\":\"aliasdel\","
              + "\"source\":\"mlflow-artifacts:/x\"}");
    }
    s.send("PUT", UC + "/models/main.default.aliasdel/aliases/champion", "{\"version_num\":1}");
    s.send("PUT", UC + "/models/main.default.aliasdel/aliases/challenger", "{\"version_num\":2}");

    TestServer.Response del =
        s.send(
            "DELETE",
            ML + "/model-versions/delete",
            "{\"name\":\"main.default.aliasdel\",\"version\":\"1\"}");
    assertThat(del.status()).as(del.body()).isEqualTo(200);

    assertThat(
            s.get(ML + "/registered-models/alias?name=main.default.aliasdel&alias=champion")
                .status())
        .isEqualTo(404);
    JsonNode model = s.get(ML + "/registered-models/get?name=main.default.aliasdel").json();
    assertThat(model.at("/registered_model/aliases")).hasSize(1);
    assertThat(model.at("/registered_model/aliases/0/alias").asText()).isEqualTo("challenger");
    JsonNode history =
        s.get(UC + "/models/main.default.aliasdel/aliases/champion/history").json().path("history");
    assertThat(history).hasSize(2);
    assertThat(history.get(1).path("from_version_num").asLong()).isEqualTo(1);
    assertThat(history.get(1).has("to_version_num")).isFalse();
    // The alias can be set again, on a version that exists.
    assertThat(
            s.send(
                    "PUT",
                    UC + "/models/main.default.aliasdel/aliases/champion",
                    "{\"version_num\":2}")
                .status())
        .isEqualTo(200);
  }
}
