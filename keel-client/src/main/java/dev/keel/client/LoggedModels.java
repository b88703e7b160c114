package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.mlmodel.ModelInfo;
import dev.keel.mlmodel.ModelPackage;
import dev.keel.mlmodel.PyJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@link TrackingClient#logModel}: writes a {@link ModelPackage} locally, uploads it to the run's
 * artifacts and records it in the run's {@value #LOGGED_MODELS_TAG} tag, as MLflow's {@code
 * log_model} does.
 */
final class LoggedModels {
  private LoggedModels() {}

  /** See {@link TrackingClient#logModel}. */
  static ModelInfo log(
      TrackingClient tracking, String runId, String artifactPath, ModelPackage model) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(model, "model");
    if (runId.isBlank()) {
      throw new IllegalArgumentException("runId must not be blank");
    }
    String path = ArtifactPaths.normalizeArtifactPath(artifactPath, false);
    tracking.artifactRootOf(runId); // an unknown run fails before anything is written
    Path tmp;
    try {
      tmp = Files.createTempDirectory("keel-model-");
    } catch (IOException e) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, "cannot create a temporary directory", e);
    }
    try {
      Path dir = tmp.resolve("model");
      ModelInfo info;
      try {
        info = model.save(dir, runId, path);
      } catch (UncheckedIOException e) {
        throw KeelClientException.local(KeelClientException.IO_ERROR, e.getMessage(), e.getCause());
      }
      tracking.uploadArtifacts(runId, path, dir);
      ModelInfo logged = info.loggedToRun();
      recordLoggedModel(tracking, runId, model.historyEntry(logged));
      return logged;
    } finally {
      deleteTree(tmp);
    }
  }

  /** The run tag where MLflow lists the models logged to a run (a JSON array). */
  static final String LOGGED_MODELS_TAG = "mlflow.log-model.history";

  /**
   * Appends a logged model to the run's {@value #LOGGED_MODELS_TAG} tag, as MLflow's {@code
   * runs/log-model} does. Like MLflow's client, a refusal (the tag would pass the server's 8000
   * characters, or holds something that is not a JSON array) leaves the tag as it was and is only
   * logged: the model itself is already stored.
   */
  private static void recordLoggedModel(
      TrackingClient tracking, String runId, Map<String, Object> entry) {
    List<Object> history = new ArrayList<>();
    Optional<String> previous = tracking.getRun(runId).tag(LOGGED_MODELS_TAG);
    if (previous.isPresent()) {
      try {
        JsonNode old = KeelJson.MAPPER.readTree(previous.get());
        if (old == null || !old.isArray()) {
          throw new IOException("not a JSON array");
        }
        history.addAll(KeelJson.MAPPER.convertValue(old, List.class));
      } catch (IOException | IllegalArgumentException e) {
        KeelClient.LOG.log(
            System.Logger.Level.WARNING,
            "run {0}: tag {1} is not a JSON array; left unchanged",
            runId,
            LOGGED_MODELS_TAG);
        return;
      }
    }
    history.add(entry);
    try {
      tracking.setTag(runId, LOGGED_MODELS_TAG, PyJson.compact(history));
    } catch (KeelClientException e) {
      KeelClient.LOG.log(
          System.Logger.Level.WARNING,
          "run {0}: could not record the logged model in tag {1}: {2}",
          runId,
          LOGGED_MODELS_TAG,
          e.getMessage());
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary directory is not worth failing a logged model for.
    }
  }
}
