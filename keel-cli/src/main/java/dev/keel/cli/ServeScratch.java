package dev.keel.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where {@code keel serve} keeps the model it downloads when no {@code --model-dir} is given: a
 * folder {@code <pid>-<random>} under {@code $XDG_CACHE_HOME/keel/serve} (or {@code
 * ~/.cache/keel/serve}), removed when the command ends. A process that was killed cannot remove its
 * folder, so each start removes the folders of processes that no longer run (the model copy may be
 * hundreds of megabytes).
 */
final class ServeScratch {
  private ServeScratch() {}

  /** The folder that holds every {@code keel serve} process's scratch folder. */
  static Path root(Map<String, String> env) {
    String xdg = env.getOrDefault("XDG_CACHE_HOME", "");
    Path cache =
        xdg.isBlank()
            ? Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache")
            : Path.of(xdg);
    return cache.resolve("keel").resolve("serve");
  }

  /** Removes the folders of dead processes under {@code root}, then creates this process's. */
  static Path create(Path root) throws IOException {
    Files.createDirectories(root);
    try (var dirs = Files.list(root)) {
      for (Path d : dirs.toList()) {
        Optional<Long> pid = pid(d.getFileName().toString());
        if (pid.isPresent() && ProcessHandle.of(pid.get()).isEmpty()) {
          ServeCommand.deleteTree(d);
        }
      }
    }
    return Files.createDirectory(
        root.resolve(ProcessHandle.current().pid() + "-" + UUID.randomUUID()));
  }

  private static Optional<Long> pid(String name) {
    int dash = name.indexOf('-');
    if (dash <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(name.substring(0, dash)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
