package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keel.core.KeelConfig;
import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.InputExample;
import dev.keel.mlmodel.ModelInfo;
import dev.keel.mlmodel.ModelPackage;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.TensorSpec;
import dev.keel.mlmodel.XGBoostFormat;
import dev.keel.server.KeelServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains real models (XGBoost4J, Tribuo), logs them to a run on a real Keel server, registers them
 * and checks they finalize READY and resolve through {@code models:/} URIs.
 */
class ModelLoggingTest {
  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  @TempDir Path work;

  static KeelServer server;
  static KeelClient client;

  @BeforeAll
  static void start() {
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
    client = new KeelClient(server.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  static Run newRun() {
    return client.tracking().createRun(client.tracking().createExperiment(unique("log")));
  }

  static String newModel() {
    String full = "main.default." + unique("m");
    client.registry().createModel(full, "");
    return full;
  }

  static String artifactText(String runId, String path) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client.tracking().downloadArtifact(runId, path, out);
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A booster trained on a tiny synthetic problem: label = x0 + x1 > 1, with feature names. */
  static Booster trainBooster() throws XGBoostError {
    Random rnd = new Random(7);
    int rows = 200;
    float[] x = new float[rows * 3];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < 3; j++) {
        x[i * 3 + j] = rnd.nextFloat();
      }
      y[i] = x[i * 3] + x[i * 3 + 1] > 1 ? 1 : 0;
    }
    DMatrix train = new DMatrix(x, rows, 3, Float.NaN);
    train.setLabel(y);
    train.setFeatureNames(new String[] {"age", "income", "tenure"});
    Map<String, Object> params =
        Map.of(
            "objective",
            "binary:logistic",
            "max_depth",
            2,
            "eta",
            0.5,
            "nthread",
            1,
            "verbosity",
            0);
    return XGBoost.train(train, params, 5, Map.of(), null, null);
  }

  /** As {@code dev.keel.mlmodel.ModelPackageTest.fourFloats()}. */
  static ModelSignature fourFloats() {
    return ModelSignature.builder()
        .inputColumn("f0", ColumnType.FLOAT)
        .inputColumn("f1", ColumnType.FLOAT)
        .inputColumn("f2", ColumnType.FLOAT)
        .inputColumn("f3", "float")
        .outputTensor("probability", "float32", -1, 1)
        .build();
  }

  /** As {@code dev.keel.mlmodel.ModelPackageTest.twoRows()}. */
  static InputExample twoRows() {
    return InputExample.of(
        List.of("f0", "f1", "f2", "f3"),
        List.of(List.of(1.0, 2.0, 3.0, 4.0), List.of(0.5, -1.0, 0.0, 2.5)));
  }

  @Test
  void onnx_model_logged_to_a_run_registers_ready_and_resolves() throws IOException {
    byte[] onnx;
    try (InputStream in =
        ModelLoggingTest.class.getResourceAsStream("/fixtures/onnx-model/model.onnx")) {
      onnx = in.readAllBytes();
    }
    Run run = newRun();
    ModelInfo info =
        client
            .tracking()
            .logModel(
                run.runId(),
                "model",
                ModelPackage.onnx(onnx).withSignature(fourFloats()).withInputExample(twoRows()));
    assertThat(info.modelUri()).isEqualTo("runs:/" + run.runId() + "/model");
    assertThat(
            client.tracking().listArtifacts(run.runId(), "model").stream()
                .map(f -> f.path().substring(f.path().lastIndexOf('/') + 1))
                .toList())
        .containsExactlyInAnyOrderElementsOf(info.files());
    JsonNode mlmodel = YAML.readTree(artifactText(run.runId(), "model/MLmodel"));
    assertThat(mlmodel.path("run_id").asText()).isEqualTo(run.runId());
    assertThat(mlmodel.path("artifact_path").asText()).isEqualTo("model");

    // As MLflow's log_model, the run's mlflow.log-model.history tag lists the logged models.
    client.tracking().logModel(run.runId(), "again", ModelPackage.onnx(onnx));
    JsonNode history =
        JSON.readTree(
            client.tracking().getRun(run.runId()).tag("mlflow.log-model.history").orElseThrow());
    assertThat(history.findValuesAsText("artifact_path")).containsExactly("model", "again");
    assertThat(history.get(0).path("model_uuid").asText()).isEqualTo(info.modelUuid());
    assertThat(history.get(0).path("run_id").asText()).isEqualTo(run.runId());
    assertThat(history.get(0).path("utc_time_created").asText()).isEqualTo(info.utcTimeCreated());
    assertThat(history.get(0).path("flavors").path("onnx").path("data").asText())
        .isEqualTo("model.onnx");
    assertThat(
            history.get(1).path("flavors").path("python_function").path("loader_module").asText())
        .isEqualTo("mlflow.onnx");

    String full = newModel();
    ModelVersion v = client.registry().registerModel(full, info);
    assertThat(v.status()).as(v.statusMessage()).isEqualTo(ModelVersionStatus.READY);
    assertThat(v.source()).isEqualTo(info.modelUri());
    assertThat(v.runId()).isEqualTo(run.runId());
    assertThat(client.registry().resolve("models:/" + full + "/" + v.version()).version())
        .isEqualTo(v.version());
    client.registry().setAlias(full, "champion", v.version());
    assertThat(client.registry().resolve("models:/" + full + "@champion").status())
        .isEqualTo(ModelVersionStatus.READY);
  }

  @Test
  void xgboost_booster_logs_as_json_and_ubj_and_registers_ready() throws Exception {
    Booster booster = trainBooster();
    Run run = newRun();
    String full = newModel();
    for (XGBoostFormat format : List.of(XGBoostFormat.JSON, XGBoostFormat.UBJ)) {
      ModelPackage pkg =
          XGBoostModels.of(booster, format)
              .withSignature(XGBoostModels.signature(booster, ColumnType.DOUBLE))
              .withInputExample(
                  InputExample.of(
                      List.of("age", "income", "tenure"),
                      List.of(List.of(0.2, 0.9, 0.1), List.of(0.7, 0.1, 0.5))));
      String path = "model_" + format.wireName();
      ModelInfo info = client.tracking().logModel(run.runId(), path, pkg);
      assertThat(info.files()).contains(format.fileName());
      JsonNode mlmodel = YAML.readTree(artifactText(run.runId(), path + "/MLmodel"));
      JsonNode flavor = mlmodel.path("flavors").path("xgboost");
      assertThat(flavor.path("model_format").asText()).isEqualTo(format.wireName());
      assertThat(flavor.path("data").asText()).isEqualTo(format.fileName());
      assertThat(flavor.path("xgb_version").asText()).isEqualTo(XGBoostModels.version());
      assertThat(mlmodel.path("signature").path("inputs").asText())
          .startsWith("[{\"type\": \"double\", \"name\": \"age\", \"required\": true}");

      ModelVersion v = client.registry().registerModel(full, info);
      assertThat(v.status()).as(v.statusMessage()).isEqualTo(ModelVersionStatus.READY);
      assertThat(client.registry().resolve(v.uri()).source()).isEqualTo(info.modelUri());

      // The logged file is the booster: XGBoost4J loads it and predicts as the original.
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      client.tracking().downloadArtifact(run.runId(), path + "/" + format.fileName(), file);
      Booster back = XGBoost.loadModel(file.toByteArray());
      DMatrix probe =
          new DMatrix(new float[] {0.2f, 0.9f, 0.1f, 0.7f, 0.1f, 0.5f}, 2, 3, Float.NaN);
      assertThat(back.predict(probe)).isDeepEqualTo(booster.predict(probe));
    }
    // The JSON model's own version array is the version the booster adapter records.
    JsonNode model = JSON.readTree(booster.toByteArray("json"));
    List<String> parts = new ArrayList<>();
    model.path("version").forEach(p -> parts.add(p.asText()));
    assertThat(String.join(".", parts)).isEqualTo(XGBoostModels.version());
  }

  @Test
  void xgboost_model_file_saved_locally_registers_through_the_directory_upload() throws Exception {
    Booster booster = trainBooster();
    Path file = work.resolve("booster.json");
    booster.saveModel(file.toString());
    Run run = newRun();
    ModelInfo info = ModelPackage.xgboost(file, "").save(work.resolve("pkg"), run.runId(), "");
    assertThat(info.modelUri()).startsWith("file:");
    String full = newModel();
    ModelVersion v = client.registry().registerModel(full, work.resolve("pkg"), run.runId());
    assertThat(v.status()).as(v.statusMessage()).isEqualTo(ModelVersionStatus.READY);
    assertThatThrownBy(() -> client.registry().registerModel(full, info))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not logged to a run");
  }

  @Test
  void tribuo_logistic_regression_exports_to_onnx_and_registers_ready() throws IOException {
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance("synthetic", labels), labels);
    Random rnd = new Random(11);
    // Feature names given out of order: Tribuo orders its feature domain by name.
    String[] names = {"tenure", "age", "income"};
    for (int i = 0; i < 200; i++) {
      double[] v = {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
      data.add(new ArrayExample<>(new Label(v[1] + v[2] > 1 ? "churn" : "stay"), names, v));
    }
    Model<Label> lr = new LogisticRegressionTrainer().train(data);
    assertThat(TribuoModels.featureNames(lr)).containsExactly("age", "income", "tenure");

    List<Example<Label>> firstTwo = data.getData().subList(0, 2);
    ModelPackage pkg =
        TribuoModels.onnx(lr, "dev.keel.test", 1)
            .withInputExample(TribuoModels.inputExample(lr, firstTwo));
    // The signature names the tensors of Tribuo's ONNX graph.
    OnnxMl.GraphProto graph = ((ONNXExportable) lr).exportONNXModel("dev.keel.test", 1).getGraph();
    assertThat(graph.getInput(0).getName()).isEqualTo("input");
    assertThat(graph.getOutput(0).getName()).isEqualTo("output");
    ModelSignature sig = pkg.signature().orElseThrow();
    assertThat(sig.inputs())
        .containsExactly(
            new TensorSpec(java.util.Optional.of("input"), "float32", List.of(-1L, 3L)));
    assertThat(sig.outputs())
        .containsExactly(
            new TensorSpec(java.util.Optional.of("output"), "float32", List.of(-1L, 2L)));
    assertThat(pkg.metadata()).containsEntry("tribuo_features", "age,income,tenure");
    // The example's columns follow the feature domain; values come from each example by name.
    InputExample ex = pkg.inputExample().orElseThrow();
    assertThat(ex.columns()).containsExactly("age", "income", "tenure");
    Example<Label> first = firstTwo.get(0);
    assertThat(((Number) ex.rows().get(0).get(2)).doubleValue())
        .isCloseTo(first.lookup("tenure").getValue(), org.assertj.core.api.Assertions.within(1e-6));

    Run run = newRun();
    ModelInfo info = client.tracking().logModel(run.runId(), "tribuo", pkg);
    String full = newModel();
    ModelVersion v = client.registry().registerModel(full, info);
    assertThat(v.status()).as(v.statusMessage()).isEqualTo(ModelVersionStatus.READY);
    assertThat(client.registry().resolve("models:/" + full + "/1").runId()).isEqualTo(run.runId());
  }

  @Test
  void logging_to_an_unknown_run_writes_nothing_and_bad_paths_are_refused() {
    ModelPackage pkg = ModelPackage.onnx(new byte[] {8, 7});
    KeelClientException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            KeelClientException.class,
            () -> client.tracking().logModel("0123456789abcdef", "model", pkg));
    assertThat(e.httpStatus()).isEqualTo(404);
    Run run = newRun();
    assertThatThrownBy(() -> client.tracking().logModel(run.runId(), "../model", pkg))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("..");
    assertThatThrownBy(() -> client.tracking().logModel(run.runId(), "", pkg))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(client.tracking().listArtifacts(run.runId(), "")).isEmpty();
  }

  @Test
  void a_log_model_history_tag_that_is_not_a_json_array_is_left_alone() {
    Run run = newRun();
    client.tracking().setTag(run.runId(), "mlflow.log-model.history", "not json");
    ModelInfo info =
        client.tracking().logModel(run.runId(), "model", ModelPackage.onnx(new byte[] {8, 7}));
    assertThat(client.tracking().listArtifacts(run.runId(), "model")).hasSize(info.files().size());
    assertThat(client.tracking().getRun(run.runId()).tag("mlflow.log-model.history"))
        .contains("not json");
  }

  @Test
  void a_package_the_server_refuses_fails_registration_with_the_reason() {
    Run run = newRun();
    ModelInfo info =
        client.tracking().logModel(run.runId(), "model", ModelPackage.onnx(new byte[] {1, 2, 3}));
    ModelVersion v = client.registry().registerModel(newModel(), info);
    assertThat(v.status()).isEqualTo(ModelVersionStatus.FAILED_REGISTRATION);
    assertThat(v.statusMessage()).contains("model.onnx");
  }
}
