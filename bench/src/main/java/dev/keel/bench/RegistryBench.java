package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The registry figures: get-version-by-alias under an open-loop load at a fixed rate, and MLflow's
 * {@code registered-models/search} with a name filter over many seeded models.
 */
final class RegistryBench {
  static final String CATALOG = "main";
  static final String SCHEMA = "default";
  static final String ALIAS_MODEL = "bench-alias-model";
  static final String ALIAS = "champion";
  static final String[] FIXTURE = {
    "MLmodel", "model.onnx", "input_example.json", "serving_input_example.json"
  };

  /** Models are spread over 100 teams: {@code team-NN-model-NNNN}, created interleaved. */
  static final int TEAMS = 100;

  static final int SEARCH_TEAM = 42;
  static final int PAGE = 100;
  private static final String MARKER = "bench-registry-seed.json";

  private RegistryBench() {}

  static String modelName(int i) {
    return String.format("team-%02d-model-%04d", i % TEAMS, i / TEAMS);
  }

  static String searchPrefix() {
    return CATALOG + "." + SCHEMA + "." + String.format("team-%02d-", SEARCH_TEAM);
  }

  static String searchFilter() {
    return "name LIKE '" + searchPrefix() + "%'";
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---------------------------------------------------------------- alias

  /**
   * Creates {@code main.default.bench-alias-model}, version 1 with the committed ONNX fixture
   * uploaded to its storage location, finalizes it (READY) and sets alias {@code champion}.
   */
  static void seedAliasModel(ServerProcess server) throws Exception {
    try (Client c = new Client(server)) {
      ObjectNode m = Client.JSON.createObjectNode();
      m.put("catalog_name", CATALOG).put("schema_name", SCHEMA).put("name", ALIAS_MODEL);
      c.send("POST", "/api/2.1/unity-catalog/models", Client.JSON.writeValueAsBytes(m));
      ObjectNode v = Client.JSON.createObjectNode();
      v.put("catalog_name", CATALOG)
          .put("schema_name", SCHEMA)
          .put("model_name", ALIAS_MODEL)
          .put("source", "mlflow-artifacts:/bench/staging/" + ALIAS_MODEL + "/1");
      JsonNode created =
          Client.JSON.readTree(
              c.send(
                  "POST",
                  "/api/2.1/unity-catalog/models/versions",
                  Client.JSON.writeValueAsBytes(v)));
      long version = created.path("version").asLong();
      String location = created.path("storage_location").asText();
      String prefix = "mlflow-artifacts:/";
      if (!location.startsWith(prefix)) {
        throw new IllegalStateException("unexpected storage_location " + location);
      }
      String dir = location.substring(prefix.length());
      for (String f : FIXTURE) {
        c.send("PUT", "/api/2.0/mlflow-artifacts/artifacts/" + dir + "/" + f, fixture(f));
      }
      String full = CATALOG + "." + SCHEMA + "." + ALIAS_MODEL;
      JsonNode fin =
          Client.JSON.readTree(
              c.send(
                  "PATCH",
                  "/api/2.1/unity-catalog/models/" + full + "/versions/" + version + "/finalize",
                  "{}".getBytes(StandardCharsets.UTF_8)));
      if (!"READY".equals(fin.path("status").asText())) {
        throw new IllegalStateException("finalize did not give READY: " + fin);
      }
      c.send(
          "PUT",
          "/api/2.1/unity-catalog/models/" + full + "/aliases/" + ALIAS,
          ("{\"version_num\":" + version + "}").getBytes(StandardCharsets.UTF_8));
      JsonNode uc = Client.JSON.readTree(c.getBytes(ucAliasPath()));
      JsonNode ml = Client.JSON.readTree(c.getBytes(mlflowAliasPath()));
      if (uc.path("version").asLong() != version
          || !"READY".equals(uc.path("status").asText())
          || !ml.path("model_version").path("version").asText().equals(Long.toString(version))) {
        throw new IllegalStateException("alias lookup answers " + uc + " / " + ml);
      }
      System.out.printf(
          "seeded %s version %d (READY, ONNX fixture at %s), alias %s; UC answer %d bytes,"
              + " MLflow answer %d bytes%n",
          full,
          version,
          location,
          ALIAS,
          Client.JSON.writeValueAsBytes(uc).length,
          Client.JSON.writeValueAsBytes(ml).length);
    }
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = RegistryBench.class.getResourceAsStream("onnx-model/" + name)) {
      if (in == null) {
        throw new IOException("missing bench resource onnx-model/" + name);
      }
      return in.readAllBytes();
    }
  }

  static String ucAliasPath() {
    return "/api/2.1/unity-catalog/models/"
        + CATALOG
        + "."
        + SCHEMA
        + "."
        + ALIAS_MODEL
        + "/aliases/"
        + ALIAS;
  }

  static String mlflowAliasPath() {
    return "/api/2.0/mlflow/registered-models/alias?name="
        + enc(CATALOG + "." + SCHEMA + "." + ALIAS_MODEL)
        + "&alias="
        + ALIAS;
  }

  // ---------------------------------------------------------------- open loop

  /** The result of an open-loop run; latencies are from the scheduled send time. */
  record OpenResult(
      int rate,
      int connections,
      long scheduled,
      long ok,
      long errors,
      double seconds,
      Latencies latency,
      Latencies sendLag,
      double serverCores,
      double clientCores,
      double machineCores,
      String firstError) {
    @Override
    public String toString() {
      return String.format(
          "rate=%d/s connections=%d scheduled=%d ok=%d (%.1f/s) errors=%d window=%.1fs%n"
              + "  latency from scheduled send: p50=%.3f p90=%.3f p99=%.3f p99.9=%.3f max=%.3f ms"
              + " (mean %.3f)%n"
              + "  send lag (actual - scheduled send): p50=%.3f p99=%.3f max=%.3f ms%n"
              + "  CPU: server %.2f cores, load generator %.2f cores, whole machine %.2f of %d"
              + " cores busy%s",
          rate,
          connections,
          scheduled,
          ok,
          ok / seconds,
          errors,
          seconds,
          latency.percentile(50),
          latency.percentile(90),
          latency.percentile(99),
          latency.percentile(99.9),
          latency.summary().max(),
          latency.summary().mean(),
          sendLag.percentile(50),
          sendLag.percentile(99),
          sendLag.summary().max(),
          serverCores,
          clientCores,
          machineCores,
          Runtime.getRuntime().availableProcessors(),
          firstError == null ? "" : "\n  first error: " + firstError);
    }
  }

  /**
   * Open-loop (constant-rate) load: request {@code i} is scheduled at {@code start + i / rate}
   * whatever happened to earlier ones. {@code connections} worker threads (one keep-alive
   * connection each) take the next ticket, park until its time and send; when all are busy the
   * ticket waits, and that wait is part of its latency, which runs from the scheduled time to the
   * last byte of the answer (no coordinated omission). Requests scheduled inside the measurement
   * window count.
   */
  static OpenResult openLoop(
      int rate,
      int connections,
      Duration warmup,
      Duration measure,
      ServerProcess server,
      LoadRunner.Op op)
      throws InterruptedException {
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime() + 50_000_000L;
    long windowStart = start + warmup.toNanos();
    long windowEnd = windowStart + measure.toNanos();
    AtomicLong next = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    List<Latencies> lat = new ArrayList<>();
    List<Latencies> lag = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < connections; w++) {
      Latencies myLat = new Latencies();
      Latencies myLag = new Latencies();
      lat.add(myLat);
      lag.add(myLag);
      int worker = w;
      threads.add(
          new Thread(
              () -> {
                while (true) {
                  long i = next.getAndIncrement();
                  long due = start + i * interval;
                  if (due >= windowEnd) {
                    return;
                  }
                  long wait;
                  while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  long sent = System.nanoTime();
                  String err = null;
                  try {
                    op.run(worker, i);
                  } catch (InterruptedException e) {
                    return;
                  } catch (Exception e) {
                    err = e.toString();
                  }
                  long done = System.nanoTime();
                  if (due >= windowStart) {
                    if (err == null) {
                      ok.incrementAndGet();
                      myLat.add(done - due);
                      myLag.add(sent - due);
                    } else {
                      errors.incrementAndGet();
                      firstError.compareAndSet(null, err);
                    }
                  } else if (err != null) {
                    firstError.compareAndSet(null, "(warm-up) " + err);
                  }
                }
              },
              "open-" + w));
    }
    threads.forEach(Thread::start);
    sleepUntil(windowStart);
    long serverCpu0 = server.cpuNanos();
    long selfCpu0 = LoadRunner.selfCpuNanos();
    long[] ticks0 = Machine.cpuTicks();
    sleepUntil(windowEnd);
    long serverCpu1 = server.cpuNanos();
    long selfCpu1 = LoadRunner.selfCpuNanos();
    long[] ticks1 = Machine.cpuTicks();
    for (Thread t : threads) {
      t.join();
    }
    double secs = measure.toNanos() / 1e9;
    return new OpenResult(
        rate,
        connections,
        (windowEnd - windowStart + interval - 1) / interval,
        ok.get(),
        errors.get(),
        secs,
        Latencies.merge(lat),
        Latencies.merge(lag),
        (serverCpu1 - serverCpu0) / 1e9 / secs,
        (selfCpu1 - selfCpu0) / 1e9 / secs,
        Machine.busyCores(ticks0, ticks1),
        firstError.get());
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, left / 1_000_000));
    }
  }

  /** Get-version-by-alias at {@code rate}/s over {@code path} (UC or MLflow). */
  static OpenResult aliasLoad(
      ServerProcess server,
      String path,
      int rate,
      int connections,
      Duration warmup,
      Duration measure)
      throws Exception {
    List<Client> cs = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      cs.add(new Client(server));
    }
    try {
      return openLoop(
          rate,
          connections,
          warmup,
          measure,
          server,
          (w, i) -> {
            byte[] b = cs.get(w).getBytes(path);
            if (b.length < 100) {
              throw new IllegalStateException("short alias answer: " + new String(b));
            }
            return b.length;
          });
    } finally {
      cs.forEach(Client::close);
    }
  }

  // ---------------------------------------------------------------- search

  /** What was seeded, kept in the data directory so a seeded SQLite directory can be reused. */
  record Seed(int models, int versions, int expectedMatches, double seconds) {}

  /**
   * Seeds {@code models} registered models with {@code versions} versions each (UC {@code POST
   * /models}, then {@code POST /models/versions}; versions stay PENDING_REGISTRATION) with {@code
   * clients} concurrent clients; fails after {@code timeout}.
   */
  static Seed seedModels(
      ServerProcess server, Path markerDir, int models, int versions, int clients, Duration timeout)
      throws Exception {
    if (markerDir != null && Files.isRegularFile(markerDir.resolve(MARKER))) {
      Seed s = Client.JSON.readValue(markerDir.resolve(MARKER).toFile(), Seed.class);
      if (s.models() == models && s.versions() == versions) {
        System.out.println("reusing the seeded data in " + markerDir + ": " + s);
        return s;
      }
      throw new IllegalStateException(markerDir + " holds another seed: " + s);
    }
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> fs = new ArrayList<>();
    for (int w = 0; w < clients; w++) {
      fs.add(
          pool.submit(
              () -> {
                try (Client c = new Client(server)) {
                  long i;
                  while ((i = next.getAndIncrement()) < models && System.nanoTime() < deadline) {
                    seedModel(c, modelName((int) i), versions);
                    done.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    pool.shutdown();
    long lastReport = t0;
    while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
      long now = System.nanoTime();
      if (now - lastReport > 15e9) {
        lastReport = now;
        System.out.printf(
            "  seeded %d/%d models (%.0f models/s)%n",
            done.get(), models, done.get() / ((now - t0) / 1e9));
      }
    }
    for (Future<?> f : fs) {
      f.get();
    }
    if (done.get() < models) {
      throw new IllegalStateException(
          "seeding hit --seed-timeout after " + done.get() + " of " + models + " models");
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    int expected = 0;
    for (int i = 0; i < models; i++) {
      if ((CATALOG + "." + SCHEMA + "." + modelName(i)).startsWith(searchPrefix())) {
        expected++;
      }
    }
    Seed s = new Seed(models, versions, expected, secs);
    System.out.printf(
        "seeded %d models x %d versions in %.1f s (%.0f requests/s); %d match `%s`%n",
        models, versions, secs, models * (1.0 + versions) / secs, expected, searchFilter());
    if (markerDir != null) {
      Client.JSON.writeValue(markerDir.resolve(MARKER).toFile(), s);
    }
    return s;
  }

  private static void seedModel(Client c, String name, int versions) throws Exception {
    ObjectNode m = Client.JSON.createObjectNode();
    m.put("catalog_name", CATALOG)
        .put("schema_name", SCHEMA)
        .put("name", name)
        .put("comment", "bench model " + name);
    c.send("POST", "/api/2.1/unity-catalog/models", Client.JSON.writeValueAsBytes(m));
    for (int v = 1; v <= versions; v++) {
      ObjectNode n = Client.JSON.createObjectNode();
      n.put("catalog_name", CATALOG)
          .put("schema_name", SCHEMA)
          .put("model_name", name)
          .put("source", "mlflow-artifacts:/bench/staging/" + name + "/" + v);
      c.send("POST", "/api/2.1/unity-catalog/models/versions", Client.JSON.writeValueAsBytes(n));
    }
  }

  static String searchPath() {
    return "/api/2.0/mlflow/registered-models/search?filter="
        + enc(searchFilter())
        + "&max_results="
        + PAGE;
  }

  /** One search: the page holds exactly the expected models, in name order, and no next page. */
  static void verifySearch(ServerProcess server, Seed seed) throws Exception {
    try (Client c = new Client(server)) {
      JsonNode page = Client.JSON.readTree(c.getBytes(searchPath()));
      int count = 0;
      String last = "";
      for (JsonNode m : page.path("registered_models")) {
        String name = m.path("name").asText();
        if (!name.startsWith(searchPrefix()) || name.compareTo(last) <= 0) {
          throw new IllegalStateException("wrong search result: " + m);
        }
        last = name;
        count++;
      }
      int want = Math.min(PAGE, seed.expectedMatches());
      if (count != want || (seed.expectedMatches() <= PAGE && page.has("next_page_token"))) {
        throw new IllegalStateException("search returned " + count + " models, expected " + want);
      }
      System.out.printf(
          "verified: the search returns %d models, all matching, in name order; answer %d bytes%n",
          count, Client.JSON.writeValueAsBytes(page).length);
    }
  }

  /** One client, sequential searches. */
  static LoadRunner.Result searchLatency(ServerProcess server, int warmup, int count)
      throws Exception {
    String path = searchPath();
    try (Client c = new Client(server)) {
      return LoadRunner.sequential(
          warmup,
          count,
          server,
          (w, i) -> {
            byte[] b = c.getBytes(path);
            if (b.length < 1000) {
              throw new IllegalStateException("short search answer: " + new String(b));
            }
            return b.length;
          });
    }
  }

  /** p50 of one client's searches at several page sizes: a cost that grows with the page. */
  static void pageSweep(ServerProcess server, int[] sizes, int warmup, int count) throws Exception {
    try (Client c = new Client(server)) {
      for (int size : sizes) {
        String path =
            "/api/2.0/mlflow/registered-models/search?filter="
                + enc(searchFilter())
                + "&max_results="
                + size;
        LoadRunner.Result r =
            LoadRunner.sequential(warmup, count, server, (w, i) -> c.getBytes(path).length);
        System.out.printf(
            "page size %3d: p50 %.2f ms, p90 %.2f ms (%d searches)%n",
            size, r.latency().p50(), r.latency().p90(), count);
      }
    }
  }

  /**
   * PostgreSQL's per-table scan counters of the registry tables in {@code schema} (index plus
   * sequential scans), summed, and per table; PostgreSQL flushes them within a second.
   */
  static java.util.Map<String, Long> pgScans(String jdbcUrl, String schema) throws SQLException {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT relname, COALESCE(idx_scan, 0) + COALESCE(seq_scan, 0)"
                    + " FROM pg_stat_user_tables WHERE schemaname = ? AND relname IN"
                    + " ('registered_models', 'model_versions', 'registered_model_tags',"
                    + " 'model_aliases', 'model_version_tags')")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /**
   * Prints the plans of the statements a search runs: the page query, and the per-model
   * latest-READY-version query the MLflow answer adds for each model on the page; and times them
   * straight over JDBC (no HTTP, no service layer) to split database time from the rest.
   */
  static void explain(boolean sqlite, String jdbcUrl) throws SQLException {
    String page =
        "SELECT m.id, m.catalog_name, m.schema_name, m.name, m.comment, m.owner, m.created_at,"
            + " m.created_by, m.updated_at, m.updated_by FROM registered_models m"
            + " WHERE m.full_name LIKE ? ORDER BY m.full_name ASC, m.full_name ASC"
            + " LIMIT ? OFFSET ?";
    String latest =
        "SELECT v.id, m.catalog_name, m.schema_name, m.name AS model_name, v.version, v.source,"
            + " v.run_id, v.status, v.status_message, v.storage_location, v.comment, v.created_at,"
            + " v.created_by, v.updated_at, v.updated_by FROM model_versions v JOIN"
            + " registered_models m ON m.id = v.model_id WHERE m.full_name = ? AND v.status = ?"
            + " ORDER BY v.version DESC, m.full_name ASC, v.version DESC LIMIT ? OFFSET ?";
    String one = "SELECT m.id FROM registered_models m WHERE full_name = ?";
    String prefix = sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, BUFFERS) ";
    String model = searchPrefix() + "model-0001";
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      plan(c, prefix, page, sqlite, searchPrefix() + "%", PAGE + 1, 0);
      plan(c, prefix, latest, sqlite, model, "READY", 1, 0);
      plan(c, prefix, one, sqlite, model);
      // Database time alone: the page statement, then per model the lookups latestVersions does.
      for (int rep = 0; rep < 3; rep++) {
        long t0 = System.nanoTime();
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps =
            c.prepareStatement(page.replace("m.id,", "m.full_name, m.id,"))) {
          ps.setString(1, searchPrefix() + "%");
          ps.setInt(2, PAGE + 1);
          ps.setInt(3, 0);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              names.add(rs.getString(1));
            }
          }
        }
        long t1 = System.nanoTime();
        for (String n : names) {
          for (String q : List.of(one, latest)) {
            try (PreparedStatement ps = c.prepareStatement(q)) {
              ps.setString(1, n);
              if (q == latest) {
                ps.setString(2, "READY");
                ps.setInt(3, 1);
                ps.setInt(4, 0);
              }
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  rs.getString(1);
                }
              }
            }
          }
        }
        long t2 = System.nanoTime();
        System.out.printf(
            "JDBC only (rep %d): page statement %.2f ms (%d rows); %d x (model lookup + latest"
                + " READY version) %.2f ms%n",
            rep, (t1 - t0) / 1e6, names.size(), names.size(), (t2 - t1) / 1e6);
      }
    }
  }

  private static void plan(Connection c, String prefix, String sql, boolean sqlite, Object... b)
      throws SQLException {
    System.out.println("SQL: " + sql);
    try (PreparedStatement ps = c.prepareStatement(prefix + sql)) {
      for (int i = 0; i < b.length; i++) {
        ps.setObject(i + 1, b[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        System.out.println("plan:");
        while (rs.next()) {
          System.out.println(
              "  "
                  + (sqlite
                      ? rs.getInt(1) + " " + rs.getInt(2) + " " + rs.getString(4)
                      : rs.getString(1)));
        }
      }
    }
  }
}
