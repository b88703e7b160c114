package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeScratchTest {
  @TempDir Path cache;

  @Test
  void a_start_removes_the_folders_of_killed_serve_processes_and_keeps_live_ones()
      throws Exception {
    Path root = ServeScratch.root(Map.of("XDG_CACHE_HOME", cache.toString()));
    assertThat(root).isEqualTo(cache.resolve("keel/serve"));
    // 999999999 is above Linux's largest pid: a process that was killed long ago.
    Path dead = Files.createDirectories(root.resolve("999999999-a"));
    Files.write(dead.resolve("model.onnx"), new byte[1024]);
    Path live = Files.createDirectories(root.resolve(ProcessHandle.current().pid() + "-b"));
    Path other = Files.createDirectories(root.resolve("notes"));

    Path mine = ServeScratch.create(root);

    assertThat(dead).doesNotExist();
    assertThat(live).exists();
    assertThat(other).exists();
    assertThat(mine).isDirectory().hasParent(root);
    assertThat(mine.getFileName().toString()).startsWith(ProcessHandle.current().pid() + "-");
  }
}
