package dev.keel.tracking.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FileInfoTest {

  @Test
  void a_file_has_a_size_and_a_directory_has_none() {
    assertThat(FileInfo.file("a/b.txt", 3))
        .isEqualTo(new FileInfo("a/b.txt", false, OptionalLong.of(3)));
    assertThat(FileInfo.dir("a").fileSize()).isEmpty();
    assertThat(FileInfo.dir("a").isDir()).isTrue();
  }

  @Test
  void a_directory_with_a_size_or_null_components_are_refused() {
    assertThatThrownBy(() -> new FileInfo("a", true, OptionalLong.of(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FileInfo(null, false, OptionalLong.empty()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new FileInfo("a", false, null))
        .isInstanceOf(NullPointerException.class);
  }
}
