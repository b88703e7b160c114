package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LibraryMessagesTest {
  @Test
  void absolute_paths_become_their_last_part() {
    assertThat(
            LibraryMessages.withoutPaths(
                "Load model from /data/keel/models/m/1/model.onnx failed:"
                    + "/onnxruntime_src/core/graph/model.cc:192 Unsupported"))
        .isEqualTo("Load model from model.onnx failed:model.cc:192 Unsupported");
    assertThat(LibraryMessages.withoutPaths("/tmp/keel/x.upload")).isEqualTo("x.upload");
    assertThat(LibraryMessages.withoutPaths("file 'C:\\keel\\data\\model.json' is bad"))
        .isEqualTo("file 'model.json' is bad");
    assertThat(LibraryMessages.withoutPaths("(/var/lib/keel/a.bin)")).isEqualTo("(a.bin)");
  }

  @Test
  void words_urls_and_relative_paths_stay() {
    for (String kept :
        new String[] {
          "Got invalid dimensions for input: X",
          "see http://example.com/a/b",
          "models/m/1 is not a package",
          "3/4 of the rows",
          "a / b"
        }) {
      assertThat(LibraryMessages.withoutPaths(kept)).isEqualTo(kept);
    }
    assertThat(LibraryMessages.withoutPaths(null)).isEmpty();
  }
}
