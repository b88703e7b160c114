package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.store.Dialect;
import dev.keel.tracking.search.RunSearch;
import dev.keel.tracking.search.SqlQuery;
import dev.keel.tracking.search.ViewType;
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
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figure 2: {@code runs/search} over one experiment of seeded runs, each with 10 metrics and 10
 * params. The filter selects about 2% of the runs ({@code acc} uniform in [0, 1] and {@code model}
 * one of five values), ordered by a metric, a page of 100.
 */
final class SearchBench {
  static final String FILTER = "metrics.acc > 0.9 and params.model = 'xgb'";
  static final String ORDER_BY = "metrics.acc DESC";
  static final int PAGE = 100;
  static final String[] MODELS = {"xgb", "lr", "rf", "svm", "mlp"};
  static final String[] METRICS = {
    "acc", "loss", "f1", "precision", "recall", "auc", "val_acc", "val_loss", "rmse", "train_time_s"
  };
  private static final String MARKER = "bench-seed.json";

  private SearchBench() {}

  /** What was seeded, kept in the data directory so a seeded SQLite directory can be reused. */
  record Seed(String experimentId, int runs, int expectedMatches, double seconds) {}

  /** One run's generated values; a pure function of its index, so matches can be counted here. */
  record RunData(int index, double[] metrics, String model, SplittableRandom rnd) {
    static RunData of(int index) {
      SplittableRandom rnd = new SplittableRandom(0x5EEDL * 1_000_003L + index);
      double[] m = new double[METRICS.length];
      for (int k = 0; k < m.length; k++) {
        m[k] = rnd.nextDouble();
      }
      return new RunData(index, m, MODELS[rnd.nextInt(MODELS.length)], rnd);
    }

    boolean matches() {
      return metrics[0] > 0.9 && model.equals("xgb");
    }
  }

  /** Seeds {@code runs} runs through the API (create-run, then one log-batch each). */
  static Seed seed(ServerProcess server, Path markerDir, int runs, int clients) throws Exception {
    if (markerDir != null && Files.isRegularFile(markerDir.resolve(MARKER))) {
      Seed s = Client.JSON.readValue(markerDir.resolve(MARKER).toFile(), Seed.class);
      if (s.runs() == runs) {
        System.out.println("reusing the seeded data in " + markerDir + ": " + s);
        return s;
      }
      throw new IllegalStateException(
          markerDir + " holds " + s.runs() + " seeded runs, not " + runs);
    }
    String exp;
    try (Client c = new Client(server.url())) {
      exp =
          c.postJson(
                  "/api/2.0/mlflow/experiments/create",
                  Map.of("name", "bench-search-" + System.currentTimeMillis()))
              .get("experiment_id")
              .asText();
    }
    long base = System.currentTimeMillis() - runs * 1000L;
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> fs = new ArrayList<>();
    for (int w = 0; w < clients; w++) {
      fs.add(
          pool.submit(
              () -> {
                try (Client c = new Client(server.url())) {
                  long i;
                  while ((i = next.getAndIncrement()) < runs) {
                    seedOne(c, exp, RunData.of((int) i), base + i * 1000);
                    done.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    pool.shutdown();
    long lastReport = t0;
    while (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS)) {
      long now = System.nanoTime();
      if (now - lastReport > 15e9) {
        lastReport = now;
        System.out.printf(
            "  seeded %d/%d runs (%.0f runs/s)%n",
            done.get(), runs, done.get() / ((now - t0) / 1e9));
      }
    }
    for (Future<?> f : fs) {
      f.get();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    int expected = 0;
    for (int i = 0; i < runs; i++) {
      if (RunData.of(i).matches()) {
        expected++;
      }
    }
    Seed s = new Seed(exp, runs, expected, secs);
    System.out.printf(
        "seeded %d runs in %.1f s (%.0f runs/s, 2 requests each); %d match the filter%n",
        runs, secs, runs / secs, expected);
    if (markerDir != null) {
      Client.JSON.writeValue(markerDir.resolve(MARKER).toFile(), s);
    }
    return s;
  }

  private static void seedOne(Client c, String exp, RunData d, long startTime) throws Exception {
    ObjectNode create = Client.JSON.createObjectNode();
    create.put("experiment_id", exp);
    create.put("run_name", "run-" + d.index());
    create.put("user_id", "bench");
    create.put("start_time", startTime);
    ArrayNode tags = create.putArray("tags");
    tags.addObject().put("key", "mlflow.user").put("value", "bench");
    tags.addObject().put("key", "mlflow.source.type").put("value", "LOCAL");
    tags.addObject().put("key", "mlflow.source.name").put("value", "train.py");
    String runId =
        c.postJson("/api/2.0/mlflow/runs/create", create)
            .get("run")
            .get("info")
            .get("run_id")
            .asText();

    SplittableRandom rnd = d.rnd();
    ObjectNode batch = Client.JSON.createObjectNode();
    batch.put("run_id", runId);
    ArrayNode metrics = batch.putArray("metrics");
    for (int k = 0; k < METRICS.length; k++) {
      metrics
          .addObject()
          .put("key", METRICS[k])
          .put("value", d.metrics()[k])
          .put("timestamp", startTime + 60_000)
          .put("step", 0);
    }
    ArrayNode params = batch.putArray("params");
    param(params, "model", d.model());
    param(params, "learning_rate", String.format("%.4f", 0.001 + rnd.nextDouble() * 0.3));
    param(params, "max_depth", Integer.toString(2 + rnd.nextInt(14)));
    param(params, "n_estimators", Integer.toString(50 * (1 + rnd.nextInt(20))));
    param(params, "subsample", String.format("%.2f", 0.5 + rnd.nextDouble() / 2));
    param(params, "optimizer", rnd.nextBoolean() ? "adam" : "sgd");
    param(params, "batch_size", Integer.toString(32 << rnd.nextInt(5)));
    param(params, "seed", Integer.toString(rnd.nextInt(1_000_000)));
    param(params, "dataset", "churn-v" + (1 + rnd.nextInt(4)));
    param(params, "feature_set", "fs-" + (1 + rnd.nextInt(12)));
    c.post("/api/2.0/mlflow/runs/log-batch", Client.JSON.writeValueAsBytes(batch));
  }

  private static void param(ArrayNode params, String key, String value) {
    params.addObject().put("key", key).put("value", value);
  }

  static byte[] request(String experimentId, String pageToken, int maxResults) throws Exception {
    ObjectNode n = Client.JSON.createObjectNode();
    n.putArray("experiment_ids").add(experimentId);
    n.put("filter", FILTER);
    n.putArray("order_by").add(ORDER_BY);
    n.put("max_results", maxResults);
    if (pageToken != null) {
      n.put("page_token", pageToken);
    }
    return Client.JSON.writeValueAsBytes(n);
  }

  /**
   * Pages through every match: the count equals the seeded matches, each matches the filter, and
   * acc never increases.
   */
  static void verify(ServerProcess server, Seed seed) throws Exception {
    try (Client c = new Client(server.url())) {
      int count = 0;
      double last = Double.POSITIVE_INFINITY;
      String token = null;
      do {
        JsonNode page =
            Client.JSON.readTree(
                c.post("/api/2.0/mlflow/runs/search", request(seed.experimentId(), token, 1000)));
        for (JsonNode run : page.path("runs")) {
          double acc = Double.NaN;
          String model = null;
          for (JsonNode m : run.path("data").path("metrics")) {
            if (m.path("key").asText().equals("acc")) {
              acc = m.path("value").asDouble();
            }
          }
          for (JsonNode p : run.path("data").path("params")) {
            if (p.path("key").asText().equals("model")) {
              model = p.path("value").asText();
            }
          }
          if (!(acc > 0.9) || !"xgb".equals(model) || acc > last) {
            throw new IllegalStateException("wrong search result: " + run);
          }
          last = acc;
          count++;
        }
        token = page.hasNonNull("next_page_token") ? page.get("next_page_token").asText() : null;
      } while (token != null);
      if (count != seed.expectedMatches()) {
        throw new IllegalStateException(
            "search returned " + count + " runs, expected " + seed.expectedMatches());
      }
      System.out.println("verified: the search returns all " + count + " matches in acc order");
    }
  }

  /** Figure 2a: one client, sequential searches. */
  static LoadRunner.Result latency(ServerProcess server, Seed seed, int warmup, int count)
      throws Exception {
    byte[] body = request(seed.experimentId(), null, PAGE);
    try (Client c = new Client(server.url())) {
      return LoadRunner.sequential(warmup, count, server, (w, i) -> checked(c.post(path(), body)));
    }
  }

  /** Figure 2b: {@code clients} concurrent clients in a closed loop. */
  static LoadRunner.Result throughput(
      ServerProcess server, Seed seed, int clients, Duration warmup, Duration measure)
      throws Exception {
    byte[] body = request(seed.experimentId(), null, PAGE);
    List<Client> cs = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      cs.add(new Client(server.url()));
    }
    try {
      return LoadRunner.run(
          clients, warmup, measure, server, (w, i) -> checked(cs.get(w).post(path(), body)));
    } finally {
      cs.forEach(Client::close);
    }
  }

  private static String path() {
    return "/api/2.0/mlflow/runs/search";
  }

  /**
   * Cheap check of a page without parsing it (the load generator must stay light; {@link #verify}
   * parses every page once before timing): a page of 100 full runs is far above 1,000 bytes.
   */
  private static long checked(byte[] response) {
    if (response.length < 1000) {
      throw new IllegalStateException("short search answer: " + new String(response));
    }
    return response.length;
  }

  /** Prints the statement the server runs for this search and the database's plan for it. */
  static void explain(Dialect dialect, String jdbcUrl, Seed seed) throws SQLException {
    SqlQuery q =
        RunSearch.compile(
            dialect,
            List.of(Long.parseLong(seed.experimentId())),
            ViewType.ACTIVE_ONLY,
            FILTER,
            List.of(ORDER_BY),
            PAGE + 1,
            0);
    System.out.println("search SQL: " + q.sql());
    System.out.println("binds: " + q.binds());
    String prefix =
        dialect == Dialect.SQLITE ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, BUFFERS) ";
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        PreparedStatement ps = c.prepareStatement(prefix + q.sql())) {
      for (int i = 0; i < q.binds().size(); i++) {
        ps.setObject(i + 1, q.binds().get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        System.out.println("plan:");
        while (rs.next()) {
          System.out.println(
              "  "
                  + (dialect == Dialect.SQLITE
                      ? rs.getInt(1) + " " + rs.getInt(2) + " " + rs.getString(4)
                      : rs.getString(1)));
        }
      }
    }
  }
}
