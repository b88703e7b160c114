package dev.keel.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code Bench serve-http}: a serving endpoint over HTTP. A real Keel server (its own JVM) serves
 * the 20-feature XGBoost model of {@link PredictBench} (100 trees, trained here) registered as a
 * version; single-row {@code dataframe_split} requests go to {@code
 * /serving-endpoints/{name}/invocations}, open loop at {@code --rate} for {@code --duration}. The
 * server reports each request's in-process predict time in the {@code keel-model-time-us} header,
 * so the same run gives the model's own p99 and the serving overhead (p99 minus model p99). Run
 * twice: inference logging off, then on (an inference table). Then batched scoring: {@code
 * --batch}-row requests from two threads, closed loop, rows/s.
 */
final class ServeHttpBench {
  private ServeHttpBench() {}

  record Config(
      int rate, int connections, Duration warmup, Duration measure, int batch, int pairs) {
    static Config from(Args a) {
      return new Config(
          a.integer("rate", 1000),
          a.integer("connections", 16),
          a.seconds("warmup", 10),
          a.seconds("duration", 30),
          a.integer("batch", 1000),
          a.integer("pairs", 3));
    }
  }

  /**
   * Inference-log commit interval of the server, plus a second: the pause after a logged window.
   */
  private static final Duration LOG_SETTLE = Duration.ofSeconds(11);

  static final String MODEL = "main.default.bench_serve";

  private static final class Http implements AutoCloseable {
    final RawHttp http;
    final String base;

    Http(String base) {
      this.http = new RawHttp(base);
      this.base = base;
    }

    RawHttp.Response send(String method, String path, byte[] body) throws IOException {
      RawHttp.Response r =
          http.send(method, path, "application/json", method.equals("GET") ? null : body);
      if (r.status() != 200) {
        throw new IllegalStateException(
            method
                + " "
                + path
                + " -> "
                + r.status()
                + " "
                + new String(r.body(), StandardCharsets.UTF_8));
      }
      return r;
    }

    String json(String method, String path, String body) throws Exception {
      return new String(
          send(method, path, body.getBytes(StandardCharsets.UTF_8)).body(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      http.close();
    }
  }

  static void run(Path workDir, List<String> jvmArgs, Config cfg) throws Exception {
    Bench.header(
        "serve-http: single-row requests to a 20-feature XGBoost endpoint, open loop at "
            + cfg.rate()
            + " requests/s");
    Path dir = Files.createTempDirectory(workDir, "serve-http-");
    Path model = Files.createDirectories(dir.resolve("model"));
    PredictBench.trainXgboost(model);
    ServerProcess s =
        ServerProcess.launch(dir.resolve("data"), "", jvmArgs, dir.resolve("server.log"));
    try (Http c = new Http(s.url())) {
      s.awaitReady(Duration.ofSeconds(120), 20);
      register(c, model);
      c.json(
          "POST",
          "/api/2.0/serving-endpoints",
          "{\"name\":\"bench\",\"config\":{\"served_entities\":[{\"name\":\"xgb\",\"entity_name\":\""
              + MODEL
              + "\",\"entity_version\":\"1\"}]}}");
      c.json(
          "POST",
          "/api/2.0/serving-endpoints",
          "{\"name\":\"bench-log\",\"config\":{\"served_entities\":[{\"name\":\"xgb\","
              + "\"entity_name\":\""
              + MODEL
              + "\",\"entity_version\":\"1\"}]},\"ai_gateway\":{\"inference_table_config\":"
              + "{\"catalog_name\":\"main\",\"schema_name\":\"default\","
              + "\"table_name_prefix\":\"bench_log\",\"enabled\":true}}}");
      awaitReady(c, "bench");
      awaitReady(c, "bench-log");

      // Windows alternate, logging off then on, --pairs times, so drift on a shared machine
      // falls on both; after a logged window the server's last commit of it lands before the
      // next window. The figure compares the p99 over all windows of each kind.
      List<Result> offs = new ArrayList<>();
      List<Result> ons = new ArrayList<>();
      for (int k = 0; k < cfg.pairs(); k++) {
        Duration warm = k == 0 ? cfg.warmup() : Duration.ZERO;
        Result off = openLoop(s, cfg, "bench", warm);
        report("logging off, window " + (k + 1), cfg, off);
        Result on = openLoop(s, cfg, "bench-log", warm);
        report("inference logging on, window " + (k + 1), cfg, on);
        offs.add(off);
        ons.add(on);
        if (k + 1 < cfg.pairs()) {
          Thread.sleep(LOG_SETTLE.toMillis());
        }
      }
      Result off = pooled(offs);
      Result on = pooled(ons);
      report("logging off, all " + cfg.pairs() + " windows", cfg, off);
      report("inference logging on, all " + cfg.pairs() + " windows", cfg, on);
      StringBuilder perWindow = new StringBuilder();
      for (int k = 0; k < cfg.pairs(); k++) {
        double a = offs.get(k).open().latency().percentile(99);
        double b = ons.get(k).open().latency().percentile(99);
        perWindow.append(
            String.format(
                Locale.ROOT,
                "%s%.3f vs %.3f (%+.1f%%)",
                k == 0 ? "" : "; ",
                b,
                a,
                100 * (b / a - 1)));
      }
      System.out.printf(
          Locale.ROOT,
          "| Inference logging on vs off, p99 over %d alternating %d-s windows each | within 10%% |"
              + " %.3f vs %.3f ms (%+.1f%%); per window pair: %s |%n",
          cfg.pairs(),
          cfg.measure().toSeconds(),
          on.open().latency().percentile(99),
          off.open().latency().percentile(99),
          100 * (on.open().latency().percentile(99) / off.open().latency().percentile(99) - 1),
          perWindow);
      System.out.println(
          "metrics: "
              + c.json("GET", "/metrics", "")
                  .lines()
                  .filter(l -> l.startsWith("keel_inference_log_"))
                  .toList());
      if (cfg.batch() > 0) {
        batched(c, cfg);
      }
      System.out.println("load: " + Machine.loadAverage());
      System.out.println("server RSS: " + s.rssMib() + " MiB");
    } finally {
      s.close();
    }
    Bench.deleteTree(dir);
  }

  private record Result(RegistryBench.OpenResult open, Latencies model) {}

  /** The windows as one: latencies merged, counts summed, CPU averaged. */
  private static Result pooled(List<Result> rs) {
    List<RegistryBench.OpenResult> os = rs.stream().map(Result::open).toList();
    RegistryBench.OpenResult first = os.get(0);
    return new Result(
        new RegistryBench.OpenResult(
            first.rate(),
            first.connections(),
            os.stream().mapToLong(RegistryBench.OpenResult::scheduled).sum(),
            os.stream().mapToLong(RegistryBench.OpenResult::ok).sum(),
            os.stream().mapToLong(RegistryBench.OpenResult::errors).sum(),
            os.stream().mapToDouble(RegistryBench.OpenResult::seconds).sum(),
            Latencies.merge(os.stream().map(RegistryBench.OpenResult::latency).toList()),
            Latencies.merge(os.stream().map(RegistryBench.OpenResult::sendLag).toList()),
            os.stream().mapToDouble(RegistryBench.OpenResult::serverCores).average().orElse(0),
            os.stream().mapToDouble(RegistryBench.OpenResult::clientCores).average().orElse(0),
            os.stream().mapToDouble(RegistryBench.OpenResult::machineCores).average().orElse(0),
            os.stream()
                .map(RegistryBench.OpenResult::firstError)
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null)),
        Latencies.merge(rs.stream().map(Result::model).toList()));
  }

  private static Result openLoop(ServerProcess s, Config cfg, String endpoint, Duration warmup)
      throws Exception {
    List<Http> cs = new ArrayList<>();
    List<Latencies> model = new ArrayList<>();
    for (int i = 0; i < cfg.connections(); i++) {
      cs.add(new Http(s.url()));
      model.add(new Latencies());
    }
    SplittableRandom rnd = new SplittableRandom(7);
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      double[] x = new double[PredictBench.FEATURES];
      for (int f = 0; f < x.length; f++) {
        x[f] = Math.round((rnd.nextDouble() * 4 - 2) * 1000) / 1000.0;
      }
      bodies.add(PredictBench.splitBody(x));
    }
    long window = System.nanoTime() + warmup.toNanos() + 50_000_000L;
    String path = "/serving-endpoints/" + endpoint + "/invocations";
    RegistryBench.OpenResult r;
    try {
      r =
          RegistryBench.openLoop(
              cfg.rate(),
              cfg.connections(),
              warmup,
              cfg.measure(),
              s,
              (w, i) -> {
                RawHttp.Response resp =
                    cs.get(w).send("POST", path, bodies.get((int) (i % bodies.size())));
                if (System.nanoTime() > window) {
                  String t = resp.header("keel-model-time-us");
                  long us = t == null ? 0 : Long.parseLong(t);
                  model.get(w).add(us * 1000);
                }
                return resp.body().length;
              });
    } finally {
      cs.forEach(Http::close);
    }
    return new Result(r, Latencies.merge(model));
  }

  private static void report(String what, Config cfg, Result r) {
    System.out.println(what + ": " + r.open());
    double p99 = r.open().latency().percentile(99);
    double modelP99 = r.model().percentile(99);
    System.out.printf(
        Locale.ROOT,
        "| Single-row endpoint requests, %s (%d/s open loop, %d connections) | p99 <= 2 ms,"
            + " overhead <= 1 ms | p50 %.3f ms, p99 %.3f ms; in-process predict p50 %.3f, p99 %.3f"
            + " ms; overhead (p99 - predict p99) %.3f ms; %d errors |%n",
        what,
        cfg.rate(),
        cfg.connections(),
        r.open().latency().percentile(50),
        p99,
        r.model().percentile(50),
        modelP99,
        p99 - modelP99,
        r.open().errors());
  }

  private static void batched(Http c, Config cfg) throws Exception {
    SplittableRandom rnd = new SplittableRandom(11);
    StringBuilder b = new StringBuilder("{\"dataframe_split\": {\"columns\": [");
    for (int f = 0; f < PredictBench.FEATURES; f++) {
      b.append(f == 0 ? "" : ", ").append("\"f").append(f).append('"');
    }
    b.append("], \"data\": [");
    for (int r = 0; r < cfg.batch(); r++) {
      b.append(r == 0 ? "[" : ", [");
      for (int f = 0; f < PredictBench.FEATURES; f++) {
        b.append(f == 0 ? "" : ", ").append(Math.round((rnd.nextDouble() * 4 - 2) * 1000) / 1000.0);
      }
      b.append(']');
    }
    byte[] body = b.append("]}}").toString().getBytes(StandardCharsets.UTF_8);
    int threads = 2;
    AtomicLong batches = new AtomicLong();
    long warmEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    long start = warmEnd;
    long end = start + Duration.ofSeconds(15).toNanos();
    List<Thread> ts = new ArrayList<>();
    List<Exception> errors = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      ts.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (Http h = new Http(c.base)) {
                      while (true) {
                        long now = System.nanoTime();
                        if (now > end) {
                          return;
                        }
                        h.send("POST", "/serving-endpoints/bench/invocations", body);
                        if (System.nanoTime() > start && System.nanoTime() <= end) {
                          batches.incrementAndGet();
                        }
                      }
                    } catch (Exception e) {
                      synchronized (errors) {
                        errors.add(e);
                      }
                    }
                  }));
    }
    for (Thread t : ts) {
      t.join();
    }
    if (!errors.isEmpty()) {
      throw errors.get(0);
    }
    double rowsPerSecond = batches.get() * (double) cfg.batch() / 15.0;
    System.out.printf(
        Locale.ROOT,
        "| Batched scoring over HTTP, %d-row dataframe_split requests, %d client threads, closed"
            + " loop 15 s | >= 200,000 rows/s | %,.0f rows/s (%d requests) |%n",
        cfg.batch(),
        threads,
        rowsPerSecond,
        batches.get());
  }

  private static void awaitReady(Http c, String name) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      String e = c.json("GET", "/api/2.0/serving-endpoints/" + name, "");
      if (e.contains("\"ready\":\"READY\"") && e.contains("\"config_update\":\"NOT_UPDATING\"")) {
        return;
      }
      if (e.contains("UPDATE_FAILED") || System.nanoTime() > deadline) {
        throw new IllegalStateException("endpoint " + name + " not ready: " + e);
      }
      Thread.sleep(100);
    }
  }

  /** Registers the trained package as version 1 of {@link #MODEL} through the REST API. */
  private static void register(Http c, Path pkg) throws Exception {
    c.json(
        "POST",
        "/api/2.1/unity-catalog/models",
        "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\"bench_serve\"}");
    c.json(
        "POST",
        "/api/2.1/unity-catalog/models/versions",
        "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"model_name\":\"bench_serve\","
            + "\"source\":\"mlflow-artifacts:/upload\"}");
    try (var files = Files.list(pkg)) {
      for (Path f : files.toList()) {
        c.send(
            "PUT",
            "/api/2.0/mlflow-artifacts/artifacts/models/main/default/bench_serve/1/"
                + f.getFileName(),
            Files.readAllBytes(f));
      }
    }
    c.json(
        "PATCH",
        "/api/2.1/unity-catalog/models/" + MODEL + "/versions/1/finalize",
        "{\"full_name\":\"" + MODEL + "\",\"version\":1}");
  }
}
