package dev.keel.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.store.TestDatabases;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 3: a server is killed with SIGKILL while MLflow's model-version create copies a
 * large model (a 1.5 GiB sparse file) into the version's storage. After a restart on the same data
 * (SQLite, and PostgreSQL when {@code KEEL_TEST_POSTGRES_URL} is set) the interrupted registration
 * is taken over and run again from the intact source: the version ends READY with every file whole,
 * never stays PENDING_REGISTRATION, and no half-copied file is left in storage.
 */
class InterruptedRegistrationIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BIG = 3L << 29; // 1.5 GiB
  private static final String MLMODEL =
      """
      artifact_path: model
      flavors:
        python_function:
          loader_module: mlflow.sklearn
          model_path: model.pkl
        sklearn:
          pickled_model: model.pkl
          serialization_format: cloudpickle
      mlflow_version: 2.17.2
      """;

  @TempDir Path dataDir;
  @TempDir Path logDir;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private Process process;
  private String url;
  private int starts;

  @AfterEach
  void stopServer() throws Exception {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void on_sqlite_an_interrupted_registration_is_resumed_after_kill_9() throws Exception {
    killDuringCopyThenRestart(Optional.empty());
  }

  @Test
  void on_postgresql_an_interrupted_registration_is_resumed_after_kill_9() throws Exception {
    Assumptions.assumeTrue(
        TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    killDuringCopyThenRestart(Optional.of(TestDatabases.freshPostgresSchemaUrl()));
  }

  private void killDuringCopyThenRestart(Optional<String> dbUrl) throws Exception {
    start(dbUrl);
    String exp =
        post("/api/2.0/mlflow/experiments/create", "{\"name\":\"big\"}")
            .path("experiment_id")
            .asText();
    JsonNode run = post("/api/2.0/mlflow/runs/create", "{\"experiment_id\":\"" + exp + "\"}");
    String runId = run.at("/run/info/run_id").asText();
    String root =
        run.at("/run/info/artifact_uri").asText().substring("mlflow-artifacts:/".length());
    Path model = dataDir.resolve("artifacts").resolve(root).resolve("model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("MLmodel"), MLMODEL);
    try (RandomAccessFile f = new RandomAccessFile(model.resolve("model.pkl").toFile(), "rw")) {
      f.setLength(BIG); // sparse: cheap to make, slow to copy
      f.seek(BIG - 4);
      f.write(new byte[] {1, 2, 3, 4});
    }
    post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"main.default.big\"}");

    // MLflow's create copies the model in the request; kill the server while it does.
    var pending =
        http.sendAsync(
            request("/api/2.0/mlflow/model-versions/create")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"main.default.big\",\"source\":\"runs:/" + runId + "/model\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Path tmp = dataDir.resolve("artifacts").resolve(".keel-tmp");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (largestFile(tmp) < (8 << 20)) {
      assertThat(System.nanoTime()).as("the copy started").isLessThan(deadline);
      assertThat(pending.isDone()).as("the create answered before the kill").isFalse();
      Thread.sleep(5);
    }
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    process = null;
    Path storage = dataDir.resolve("artifacts/models/main/default/big/1");
    assertThat(Files.exists(storage.resolve("model.pkl")))
        .as("killed before the big file was copied")
        .isFalse();

    start(dbUrl);
    JsonNode v = awaitFinal("main.default.big", 1, Duration.ofSeconds(120));
    assertThat(v.path("status").asText()).as(v.toString()).isEqualTo("READY");
    assertThat(Files.size(storage.resolve("model.pkl"))).isEqualTo(BIG);
    assertThat(Files.readString(storage.resolve("MLmodel"))).isEqualTo(MLMODEL);
    try (RandomAccessFile f = new RandomAccessFile(storage.resolve("model.pkl").toFile(), "r")) {
      f.seek(BIG - 4);
      byte[] tail = new byte[4];
      f.readFully(tail);
      assertThat(tail).containsExactly(1, 2, 3, 4);
    }
    try (Stream<Path> files = Files.list(storage)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("MLmodel", "model.pkl");
    }
    // The killed copy's temporary file sits in the store's hidden folder (reclaimed when stale),
    // never in the version's storage: the listing shows exactly the two whole files.
    JsonNode listed = get("/api/2.0/mlflow-artifacts/artifacts?path=models/main/default/big/1");
    assertThat(listed.path("files").findValuesAsText("path"))
        .containsExactly("MLmodel", "model.pkl");
    assertThat(listed.path("files").findValues("file_size").get(1).asLong()).isEqualTo(BIG);

    // Finalizing it again (UC's finalize) answers the registered version.
    HttpResponse<String> f =
        http.send(
            request("/api/2.1/unity-catalog/models/main.default.big/versions/1/finalize")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(JSON.readTree(f.body()).path("status").asText()).isEqualTo("READY");
  }

  private JsonNode awaitFinal(String name, long version, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    JsonNode v;
    do {
      v =
          get("/api/2.0/mlflow/model-versions/get?name=" + name + "&version=" + version)
              .path("model_version");
      if (!v.path("status").asText().equals("PENDING_REGISTRATION")) {
        return v;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("still PENDING_REGISTRATION after " + max + ": " + v);
  }

  private static long largestFile(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long max = 0;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        try {
          max = Math.max(max, Files.size(p));
        } catch (IOException e) {
          // renamed away meanwhile
        }
      }
    }
    return max;
  }

  // ------------------------------------------------------------------ server process and HTTP

  private void start(Optional<String> dbUrl) throws Exception {
    starts++;
    ServerProcess server =
        ServerProcess.start(dataDir, dbUrl, logDir.resolve("server-" + starts + ".log"));
    process = server.process();
    url = server.url();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json");
  }

  private JsonNode post(String path, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
