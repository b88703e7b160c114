package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.Page;
import dev.keel.mlmodel.ModelInfo;
import dev.keel.mlmodel.ModelPackage;
import dev.keel.mlmodel.PyJson;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A typed client for Keel's APIs: the MLflow tracking REST protocol ({@code /api/2.0/mlflow/...}),
 * the artifact proxy ({@code /api/2.0/mlflow-artifacts/...}) and the catalogs, schemas, registered
 * models, model versions and aliases of Unity Catalog REST ({@code /api/2.1/unity-catalog/...}).
 * Works against a Keel server and, for the same calls, an MLflow tracking server.
 *
 * <pre>{@code
 * try (KeelClient keel = new KeelClient("http://127.0.0.1:8080")) {
 *   String exp = keel.createExperiment("fraud");
 *   Run run = keel.createRun(NewRun.in(exp).withName("baseline"));
 *   keel.logParam(run.runId(), "max_depth", "6");
 *   keel.logMetric(run.runId(), "auc", 0.91);
 *   keel.uploadArtifact(run.runId(), "model/model.json", Path.of("model.json"));
 *   keel.endRun(run.runId(), RunStatus.FINISHED);
 * }
 * }</pre>
 *
 * <p>Catalogs and schemas:
 *
 * <pre>{@code
 * Catalog sales = keel.createCatalog("sales", "Sales data", Map.of("team", "bi"));
 * Schema raw = keel.createSchema("sales", "raw");
 * keel.updateSchema("sales.raw", SecurableUpdate.none().withComment("Landing zone"));
 * keel.streamSchemas("sales").forEach(s -> System.out.println(s.fullName()));
 * keel.deleteCatalog("sales", true);
 * }</pre>
 *
 * <p>Registered models, versions and aliases:
 *
 * <pre>{@code
 * keel.createModel("main.default.fraud", "");
 * ModelVersion v = keel.registerModel("main.default.fraud", Path.of("model"), "");
 * keel.setAlias("main.default.fraud", "champion", v.version());
 * ModelVersion champ = keel.resolve("models:/main.default.fraud@champion");
 * }</pre>
 *
 * <p>Logging a model to a run in MLflow's layout ({@link ModelPackage}; {@link XGBoostModels} and
 * {@link TribuoModels} adapt boosters and Tribuo models), registering it, and its lineage:
 *
 * <pre>{@code
 * ModelInfo info = keel.logModel(run.runId(), "model", ModelPackage.onnx(Path.of("model.onnx")));
 * ModelVersion v = keel.registerModel("main.default.fraud", info);
 * VersionLineage l = keel.versionLineage("main.default.fraud", v.version());
 * }</pre>
 *
 * <p><b>Errors.</b> Every method throws {@link KeelClientException} on failure, carrying the
 * server's {@code error_code}, HTTP status and message; arguments that can never be valid (e.g. an
 * artifact path with a {@code ..} segment) are an {@link IllegalArgumentException}.
 *
 * <p><b>Retries.</b> Calls that are safe to repeat (reads, searches, tag and param writes, metric
 * points with their timestamp fixed by the client, artifact PUT/GET/DELETE) are retried with
 * exponential backoff when the connection fails or the server answers 429, 502, 503 or 504. Calls
 * that are not (creating experiments, runs, catalogs and schemas, renames, deletes, restores,
 * dataset inputs) are retried only when the connection could not be opened, i.e. when the request
 * was certainly not sent. Uploads from an {@link InputStream} are never retried.
 *
 * <p><b>Threads.</b> Instances are immutable and thread-safe; share one per server. {@link
 * #close()} releases the underlying {@link HttpClient}.
 */
public final class KeelClient implements AutoCloseable {
  /** The URL of a local server started with default settings. */
  public static final String DEFAULT_URL = "http://127.0.0.1:8080";

  private static final String API = "/api/2.0/mlflow/";
  private static final String UC = "/api/2.1/unity-catalog/";
  private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
  private static final String ARTIFACT_SCHEME = "mlflow-artifacts:";
  static final int MAX_ERROR_BODY = 64 * 1024;
  private static final int MAX_CACHED_ROOTS = 10_000;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final System.Logger LOG = System.getLogger(KeelClient.class.getName());

  private final String baseUrl;
  private final Optional<String> authorization;
  final Duration requestTimeout;
  private final int maxAttempts;
  private final Duration backoff;
  private final HttpClient http;
  private final ConcurrentMap<String, String> artifactRoots = new ConcurrentHashMap<>();

  /** A client for the server at {@code baseUrl} (e.g. {@code http://127.0.0.1:8080}). */
  public KeelClient(String baseUrl) {
    this(builder(baseUrl));
  }

  /** A client that sends {@code Authorization: Bearer <bearerToken>} with every request. */
  public KeelClient(String baseUrl, String bearerToken) {
    this(builder(baseUrl).bearerToken(bearerToken));
  }

  private KeelClient(Builder b) {
    this.baseUrl = b.baseUrl;
    this.authorization = b.bearerToken.map(t -> "Bearer " + t);
    this.requestTimeout = b.requestTimeout;
    this.maxAttempts = b.maxAttempts;
    this.backoff = b.backoff;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(b.connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** A builder for a client with non-default settings. */
  public static Builder builder(String baseUrl) {
    return new Builder(baseUrl);
  }

  /** Settings of a {@link KeelClient}. Not thread-safe; build once. */
  public static final class Builder {
    private final String baseUrl;
    private Optional<String> bearerToken = Optional.empty();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 3;
    private Duration backoff = Duration.ofMillis(200);

    private Builder(String baseUrl) {
      this.baseUrl = normalizeBaseUrl(baseUrl);
    }

    /** Sends {@code Authorization: Bearer <token>}; a blank token sends none. */
    public Builder bearerToken(String token) {
      Objects.requireNonNull(token, "token");
      this.bearerToken = token.isBlank() ? Optional.empty() : Optional.of(token.trim());
      return this;
    }

    /** How long to wait for a connection (default 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How long to wait for the answer to an API call (default 60 s). Artifact transfers have no
     * overall timeout, since their duration depends on their size.
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** How many times a retriable call is tried in all (default 3; 1 disables retries). */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** The wait before the first retry, doubled for each further one (default 200 ms). */
    public Builder retryBackoff(Duration backoff) {
      this.backoff = positive(backoff, "retryBackoff");
      return this;
    }

    /** The client. */
    public KeelClient build() {
      return new KeelClient(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }
  }

  /** Tables in the catalog: create, write, read, time travel ({@link TablesClient}). */
  public TablesClient tables() {
    return new TablesClient(this);
  }

  /** Model serving endpoints: create, update, query ({@link EndpointsClient}). */
  public EndpointsClient endpoints() {
    return new EndpointsClient(this);
  }

  /** Feature tables, training sets, publishing and online lookups ({@link FeatureStoreClient}). */
  public FeatureStoreClient features() {
    return new FeatureStoreClient(this);
  }

  /** The server's base URL, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  /** Releases the HTTP client's connections and threads. */
  @Override
  public void close() {
    http.close();
  }

  // =================================================================== server

  /** The server's version ({@code GET /version}). */
  public String serverVersion() {
    HttpRequest req = request(uri("/version", Map.of())).GET().timeout(requestTimeout).build();
    HttpResponse<byte[]> resp = send(req, BodyHandlers.ofByteArray(), true, true);
    ensureOk(req, resp.statusCode(), resp.body());
    return new String(resp.body(), StandardCharsets.UTF_8).trim();
  }

  // =================================================================== experiments

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
    return KeelJson.text(post("experiments/create", body, false), "experiment_id");
  }

  /**
   * The experiment with the given id (also when deleted).
   *
   * @throws KeelClientException {@code RESOURCE_DOES_NOT_EXIST} if there is none
   */
  public Experiment getExperiment(String experimentId) {
    return KeelJson.experiment(
        get("experiments/get", query("experiment_id", experimentId)).path("experiment"));
  }

  /**
   * The experiment with the given name, preferring an active one over a deleted one; empty if there
   * is none.
   */
  public Optional<Experiment> getExperimentByName(String name) {
    try {
      return Optional.of(
          KeelJson.experiment(
              get("experiments/get-by-name", query("experiment_name", name)).path("experiment")));
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
      body.set("order_by", strings(q.orderBy()));
    }
    body.put("view_type", q.viewType().name());
    JsonNode resp = post("experiments/search", body, true);
    List<Experiment> items = new ArrayList<>();
    resp.path("experiments").forEach(e -> items.add(KeelJson.experiment(e)));
    return new Page<>(items, nextToken(resp));
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
    post(
        "experiments/update",
        KeelJson.object().put("experiment_id", experimentId).put("new_name", newName),
        false);
  }

  /** Soft-deletes an experiment and its runs; {@link #restoreExperiment} undoes it. */
  public void deleteExperiment(String experimentId) {
    post("experiments/delete", KeelJson.object().put("experiment_id", experimentId), false);
  }

  /** Restores a soft-deleted experiment and its runs. */
  public void restoreExperiment(String experimentId) {
    post("experiments/restore", KeelJson.object().put("experiment_id", experimentId), false);
  }

  /** Sets (or overwrites) an experiment tag. */
  public void setExperimentTag(String experimentId, String key, String value) {
    post(
        "experiments/set-experiment-tag",
        KeelJson.object().put("experiment_id", experimentId).put("key", key).put("value", value),
        true);
  }

  /** Removes an experiment tag. */
  public void deleteExperimentTag(String experimentId, String key) {
    post(
        "experiments/delete-experiment-tag",
        KeelJson.object().put("experiment_id", experimentId).put("key", key),
        false);
  }

  // =================================================================== runs

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
    return remember(KeelJson.run(post("runs/create", body, false).path("run")));
  }

  /**
   * The run with the given id (also when deleted), with the latest point of each metric.
   *
   * @throws KeelClientException {@code RESOURCE_DOES_NOT_EXIST} if there is none
   */
  public Run getRun(String runId) {
    return remember(KeelJson.run(get("runs/get", query("run_id", runId)).path("run")));
  }

  /** Changes a run's status, end time and/or name; returns its attributes afterwards. */
  public RunInfo updateRun(String runId, RunUpdate update) {
    ObjectNode body = KeelJson.object().put("run_id", runId);
    update.status().ifPresent(s -> body.put("status", s.name()));
    update.endTime().ifPresent(t -> body.put("end_time", t));
    update.runName().ifPresent(n -> body.put("run_name", n));
    return KeelJson.runInfo(post("runs/update", body, true).path("run_info"));
  }

  /** Ends a run now with the given status (usually {@link RunStatus#FINISHED}). */
  public RunInfo endRun(String runId, RunStatus status) {
    return updateRun(
        runId, RunUpdate.none().withStatus(status).withEndTime(System.currentTimeMillis()));
  }

  /** Soft-deletes a run; {@link #restoreRun} undoes it. */
  public void deleteRun(String runId) {
    post("runs/delete", KeelJson.object().put("run_id", runId), false);
  }

  /** Restores a soft-deleted run. */
  public void restoreRun(String runId) {
    post("runs/restore", KeelJson.object().put("run_id", runId), false);
  }

  /** One page of runs matching the query. */
  public Page<Run> searchRuns(RunQuery q) {
    ObjectNode body = KeelJson.object();
    body.set("experiment_ids", strings(q.experimentIds()));
    if (!q.filter().isEmpty()) {
      body.put("filter", q.filter());
    }
    body.put("run_view_type", q.viewType().name());
    if (q.maxResults() > 0) {
      body.put("max_results", q.maxResults());
    }
    if (!q.orderBy().isEmpty()) {
      body.set("order_by", strings(q.orderBy()));
    }
    if (!q.pageToken().isEmpty()) {
      body.put("page_token", q.pageToken());
    }
    JsonNode resp = post("runs/search", body, true);
    List<Run> items = new ArrayList<>();
    resp.path("runs").forEach(r -> items.add(KeelJson.run(r)));
    return new Page<>(items, nextToken(resp));
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
    post("runs/log-metric", body, true);
  }

  /**
   * Logs a parameter. Logging the same value again is a no-op.
   *
   * @throws KeelClientException {@code INVALID_PARAMETER_VALUE} if the key has another value
   */
  public void logParam(String runId, String key, String value) {
    post(
        "runs/log-parameter",
        KeelJson.object().put("run_id", runId).put("key", key).put("value", value),
        true);
  }

  /** Sets (or overwrites) a run tag. */
  public void setTag(String runId, String key, String value) {
    post(
        "runs/set-tag",
        KeelJson.object().put("run_id", runId).put("key", key).put("value", value),
        true);
  }

  /** Removes a run tag. */
  public void deleteTag(String runId, String key) {
    post("runs/delete-tag", KeelJson.object().put("run_id", runId).put("key", key), false);
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
    post("runs/log-batch", body, true);
  }

  /** Records datasets as inputs of a run. */
  public void logInputs(String runId, List<DatasetInput> inputs) {
    ObjectNode body = KeelJson.object().put("run_id", runId);
    body.set("datasets", KeelJson.list(inputs, KeelJson::toJson));
    post("runs/log-inputs", body, false);
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
    JsonNode resp = get("metrics/get-history", q);
    List<Metric> items = new ArrayList<>();
    resp.path("metrics").forEach(m -> items.add(KeelJson.metric(m)));
    return new Page<>(items, nextToken(resp));
  }

  /** A metric's whole history, across all pages. */
  public List<Metric> metricHistory(String runId, String key) {
    return Pages.stream(token -> metricHistory(runId, key, 0, token)).toList();
  }

  // =================================================================== catalogs

  /** Creates a catalog with no comment and no properties. */
  public Catalog createCatalog(String name) {
    return createCatalog(name, "", Map.of());
  }

  /**
   * Creates a catalog ({@code POST /api/2.1/unity-catalog/catalogs}). The server stores the name
   * lower-case.
   *
   * @param name 1–255 ASCII letters, digits, {@code _}, {@code -} or {@code @}
   * @param comment free text; {@code ""} for none
   * @param properties string properties (may be empty)
   * @throws KeelClientException {@code ALREADY_EXISTS} (409) if the name is taken in any case,
   *     {@code INVALID_ARGUMENT} (400) for a bad name, comment or properties
   */
  public Catalog createCatalog(String name, String comment, Map<String, String> properties) {
    ObjectNode body = KeelJson.object().put("name", Objects.requireNonNull(name, "name"));
    if (!comment.isEmpty()) {
      body.put("comment", comment);
    }
    if (!properties.isEmpty()) {
      body.set("properties", KeelJson.properties(properties));
    }
    return KeelJson.catalog(uc("POST", "catalogs", Map.of(), body, false));
  }

  /**
   * The catalog with the given name (case-insensitive).
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none
   */
  public Catalog getCatalog(String name) {
    return KeelJson.catalog(uc("GET", "catalogs/" + segment(name, "name"), Map.of(), null, true));
  }

  /**
   * One page of catalogs, ordered by name.
   *
   * @param maxResults page size; 0 for the server's default (100, also its cap)
   * @param pageToken {@code ""} for the first page, else the previous page's next-page token
   */
  public Page<Catalog> listCatalogs(int maxResults, String pageToken) {
    JsonNode resp = uc("GET", "catalogs", paging(maxResults, pageToken), null, true);
    List<Catalog> items = new ArrayList<>();
    resp.path("catalogs").forEach(c -> items.add(KeelJson.catalog(c)));
    return new Page<>(items, nextToken(resp));
  }

  /** Every catalog, ordered by name, across all pages (fetched lazily). */
  public Stream<Catalog> streamCatalogs() {
    return Pages.stream(token -> listCatalogs(0, token));
  }

  /**
   * Renames a catalog and/or changes its comment or properties; renaming moves its schemas with it.
   *
   * @return the catalog afterwards
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none, {@code ALREADY_EXISTS}
   *     (409) if the new name is taken
   */
  public Catalog updateCatalog(String name, SecurableUpdate update) {
    return KeelJson.catalog(
        uc(
            "PATCH",
            "catalogs/" + segment(name, "name"),
            Map.of(),
            updateBody(update),
            update.newName().isEmpty()));
  }

  /**
   * Deletes a catalog.
   *
   * @param force also delete its schemas; without it a catalog that has schemas is refused
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none, {@code
   *     FAILED_PRECONDITION} (400) if it has schemas and {@code force} is false
   */
  public void deleteCatalog(String name, boolean force) {
    uc("DELETE", "catalogs/" + segment(name, "name"), forceQuery(force), null, false);
  }

  // =================================================================== schemas

  /** Creates a schema with no comment and no properties. */
  public Schema createSchema(String catalogName, String name) {
    return createSchema(catalogName, name, "", Map.of());
  }

  /**
   * Creates a schema in a catalog ({@code POST /api/2.1/unity-catalog/schemas}).
   *
   * @param catalogName the catalog to create it in
   * @param name 1–255 ASCII letters, digits, {@code _}, {@code -} or {@code @}
   * @param comment free text; {@code ""} for none
   * @param properties string properties (may be empty)
   * @throws KeelClientException {@code NOT_FOUND} (404) if the catalog does not exist, {@code
   *     ALREADY_EXISTS} (409) if the name is taken in that catalog, {@code INVALID_ARGUMENT} (400)
   *     for bad input
   */
  public Schema createSchema(
      String catalogName, String name, String comment, Map<String, String> properties) {
    ObjectNode body =
        KeelJson.object()
            .put("name", Objects.requireNonNull(name, "name"))
            .put("catalog_name", Objects.requireNonNull(catalogName, "catalogName"));
    if (!comment.isEmpty()) {
      body.put("comment", comment);
    }
    if (!properties.isEmpty()) {
      body.set("properties", KeelJson.properties(properties));
    }
    return KeelJson.schema(uc("POST", "schemas", Map.of(), body, false));
  }

  /**
   * The schema with the given full name ({@code catalog.schema}, case-insensitive).
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none
   */
  public Schema getSchema(String fullName) {
    return KeelJson.schema(
        uc("GET", "schemas/" + segment(fullName, "fullName"), Map.of(), null, true));
  }

  /**
   * One page of the schemas of a catalog, ordered by name.
   *
   * @param catalogName the catalog
   * @param maxResults page size; 0 for the server's default (100, also its cap)
   * @param pageToken {@code ""} for the first page, else the previous page's next-page token
   * @throws KeelClientException {@code NOT_FOUND} (404) if the catalog does not exist
   */
  public Page<Schema> listSchemas(String catalogName, int maxResults, String pageToken) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    q.put("catalog_name", List.of(Objects.requireNonNull(catalogName, "catalogName")));
    q.putAll(paging(maxResults, pageToken));
    JsonNode resp = uc("GET", "schemas", q, null, true);
    List<Schema> items = new ArrayList<>();
    resp.path("schemas").forEach(s -> items.add(KeelJson.schema(s)));
    return new Page<>(items, nextToken(resp));
  }

  /** Every schema of a catalog, ordered by name, across all pages (fetched lazily). */
  public Stream<Schema> streamSchemas(String catalogName) {
    return Pages.stream(token -> listSchemas(catalogName, 0, token));
  }

  /**
   * Renames a schema (within its catalog) and/or changes its comment or properties.
   *
   * @param fullName {@code catalog.schema}
   * @param update the changes; {@link SecurableUpdate#newName()} is the new schema name alone
   * @return the schema afterwards
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none, {@code ALREADY_EXISTS}
   *     (409) if the new name is taken
   */
  public Schema updateSchema(String fullName, SecurableUpdate update) {
    return KeelJson.schema(
        uc(
            "PATCH",
            "schemas/" + segment(fullName, "fullName"),
            Map.of(),
            updateBody(update),
            update.newName().isEmpty()));
  }

  /**
   * Deletes a schema.
   *
   * @param force accepted for Unity Catalog compatibility (schemas hold nothing yet)
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none
   */
  public void deleteSchema(String fullName, boolean force) {
    uc("DELETE", "schemas/" + segment(fullName, "fullName"), forceQuery(force), null, false);
  }

  private static ObjectNode updateBody(SecurableUpdate update) {
    ObjectNode body = KeelJson.object();
    update.newName().ifPresent(n -> body.put("new_name", n));
    update.comment().ifPresent(c -> body.put("comment", c));
    if (!update.properties().isEmpty()) {
      body.set("properties", KeelJson.properties(update.properties()));
    }
    return body;
  }

  private static Map<String, List<String>> paging(int maxResults, String pageToken) {
    if (maxResults < 0) {
      throw new IllegalArgumentException("maxResults must not be negative");
    }
    Map<String, List<String>> q = new LinkedHashMap<>();
    if (maxResults > 0) {
      q.put("max_results", List.of(Integer.toString(maxResults)));
    }
    if (!Objects.requireNonNull(pageToken, "pageToken").isEmpty()) {
      q.put("page_token", List.of(pageToken));
    }
    return q;
  }

  private static Map<String, List<String>> forceQuery(boolean force) {
    return force ? Map.of("force", List.of("true")) : Map.of();
  }

  /** A name as one encoded path segment; names that could never address an object are refused. */
  private static String segment(String name, String field) {
    Objects.requireNonNull(name, field);
    if (name.isBlank() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(field + " must not be empty, '.' or '..'");
    }
    return encode(name);
  }

  // =================================================================== registered models

  /**
   * Creates a registered model ({@code POST /api/2.1/unity-catalog/models}). The schema must exist;
   * the server stores the name lower-case.
   *
   * @param fullName {@code catalog.schema.model}
   * @param comment free text; {@code ""} for none
   * @throws KeelClientException {@code ALREADY_EXISTS} (409) if the name is taken, {@code
   *     NOT_FOUND} (404) if the schema does not exist, {@code INVALID_ARGUMENT} (400) for a bad
   *     name
   */
  public RegisteredModel createModel(String fullName, String comment) {
    String[] p = threeParts(fullName);
    ObjectNode body =
        KeelJson.object().put("catalog_name", p[0]).put("schema_name", p[1]).put("name", p[2]);
    if (!Objects.requireNonNull(comment, "comment").isEmpty()) {
      body.put("comment", comment);
    }
    return KeelJson.registeredModel(uc("POST", "models", Map.of(), body, false));
  }

  /**
   * The registered model with the given full name, with its aliases.
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none
   */
  public RegisteredModel getModel(String fullName) {
    return KeelJson.registeredModel(uc("GET", modelPath(fullName), WITH_ALIASES, null, true));
  }

  /**
   * One page of registered models, ordered by full name, with their aliases.
   *
   * @param catalogName only models of this catalog; {@code ""} for all
   * @param schemaName only models of this schema (needs {@code catalogName}); {@code ""} for all
   * @param maxResults page size; 0 for the server's default (100, also its cap)
   * @param pageToken {@code ""} for the first page, else the previous page's next-page token
   */
  public Page<RegisteredModel> listModels(
      String catalogName, String schemaName, int maxResults, String pageToken) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    if (!Objects.requireNonNull(catalogName, "catalogName").isEmpty()) {
      q.put("catalog_name", List.of(catalogName));
    }
    if (!Objects.requireNonNull(schemaName, "schemaName").isEmpty()) {
      q.put("schema_name", List.of(schemaName));
    }
    q.putAll(paging(maxResults, pageToken));
    q.putAll(WITH_ALIASES);
    JsonNode resp = uc("GET", "models", q, null, true);
    List<RegisteredModel> items = new ArrayList<>();
    resp.path("registered_models").forEach(m -> items.add(KeelJson.registeredModel(m)));
    return new Page<>(items, nextToken(resp));
  }

  /** Every registered model of a catalog/schema ({@code ""} for all), across all pages (lazily). */
  public Stream<RegisteredModel> streamModels(String catalogName, String schemaName) {
    return Pages.stream(token -> listModels(catalogName, schemaName, 0, token));
  }

  /**
   * Renames a registered model (within its schema) and/or changes its comment. Properties are not
   * supported for models.
   *
   * @param update {@link SecurableUpdate#newName()} is the new model name alone (or a full name in
   *     the same schema)
   * @return the model afterwards
   */
  public RegisteredModel updateModel(String fullName, SecurableUpdate update) {
    if (!update.properties().isEmpty()) {
      throw new IllegalArgumentException("registered models have no properties to update");
    }
    return KeelJson.registeredModel(
        uc("PATCH", modelPath(fullName), Map.of(), updateBody(update), update.newName().isEmpty()));
  }

  /**
   * Deletes a registered model.
   *
   * @param force also delete its versions; without it a model with versions is refused
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none, {@code
   *     FAILED_PRECONDITION} (400) if it has versions and {@code force} is false
   */
  public void deleteModel(String fullName, boolean force) {
    uc("DELETE", modelPath(fullName), forceQuery(force), null, false);
  }

  // =================================================================== model versions

  /**
   * Creates a model version in {@code PENDING_REGISTRATION}, with its own storage location. Upload
   * the model there ({@link #uploadModelDirectory}) unless {@code source} already holds it, then
   * {@link #finalizeVersion}. {@link #registerModel} does all three.
   *
   * @param source {@code runs:/<run_id>/<path>} or {@code mlflow-artifacts:/<path>}; anything else
   *     is refused
   * @param runId the run the version comes from; {@code ""} for none
   */
  public ModelVersion createVersion(String fullName, String source, String runId) {
    ObjectNode body = KeelJson.object().put("source", Objects.requireNonNull(source, "source"));
    if (!Objects.requireNonNull(runId, "runId").isEmpty()) {
      body.put("run_id", runId);
    }
    return KeelJson.modelVersion(
        uc("POST", modelPath(fullName) + "/versions", Map.of(), body, false));
  }

  /**
   * A model version, with its aliases.
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if there is none
   */
  public ModelVersion getVersion(String fullName, long version) {
    return KeelJson.modelVersion(
        uc("GET", versionPath(fullName, version), WITH_ALIASES, null, true));
  }

  /**
   * One page of a model's versions, with their aliases.
   *
   * @param maxResults page size; 0 for the server's default
   * @param pageToken {@code ""} for the first page
   */
  public Page<ModelVersion> listVersions(String fullName, int maxResults, String pageToken) {
    Map<String, List<String>> q = new LinkedHashMap<>(paging(maxResults, pageToken));
    q.putAll(WITH_ALIASES);
    JsonNode resp = uc("GET", modelPath(fullName) + "/versions", q, null, true);
    List<ModelVersion> items = new ArrayList<>();
    resp.path("model_versions").forEach(v -> items.add(KeelJson.modelVersion(v)));
    return new Page<>(items, nextToken(resp));
  }

  /** Every version of a model, across all pages (fetched lazily). */
  public Stream<ModelVersion> streamVersions(String fullName) {
    return Pages.stream(token -> listVersions(fullName, 0, token));
  }

  /**
   * Finalizes a pending version: the server checks the model package in its storage location (after
   * copying it from the source if needed). The answer is {@code READY}, or {@code
   * FAILED_REGISTRATION} with the reason in {@link ModelVersion#statusMessage()}; a failed
   * registration is an answer, not an exception.
   */
  public ModelVersion finalizeVersion(String fullName, long version) {
    return KeelJson.modelVersion(
        uc(
            "PATCH",
            versionPath(fullName, version) + "/finalize",
            Map.of(),
            KeelJson.object(),
            true));
  }

  /** Deletes a model version; its number is never reused. */
  public void deleteVersion(String fullName, long version) {
    uc("DELETE", versionPath(fullName, version), Map.of(), null, false);
  }

  /**
   * Uploads a local MLflow model directory (an {@code MLmodel} file and the files it names) to the
   * version's storage location through the artifact proxy, keeping the directory structure.
   *
   * @return the number of files uploaded
   * @throws KeelClientException {@code IO_ERROR} if {@code dir} is not a readable directory, {@code
   *     NOT_IMPLEMENTED} if the storage location is not served through the artifact proxy
   */
  public int uploadModelDirectory(ModelVersion version, Path dir) {
    String root = proxyPath(version.storageLocation());
    if (root.isEmpty()) {
      throw KeelClientException.local(
          KeelClientException.INVALID_RESPONSE,
          "version " + version.version() + " has no storage location");
    }
    return uploadTree(root, "", dir);
  }

  /**
   * Registers a local MLflow model directory as a new version of {@code fullName}: creates the
   * version, uploads the directory to its storage location and finalizes it. The answer is the
   * finalized version: {@code READY}, or {@code FAILED_REGISTRATION} with the reason.
   *
   * @param runId the run the model comes from; {@code ""} for none
   */
  public ModelVersion registerModel(String fullName, Path dir, String runId) {
    if (!Files.isDirectory(dir)) {
      throw KeelClientException.local(KeelClientException.IO_ERROR, dir + " is not a directory");
    }
    RegisteredModel m = getModel(fullName);
    ModelVersion v = createVersion(m.fullName(), m.storageLocation(), runId);
    uploadModelDirectory(v, dir);
    return finalizeVersion(m.fullName(), v.version());
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
   *     source {@link #registerModel(String, ModelInfo)} and {@link #createVersion} accept
   * @throws IllegalArgumentException for an empty or malformed {@code artifactPath}
   * @throws KeelClientException {@code NOT_FOUND} if the run does not exist, {@code IO_ERROR} if
   *     the package cannot be written locally
   */
  public ModelInfo logModel(String runId, String artifactPath, ModelPackage model) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(model, "model");
    if (runId.isBlank()) {
      throw new IllegalArgumentException("runId must not be blank");
    }
    String path = normalizeArtifactPath(artifactPath, false);
    artifactRoot(runId); // an unknown run fails before anything is written
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
      uploadArtifacts(runId, path, dir);
      ModelInfo logged = info.loggedToRun();
      recordLoggedModel(runId, model.historyEntry(logged));
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
  private void recordLoggedModel(String runId, Map<String, Object> entry) {
    List<Object> history = new ArrayList<>();
    Optional<String> previous = getRun(runId).tag(LOGGED_MODELS_TAG);
    if (previous.isPresent()) {
      try {
        JsonNode old = KeelJson.MAPPER.readTree(previous.get());
        if (old == null || !old.isArray()) {
          throw new IOException("not a JSON array");
        }
        history.addAll(KeelJson.MAPPER.convertValue(old, List.class));
      } catch (IOException | IllegalArgumentException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "run {0}: tag {1} is not a JSON array; left unchanged",
            runId,
            LOGGED_MODELS_TAG);
        return;
      }
    }
    history.add(entry);
    try {
      setTag(runId, LOGGED_MODELS_TAG, PyJson.compact(history));
    } catch (KeelClientException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "run {0}: could not record the logged model in tag {1}: {2}",
          runId,
          LOGGED_MODELS_TAG,
          e.getMessage());
    }
  }

  /**
   * Registers a model logged with {@link #logModel} as a new version of {@code fullName}: creates
   * the version with the logged model's {@code runs:/} URI as its source and its run (so the
   * version's lineage names the run), then finalizes it; the server copies the package into the
   * version's storage location and checks it. The answer is {@code READY}, or {@code
   * FAILED_REGISTRATION} with the reason.
   *
   * @throws IllegalArgumentException if {@code logged} was saved locally, not logged to a run
   */
  public ModelVersion registerModel(String fullName, ModelInfo logged) {
    if (logged.runId().isEmpty() || !logged.modelUri().startsWith("runs:/")) {
      throw new IllegalArgumentException(
          "logged model: " + logged.modelUri() + " was not logged to a run; use logModel");
    }
    ModelVersion v = createVersion(fullName, logged.modelUri(), logged.runId());
    return finalizeVersion(v.modelFullName(), v.version());
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

  // =================================================================== aliases

  /**
   * Points {@code alias} at {@code version}, moving it if it pointed elsewhere; every move is
   * recorded ({@link #aliasHistory}).
   *
   * @throws KeelClientException {@code INVALID_ARGUMENT} (400) for a reserved ({@code latest},
   *     {@code v<digits>}) or malformed alias, {@code NOT_FOUND} (404) for an unknown model or
   *     version
   */
  public void setAlias(String fullName, String alias, long version) {
    uc(
        "PUT",
        aliasPath(fullName, alias),
        Map.of(),
        KeelJson.object().put("version_num", version),
        false);
  }

  /**
   * The version an alias points at.
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if the model or alias does not exist
   */
  public ModelVersion getAlias(String fullName, String alias) {
    return KeelJson.modelVersion(uc("GET", aliasPath(fullName, alias), Map.of(), null, true));
  }

  /** Removes an alias (recorded in its history). */
  public void deleteAlias(String fullName, String alias) {
    uc("DELETE", aliasPath(fullName, alias), Map.of(), null, false);
  }

  /** Every set, move and delete of an alias, oldest first (Keel's extension of UC REST). */
  public List<AliasMove> aliasHistory(String fullName, String alias) {
    JsonNode resp = uc("GET", aliasPath(fullName, alias) + "/history", Map.of(), null, true);
    List<AliasMove> out = new ArrayList<>();
    resp.path("history").forEach(h -> out.add(KeelJson.aliasMove(h)));
    return out;
  }

  /**
   * Resolves a model URI, {@code models:/catalog.schema.model/3} or {@code
   * models:/catalog.schema.model@champion}, to its version. Parsing happens here; the lookup is
   * {@link #getVersion} or {@link #getAlias}.
   *
   * @throws IllegalArgumentException if {@code uri} is malformed
   * @throws KeelClientException {@code NOT_FOUND} (404) if the model, version or alias does not
   *     exist
   */
  public ModelVersion resolve(String uri) {
    ModelUri u = ModelUri.parse(uri);
    return u.version().isPresent()
        ? getVersion(u.fullName(), u.version().getAsLong())
        : getAlias(u.fullName(), u.alias().orElseThrow());
  }

  // =================================================================== lineage

  /**
   * One page of a model's versions with their lineage (run, experiment, code version, dataset
   * inputs), in version order as the server lists them.
   *
   * @param maxResults page size; 0 for the server's default (at most 100)
   * @param pageToken {@code ""} for the first page
   * @throws KeelClientException {@code NOT_FOUND} (404) if the model does not exist
   */
  public Page<VersionLineage> modelLineage(String fullName, int maxResults, String pageToken) {
    JsonNode resp =
        uc("GET", modelPath(fullName) + "/lineage", paging(maxResults, pageToken), null, true);
    List<VersionLineage> items = new ArrayList<>();
    resp.path("model_versions").forEach(v -> items.add(KeelJson.versionLineage(v, resp)));
    return new Page<>(items, nextToken(resp));
  }

  /** The lineage of every version of a model, across all pages (fetched lazily). */
  public Stream<VersionLineage> streamModelLineage(String fullName) {
    return Pages.stream(token -> modelLineage(fullName, 0, token));
  }

  /**
   * One version's lineage.
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if the model or version does not exist
   */
  public VersionLineage versionLineage(String fullName, long version) {
    JsonNode resp = uc("GET", versionPath(fullName, version) + "/lineage", Map.of(), null, true);
    return KeelJson.versionLineage(resp, resp);
  }

  /**
   * The model versions created from a run, by model name and version (Keel's extension {@code GET
   * /api/2.1/unity-catalog/lineage/runs/{run_id}}).
   *
   * @throws KeelClientException {@code NOT_FOUND} (404) if the run is unknown and no version names
   *     it
   */
  public List<RunModelVersion> runLineage(String runId) {
    JsonNode resp = uc("GET", "lineage/runs/" + segment(runId, "runId"), Map.of(), null, true);
    List<RunModelVersion> out = new ArrayList<>();
    resp.path("model_versions").forEach(v -> out.add(KeelJson.runModelVersion(v)));
    return out;
  }

  private static final Map<String, List<String>> WITH_ALIASES =
      Map.of("include_aliases", List.of("true"));

  private static String modelPath(String fullName) {
    return "models/" + segment(fullName, "fullName");
  }

  private static String versionPath(String fullName, long version) {
    if (version < 1) {
      throw new IllegalArgumentException("version must be a positive integer, got " + version);
    }
    return modelPath(fullName) + "/versions/" + version;
  }

  private static String aliasPath(String fullName, String alias) {
    return modelPath(fullName) + "/aliases/" + segment(alias, "alias");
  }

  private static String[] threeParts(String fullName) {
    Objects.requireNonNull(fullName, "fullName");
    String[] p = fullName.split("\\.", -1);
    if (p.length != 3 || java.util.Arrays.stream(p).anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(
          "invalid model name '" + fullName + "': expected catalog.schema.model");
    }
    return p;
  }

  // =================================================================== artifacts

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
    put(runId, artifactPath, BodyPublishers.ofInputStream(() -> new NonClosing(content)), false);
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
    return uploadTree(artifactRoot(runId), normalizeArtifactPath(artifactDir, true), localDir);
  }

  /** Uploads every file under {@code localDir} to {@code root/dir} in the proxy's namespace. */
  private int uploadTree(String root, String dir, Path localDir) {
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
      String full = joinPath(root, joinPath(dir, normalizeArtifactPath(rel, false)));
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
    HttpRequest req = request(artifactUri(runId, artifactPath)).GET().build();
    HttpResponse<InputStream> resp = send(req, BodyHandlers.ofInputStream(), true, true);
    if (resp.statusCode() / 100 != 2) {
      byte[] error;
      try (InputStream in = resp.body()) {
        error = in.readNBytes(MAX_ERROR_BODY);
      } catch (IOException e) {
        error = new byte[0];
      }
      ensureOk(req, resp.statusCode(), error);
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
      String rel = relativeTo(artifactDir, f.path());
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
    String dir = normalizeArtifactPath(artifactDir, true);
    String full = joinPath(artifactRoot(runId), dir);
    JsonNode resp = call(request(uri(ARTIFACTS, query("path", full))).GET(), true, true);
    List<FileInfo> out = new ArrayList<>();
    for (JsonNode n : resp.path("files")) {
      FileInfo f = KeelJson.fileInfo(n);
      String name = f.path();
      int slash = name.lastIndexOf('/');
      if (slash >= 0) {
        name = name.substring(slash + 1); // MLflow answers basenames; be lenient with full paths
      }
      out.add(new FileInfo(joinPath(dir, name), f.isDir(), f.fileSize()));
    }
    return out;
  }

  /** Deletes the artifact file or directory at {@code artifactPath}. */
  public void deleteArtifact(String runId, String artifactPath) {
    if (normalizeArtifactPath(artifactPath, true).isEmpty()) {
      throw new IllegalArgumentException("refusing to delete a run's whole artifact root");
    }
    call(request(artifactUri(runId, artifactPath)).DELETE(), true, true);
  }

  // =================================================================== artifact paths

  private void put(String runId, String artifactPath, BodyPublisher body, boolean repeatable) {
    HttpRequest.Builder b =
        request(artifactUri(runId, artifactPath))
            .header("Content-Type", "application/octet-stream")
            .PUT(body);
    call(b, true, repeatable);
  }

  /** PUT to a path relative to the artifact proxy's root. */
  private void putFull(String fullPath, BodyPublisher body, boolean repeatable) {
    HttpRequest.Builder b =
        request(uri(ARTIFACTS + "/" + encodePath(fullPath), Map.of()))
            .header("Content-Type", "application/octet-stream")
            .PUT(body);
    call(b, true, repeatable);
  }

  private URI artifactUri(String runId, String artifactPath) {
    String rel = normalizeArtifactPath(artifactPath, false);
    String full = joinPath(artifactRoot(runId), rel);
    return uri(ARTIFACTS + "/" + encodePath(full), Map.of());
  }

  /** The run's artifact root below the proxy, e.g. {@code 1/<run>/artifacts}. */
  private String artifactRoot(String runId) {
    Objects.requireNonNull(runId, "runId");
    String root = artifactRoots.get(runId);
    if (root == null) {
      root = proxyPath(getRun(runId).info().artifactUri());
    }
    return root;
  }

  private Run remember(Run run) {
    if (run.info().artifactUri().startsWith(ARTIFACT_SCHEME)) {
      if (artifactRoots.size() >= MAX_CACHED_ROOTS) {
        artifactRoots.clear();
      }
      artifactRoots.put(run.runId(), proxyPath(run.info().artifactUri()));
    }
    return run;
  }

  /** {@code mlflow-artifacts:/1/r/artifacts} (or {@code mlflow-artifacts://host/...}) → path. */
  static String proxyPath(String artifactUri) {
    if (!artifactUri.startsWith(ARTIFACT_SCHEME)) {
      throw KeelClientException.local(
          "NOT_IMPLEMENTED",
          "artifact URI '"
              + artifactUri
              + "' is not served through the artifact proxy; only mlflow-artifacts: URIs are"
              + " supported");
    }
    String rest = artifactUri.substring(ARTIFACT_SCHEME.length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash);
    }
    return stripSlashes(rest);
  }

  /**
   * Checks and normalizes an artifact path: forward slashes, no leading or trailing slash, no
   * empty, {@code .} or {@code ..} segments.
   */
  static String normalizeArtifactPath(String path, boolean allowEmpty) {
    Objects.requireNonNull(path, "artifactPath");
    String p = stripSlashes(path);
    if (p.isEmpty()) {
      if (allowEmpty) {
        return "";
      }
      throw new IllegalArgumentException("artifact path must not be empty");
    }
    for (String seg : p.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || seg.contains("\\")) {
        throw new IllegalArgumentException(
            "invalid artifact path '" + path + "': use relative paths without '.', '..' or '\\'");
      }
    }
    return p;
  }

  private static String stripSlashes(String p) {
    int start = 0;
    int end = p.length();
    while (start < end && p.charAt(start) == '/') {
      start++;
    }
    while (end > start && p.charAt(end - 1) == '/') {
      end--;
    }
    return p.substring(start, end);
  }

  private static String joinPath(String a, String b) {
    String x = stripSlashes(a);
    String y = stripSlashes(b);
    if (x.isEmpty()) {
      return y;
    }
    return y.isEmpty() ? x : x + "/" + y;
  }

  private static String relativeTo(String dir, String path) {
    String d = stripSlashes(dir);
    return d.isEmpty() ? path : path.substring(Math.min(path.length(), d.length() + 1));
  }

  /** Percent-encodes each segment of a slash-separated path (RFC 3986 unreserved kept). */
  static String encodePath(String path) {
    return java.util.Arrays.stream(path.split("/", -1))
        .map(KeelClient::encode)
        .collect(Collectors.joining("/"));
  }

  static String encode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  // =================================================================== transport

  private JsonNode get(String rpc, Map<String, List<String>> query) {
    return call(request(uri(API + rpc, query)).GET().timeout(requestTimeout), true, true);
  }

  private JsonNode post(String rpc, JsonNode body, boolean idempotent) {
    byte[] json = KeelJson.write(body, false).getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b =
        request(uri(API + rpc, Map.of()))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofByteArray(json))
            .timeout(requestTimeout);
    return call(b, idempotent, true);
  }

  /** A Unity Catalog call: {@code body} is sent as JSON when not null. */
  private JsonNode uc(
      String method,
      String path,
      Map<String, List<String>> query,
      JsonNode body,
      boolean idempotent) {
    HttpRequest.Builder b = request(uri(UC + path, query)).timeout(requestTimeout);
    if (body == null) {
      b.method(method, BodyPublishers.noBody());
    } else {
      byte[] json = KeelJson.write(body, false).getBytes(StandardCharsets.UTF_8);
      b.header("Content-Type", "application/json").method(method, BodyPublishers.ofByteArray(json));
    }
    return call(b, idempotent, true);
  }

  /** Sends a request and parses its JSON answer ({@code {}} when the body is empty). */
  JsonNode call(HttpRequest.Builder b, boolean idempotent, boolean repeatable) {
    HttpRequest req = b.build();
    HttpResponse<byte[]> resp = send(req, BodyHandlers.ofByteArray(), idempotent, repeatable);
    ensureOk(req, resp.statusCode(), resp.body());
    byte[] body = resp.body();
    if (body.length == 0) {
      return KeelJson.object();
    }
    try {
      JsonNode n = KeelJson.MAPPER.readTree(body);
      return n == null ? KeelJson.object() : n;
    } catch (IOException e) {
      throw KeelClientException.local(
          KeelClientException.INVALID_RESPONSE,
          req.method()
              + " "
              + req.uri().getPath()
              + " answered "
              + resp.statusCode()
              + " with a body that is not JSON",
          e);
    }
  }

  HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .header("Accept", "application/json")
            .header("User-Agent", "keel-client-java");
    authorization.ifPresent(a -> b.header("Authorization", a));
    return b;
  }

  <T> HttpResponse<T> send(
      HttpRequest req, BodyHandler<T> handler, boolean idempotent, boolean repeatable) {
    for (int attempt = 1; ; attempt++) {
      boolean more = repeatable && attempt < maxAttempts;
      HttpResponse<T> resp;
      try {
        resp = http.send(req, handler);
      } catch (ConnectException | HttpConnectTimeoutException e) {
        // The connection was never opened: nothing was sent, so any call may be repeated.
        if (more) {
          sleep(attempt, Optional.empty());
          continue;
        }
        throw KeelClientException.local(
            KeelClientException.CONNECTION_FAILED,
            "cannot connect to " + baseUrl + ": " + describe(e),
            e);
      } catch (IOException e) {
        if (more && idempotent) {
          sleep(attempt, Optional.empty());
          continue;
        }
        throw KeelClientException.local(
            KeelClientException.CONNECTION_FAILED,
            req.method() + " " + req.uri().getPath() + " failed: " + describe(e),
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw KeelClientException.local(
            KeelClientException.INTERRUPTED, "interrupted while waiting for " + baseUrl, e);
      }
      int status = resp.statusCode();
      boolean retriable = status == 429 || status == 502 || status == 503 || status == 504;
      if (retriable && idempotent && more) {
        discard(resp.body());
        sleep(attempt, resp.headers().firstValue("Retry-After"));
        continue;
      }
      return resp;
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static void discard(Object body) {
    if (body instanceof InputStream in) {
      try {
        in.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }

  private void sleep(int attempt, Optional<String> retryAfter) {
    long millis = backoff.toMillis() << Math.min(attempt - 1, 16);
    if (retryAfter.isPresent()) {
      try {
        millis = Math.max(millis, Long.parseLong(retryAfter.get().trim()) * 1000);
      } catch (NumberFormatException e) {
        // an HTTP date: keep the computed backoff
      }
    }
    try {
      Thread.sleep(Math.min(millis, MAX_BACKOFF.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw KeelClientException.local(
          KeelClientException.INTERRUPTED, "interrupted while waiting to retry", e);
    }
  }

  /** Throws the server's error for a non-2xx answer. */
  static void ensureOk(HttpRequest req, int status, byte[] body) {
    if (status / 100 == 2) {
      return;
    }
    String code = defaultCode(status);
    String message = "";
    try {
      JsonNode n = KeelJson.MAPPER.readTree(body);
      if (n != null && n.isObject()) {
        code = Optional.of(KeelJson.text(n, "error_code")).filter(s -> !s.isEmpty()).orElse(code);
        message = KeelJson.text(n, "message");
      }
    } catch (IOException e) {
      // not JSON: fall back to the status
    }
    if (message.isEmpty()) {
      String text =
          new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8)
              .replaceAll("\\s+", " ")
              .trim();
      message =
          "HTTP "
              + status
              + " for "
              + req.method()
              + " "
              + req.uri().getPath()
              + (text.isEmpty() || text.startsWith("<") ? "" : ": " + text);
    }
    throw new KeelClientException(code, status, message);
  }

  private static String defaultCode(int status) {
    return switch (status) {
      case 400 -> "BAD_REQUEST";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "ENDPOINT_NOT_FOUND";
      case 405 -> "METHOD_NOT_ALLOWED";
      case 409 -> "RESOURCE_CONFLICT";
      case 413 -> "REQUEST_TOO_LARGE";
      case 429 -> "REQUEST_LIMIT_EXCEEDED";
      case 501 -> "NOT_IMPLEMENTED";
      case 502, 503, 504 -> "TEMPORARILY_UNAVAILABLE";
      default -> status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
    };
  }

  URI uri(String path, Map<String, List<String>> query) {
    StringBuilder sb = new StringBuilder(baseUrl).append(path);
    char sep = '?';
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      for (String v : e.getValue()) {
        sb.append(sep).append(encode(e.getKey())).append('=').append(encode(v));
        sep = '&';
      }
    }
    try {
      return new URI(sb.toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid request URI " + sb, e);
    }
  }

  private static Map<String, List<String>> query(String key, String value) {
    Objects.requireNonNull(value, key);
    return Map.of(key, List.of(value));
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = KeelJson.array();
    values.forEach(a::add);
    return a;
  }

  private static Optional<String> nextToken(JsonNode resp) {
    return Optional.of(KeelJson.text(resp, "next_page_token")).filter(s -> !s.isEmpty());
  }

  private static String normalizeBaseUrl(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String u = baseUrl.trim();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    URI parsed;
    try {
      parsed = new URI(u);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid server URL '" + baseUrl + "'", e);
    }
    String scheme = parsed.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || parsed.getHost() == null
        || parsed.getQuery() != null
        || parsed.getFragment() != null) {
      throw new IllegalArgumentException(
          "invalid server URL '" + baseUrl + "': expected http(s)://host[:port][/prefix]");
    }
    return u;
  }

  /** Keeps HttpClient from closing a caller's stream. */
  private static final class NonClosing extends InputStream {
    private final InputStream in;

    NonClosing(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in.read(b, off, len);
    }

    @Override
    public void close() {}
  }

  @Override
  public String toString() {
    return "KeelClient[" + baseUrl + "]";
  }
}
