package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.client.KeelClient;
import dev.keel.client.ModelVersion;
import dev.keel.client.ModelVersionStatus;
import dev.keel.core.KeelException;
import dev.keel.serving.LoadedModel;
import dev.keel.serving.ModelLoader;
import dev.keel.serving.ScoringLimits;
import dev.keel.serving.http.ScoringServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code keel serve models:/catalog.schema.model@alias}: a standalone scoring server for one
 * registered model version, like {@code mlflow models serve}. Resolves the URI through the Keel
 * server, downloads the version's files through the artifact API, loads the model ({@code onnx} or
 * {@code xgboost}; never pickles), and serves {@code /invocations}, {@code /ping}, {@code /health}
 * and {@code /version} until SIGTERM / SIGINT (or an interrupt, in-process), draining requests in
 * flight before it exits 0.
 */
@Command(
    name = "serve",
    description = {
      "Serve a registered model: POST /invocations (MLflow scoring formats), /ping, /health,"
          + " /version.",
      "MODEL_URI is models:/catalog.schema.model@alias or models:/catalog.schema.model/VERSION."
    },
    mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
  private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
  private static final String ARTIFACT_SCHEME = "mlflow-artifacts:";
  private static final int MAX_FILES = 10_000;
  private static final int MAX_DEPTH = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "MODEL_URI", description = "The model to serve.")
  String modelUri;

  @Option(names = "--port", paramLabel = "N", description = "Port; 0 picks a free one (5001).")
  int port = 5001;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (127.0.0.1).")
  String host = "127.0.0.1";

  @Option(
      names = {"--server", "--url"},
      paramLabel = "URL",
      description = "Keel server URL (default: $KEEL_URL, else " + KeelClient.DEFAULT_URL + ").")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token to send (default: $KEEL_TOKEN).")
  String token;

  @Option(
      names = "--model-dir",
      paramLabel = "DIR",
      description =
          "Where to download the model (default: a folder under ~/.cache/keel/serve, deleted on"
              + " exit; folders of killed processes are removed at the next start).")
  Path modelDir;

  @Option(
      names = "--max-rows",
      paramLabel = "N",
      description = "Most rows in one request (100000).")
  int maxRows = ScoringLimits.DEFAULT.maxRows();

  @Option(
      names = "--max-body-bytes",
      paramLabel = "N",
      description = "Largest request body in bytes (8388608).")
  long maxBodyBytes = ScoringServer.Options.DEFAULT_MAX_BODY_BYTES;

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String url = firstNonBlank(server, main.env().get("KEEL_URL"), KeelClient.DEFAULT_URL);
    String bearer = firstNonBlank(token, main.env().get("KEEL_TOKEN"), "");
    ScoringServer.Options options =
        new ScoringServer.Options(
            host,
            port,
            maxBodyBytes,
            new ScoringLimits(
                maxRows, ScoringLimits.DEFAULT.maxDepth(), ScoringLimits.DEFAULT.maxValues()),
            Duration.ofSeconds(30));

    ModelVersion version;
    try (KeelClient client = KeelClient.builder(url).bearerToken(bearer).build()) {
      version = client.registry().resolve(modelUri);
    }
    if (version.status() != ModelVersionStatus.READY) {
      throw KeelException.invalid(
          modelUri
              + " resolves to version "
              + version.version()
              + ", which is "
              + version.status());
    }
    boolean temporary = modelDir == null;
    Path dir = temporary ? ServeScratch.create(ServeScratch.root(main.env())) : modelDir;
    try {
      int files = download(url, bearer, proxyPath(version.storageLocation()), dir);
      err.println(
          "Downloaded "
              + files
              + " files of "
              + version.catalogName()
              + "."
              + version.schemaName()
              + "."
              + version.modelName()
              + " version "
              + version.version()
              + " to "
              + dir);
      err.flush();
      try (LoadedModel model = new ModelLoader().load(dir)) {
        ScoringServer scoring =
            ScoringServer.start(
                model, new ScoringServer.ServedModel(modelUri, version.version()), options);
        Thread hook = new Thread(scoring::close, "keel-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<Signal, SignalHandler> previous =
            GracefulStop.install(scoring::close, "Stopping (finishing requests in flight)...", err);
        out.println(
            "Serving "
                + modelUri
                + " (version "
                + version.version()
                + ", "
                + model.flavor()
                + ") at "
                + scoring.url());
        out.flush();
        try {
          scoring.awaitStop();
        } catch (InterruptedException e) {
          scoring.close(); // in-process callers stop the command by interrupting it
        }
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down: the hook closed the server
        }
        previous.forEach(Signal::handle); // in-process callers get their handlers back
      }
      out.println("Stopped serving " + modelUri + ".");
      out.flush();
      return 0;
    } finally {
      if (temporary) {
        deleteTree(dir);
      }
    }
  }

  /** {@code mlflow-artifacts:/models/...} (or {@code mlflow-artifacts://host/...}) → path. */
  static String proxyPath(String storageLocation) {
    if (!storageLocation.startsWith(ARTIFACT_SCHEME)) {
      throw KeelException.invalid(
          "The version's storage location '"
              + storageLocation
              + "' is not served through Keel's artifact API (mlflow-artifacts:)");
    }
    String rest = storageLocation.substring(ARTIFACT_SCHEME.length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash);
    }
    while (rest.startsWith("/")) {
      rest = rest.substring(1);
    }
    while (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    if (rest.isEmpty()) {
      throw KeelException.invalid("The version has an empty storage location");
    }
    return rest;
  }

  /** Downloads the artifact directory {@code remote} into {@code local}; the file count. */
  static int download(String baseUrl, String bearer, String remote, Path local) throws IOException {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    try {
      Path root = local.toAbsolutePath().normalize();
      Files.createDirectories(root);
      int[] count = {0};
      downloadDir(http, stripSlash(baseUrl), bearer, remote, root, root, 0, count);
      if (count[0] == 0) {
        throw KeelException.invalid("The version's storage location holds no files");
      }
      return count[0];
    } finally {
      http.close();
    }
  }

  private static void downloadDir(
      HttpClient http,
      String base,
      String bearer,
      String remote,
      Path root,
      Path local,
      int depth,
      int[] count)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw KeelException.invalid("The model directory is nested more than " + MAX_DEPTH + " deep");
    }
    JsonNode listing =
        JSON.readTree(
            send(
                http,
                bearer,
                base + ARTIFACTS + "?path=" + URLEncoder.encode(remote, StandardCharsets.UTF_8)));
    for (JsonNode f : listing.path("files")) {
      String name = f.path("path").asText("");
      if (name.isEmpty()
          || name.equals(".")
          || name.equals("..")
          || name.contains("/")
          || name.contains("\\")
          || name.indexOf('\0') >= 0) {
        throw KeelException.invalid("The server listed an unsafe file name '" + name + "'");
      }
      Path target = local.resolve(name).normalize();
      if (!target.startsWith(root) || target.equals(local)) {
        throw KeelException.invalid("The server listed a file outside the model directory");
      }
      String child = remote + "/" + name;
      if (f.path("is_dir").asBoolean(false)) {
        Files.createDirectories(target);
        downloadDir(http, base, bearer, child, root, target, depth + 1, count);
        continue;
      }
      if (++count[0] > MAX_FILES) {
        throw KeelException.invalid("The model has more than " + MAX_FILES + " files");
      }
      StringBuilder encoded = new StringBuilder();
      for (String segment : child.split("/")) {
        encoded
            .append('/')
            .append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
      }
      try (InputStream in = sendStream(http, bearer, base + ARTIFACTS + encoded)) {
        Path part = Files.createTempFile(local, ".download-", ".part");
        try {
          Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
          Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(part);
        }
      }
    }
  }

  private static byte[] send(HttpClient http, String bearer, String url) throws IOException {
    try (InputStream in = sendStream(http, bearer, url)) {
      return in.readAllBytes();
    }
  }

  private static InputStream sendStream(HttpClient http, String bearer, String url)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).GET();
    if (!bearer.isEmpty()) {
      b.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<InputStream> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while downloading the model", e);
    }
    if (r.statusCode() != 200) {
      String body;
      try (InputStream in = r.body()) {
        body = new String(in.readNBytes(2000), StandardCharsets.UTF_8);
      }
      throw KeelException.invalid(
          "Downloading the model failed: HTTP " + r.statusCode() + " " + body.strip());
    }
    return r.body();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return "";
  }
}
