package dev.keel.jobs.process;

import dev.keel.core.KeelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A task's {@code libraries} as local files: {@code {"whl": path}} and {@code {"jar": path}}
 * entries. Keel installs nothing, so {@code pypi}, {@code maven}, {@code cran}, {@code egg} and
 * {@code requirements} entries fail the attempt with the reason instead of running without them.
 *
 * @param wheels the {@code whl} files, in order
 * @param jars the {@code jar} files, in order
 */
record Libraries(List<Path> wheels, List<Path> jars) {
  private static final Set<String> NOT_INSTALLED =
      Set.of("pypi", "maven", "cran", "egg", "requirements");

  Libraries {
    wheels = List.copyOf(wheels);
    jars = List.copyOf(jars);
  }

  /**
   * Reads and resolves {@code libraries}; every named file must exist.
   *
   * @throws KeelException INVALID_ARGUMENT naming {@code libraries[i].kind} and the reason
   */
  static Libraries of(List<Map<String, Object>> libraries, Path root) {
    List<Path> wheels = new ArrayList<>();
    List<Path> jars = new ArrayList<>();
    for (int i = 0; i < libraries.size(); i++) {
      for (Map.Entry<String, Object> e : libraries.get(i).entrySet()) {
        String field = "libraries[" + i + "]." + e.getKey();
        switch (e.getKey()) {
          case "whl" -> wheels.add(existing(e.getValue(), root, field));
          case "jar" -> jars.add(existing(e.getValue(), root, field));
          default -> {
            if (NOT_INSTALLED.contains(e.getKey())) {
              throw KeelException.invalid(
                  field
                      + ": Keel does not install packages; give local files as {\"whl\": path} or"
                      + " {\"jar\": path}");
            }
            throw KeelException.invalid(field + ": unknown library kind");
          }
        }
      }
    }
    return new Libraries(wheels, jars);
  }

  /** The local file {@code value} names, which must exist. */
  static Path existing(Object value, Path root, String field) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw KeelException.invalid(field + ": must be a path");
    }
    Path p = LocalFiles.resolve(s, root, field);
    if (!Files.isRegularFile(p)) {
      throw KeelException.invalid(field + ": " + p + " does not exist or is not a file");
    }
    return p;
  }
}
