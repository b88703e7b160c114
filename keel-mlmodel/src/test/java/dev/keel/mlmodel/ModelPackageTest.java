package dev.keel.mlmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes model packages locally and checks them against MLflow's layout; no server. */
class ModelPackageTest {
  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  static byte[] fixtureOnnx() throws IOException {
    try (InputStream in =
        ModelPackageTest.class.getResourceAsStream("/fixtures/onnx-model/model.onnx")) {
      return in.readAllBytes();
    }
  }

  static ModelSignature fourFloats() {
    return ModelSignature.builder()
        .inputColumn("f0", ColumnType.FLOAT)
        .inputColumn("f1", ColumnType.FLOAT)
        .inputColumn("f2", ColumnType.FLOAT)
        .inputColumn("f3", "float")
        .outputTensor("probability", "float32", -1, 1)
        .build();
  }

  static InputExample twoRows() {
    return InputExample.of(
        List.of("f0", "f1", "f2", "f3"),
        List.of(List.of(1.0, 2.0, 3.0, 4.0), List.of(0.5, -1.0, 0.0, 2.5)));
  }

  @Test
  void onnx_package_has_mlflows_layout_signature_and_input_example() throws IOException {
    ModelPackage pkg =
        ModelPackage.onnx(fixtureOnnx()).withSignature(fourFloats()).withInputExample(twoRows());
    Path dir = work.resolve("m");
    ModelInfo info = pkg.save(dir, "0123456789abcdef0123456789abcdef", "model");

    assertThat(info.files())
        .containsExactly(
            "MLmodel",
            "conda.yaml",
            "input_example.json",
            "model.onnx",
            "python_env.yaml",
            "requirements.txt",
            "serving_input_example.json");
    assertThat(info.modelUri()).isEqualTo(dir.toAbsolutePath().toUri().toString());
    assertThat(info.runId()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(info.artifactPath()).isEqualTo("model");
    assertThat(info.modelUuid()).matches("[0-9a-f]{32}");
    assertThat(info.flavors()).containsExactly("onnx", "python_function");
    assertThat(Files.readAllBytes(dir.resolve("model.onnx"))).isEqualTo(fixtureOnnx());

    JsonNode mlmodel = YAML.readTree(dir.resolve("MLmodel").toFile());
    assertThat(mlmodel.path("artifact_path").asText()).isEqualTo("model");
    assertThat(mlmodel.path("run_id").asText()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(mlmodel.path("model_uuid").asText()).isEqualTo(info.modelUuid());
    assertThat(mlmodel.path("mlflow_version").asText()).isEqualTo(ModelPackage.MLFLOW_VERSION);
    assertThat(mlmodel.path("utc_time_created").asText())
        .matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
    JsonNode onnx = mlmodel.path("flavors").path("onnx");
    assertThat(onnx.path("data").asText()).isEqualTo("model.onnx");
    assertThat(onnx.path("onnx_version").asText()).isEqualTo(ModelPackage.DEFAULT_ONNX_VERSION);
    assertThat(onnx.path("providers").get(1).asText()).isEqualTo("CPUExecutionProvider");
    JsonNode pyfunc = mlmodel.path("flavors").path("python_function");
    assertThat(pyfunc.path("loader_module").asText()).isEqualTo("mlflow.onnx");
    assertThat(pyfunc.path("data").asText()).isEqualTo("model.onnx");
    assertThat(pyfunc.path("env").path("conda").asText()).isEqualTo("conda.yaml");
    assertThat(pyfunc.path("env").path("virtualenv").asText()).isEqualTo("python_env.yaml");
    assertThat(mlmodel.path("model_size_bytes").asLong()).isPositive();

    // The signature is JSON strings inside YAML, formatted as Python's json.dumps.
    assertThat(mlmodel.path("signature").path("inputs").asText())
        .isEqualTo(
            "[{\"type\": \"float\", \"name\": \"f0\", \"required\": true},"
                + " {\"type\": \"float\", \"name\": \"f1\", \"required\": true},"
                + " {\"type\": \"float\", \"name\": \"f2\", \"required\": true},"
                + " {\"type\": \"float\", \"name\": \"f3\", \"required\": true}]");
    assertThat(mlmodel.path("signature").path("outputs").asText())
        .isEqualTo(
            "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1,"
                + " 1]}, \"name\": \"probability\"}]");
    assertThat(mlmodel.path("signature").path("params").isNull()).isTrue();

    JsonNode info2 = mlmodel.path("saved_input_example_info");
    assertThat(info2.path("artifact_path").asText()).isEqualTo("input_example.json");
    assertThat(info2.path("serving_input_path").asText()).isEqualTo("serving_input_example.json");
    assertThat(info2.path("type").asText()).isEqualTo("dataframe");
    assertThat(info2.path("pandas_orient").asText()).isEqualTo("split");
    assertThat(Files.readString(dir.resolve("input_example.json")))
        .isEqualTo(
            "{\"columns\": [\"f0\", \"f1\", \"f2\", \"f3\"], \"data\": [[1.0, 2.0, 3.0, 4.0],"
                + " [0.5, -1.0, 0.0, 2.5]]}");
    JsonNode serving = JSON.readTree(dir.resolve("serving_input_example.json").toFile());
    assertThat(serving.path("dataframe_split").path("columns").size()).isEqualTo(4);
    assertThat(serving.path("dataframe_split").path("data").get(1).get(1).asDouble())
        .isEqualTo(-1.0);

    JsonNode conda = YAML.readTree(dir.resolve("conda.yaml").toFile());
    assertThat(conda.path("dependencies").get(0).asText())
        .isEqualTo("python=" + ModelPackage.DEFAULT_PYTHON_VERSION);
    assertThat(conda.path("dependencies").get(2).path("pip").get(0).asText())
        .isEqualTo("mlflow==" + ModelPackage.MLFLOW_VERSION);
    JsonNode env = YAML.readTree(dir.resolve("python_env.yaml").toFile());
    assertThat(env.path("python").asText()).isEqualTo(ModelPackage.DEFAULT_PYTHON_VERSION);
    assertThat(env.path("dependencies").get(0).asText()).isEqualTo("-r requirements.txt");
    assertThat(Files.readAllLines(dir.resolve("requirements.txt")))
        .containsExactly(
            "mlflow==" + ModelPackage.MLFLOW_VERSION,
            "onnx==" + ModelPackage.DEFAULT_ONNX_VERSION,
            "onnxruntime");
  }

  @Test
  void tensor_example_is_written_as_an_ndarray() throws IOException {
    ModelPackage pkg =
        ModelPackage.onnx(fixtureOnnx())
            .withSignature(
                ModelSignature.builder()
                    .inputTensor("input", "float32", -1, 2)
                    .outputTensor("output", "float32", -1, 2)
                    .build())
            .withInputExample(InputExample.ofTensor(List.of(List.of(1.5f, 2), List.of(3, 4.25))))
            .withMetadata(Map.of("team", "risk's"));
    Path dir = work.resolve("t");
    ModelInfo info = pkg.save(dir, "", "");
    assertThat(info.modelUri()).isEqualTo(dir.toAbsolutePath().toUri().toString());
    assertThat(Files.readString(dir.resolve("input_example.json")))
        .isEqualTo("{\"inputs\": [[1.5, 2], [3, 4.25]]}");
    JsonNode mlmodel = YAML.readTree(dir.resolve("MLmodel").toFile());
    assertThat(mlmodel.has("run_id")).isFalse();
    assertThat(mlmodel.has("artifact_path")).isFalse();
    assertThat(mlmodel.path("saved_input_example_info").path("type").asText()).isEqualTo("ndarray");
    assertThat(mlmodel.path("saved_input_example_info").has("pandas_orient")).isFalse();
    assertThat(mlmodel.path("metadata").path("team").asText()).isEqualTo("risk's");
    assertThat(Files.readString(dir.resolve("MLmodel"), StandardCharsets.UTF_8))
        .contains("team: risk's\n");
  }

  @Test
  void xgboost_json_file_reads_its_version_and_refuses_what_is_not_a_model() throws IOException {
    Path json = work.resolve("booster.json");
    Files.writeString(json, "{\"learner\": {\"x\": [1, 2]}, \"version\": [3, 0, 2]}");
    ModelPackage pkg = ModelPackage.xgboost(json, "");
    assertThat(pkg.flavor()).isEqualTo("xgboost");
    assertThat(pkg.dataFile()).isEqualTo("model.json");
    assertThat(pkg.flavorVersion()).isEqualTo("3.0.2");
    Path dir = work.resolve("x");
    pkg.save(dir, "", "model");
    JsonNode flavor = YAML.readTree(dir.resolve("MLmodel").toFile()).path("flavors");
    assertThat(flavor.path("xgboost").path("model_format").asText()).isEqualTo("json");
    assertThat(flavor.path("xgboost").path("xgb_version").asText()).isEqualTo("3.0.2");
    assertThat(flavor.path("xgboost").path("model_class").asText())
        .isEqualTo("xgboost.core.Booster");
    assertThat(flavor.path("xgboost").path("data").asText()).isEqualTo("model.json");
    assertThat(flavor.path("python_function").path("loader_module").asText())
        .isEqualTo("mlflow.xgboost");
    assertThat(Files.readAllLines(dir.resolve("requirements.txt"))).contains("xgboost==3.0.2");

    Path notModel = work.resolve("other.json");
    Files.writeString(notModel, "{\"version\": [3, 0, 2]}");
    assertThatThrownBy(() -> ModelPackage.xgboost(notModel, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no 'learner'");
    assertThatThrownBy(
            () ->
                ModelPackage.xgboost(
                    "[1]".getBytes(StandardCharsets.UTF_8), XGBoostFormat.UBJ, "3.0.2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not UBJSON");
    assertThatThrownBy(
            () ->
                ModelPackage.xgboost("{U".getBytes(StandardCharsets.UTF_8), XGBoostFormat.UBJ, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("xgb version");
    assertThatThrownBy(() -> pkg.save(dir, "", ""))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("not empty");
  }

  @Test
  void unknown_column_type_names_the_column() {
    assertThatThrownBy(() -> ModelSignature.builder().inputColumn("age", "decimal"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column 'age'")
        .hasMessageContaining("unknown column type 'decimal'");
    assertThatThrownBy(() -> TensorSpec.of("input", "float33", -1, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tensor 'input'")
        .hasMessageContaining("float33");
  }

  @Test
  void empty_or_mixed_signatures_are_refused() {
    assertThatThrownBy(() -> ModelSignature.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("signature inputs");
    assertThatThrownBy(
            () ->
                ModelSignature.builder()
                    .inputColumn("a", ColumnType.DOUBLE)
                    .inputTensor("b", "float32", -1)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mixes columns and tensors");
    assertThatThrownBy(
            () ->
                ModelSignature.builder()
                    .inputColumn("a", ColumnType.DOUBLE)
                    .inputColumn("a", ColumnType.LONG)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a' appears twice");
  }

  @Test
  void input_example_that_does_not_match_the_signature_names_the_field() throws IOException {
    ModelPackage pkg = ModelPackage.onnx(fixtureOnnx()).withSignature(fourFloats());
    InputExample extra =
        InputExample.of(List.of("f0", "f1", "f2", "f3", "f9"), List.of(List.of(1, 2, 3, 4, 5)));
    assertThatThrownBy(() -> pkg.withInputExample(extra))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input example column 'f9'");
    InputExample missing = InputExample.of(List.of("f0", "f1", "f2"), List.of(List.of(1, 2, 3)));
    assertThatThrownBy(() -> pkg.withInputExample(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("required signature input column 'f3'");
    InputExample text =
        InputExample.of(List.of("f0", "f1", "f2", "f3"), List.of(List.of(1, 2, "x", 4)));
    assertThatThrownBy(() -> pkg.withInputExample(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 0 column 'f2'")
        .hasMessageContaining("float");
    // The check runs whichever comes first: example, then signature.
    ModelPackage withExample = ModelPackage.onnx(fixtureOnnx()).withInputExample(missing);
    assertThatThrownBy(() -> withExample.withSignature(fourFloats()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'f3'");

    ModelSignature tensor = ModelSignature.builder().inputTensor("input", "float32", -1, 4).build();
    assertThatThrownBy(
            () ->
                ModelPackage.onnx(fixtureOnnx())
                    .withSignature(tensor)
                    .withInputExample(InputExample.ofTensor(List.of(List.of(1, 2, 3)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows have 3 values")
        .hasMessageContaining("'input'");
    assertThatThrownBy(() -> InputExample.ofTensor(List.of(List.of(1, 2), List.of(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1");
    assertThatThrownBy(() -> InputExample.ofTensor(List.of(List.of(1, Double.NaN))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value 1");
    List<Object> withNull = new java.util.ArrayList<>(List.of(1));
    withNull.add(null);
    assertThatThrownBy(() -> InputExample.of(List.of("a", "b"), List.of(withNull)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 0 column 'b': is null");
    assertThatThrownBy(() -> InputExample.of(List.of("a"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one row");
  }
}
