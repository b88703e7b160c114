package dev.keel.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Python-made model-package fixtures of keel-registry, copied to a temporary directory. */
final class Fixtures {
  static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** The fixture directory {@code name} (such as {@code onnx-model}) in the test classpath. */
  static Path source(String name) {
    URL url = Fixtures.class.getResource("/fixtures/" + name + "/MLmodel");
    if (url == null) {
      throw new IllegalStateException("fixture " + name + " is not on the test classpath");
    }
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A copy of fixture {@code name} under {@code dir} (the loader writes a hidden folder). */
  static Path copy(String name, Path dir) throws IOException {
    Path from = source(name);
    Path to = dir.resolve(name);
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  static JsonNode json(String name, String file) {
    try {
      return JSON.readTree(source(name).resolve(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The expected predictions Python computed. */
  static double[] expected(String name) {
    JsonNode p = json(name, "expected_predictions.json").get("predictions");
    double[] out = new double[p.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = p.get(i).doubleValue();
    }
    return out;
  }

  /** The committed scoring input ({@code columns}, {@code data}). */
  static JsonNode input(String name) {
    return json(name, "scoring_input.json");
  }

  static List<String> columns(JsonNode input) {
    List<String> out = new ArrayList<>();
    input.get("columns").forEach(c -> out.add(c.textValue()));
    return out;
  }
}
