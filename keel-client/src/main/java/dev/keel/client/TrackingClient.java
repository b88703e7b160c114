package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.Page;
import dev.keel.mlmodel.ModelInfo;
import dev.keel.mlmodel.ModelPackage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Experiment tracking over the MLflow REST protocol ({@code /api/2.0/mlflow/...}) and the artifact
 * proxy ({@code /api/2.0/mlflow-artifacts/...}): experiments, runs, metrics, params, tags, dataset
 * inputs, artifacts, and logging models in MLflow's layout ({@link ModelPackage}). Get one from
 * {@link KeelClient#tracking()}; it works against a Keel server and, for the same calls, an MLflow
 * tracking server.
 *
 * <pre>{@code
 * TrackingClient tracking = keel.tracking();
 * String exp = tracking.createExperiment("fraud");
 * Run run = tracking.createRun(NewRun.in(exp).withName("baseline"));
 * tracking.logParam(run.runId(), "max_depth", "6");
 * tracking.logMetric(run.runId(), "auc", 0.91);
 * tracking.uploadArtifact(run.runId(), "model/model.json", Path.of("model.json"));
 * ModelInfo info = tracking.logModel(run.runId(), "model", ModelPackage.onnx(Path.of("model.onnx")));
 * tracking.endRun(run.runId(), RunStatus.FINISHED);
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} on failure; retries follow {@link KeelClient}'s
 * rules. Instances are thread-safe views over their {@link KeelClient}.
 */
public final class TrackingClient {
  private final KeelClient client;

  TrackingClient(KeelClient client) {
    this.client = client;
  }

  /**
   * Creates an experiment with the default artifact location.
   *
   * @return the new experiment's id
   * @throws KeelClientException {@code RESOURCE_ALREADY_EXISTS} if the name is taken (also by a
   *     deleted experiment)
   */
  public String createExperiment(String name) {
    return createExperiment(name, "", List.of());
  }

  /**
   * Creates an experiment.
   *
   * @param name unique name
   * @param artifactLocation artifact root URI; {@code ""} for the server's default
   * @param tags initial tags
   * @return the new experiment's id
   */
  public String createExperiment(String name, String artifactLocation, List<Tag> tags) {
    ObjectNode body = KeelJson.object().put("name", name);
    if (!artifactLocation.isEmpty()) {
      body.put("artifact_location", artifactLocation);
    }
    if (!tags.isEmpty()) {
      body.set("tags", KeelJson.tags(tags));
    }
    return KeelJson.text(client.post("experiments/create", body, false), "experiment_id");
  }

  /**
   * The experiment with the given id (also when deleted).
   *
   * @throws KeelClientException {@code RESOURCE_DOES_NOT_EXIST} if there is none
   */
  public Experiment getExperiment(String experimentId) {
    return TrackingJson.experiment(
        client
            .get("experiments/get", KeelClient.query("experiment_id", experimentId))
            .path("experiment"));
  }

  /**
   * The experiment with the given name, preferring an active one over a deleted one; empty if there
   * is none.
   */
  public Optional<Experiment> getExperimentByName(String name) {
    try {
      return Optional.of(
          TrackingJson.experiment(
              client
                  .get("experiments/get-by-name", KeelClient.query("experiment_name", name))
                  .path("experiment")));
    } catch (KeelClientException e) {
      if (e.httpStatus() == 404 && !e.errorCode().equals("ENDPOINT_NOT_FOUND")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** One page of experiments matching the query. */
  public Page<Experiment> searchExperiments(ExperimentQuery q) {
    ObjectNode body = KeelJson.object();
    if (q.maxResults() > 0) {
      body.put("max_results", q.maxResults());
    }
    if (!q.pageToken().isEmpty()) {
      body.put("page_token", q.pageToken());
    }
    if (!q.filter().isEmpty()) {
      body.put("filter", q.filter());
    }
    if (!q.orderBy().isEmpty()) {
      body.set("order_by", KeelClient.strings(q.orderBy()));
    }
    body.put("view_type", q.viewType().name());
    JsonNode resp = client.post("experiments/search", body, true);
    List<Experiment> items = new ArrayList<>();
    resp.path("experiments").forEach(e -> items.add(TrackingJson.experiment(e)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }

  /**
   * Every experiment matching the query, across all pages (fetched lazily, {@link
   * ExperimentQuery#maxResults()} per page). The query's own page token is ignored.
   */
  public Stream<Experiment> streamExperiments(ExperimentQuery q) {
    return Pages.stream(token -> searchExperiments(q.withPageToken(token)));
  }

  /** Renames an experiment; the new name must be unused. */
  public void renameExperiment(String experimentId, String newName) {
    client.post(
        "experiments/update",
        KeelJson.object().put("experiment_id", experimentId).put("new_name", newName),
        false);
  }

  /** Soft-deletes an experiment and its runs; {@link #restoreExperiment} undoes it. */
  public void deleteExperiment(String experimentId) {
    client.post("experiments/delete", KeelJson.object().put("experiment_id", experimentId), false);
  }

  /** Restores a soft-deleted experiment and its runs. */
  public void restoreExperiment(String experimentId) {
    client.post("experiments/restore", KeelJson.object().put("experiment_id", experimentId), false);
  }

  /** Sets (or overwrites) an experiment tag. */
  public void setExperimentTag(String experimentId, String key, String value) {
    client.post(
        "experiments/set-experiment-tag",
        KeelJson.object().put("experiment_id", experimentId).put("key", key).put("value", value),
        true);
  }

  /** Removes an experiment tag. */
  public void deleteExperimentTag(String experimentId, String key) {
    client.post(
        "experiments/delete-experiment-tag",
        KeelJson.object().put("experiment_id", experimentId).put("key", key),
        false);
  }

  /** Creates a run in the given experiment, named by the server, starting now. */
  public Run createRun(String experimentId) {
    return createRun(NewRun.in(experimentId));
  }

  /** Creates a run. */
  public Run createRun(NewRun spec) {
    ObjectNode body = KeelJson.object().put("experiment_id", spec.experimentId());
    if (!spec.runName().isEmpty()) {
      body.put("run_name", spec.runName());
    }
    if (!spec.userId().isEmpty()) {
      body.put("user_id", spec.userId());
    }
    spec.startTime().ifPresent(t -> body.put("start_time", t));
    if (!spec.tags().isEmpty()) {
      body.set("tags", KeelJson.tags(spec.tags()));
    }
    return remember(TrackingJson.run(client.post("runs/create", body, false).path("run")));
  }

  /**
   * The run with the given id (also when deleted), with the latest point of each metric.
   *
   * @throws KeelClientException {@code RESOURCE_DOES_NOT_EXIST} if there is none
   */
  public Run getRun(String runId) {
    return remember(
        TrackingJson.run(client.get("runs/get", KeelClient.query("run_id", runId)).path("run")));
  }

  /** Changes a run's status, end time and/or name; returns its attributes afterwards. */
  public RunInfo updateRun(String runId, RunUpdate update) {
    ObjectNode body = KeelJson.object().put("run_id", runId);
    update.status().ifPresent(s -> body.put("status", s.name()));
    update.endTime().ifPresent(t -> body.put("end_time", t));
    update.runName().ifPresent(n -> body.put("run_name", n));
    return TrackingJson.runInfo(client.post("runs/update", body, true).path("run_info"));
  }

  /** Ends a run now with the given status (usually {@link RunStatus#FINISHED}). */
  public RunInfo endRun(String runId, RunStatus status) {
    return updateRun(
        runId, RunUpdate.none().withStatus(status).withEndTime(System.currentTimeMillis()));
  }

  /** Soft-deletes a run; {@link #restoreRun} undoes it. */
  public void deleteRun(String runId) {
    client.post("runs/delete", KeelJson.object().put("run_id", runId), false);
  }

  /** Restores a soft-deleted run. */
  public void restoreRun(String runId) {
    client.post("runs/restore", KeelJson.object().put("run_id", runId), false);
  }

  /** One page of runs matching the query. */
  public Page<Run> searchRuns(RunQuery q) {
    ObjectNode body = KeelJson.object();
    body.set("experiment_ids", KeelClient.strings(q.experimentIds()));
    if (!q.filter().isEmpty()) {
      body.put("filter", q.filter());
    }
    body.put("run_view_type", q.viewType().name());
    if (q.maxResults() > 0) {
      body.put("max_results", q.maxResults());
    }
    if (!q.orderBy().isEmpty()) {
      body.set("order_by", KeelClient.strings(q.orderBy()));
    }
    if (!q.pageToken().isEmpty()) {
      body.put("page_token", q.pageToken());
    }
    JsonNode resp = client.post("runs/search", body, true);
    List<Run> items = new ArrayList<>();
    resp.path("runs").forEach(r -> items.add(TrackingJson.run(r)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }

  /**
   * Every run matching the query, across all pages (fetched lazily, {@link RunQuery#maxResults()}
   * per page). The query's own page token is ignored.
   */
  public Stream<Run> streamRuns(RunQuery q) {
    return Pages.stream(token -> searchRuns(q.withPageToken(token)));
  }

  /** Logs a metric point at step 0, timestamped now. */
  public void logMetric(String runId, String key, double value) {
    logMetric(runId, Metric.of(key, value));
  }

  /** Logs a metric point at the given step, timestamped now. */
  public void logMetric(String runId, String key, double value, long step) {
    logMetric(runId, Metric.of(key, value, step));
  }

  /** Logs a metric point. Logging the identical point twice stores it once. */
  public void logMetric(String runId, Metric metric) {
    ObjectNode body = KeelJson.toJson(metric);
    body.put("run_id", runId);
    client.post("runs/log-metric", body, true);
  }

  /**
   * Logs a parameter. Logging the same value again is a no-op.
   *
   * @throws KeelClientException {@code INVALID_PARAMETER_VALUE} if the key has another value
   */
  public void logParam(String runId, String key, String value) {
    client.post(
        "runs/log-parameter",
        KeelJson.object().put("run_id", runId).put("key", key).put("value", value),
        true);
  }

  /** Sets (or overwrites) a run tag. */
  public void setTag(String runId, String key, String value) {
    client.post(
        "runs/set-tag",
        KeelJson.object().put("run_id", runId).put("key", key).put("value", value),
        true);
  }

  /** Removes a run tag. */
  public void deleteTag(String runId, String key) {
    client.post("runs/delete-tag", KeelJson.object().put("run_id", runId).put("key", key), false);
  }

  /**
   * Logs metrics, params and tags in one request (at most 1000 metrics, 100 params, 100 tags).
   * Within each kind, writes happen in list order.
   */
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    ObjectNode body = KeelJson.object().put("run_id", runId);
    body.set("metrics", KeelJson.list(metrics, KeelJson::toJson));
    body.set("params", KeelJson.list(params, KeelJson::toJson));
    body.set("tags", KeelJson.tags(tags));
    client.post("runs/log-batch", body, true);
  }

  /** Records datasets as inputs of a run. */
  public void logInputs(String runId, List<DatasetInput> inputs) {
    ObjectNode body = KeelJson.object().put("run_id", runId);
    body.set("datasets", KeelJson.list(inputs, KeelJson::toJson));
    client.post("runs/log-inputs", body, false);
  }

  /**
   * One page of a metric's history, in the server's order (by step, then timestamp).
   *
   * @param maxResults page size; 0 for the server's default
   * @param pageToken {@code ""} for the first page
   */
  public Page<Metric> metricHistory(String runId, String key, int maxResults, String pageToken) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    q.put("run_id", List.of(runId));
    q.put("metric_key", List.of(key));
    if (maxResults > 0) {
      q.put("max_results", List.of(Integer.toString(maxResults)));
    }
    if (!pageToken.isEmpty()) {
      q.put("page_token", List.of(pageToken));
    }
    JsonNode resp = client.get("metrics/get-history", q);
    List<Metric> items = new ArrayList<>();
    resp.path("metrics").forEach(m -> items.add(TrackingJson.metric(m)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }

  /** A metric's whole history, across all pages. */
  public List<Metric> metricHistory(String runId, String key) {
    return Pages.stream(token -> metricHistory(runId, key, 0, token)).toList();
  }

  /**
   * Logs a model to a run's artifacts at {@code artifactPath} in MLflow's layout ({@link
   * ModelPackage}): writes the package to a temporary directory with the run's id and the path in
   * its {@code MLmodel}, uploads it, and deletes the temporary copy. Like MLflow's {@code
   * log_model}, it then appends the model (run id, path, time, uuid, flavors) to the run's {@code
   * mlflow.log-model.history} tag, best effort as in MLflow's client.
   *
   * @param artifactPath where under the run's artifacts, e.g. {@code model}
   * @return the logged model; its {@link ModelInfo#modelUri()} is {@code runs:/<run_id>/<path>}, a
   *     source {@link RegistryClient#registerModel(String, ModelInfo)} and {@link
   *     RegistryClient#createVersion} accept
   * @throws IllegalArgumentException for an empty or malformed {@code artifactPath}
   * @throws KeelClientException {@code NOT_FOUND} if the run does not exist, {@code IO_ERROR} if
   *     the package cannot be written locally
   */
  public ModelInfo logModel(String runId, String artifactPath, ModelPackage model) {
    return LoggedModels.log(this, runId, artifactPath, model);
  }

  /** The run's artifact root below the proxy; an unknown run fails with {@code NOT_FOUND}. */
  String artifactRootOf(String runId) {
    return artifactRoot(runId);
  }

  /**
   * Uploads a local file as the artifact at {@code artifactPath} (relative to the run's artifact
   * root, e.g. {@code model/model.json}), replacing any existing one.
   */
  public void uploadArtifact(String runId, String artifactPath, Path file) {
    if (Files.isDirectory(file)) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, file + " is a directory; use uploadArtifacts");
    }
    BodyPublisher body;
    try {
      body = BodyPublishers.ofFile(file);
    } catch (FileNotFoundException e) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, "cannot read " + file + ": no such file", e);
    }
    put(runId, artifactPath, body, true);
  }

  /** Uploads bytes as the artifact at {@code artifactPath}, replacing any existing one. */
  public void uploadArtifact(String runId, String artifactPath, byte[] content) {
    put(runId, artifactPath, BodyPublishers.ofByteArray(content.clone()), true);
  }

  /**
   * Streams {@code content} to the artifact at {@code artifactPath}, replacing any existing one.
   * The stream is read to its end but not closed; the upload is not retried.
   */
  public void uploadArtifact(String runId, String artifactPath, InputStream content) {
    put(
        runId,
        artifactPath,
        BodyPublishers.ofInputStream(() -> new KeelClient.NonClosing(content)),
        false);
  }

  /**
   * Uploads every file under {@code localDir} to {@code artifactDir} (relative to the run's
   * artifact root; {@code ""} for the root itself), keeping the directory structure.
   *
   * @return the number of files uploaded
   */
  public int uploadArtifacts(String runId, String artifactDir, Path localDir) {
    if (!Files.isDirectory(localDir)) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, localDir + " is not a directory");
    }
    return uploadTree(
        artifactRoot(runId), ArtifactPaths.normalizeArtifactPath(artifactDir, true), localDir);
  }

  /** Uploads every file under {@code localDir} to {@code root/dir} in the proxy's namespace. */
  int uploadTree(String root, String dir, Path localDir) {
    if (!Files.isDirectory(localDir)) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, localDir + " is not a directory");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(localDir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw KeelClientException.local(KeelClientException.IO_ERROR, "cannot list " + localDir, e);
    }
    for (Path f : files) {
      String rel = localDir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
      String full =
          ArtifactPaths.joinPath(
              root, ArtifactPaths.joinPath(dir, ArtifactPaths.normalizeArtifactPath(rel, false)));
      BodyPublisher body;
      try {
        body = BodyPublishers.ofFile(f);
      } catch (FileNotFoundException e) {
        throw KeelClientException.local(
            KeelClientException.IO_ERROR, "cannot read " + f + ": no such file", e);
      }
      putFull(full, body, true);
    }
    return files.size();
  }

  /**
   * Opens the artifact at {@code artifactPath} for reading. The caller must close the stream.
   *
   * @throws KeelClientException {@code RESOURCE_DOES_NOT_EXIST} if there is no such file
   */
  public InputStream openArtifact(String runId, String artifactPath) {
    HttpRequest req = client.request(artifactUri(runId, artifactPath)).GET().build();
    HttpResponse<InputStream> resp = client.send(req, BodyHandlers.ofInputStream(), true, true);
    if (resp.statusCode() / 100 != 2) {
      byte[] error;
      try (InputStream in = resp.body()) {
        error = in.readNBytes(KeelClient.MAX_ERROR_BODY);
      } catch (IOException e) {
        error = new byte[0];
      }
      KeelClient.ensureOk(req, resp.statusCode(), error);
    }
    return resp.body();
  }

  /** Copies the artifact at {@code artifactPath} to {@code out} (not closed). */
  public void downloadArtifact(String runId, String artifactPath, OutputStream out) {
    try (InputStream in = openArtifact(runId, artifactPath)) {
      in.transferTo(out);
    } catch (IOException e) {
      throw KeelClientException.local(
          KeelClientException.CONNECTION_FAILED,
          "download of '" + artifactPath + "' failed: " + e.getMessage(),
          e);
    }
  }

  /**
   * Downloads the artifact at {@code artifactPath} to the file {@code target}, creating parent
   * directories and replacing an existing file. The file appears only once complete.
   */
  public void downloadArtifact(String runId, String artifactPath, Path target) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
    } catch (IOException e) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, "cannot write to " + dir + ": " + e.getMessage(), e);
    }
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        downloadArtifact(runId, artifactPath, out);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw KeelClientException.local(
          KeelClientException.IO_ERROR, "cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // best effort: a stray .part file is harmless
      }
    }
  }

  /**
   * Downloads every file under the artifact directory {@code artifactDir} ({@code ""} for the whole
   * run) into {@code targetDir}, keeping the directory structure.
   *
   * @return the number of files downloaded
   */
  public int downloadArtifacts(String runId, String artifactDir, Path targetDir) {
    Path root = targetDir.toAbsolutePath().normalize();
    int count = 0;
    for (FileInfo f : listArtifacts(runId, artifactDir)) {
      String rel = ArtifactPaths.relativeTo(artifactDir, f.path());
      Path local = root.resolve(rel).normalize();
      if (!local.startsWith(root) || local.equals(root)) {
        throw KeelClientException.local(
            KeelClientException.INVALID_RESPONSE,
            "the server listed an entry outside the requested directory: " + f.path());
      }
      if (f.isDir()) {
        count += downloadArtifacts(runId, f.path(), local);
      } else {
        downloadArtifact(runId, f.path(), local);
        count++;
      }
    }
    return count;
  }

  /**
   * The entries directly under the artifact directory {@code artifactDir} ({@code ""} for the run's
   * artifact root); their paths are relative to the run's artifact root. Empty when the directory
   * does not exist.
   */
  public List<FileInfo> listArtifacts(String runId, String artifactDir) {
    String dir = ArtifactPaths.normalizeArtifactPath(artifactDir, true);
    String full = ArtifactPaths.joinPath(artifactRoot(runId), dir);
    JsonNode resp =
        client.call(
            client.request(client.uri(KeelClient.ARTIFACTS, KeelClient.query("path", full))).GET(),
            true,
            true);
    List<FileInfo> out = new ArrayList<>();
    for (JsonNode n : resp.path("files")) {
      FileInfo f = TrackingJson.fileInfo(n);
      String name = f.path();
      int slash = name.lastIndexOf('/');
      if (slash >= 0) {
        name = name.substring(slash + 1); // MLflow answers basenames; be lenient with full paths
      }
      out.add(new FileInfo(ArtifactPaths.joinPath(dir, name), f.isDir(), f.fileSize()));
    }
    return out;
  }

  /** Deletes the artifact file or directory at {@code artifactPath}. */
  public void deleteArtifact(String runId, String artifactPath) {
    if (ArtifactPaths.normalizeArtifactPath(artifactPath, true).isEmpty()) {
      throw new IllegalArgumentException("refusing to delete a run's whole artifact root");
    }
    client.call(client.request(artifactUri(runId, artifactPath)).DELETE(), true, true);
  }

  private void put(String runId, String artifactPath, BodyPublisher body, boolean repeatable) {
    HttpRequest.Builder b =
        client
            .request(artifactUri(runId, artifactPath))
            .header("Content-Type", "application/octet-stream")
            .PUT(body);
    client.call(b, true, repeatable);
  }

  /** PUT to a path relative to the artifact proxy's root. */
  private void putFull(String fullPath, BodyPublisher body, boolean repeatable) {
    HttpRequest.Builder b =
        client
            .request(
                client.uri(
                    KeelClient.ARTIFACTS + "/" + ArtifactPaths.encodePath(fullPath), Map.of()))
            .header("Content-Type", "application/octet-stream")
            .PUT(body);
    client.call(b, true, repeatable);
  }

  private URI artifactUri(String runId, String artifactPath) {
    String rel = ArtifactPaths.normalizeArtifactPath(artifactPath, false);
    String full = ArtifactPaths.joinPath(artifactRoot(runId), rel);
    return client.uri(KeelClient.ARTIFACTS + "/" + ArtifactPaths.encodePath(full), Map.of());
  }

  /** The run's artifact root below the proxy, e.g. {@code 1/<run>/artifacts}. */
  private String artifactRoot(String runId) {
    Objects.requireNonNull(runId, "runId");
    String root = client.artifactRoots.get(runId);
    if (root == null) {
      root = ArtifactPaths.proxyPath(getRun(runId).info().artifactUri());
    }
    return root;
  }

  private Run remember(Run run) {
    if (run.info().artifactUri().startsWith(KeelClient.ARTIFACT_SCHEME)) {
      if (client.artifactRoots.size() >= KeelClient.MAX_CACHED_ROOTS) {
        client.artifactRoots.clear();
      }
      client.artifactRoots.put(run.runId(), ArtifactPaths.proxyPath(run.info().artifactUri()));
    }
    return run;
  }
}
