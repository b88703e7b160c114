package dev.keel.mlmodel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads MLmodel files: MLflow's, Keel's own writer's, and broken ones; no storage. */
class MLmodelReaderTest {

  @TempDir Path work;

  static String fixture() throws IOException {
    try (InputStream in =
        MLmodelReaderTest.class.getResourceAsStream("/fixtures/onnx-model/MLmodel")) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  @Test
  void mlflows_mlmodel_reads_with_flavors_signature_and_input_example() throws IOException {
    MLmodel m = MLmodelReader.read(fixture().getBytes(UTF_8));

    assertThat(m.flavors()).containsOnlyKeys("onnx", "python_function");
    assertThat(m.flavors().get("onnx").data()).contains("model.onnx");
    assertThat(m.flavors().get("python_function").pickleBased()).isFalse();
    assertThat(m.servableFlavor().map(Flavor::name)).contains("onnx");
    assertThat(m.artifactPath()).contains("model");
    assertThat(m.mlflowVersion()).contains("2.17.2");
    assertThat(m.runId()).contains("5f1e2d3c4b5a69788796a5b4c3d2e1f0");
    assertThat(m.utcTimeCreated()).contains("2026-11-26 04:55:00.123456");
    ModelSignature sig = m.signature().orElseThrow();
    assertThat(sig.columnInputs()).isTrue();
    assertThat(sig.inputs()).hasSize(4).first().isEqualTo(ColumnSpec.of("f0", ColumnType.FLOAT));
    assertThat(sig.outputs())
        .containsExactly(new TensorSpec(Optional.of("probability"), "float32", List.of(-1L, 1L)));
    assertThat(sig.paramsJson()).isEmpty();
    InputExampleInfo example = m.inputExample().orElseThrow();
    assertThat(example.artifactPath()).contains("input_example.json");
    assertThat(example.servingInputPath()).contains("serving_input_example.json");
    assertThat(example.type()).contains("dataframe");
  }

  @Test
  void what_the_writer_writes_reads_back_as_the_same_signature() throws IOException {
    ModelSignature sig =
        ModelSignature.builder()
            .inputColumn("age", ColumnType.DOUBLE)
            .inputColumn("plan", "string")
            .outputTensor("probability", "float32", -1, 1)
            .build();
    ModelPackage pkg =
        ModelPackage.onnx(new byte[] {0x08, 0x08})
            .withSignature(sig)
            .withInputExample(InputExample.of(List.of("age", "plan"), List.of(List.of(1.5, "a"))));
    Path dir = work.resolve("m");
    ModelInfo info = pkg.save(dir, "0123456789abcdef0123456789abcdef", "model");

    MLmodel m = MLmodelReader.read(Files.readAllBytes(dir.resolve(MLmodel.FILE_NAME)));

    assertThat(m.signature()).contains(sig);
    assertThat(m.modelUuid()).contains(info.modelUuid());
    assertThat(m.flavors().keySet()).containsExactlyElementsOf(info.flavors());
    assertThat(m.inputExample().flatMap(InputExampleInfo::artifactPath))
        .contains(ModelPackage.INPUT_EXAMPLE);
  }

  @Test
  void unnamed_columns_and_scalar_tensors_read_as_mlflow_allows() {
    MLmodel columns = read(signature("[{\"type\": \"double\"}, {\"type\": \"long\"}]"));
    assertThat(columns.signature().orElseThrow().inputs())
        .containsExactly(
            new ColumnSpec(Optional.empty(), ColumnType.DOUBLE, true),
            new ColumnSpec(Optional.empty(), ColumnType.LONG, true));

    MLmodel scalar =
        read(
            signature(
                "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"int64\", \"shape\": []}}]"));
    assertThat(((TensorSpec) scalar.signature().orElseThrow().inputs().get(0)).shape()).isEmpty();
  }

  @Test
  void a_signature_naming_an_input_twice_is_refused() {
    assertInvalid(
            signature(
                "[{\"type\": \"double\", \"name\": \"a\"}, {\"type\": \"long\", \"name\": \"a\"}]"))
        .hasMessageContaining("'a' appears twice");
  }

  @Test
  void a_blank_column_name_is_refused() {
    assertInvalid(signature("[{\"type\": \"double\", \"name\": \" \"}]"))
        .hasMessageContaining("signature inputs entry 0 has a blank 'name'");
  }

  @Test
  void broken_mlmodel_files_are_refused_saying_why() throws IOException {
    assertInvalid("- a\n- b\n").hasMessage("MLmodel is not a YAML mapping");
    assertInvalid("mlflow_version: 2.17.2\n").hasMessage("MLmodel has no flavors");
    assertInvalid("flavors: {onnx: {onnx_version: 1.17.0}}\n")
        .hasMessage("MLmodel flavor 'onnx' names no data file ('data')");
    assertInvalid("flavors: {onnx: {data: [model.onnx]}}\n")
        .hasMessage("MLmodel flavor 'onnx' data is not a string");
    assertInvalid(
            fixture().replace("\"type\": \"float\", \"name\": \"f1\"", "\"type\": \"tensor\""))
        .hasMessageContaining("signature inputs entry 1 is a tensor without a 'tensor-spec'");
    assertInvalid(signature("[{\"type\": \"decimal\", \"name\": \"x\"}]"))
        .hasMessageContaining("has type 'decimal', which Keel format version 1 does not read");
  }

  private static String signature(String inputs) {
    return "flavors: {onnx: {data: model.onnx}}\nsignature:\n  inputs: '"
        + inputs.replace("'", "''")
        + "'\n";
  }

  private static MLmodel read(String yaml) {
    return MLmodelReader.read(yaml.getBytes(UTF_8));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(String yaml) {
    return assertThatThrownBy(() -> read(yaml))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }
}
