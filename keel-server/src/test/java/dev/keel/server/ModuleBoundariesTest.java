package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/architecture.md, checked on the sources: the HTTP framework stays at the
 * edge, the composition root stays small.
 */
class ModuleBoundariesTest {
  /** The repository root (tests run in the module's folder). */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private static List<Path> mainSources() throws IOException {
    try (Stream<Path> modules = Files.list(ROOT)) {
      return modules
          .filter(m -> m.getFileName().toString().startsWith("keel-"))
          .map(m -> m.resolve("src/main/java"))
          .filter(Files::isDirectory)
          .flatMap(ModuleBoundariesTest::javaFiles)
          .toList();
    }
  }

  private static Stream<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void the_http_framework_is_imported_only_in_http_packages_and_keel_http() throws IOException {
    List<Path> sources = mainSources();
    assertThat(sources).hasSizeGreaterThan(100);
    List<String> leaks =
        sources.stream()
            .filter(f -> !f.startsWith(ROOT.resolve("keel-http")))
            .filter(f -> !f.getParent().getFileName().toString().equals("http"))
            .filter(
                f ->
                    read(f).contains("import io.javalin")
                        || read(f).contains("import org.eclipse.jetty"))
            .map(f -> ROOT.relativize(f).toString())
            .toList();
    assertThat(leaks).as("main classes importing Javalin/Jetty outside an http package").isEmpty();
  }

  @Test
  void the_composition_root_stays_under_1500_lines() {
    long lines =
        javaFiles(ROOT.resolve("keel-server/src/main/java"))
            .mapToLong(f -> read(f).lines().count())
            .sum();
    assertThat(lines).as("keel-server main lines").isLessThan(1500);
  }

  @Test
  void every_main_package_says_what_it_owns() throws IOException {
    List<String> missing =
        mainSources().stream()
            .map(Path::getParent)
            .distinct()
            .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
            .map(dir -> ROOT.relativize(dir).toString())
            .toList();
    assertThat(missing).as("packages without package-info.java").isEmpty();
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
