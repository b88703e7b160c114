package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.keel.mlmodel.ModelPackage;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A typed client for Keel's APIs: a facade over one client per capability, all sharing this
 * client's HTTP connection pool, authentication, timeouts and retries.
 *
 * <ul>
 *   <li>{@link #tracking()}: experiments, runs, metrics, params, tags, artifacts and logged models
 *       (MLflow REST and the artifact proxy; {@link TrackingClient});
 *   <li>{@link #catalogs()}: catalogs and schemas (Unity Catalog REST; {@link CatalogClient});
 *   <li>{@link #registry()}: registered models, versions, aliases and lineage ({@link
 *       RegistryClient});
 *   <li>{@link #tables()}, {@link #endpoints()}, {@link #features()}: tables, serving endpoints and
 *       the feature store;
 *   <li>{@link #monitors()}, {@link #alerts()}: data and model quality monitors and their alerts.
 * </ul>
 *
 * <pre>{@code
 * try (KeelClient keel = new KeelClient("http://127.0.0.1:8080")) {
 *   String exp = keel.tracking().createExperiment("fraud");
 *   Run run = keel.tracking().createRun(NewRun.in(exp).withName("baseline"));
 *   keel.tracking().logMetric(run.runId(), "auc", 0.91);
 *   ModelInfo info =
 *       keel.tracking().logModel(run.runId(), "model", ModelPackage.onnx(Path.of("model.onnx")));
 *   keel.tracking().endRun(run.runId(), RunStatus.FINISHED);
 *   ModelVersion v = keel.registry().registerModel("main.default.fraud", info);
 *   keel.registry().setAlias("main.default.fraud", "champion", v.version());
 * }
 * }</pre>
 *
 * <p>Models are logged as {@link ModelPackage}s of keel-mlmodel ({@link XGBoostModels} and {@link
 * TribuoModels} adapt boosters and Tribuo models).
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
 * <p><b>Threads.</b> Instances are immutable (apart from a cache of run artifact roots) and
 * thread-safe; share one per server. The capability clients are cheap views over it. {@link
 * #close()} releases the underlying {@link HttpClient}.
 */
public final class KeelClient implements AutoCloseable {
  /** The URL of a local server started with default settings. */
  public static final String DEFAULT_URL = "http://127.0.0.1:8080";

  static final String API = "/api/2.0/mlflow/";

  static final String UC = "/api/2.1/unity-catalog/";

  static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

  static final String ARTIFACT_SCHEME = "mlflow-artifacts:";

  static final int MAX_ERROR_BODY = 64 * 1024;

  static final int MAX_CACHED_ROOTS = 10_000;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  static final System.Logger LOG = System.getLogger(KeelClient.class.getName());

  private final String baseUrl;

  private final Optional<String> authorization;

  final Duration requestTimeout;

  private final int maxAttempts;

  private final Duration backoff;

  private final HttpClient http;

  final ConcurrentMap<String, String> artifactRoots = new ConcurrentHashMap<>();

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
        LazyTls.configure(
                HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(b.connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER),
                baseUrl)
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

  /**
   * Experiment tracking: experiments, runs, metrics, params, tags, artifacts and logged models
   * ({@link TrackingClient}).
   */
  public TrackingClient tracking() {
    return new TrackingClient(this);
  }

  /** Users, groups, service principals and tokens issued by administrators. */
  public IdentitiesClient identities() {
    return new IdentitiesClient(this);
  }

  /** The caller's personal access tokens and identity ({@link TokensClient}). */
  public TokensClient tokens() {
    return new TokensClient(this);
  }

  /**
   * A client configured as the CLI is: {@code KEEL_URL} / {@code KEEL_TOKEN}, else the profile
   * {@code KEEL_PROFILE} (or {@code DEFAULT}) of {@code ~/.keel/config} (see {@link ClientConfig}).
   */
  public static KeelClient fromEnvironment() {
    return ClientConfig.fromEnvironment().client();
  }

  /** Catalogs and schemas ({@link CatalogClient}). */
  public CatalogClient catalogs() {
    return new CatalogClient(this);
  }

  /**
   * The model registry: registered models, versions, aliases and lineage ({@link RegistryClient}).
   */
  public RegistryClient registry() {
    return new RegistryClient(this);
  }

  /** Tables in the catalog: create, write, read, time travel ({@link TablesClient}). */
  public TablesClient tables() {
    return new TablesClient(this);
  }

  /** Model serving endpoints: create, update, query ({@link EndpointsClient}). */
  public EndpointsClient endpoints() {
    return new EndpointsClient(this);
  }

  /** The lineage graph of tables, models, runs and endpoints ({@link LineageClient}). */
  public LineageClient lineage() {
    return new LineageClient(this);
  }

  /** Feature tables, training sets, publishing and online lookups ({@link FeatureStoreClient}). */
  public FeatureStoreClient features() {
    return new FeatureStoreClient(this);
  }

  /** Task values of running jobs ({@link JobsClient}). */
  public JobsClient jobs() {
    return new JobsClient(this);
  }

  /** Data and model quality monitors on tables and their refreshes ({@link MonitorsClient}). */
  public MonitorsClient monitors() {
    return new MonitorsClient(this);
  }

  /** Alerts over monitor metrics, their webhooks, job runs and firings ({@link AlertsClient}). */
  public AlertsClient alerts() {
    return new AlertsClient(this);
  }

  /** The server's audit log, for administrators ({@link AuditClient}). */
  public AuditClient audit() {
    return new AuditClient(this);
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

  /** The server's version ({@code GET /version}). */
  public String serverVersion() {
    HttpRequest req = request(uri("/version", Map.of())).GET().timeout(requestTimeout).build();
    HttpResponse<byte[]> resp = send(req, BodyHandlers.ofByteArray(), true, true);
    ensureOk(req, resp.statusCode(), resp.body());
    return new String(resp.body(), StandardCharsets.UTF_8).trim();
  }

  static Map<String, List<String>> paging(int maxResults, String pageToken) {
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

  static Map<String, List<String>> forceQuery(boolean force) {
    return force ? Map.of("force", List.of("true")) : Map.of();
  }

  /** A name as one encoded path segment; names that could never address an object are refused. */
  static String segment(String name, String field) {
    Objects.requireNonNull(name, field);
    if (name.isBlank() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(field + " must not be empty, '.' or '..'");
    }
    return encode(name);
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

  JsonNode get(String rpc, Map<String, List<String>> query) {
    return call(request(uri(API + rpc, query)).GET().timeout(requestTimeout), true, true);
  }

  JsonNode post(String rpc, JsonNode body, boolean idempotent) {
    byte[] json = KeelJson.write(body, false).getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b =
        request(uri(API + rpc, Map.of()))
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofByteArray(json))
            .timeout(requestTimeout);
    return call(b, idempotent, true);
  }

  /** A call to {@code path} (from the server root): {@code body} is sent as JSON when not null. */
  JsonNode at(
      String method,
      String path,
      Map<String, List<String>> query,
      JsonNode body,
      boolean idempotent) {
    HttpRequest.Builder b = request(uri(path, query)).timeout(requestTimeout);
    if (body == null) {
      b.method(method, BodyPublishers.noBody());
    } else {
      byte[] json = KeelJson.write(body, false).getBytes(StandardCharsets.UTF_8);
      b.header("Content-Type", "application/json").method(method, BodyPublishers.ofByteArray(json));
    }
    return call(b, idempotent, true);
  }

  /** A Unity Catalog call: {@code body} is sent as JSON when not null. */
  JsonNode uc(
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

  static Map<String, List<String>> query(String key, String value) {
    Objects.requireNonNull(value, key);
    return Map.of(key, List.of(value));
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode a = KeelJson.array();
    values.forEach(a::add);
    return a;
  }

  static Optional<String> nextToken(JsonNode resp) {
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
  static final class NonClosing extends InputStream {
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
