package dev.keel.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ONNX Runtime says reaches a client without the paths it holds (the model's absolute path,
 * ONNX Runtime's source files): the reason is kept, the original stays on the exception's cause for
 * the server log.
 */
class OnnxRuntimeMessagesTest {
  @TempDir Path tmp;

  @Test
  void a_model_file_of_garbage_bytes_is_refused_without_its_path() throws Exception {
    Path dir = Fixtures.copy("onnx-tensor-model", tmp);
    Files.write(dir.resolve("model.onnx"), new byte[] {0x13, 0x37, 0x00, 0x42, 0x7f, 0x01, 0x02});

    KeelException e =
        catchThrowableOfType(KeelException.class, () -> new ModelLoader().load(dir).close());

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("model.onnx").doesNotContain(tmp.toString());
    assertNoPath(e.getMessage());
    // refused by Keel's structural check of the file before ONNX Runtime reads it
  }

  @Test
  void a_model_onnx_runtime_cannot_load_is_refused_without_paths() throws Exception {
    Path dir = Fixtures.copy("onnx-tensor-model", tmp);
    byte[] model = Files.readAllBytes(dir.resolve("model.onnx"));
    model[1] = 99; // ir_version 8 -> 99: well-formed protobuf, an IR version no runtime knows
    Files.write(dir.resolve("model.onnx"), model);

    KeelException e =
        catchThrowableOfType(KeelException.class, () -> new ModelLoader().load(dir).close());

    assertThat(e.getMessage())
        .startsWith("ONNX Runtime cannot load model.onnx: Unsupported model IR version: 99")
        .doesNotContain("onnxruntime::")
        .doesNotContain(".cc:")
        .doesNotContain("ORT_");
    assertThat(e.getCause()).as("the original, for the log").isNotNull();
    assertThat(e.getCause().getMessage()).contains(tmp.toString());
  }

  @Test
  void an_input_the_model_refuses_is_a_400_without_onnx_runtime_internals() throws Exception {
    Path dir = Fixtures.copy("onnx-tensor-model", tmp);
    // a signature looser than the model's own input [-1, 4]: a 3-wide row reaches ONNX Runtime
    Path mlmodel = dir.resolve("MLmodel");
    Files.writeString(
        mlmodel,
        Files.readString(mlmodel)
            .replace(
                "\"shape\": [-1, 4]}, \"name\": \"X\"", "\"shape\": [-1, -1]}, \"name\": \"X\""));
    try (LoadedModel m = new ModelLoader().load(dir)) {
      byte[] body = "{\"inputs\": [[1.0, 2.0, 3.0]]}".getBytes(StandardCharsets.UTF_8);

      KeelException e =
          catchThrowableOfType(
              KeelException.class,
              () -> m.predict(ScoringInput.parse("application/json", body, m.signature())));

      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e.getMessage())
          .startsWith("The ONNX model failed on this input: Got invalid dimensions for input: X")
          .doesNotContain("\n")
          .doesNotContain("[ErrorCode:");
      assertNoPath(e.getMessage());
      assertThat(e.getCause()).as("the original, for the log").isNotNull();
    }
  }

  private static void assertNoPath(String message) {
    assertThat(message).doesNotContainPattern("(^|[\\s'\"(=:])/[^\\s/]+/");
  }
}
