package dev.keel.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.store.TestDatabases;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Nothing acknowledged is lost on kill -9": a Keel server runs as a child process on an embedded
 * (SQLite) data directory while client threads log batches and upload artifacts; the process is
 * killed with SIGKILL mid-load, restarted on the same directory, and every acknowledged write is
 * checked against a client-side ledger. Writes whose answer never came must be all or nothing.
 * Twice in a row, on the embedded SQLite store and on PostgreSQL (a fresh schema; skipped when
 * {@code KEEL_TEST_POSTGRES_URL} is unset).
 */
class KillNineDurabilityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BASE_TS = 1_700_000_000_000L;
  private static final int POINTS_PER_BATCH = 100;
  private static final int KEYS = 10;
  private static final int WRITER_THREADS = 4;
  private static final Duration LOAD = Duration.ofSeconds(2);

  @TempDir Path dataDir;
  @TempDir Path logDir;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private ServerProcess server;
  private int starts;
  private String dbUrl; // empty: SQLite in the data dir

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.process().destroy();
      if (!server.process().waitFor(20, TimeUnit.SECONDS)) {
        server.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  // ------------------------------------------------------------------ the test

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  void acknowledged_writes_survive_kill_9_and_unacknowledged_ones_are_all_or_nothing(String db)
      throws Exception {
    if (db.equals("postgresql")) {
      assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
      dbUrl = TestDatabases.freshPostgresSchemaUrl();
    } else {
      dbUrl = "";
    }
    Ledger ledger = new Ledger();
    server = startServer();
    String exp = createExperiment("durability");
    ledger.experiments.put(exp, "durability");

    // Cycle 1: two fresh runs, four writers (two per run), one artifact writer; kill -9.
    List<String> cycle1Runs = List.of(createRun(exp, ledger), createRun(exp, ledger));
    LoadResult first = runLoadAndKill(1, cycle1Runs, exp, ledger);
    assertThat(first.exitCode).as("killed by SIGKILL (128 + 9)").isEqualTo(137);

    server = startServer();
    verify(ledger);

    // Cycle 2: old runs keep receiving writes next to new ones; kill -9 again.
    List<String> cycle2Runs = List.of(createRun(exp, ledger), cycle1Runs.get(1));
    LoadResult second = runLoadAndKill(2, cycle2Runs, exp, ledger);
    assertThat(second.exitCode).isEqualTo(137);

    server = startServer();
    verify(ledger);

    // Sanity: the load really ran, and requests were cut off by the kills.
    assertThat(ledger.ackedBatches()).as("acknowledged batches").isGreaterThan(20);
    assertThat(ledger.artifacts).as("acknowledged artifacts").isNotEmpty();
    assertThat(first.failedRequests + second.failedRequests).isGreaterThanOrEqualTo(2);
    System.out.printf(
        "kill -9 durability (%s): %d batches acknowledged, %d cut off (%d in flight, %d of them"
            + " committed whole), %d artifacts%n",
        db,
        ledger.ackedBatches(),
        ledger.unknownBatches(),
        first.inFlight + second.inFlight,
        ledger.cutOffButCommitted.size(),
        ledger.artifacts.size());
  }

  // ------------------------------------------------------------------ load

  private record LoadResult(int exitCode, int failedRequests, int inFlight) {}

  private LoadResult runLoadAndKill(int cycle, List<String> runs, String exp, Ledger ledger)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    String url = server.url();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < WRITER_THREADS; t++) {
      int thread = t;
      String runId = runs.get(t % runs.size());
      threads.add(
          Thread.ofPlatform()
              .name("writer-" + cycle + "-" + t)
              .start(
                  () -> {
                    for (int seq = 0; !stop.get(); seq++) {
                      int id = cycle * 1_000_000 + thread * 100_000 + seq;
                      ledger.sent(id, runId);
                      HttpResponse<String> r;
                      try {
                        r = post(url, "/api/2.0/mlflow/runs/log-batch", batchBody(runId, id));
                      } catch (IOException e) {
                        failed.incrementAndGet();
                        if (!(e instanceof java.net.ConnectException)) {
                          inFlight.incrementAndGet();
                        }
                        return; // the server is gone: this batch stays "unknown"
                      } catch (InterruptedException e) {
                        return;
                      }
                      if (r.statusCode() != 200) {
                        unexpected.add(
                            new AssertionError("batch " + id + ": " + r.statusCode() + r.body()));
                        return;
                      }
                      ledger.acked(id);
                    }
                  }));
    }
    String artifactRun = runs.get(0);
    threads.add(
        Thread.ofPlatform()
            .name("artifacts-" + cycle)
            .start(
                () -> {
                  for (int n = 0; !stop.get(); n++) {
                    // Every third upload overwrites one path; the others are new files.
                    String path =
                        exp
                            + "/"
                            + artifactRun
                            + "/artifacts/"
                            + (n % 3 == 0 ? "model/weights.bin" : "c" + cycle + "/blob-" + n);
                    byte[] bytes = new byte[ThreadLocalRandom.current().nextInt(1, 1 << 20)];
                    ThreadLocalRandom.current().nextBytes(bytes);
                    String digest = sha256(bytes);
                    ledger.artifactSent(path, digest);
                    HttpResponse<String> r;
                    try {
                      r = put(url, "/api/2.0/mlflow-artifacts/artifacts/" + path, bytes);
                    } catch (IOException e) {
                      failed.incrementAndGet();
                      return;
                    } catch (InterruptedException e) {
                      return;
                    }
                    if (r.statusCode() != 200) {
                      unexpected.add(new AssertionError("PUT " + path + ": " + r.body()));
                      return;
                    }
                    ledger.artifactAcked(path, digest);
                  }
                }));

    Thread.sleep(LOAD.toMillis());
    assertThat(threads).as("every client is still sending").allMatch(Thread::isAlive);
    server.process().destroyForcibly(); // SIGKILL on Linux (see ProcessHandle#destroyForcibly)
    assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    int exit = server.process().exitValue();
    server = null;
    stop.set(true);
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(60));
      assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
    }
    assertThat(unexpected).as("non-200 answers during load").isEmpty();
    return new LoadResult(exit, failed.get(), inFlight.get());
  }

  /** 100 metrics (10 keys x 10 points), one param and one tag, all derived from {@code id}. */
  private static String batchBody(String runId, int id) {
    ObjectNode b = JSON.createObjectNode();
    b.put("run_id", runId);
    ArrayNode metrics = b.putArray("metrics");
    for (int i = 0; i < POINTS_PER_BATCH; i++) {
      metrics
          .addObject()
          .put("key", "m" + (i % KEYS))
          .put("value", pointValue(id, i))
          .put("timestamp", Long.toString(BASE_TS + i)) // int64 as a string, as the Java client
          .put("step", id);
    }
    b.putArray("params").addObject().put("key", "p" + id).put("value", "v" + id);
    b.putArray("tags").addObject().put("key", "t" + id).put("value", "v" + id);
    return b.toString();
  }

  private static double pointValue(int id, int i) {
    return id * 1000.0 + i + 0.5;
  }

  // ------------------------------------------------------------------ verification

  private void verify(Ledger ledger) throws Exception {
    for (Map.Entry<String, String> e : ledger.experiments.entrySet()) {
      JsonNode exp = getJson("/api/2.0/mlflow/experiments/get?experiment_id=" + e.getKey());
      assertThat(exp.at("/experiment/name").asText()).isEqualTo(e.getValue());
    }
    for (String runId : ledger.runs) {
      verifyRun(ledger, runId);
    }
    verifyArtifacts(ledger);
    // The restarted server takes writes again.
    HttpResponse<String> r =
        post(
            server.url(),
            "/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\":\""
                + ledger.runs.get(0)
                + "\",\"key\":\"after-restart-"
                + starts
                + "\",\"value\":1,\"timestamp\":1}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private void verifyRun(Ledger ledger, String runId) throws Exception {
    JsonNode run = getJson("/api/2.0/mlflow/runs/get?run_id=" + runId).get("run");
    assertThat(run.at("/info/run_id").asText()).isEqualTo(runId);
    assertThat(run.at("/info/status").asText()).isEqualTo("RUNNING");
    Map<String, String> params = keyValues(run.at("/data/params"));
    Map<String, String> tags = keyValues(run.at("/data/tags"));

    // Points per batch id, from the full history of every key.
    Map<Integer, Integer> pointsPerBatch = new HashMap<>();
    for (int k = 0; k < KEYS; k++) {
      String key = "m" + k;
      List<JsonNode> history = history(runId, key);
      JsonNode latest = null;
      for (JsonNode p : history) {
        double v = p.get("value").asDouble();
        int id = (int) Math.floor(v / 1000.0);
        int i = (int) Math.floor(v - id * 1000.0);
        String where = "run " + runId + " key " + key + " point " + p;
        assertThat(ledger.runOf.get(id)).as("a point no request sent: " + where).isEqualTo(runId);
        assertThat(v).as(where).isEqualTo(pointValue(id, i));
        assertThat(i % KEYS).as(where).isEqualTo(k);
        assertThat(p.get("step").asLong()).as(where).isEqualTo(id);
        assertThat(p.get("timestamp").asLong()).as(where).isEqualTo(BASE_TS + i);
        pointsPerBatch.merge(id, 1, Integer::sum);
        if (latest == null || isAfter(p, latest)) {
          latest = p;
        }
      }
      // The latest-metric row was written in the same transaction as the points.
      JsonNode reported = null;
      for (JsonNode m : run.at("/data/metrics")) {
        if (m.get("key").asText().equals(key)) {
          reported = m;
        }
      }
      if (latest == null) {
        assertThat(reported).as("no latest value without points for " + key).isNull();
      } else {
        assertThat(reported).as("latest value of " + key).isNotNull();
        assertThat(reported.get("value").asDouble()).isEqualTo(latest.get("value").asDouble());
        assertThat(reported.get("step").asLong()).isEqualTo(latest.get("step").asLong());
      }
    }

    for (Map.Entry<Integer, String> e : ledger.runOf.entrySet()) {
      if (!e.getValue().equals(runId)) {
        continue;
      }
      int id = e.getKey();
      int points = pointsPerBatch.getOrDefault(id, 0);
      boolean paramThere = ("v" + id).equals(params.get("p" + id));
      boolean tagThere = ("v" + id).equals(tags.get("t" + id));
      if (ledger.acked.contains(id)) {
        assertThat(points).as("acknowledged batch %d lost points", id).isEqualTo(POINTS_PER_BATCH);
        assertThat(paramThere).as("acknowledged batch %d lost its param", id).isTrue();
        assertThat(tagThere).as("acknowledged batch %d lost its tag", id).isTrue();
      } else {
        // Sent but never answered: the whole batch or nothing of it.
        assertThat(points).as("cut-off batch %d is all or nothing", id).isIn(0, POINTS_PER_BATCH);
        assertThat(paramThere).as("cut-off batch %d param", id).isEqualTo(points > 0);
        assertThat(tagThere).as("cut-off batch %d tag", id).isEqualTo(points > 0);
        if (points > 0) {
          ledger.cutOffButCommitted.add(id);
        }
      }
    }
    // No param or tag from a request that was never sent.
    for (String key : params.keySet()) {
      assertThat(ledger.runOf.get(Integer.parseInt(key.substring(1)))).isEqualTo(runId);
    }
    for (String key : tags.keySet()) {
      if (!key.startsWith("mlflow.")) {
        assertThat(ledger.runOf.get(Integer.parseInt(key.substring(1)))).isEqualTo(runId);
      }
    }
  }

  private static boolean isAfter(JsonNode a, JsonNode b) {
    int c = Long.compare(a.get("step").asLong(), b.get("step").asLong());
    if (c == 0) {
      c = Long.compare(a.get("timestamp").asLong(), b.get("timestamp").asLong());
    }
    if (c == 0) {
      c = Double.compare(a.get("value").asDouble(), b.get("value").asDouble());
    }
    return c > 0;
  }

  /** Every point of a metric, following next_page_token as a paging client does. */
  private List<JsonNode> history(String runId, String key) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    String token = "";
    for (int pages = 0; pages < 1000; pages++) {
      JsonNode page =
          getJson(
              "/api/2.0/mlflow/metrics/get-history?run_id="
                  + runId
                  + "&metric_key="
                  + key
                  + "&max_results=25000"
                  + (token.isEmpty()
                      ? ""
                      : "&page_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
      page.path("metrics").forEach(out::add);
      token = page.path("next_page_token").asText("");
      if (token.isEmpty()) {
        return out;
      }
    }
    throw new AssertionError("get-history paging did not end");
  }

  private void verifyArtifacts(Ledger ledger) throws Exception {
    for (Map.Entry<String, ArtifactState> e : ledger.artifacts.entrySet()) {
      String path = e.getKey();
      ArtifactState state = e.getValue();
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(server.url() + "/api/2.0/mlflow-artifacts/artifacts/" + path))
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (state.ackedDigest == null) {
        // Never acknowledged: absent, or present and whole.
        if (r.statusCode() == 404) {
          continue;
        }
        assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
        assertThat(sha256(r.body())).as("unacknowledged " + path + " is whole").isIn(state.sent);
      } else {
        assertThat(r.statusCode()).as("acknowledged artifact " + path).isEqualTo(200);
        // The last acknowledged version, or a later one whose answer was cut off; never torn.
        assertThat(sha256(r.body()))
            .as("acknowledged " + path + " is intact")
            .isIn(state.acceptableAfterCrash());
      }
    }
  }

  private static Map<String, String> keyValues(JsonNode array) {
    Map<String, String> out = new HashMap<>();
    array.forEach(n -> out.put(n.get("key").asText(), n.get("value").asText()));
    return out;
  }

  // ------------------------------------------------------------------ ledger

  /** What the clients sent and what the server acknowledged. Thread-safe. */
  private static final class Ledger {
    final Map<String, String> experiments = new ConcurrentHashMap<>();
    final List<String> runs = new CopyOnWriteArrayList<>();
    final Map<Integer, String> runOf = new ConcurrentHashMap<>();
    final Set<Integer> acked = ConcurrentHashMap.newKeySet();
    final Map<String, ArtifactState> artifacts = new ConcurrentHashMap<>();
    final Set<Integer> cutOffButCommitted = ConcurrentHashMap.newKeySet();

    void sent(int id, String runId) {
      runOf.put(id, runId);
    }

    void acked(int id) {
      acked.add(id);
    }

    int ackedBatches() {
      return acked.size();
    }

    int unknownBatches() {
      return runOf.size() - acked.size();
    }

    void artifactSent(String path, String digest) {
      artifacts.computeIfAbsent(path, p -> new ArtifactState()).sent(digest);
    }

    void artifactAcked(String path, String digest) {
      artifacts.get(path).acked(digest);
    }
  }

  /** The versions written to one artifact path, in order. */
  private static final class ArtifactState {
    final List<String> sent = new CopyOnWriteArrayList<>();
    volatile String ackedDigest;
    volatile int ackedIndex = -1;

    void sent(String digest) {
      sent.add(digest);
    }

    void acked(String digest) {
      ackedDigest = digest;
      ackedIndex = sent.lastIndexOf(digest);
    }

    /** The last acknowledged version or any version sent after it. */
    List<String> acceptableAfterCrash() {
      return sent.subList(ackedIndex, sent.size());
    }
  }

  // ------------------------------------------------------------------ server process

  private ServerProcess startServer() throws Exception {
    starts++;
    return ServerProcess.start(
        dataDir,
        dbUrl.isEmpty() ? Optional.empty() : Optional.of(dbUrl),
        logDir.resolve("server-" + starts + ".log"));
  }

  // ------------------------------------------------------------------ HTTP

  private String createExperiment(String name) throws Exception {
    HttpResponse<String> r =
        post(server.url(), "/api/2.0/mlflow/experiments/create", "{\"name\":\"" + name + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("experiment_id").asText();
  }

  private String createRun(String exp, Ledger ledger) throws Exception {
    HttpResponse<String> r =
        post(
            server.url(),
            "/api/2.0/mlflow/runs/create",
            "{\"experiment_id\":\"" + exp + "\",\"start_time\":\"" + BASE_TS + "\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String runId = JSON.readTree(r.body()).at("/run/info/run_id").asText();
    ledger.runs.add(runId);
    return runId;
  }

  private JsonNode getJson(String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET " + pathAndQuery + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> post(String base, String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> put(String base, String path, byte[] body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
