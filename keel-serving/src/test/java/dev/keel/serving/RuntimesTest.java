package dev.keel.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtimes beyond the two interop fixtures: ONNX layouts, UBJ, refusals, derived signatures.
 */
class RuntimesTest {
  @TempDir Path tmp;

  private static void assertTwoOutputs(JsonNode preds, JsonNode expected, boolean records) {
    JsonNode logits = expected.get("logits");
    JsonNode labels = expected.get("label");
    for (int r = 0; r < logits.size(); r++) {
      JsonNode got = records ? preds.get(r).get("logits") : preds.get("logits").get(r);
      long label =
          records ? preds.get(r).get("label").asLong() : preds.get("label").get(r).asLong();
      assertThat(got.size()).isEqualTo(2);
      for (int k = 0; k < 2; k++) {
        assertThat(got.get(k).doubleValue())
            .isCloseTo(logits.get(r).get(k).doubleValue(), within(1e-6));
      }
      assertThat(label).isEqualTo(labels.get(r).asLong());
    }
  }

  @Test
  void onnx_single_matrix_input_from_columns_gives_records_of_every_output() throws Exception {
    try (LoadedModel model = new ModelLoader().load(Fixtures.copy("onnx-matrix-model", tmp))) {
      JsonNode expected = Fixtures.json("onnx-matrix-model", "expected_predictions.json");
      for (Payloads.Payload p : Payloads.all(Fixtures.input("onnx-matrix-model")).values()) {
        Predictions out =
            model.predict(ScoringInput.parse(p.contentType(), p.body(), model.signature()));
        assertThat(out.layout()).isEqualTo(Predictions.Layout.RECORDS);
        JsonNode json = Fixtures.JSON.readTree(out.toJson()).get("predictions");
        assertThat(json.isArray()).as(p.format()).isTrue();
        assertTwoOutputs(json, expected, true);
      }
    }
  }

  @Test
  void onnx_tensor_signature_gives_a_dict_of_outputs() throws Exception {
    try (LoadedModel model = new ModelLoader().load(Fixtures.copy("onnx-tensor-model", tmp))) {
      JsonNode expected = Fixtures.json("onnx-tensor-model", "expected_predictions.json");
      JsonNode data = Fixtures.input("onnx-tensor-model").get("data");
      Map<String, String> bodies =
          Map.of(
              "inputs", "{\"inputs\": " + data + "}",
              "inputs dict", "{\"inputs\": {\"X\": " + data + "}}",
              "instances", "{\"instances\": " + data + "}",
              "dataframe_split",
                  "{\"dataframe_split\": " + Fixtures.input("onnx-tensor-model") + "}");
      for (Map.Entry<String, String> e : bodies.entrySet()) {
        Predictions out =
            model.predict(
                ScoringInput.parse(
                    "application/json",
                    e.getValue().getBytes(StandardCharsets.UTF_8),
                    model.signature()));
        assertThat(out.layout()).as(e.getKey()).isEqualTo(Predictions.Layout.DICT);
        assertTwoOutputs(Fixtures.JSON.readTree(out.toJson()).get("predictions"), expected, false);
      }
    }
  }

  @Test
  void onnx_package_without_signature_takes_the_model_inputs() throws Exception {
    Path dir = Fixtures.copy("onnx-tensor-model", tmp);
    String mlmodel = Files.readString(dir.resolve("MLmodel"));
    Files.writeString(dir.resolve("MLmodel"), mlmodel.substring(0, mlmodel.indexOf("signature:")));
    try (LoadedModel model = new ModelLoader().load(dir)) {
      assertThat(model.signature().tensorInputs()).isTrue();
      TensorSpec x = (TensorSpec) model.signature().inputs().get(0);
      assertThat(x.name()).contains("X");
      assertThat(x.dtype()).isEqualTo("float32");
      assertThat(x.shape()).containsExactly(-1L, 4L);
      Predictions out =
          model.predict(
              ScoringInput.parse(
                  "application/json",
                  "{\"inputs\": {\"X\": [[1, 2, 3, 4]]}}".getBytes(StandardCharsets.UTF_8),
                  model.signature()));
      assertThat(out.output("label")).isPresent();
    }
  }

  @Test
  void xgboost_ubj_model_predicts_like_the_json_one() throws Exception {
    Path dir = Fixtures.copy("xgboost-model", tmp);
    Booster booster = XGBoost.loadModel(Files.readAllBytes(dir.resolve("model.json")));
    byte[] ubj = booster.toByteArray("ubj");
    booster.dispose();
    assertThat(ubj[0]).isEqualTo((byte) '{');
    Files.delete(dir.resolve("model.json"));
    Files.write(dir.resolve("model.ubj"), ubj);
    String mlmodel =
        Files.readString(dir.resolve("MLmodel"))
            .replace("data: model.json", "data: model.ubj")
            .replace("model_format: json", "model_format: ubj");
    Files.writeString(dir.resolve("MLmodel"), mlmodel);
    try (LoadedModel model = new ModelLoader().load(dir)) {
      double[] expected = Fixtures.expected("xgboost-model");
      Payloads.Payload p = Payloads.all(Fixtures.input("xgboost-model")).get("text/csv");
      Predictions out =
          model.predict(ScoringInput.parse(p.contentType(), p.body(), model.signature()));
      for (int i = 0; i < expected.length; i++) {
        assertThat(out.outputs().get(0).doubleAt(i)).isCloseTo(expected[i], within(1e-6));
      }
    }
  }

  @Test
  void xgboost_without_signature_uses_the_model_feature_names() throws Exception {
    Path dir = Fixtures.copy("xgboost-model", tmp);
    String mlmodel = Files.readString(dir.resolve("MLmodel"));
    Files.writeString(
        dir.resolve("MLmodel"),
        mlmodel.substring(0, mlmodel.indexOf("saved_input_example_info:"))
            + mlmodel.substring(mlmodel.indexOf("utc_time_created:")));
    try (LoadedModel model = new ModelLoader().load(dir)) {
      assertThat(model.signature().inputs()).hasSize(4);
      Payloads.Payload p = Payloads.all(Fixtures.input("xgboost-model")).get("dataframe_records");
      Predictions out =
          model.predict(ScoringInput.parse(p.contentType(), p.body(), model.signature()));
      assertThat(out.outputs().get(0).doubleAt(0))
          .isCloseTo(Fixtures.expected("xgboost-model")[0], within(1e-6));
    }
  }

  @Test
  void xgboost_model_saved_without_feature_names_takes_the_signature_columns() throws Exception {
    Path dir = Fixtures.copy("xgboost-model", tmp);
    Booster booster = XGBoost.loadModel(Files.readAllBytes(dir.resolve("model.json")));
    booster.setFeatureNames(new String[0]);
    Files.write(dir.resolve("model.json"), booster.toByteArray("json"));
    booster.dispose();
    try (LoadedModel model = new ModelLoader().load(dir)) {
      Payloads.Payload p = Payloads.all(Fixtures.input("xgboost-model")).get("dataframe_split");
      Predictions out =
          model.predict(ScoringInput.parse(p.contentType(), p.body(), model.signature()));
      assertThat(out.outputs().get(0).doubleAt(0))
          .isCloseTo(Fixtures.expected("xgboost-model")[0], within(1e-6));
    }
  }

  @Test
  void xgboost_multiclass_gives_a_list_of_class_probabilities_per_row() throws Exception {
    int n = 300;
    java.util.Random rnd = new java.util.Random(3);
    float[] x = new float[n * 4];
    float[] y = new float[n];
    for (int r = 0; r < n; r++) {
      for (int f = 0; f < 4; f++) {
        x[r * 4 + f] = (float) rnd.nextGaussian();
      }
      y[r] = x[r * 4] > 0.5 ? 2 : x[r * 4] > -0.5 ? 1 : 0;
    }
    ml.dmlc.xgboost4j.java.DMatrix train = new ml.dmlc.xgboost4j.java.DMatrix(x, n, 4, Float.NaN);
    train.setLabel(y);
    Booster booster =
        XGBoost.train(
            train,
            Map.of("objective", "multi:softprob", "num_class", 3, "max_depth", 3, "nthread", 1),
            10,
            Map.of(),
            null,
            null);
    Path dir = Fixtures.copy("xgboost-model", tmp);
    Files.write(dir.resolve("model.json"), booster.toByteArray("json"));
    float[][] direct = booster.predict(new ml.dmlc.xgboost4j.java.DMatrix(x, 2, 4, Float.NaN));
    booster.dispose();
    try (LoadedModel model = new ModelLoader().load(dir)) {
      String body =
          "{\"instances\": [["
              + x[0]
              + ", "
              + x[1]
              + ", "
              + x[2]
              + ", "
              + x[3]
              + "], ["
              + x[4]
              + ", "
              + x[5]
              + ", "
              + x[6]
              + ", "
              + x[7]
              + "]]}";
      Predictions out =
          model.predict(
              ScoringInput.parse(
                  "application/json", body.getBytes(StandardCharsets.UTF_8), model.signature()));
      assertThat(out.outputs().get(0).shape()).containsExactly(2L, 3L);
      JsonNode preds = Fixtures.JSON.readTree(out.toJson()).get("predictions");
      for (int r = 0; r < 2; r++) {
        assertThat(preds.get(r).size()).isEqualTo(3);
        for (int k = 0; k < 3; k++) {
          assertThat(preds.get(r).get(k).doubleValue()).isCloseTo(direct[r][k], within(1e-7));
        }
      }
    }
  }

  @Test
  void pickle_only_packages_are_refused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("sk"));
    Files.write(dir.resolve("model.pkl"), new byte[] {(byte) 0x80, 4, '.'});
    Files.writeString(
        dir.resolve("MLmodel"),
        "flavors:\n  sklearn:\n    pickled_model: model.pkl\n  python_function:\n"
            + "    loader_module: mlflow.sklearn\n    model_path: model.pkl\n");
    assertThatThrownBy(() -> new ModelLoader().load(dir))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("no flavor Keel can serve")
        .hasMessageContaining("Pickle-based flavors are never loaded");
  }

  @Test
  void xgboost_feature_names_must_match_the_signature() throws Exception {
    Path dir = Fixtures.copy("xgboost-model", tmp);
    Files.writeString(
        dir.resolve("MLmodel"),
        Files.readString(dir.resolve("MLmodel")).replace("\"name\": \"f3\"", "\"name\": \"g3\""));
    Files.writeString(
        dir.resolve("input_example.json"),
        Files.readString(dir.resolve("input_example.json")).replace("\"f3\"", "\"g3\""));
    assertThatThrownBy(() -> new ModelLoader().load(dir))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining(
            "feature names [f0, f1, f2, f3] differ from the signature's columns [f0, f1, f2, g3]");
  }

  @Test
  void an_input_example_that_does_not_fit_is_refused_at_load() throws Exception {
    Path dir = Fixtures.copy("onnx-model", tmp);
    Files.writeString(
        dir.resolve("input_example.json"), "{\"columns\": [\"f0\"], \"data\": [[1.0]]}");
    assertThatThrownBy(() -> new ModelLoader().load(dir))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("input example does not fit")
        .hasMessageContaining("[f1, f2, f3]");
  }

  @Test
  void a_corrupt_model_file_is_a_clear_error() throws Exception {
    Path dir = Fixtures.copy("onnx-model", tmp);
    byte[] onnx = Files.readAllBytes(dir.resolve("model.onnx"));
    Files.write(dir.resolve("model.onnx"), java.util.Arrays.copyOf(onnx, onnx.length / 2));
    assertThatThrownBy(() -> new ModelLoader().load(dir))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("model.onnx");
  }
}
