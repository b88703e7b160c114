package dev.keel.registry;

import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed model packages under {@code fixtures/} (made by real onnx and xgboost, see {@code
 * make_fixtures.py}), for tests that need a package the registry accepts at finalize.
 */
public final class ModelFixtures {
  private static final List<String> ONNX_FILES =
      List.of("MLmodel", "model.onnx", "input_example.json", "serving_input_example.json");
  private static final List<String> XGBOOST_FILES =
      List.of("MLmodel", "model.json", "input_example.json", "serving_input_example.json");

  private ModelFixtures() {}

  /** The files of the ONNX fixture, by relative path. */
  public static Map<String, byte[]> onnxModel() {
    return load("onnx-model", ONNX_FILES);
  }

  /** The files of the XGBoost fixture (a Booster saved as JSON by Python xgboost). */
  public static Map<String, byte[]> xgboostModel() {
    return load("xgboost-model", XGBOOST_FILES);
  }

  /** Writes the XGBoost fixture into {@code store} under {@code dir}. */
  public static void putXgboostModel(ArtifactStore store, String dir) throws IOException {
    put(store, dir, xgboostModel());
  }

  private static void put(ArtifactStore store, String dir, Map<String, byte[]> files)
      throws IOException {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      store.put(
          ArtifactPath.parse("path", dir + "/" + f.getKey(), false),
          new ByteArrayInputStream(f.getValue()));
    }
  }

  private static Map<String, byte[]> load(String fixture, List<String> names) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String f : names) {
      try (InputStream in =
          ModelFixtures.class.getResourceAsStream("/fixtures/" + fixture + "/" + f)) {
        if (in == null) {
          throw new IllegalStateException("missing fixture file " + f);
        }
        files.put(f, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  /** Writes the ONNX fixture into {@code store} under {@code dir}. */
  public static void putOnnxModel(ArtifactStore store, String dir) throws IOException {
    put(store, dir, onnxModel());
  }

  /** Uploads the ONNX fixture through a server's artifact proxy under store path {@code dir}. */
  public static void uploadOnnxModel(String serverUrl, String dir) {
    HttpClient http = HttpClient.newHttpClient();
    for (Map.Entry<String, byte[]> f : onnxModel().entrySet()) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            serverUrl
                                + "/api/2.0/mlflow-artifacts/artifacts/"
                                + dir
                                + "/"
                                + f.getKey()))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(f.getValue()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException("upload of " + f.getKey() + " failed: " + r.body());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
