package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibrariesTest {
  @TempDir Path tmp;

  private static MappedByteBuffer map(Path f) throws Exception {
    Files.write(f, new byte[4096]);
    try (FileChannel c = FileChannel.open(f, StandardOpenOption.READ)) {
      return c.map(FileChannel.MapMode.READ_ONLY, 0, 4096); // stays mapped after close
    }
  }

  @Test
  void only_the_copies_this_process_mapped_are_removed() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc (Linux)");
    Path loaded = tmp.resolve("libfoo_java123.so");
    Path folder = Files.createDirectory(tmp.resolve("foo-java456"));
    Path inFolder = folder.resolve("libfoo.so");
    Path notLoaded = tmp.resolve("libfoo_java789.so"); // another process's, not loaded yet
    Path other = tmp.resolve("libbar.so");
    MappedByteBuffer a = map(loaded);
    MappedByteBuffer b = map(inFolder);
    MappedByteBuffer c = map(other);
    Files.write(notLoaded, new byte[10]);

    Path real = loaded.toRealPath();
    assertThat(NativeLibraries.forgetExtracted("libfoo", tmp)).containsExactly(real);
    assertThat(NativeLibraries.forgetExtracted("foo-java", tmp)).hasSize(1);
    assertThat(loaded).doesNotExist();
    assertThat(folder).as("emptied, so removed").doesNotExist();
    assertThat(notLoaded).exists();
    assertThat(other).exists();
    assertThat(a.get(0) + b.get(0) + c.get(0)).as("still mapped and readable").isZero();
    assertThat(NativeLibraries.forgetExtracted("libfoo", tmp)).isEmpty();
  }
}
