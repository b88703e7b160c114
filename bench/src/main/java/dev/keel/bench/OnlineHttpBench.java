package dev.keel.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Online feature lookups over HTTP: a real Keel server (embedded online store), a feature table of
 * {@code entities} × {@code features} doubles published to the online store, then {@code POST
 * /api/2.0/feature-store/online-features} for one random entity, open loop at {@code rate}
 * requests/s.
 */
final class OnlineHttpBench {
  private OnlineHttpBench() {}

  record Config(
      int entities,
      int features,
      int rate,
      int connections,
      Duration warmup,
      Duration measure,
      String onlineStore) {
    static Config from(Args a) {
      return new Config(
          a.integer("entities", 100_000),
          a.integer("features", 50),
          a.integer("rate", 1000),
          a.integer("connections", 16),
          a.seconds("warmup", 10),
          a.seconds("duration", 30),
          a.string("online-store", "embedded"));
    }
  }

  static final String TABLE = "main.default.bench_online";

  static void run(Path workDir, List<String> jvmArgs, Config cfg) throws Exception {
    Bench.header(
        "online-http: 1 entity x "
            + cfg.features()
            + " features over HTTP, open loop at "
            + cfg.rate()
            + " requests/s ("
            + cfg.onlineStore()
            + " online store)");
    Path dir = Files.createTempDirectory(workDir, "online-http-");
    ServerProcess s =
        ServerProcess.launch(
            dir.resolve("data"), "", jvmArgs, dir.resolve("server.log"), cfg.onlineStore());
    try {
      s.awaitReady(Duration.ofSeconds(120), 20);
      long t0 = System.nanoTime();
      seed(s, cfg);
      System.out.printf(
          "seeded and published %d entities x %d features in %.1f s%n",
          cfg.entities(), cfg.features(), (System.nanoTime() - t0) / 1e9);
      StringBuilder names = new StringBuilder();
      for (int f = 0; f < cfg.features(); f++) {
        names
            .append(f == 0 ? "" : ",")
            .append('"')
            .append(TABLE)
            .append(":f")
            .append(f)
            .append('"');
      }
      String prefix = "{\"features\": [" + names + "], \"entities\": {\"user_id\": [";
      List<Client> cs = new ArrayList<>();
      for (int i = 0; i < cfg.connections(); i++) {
        cs.add(new Client(s.url()));
      }
      SplittableRandom rnd = new SplittableRandom(7);
      RegistryBench.OpenResult r;
      try {
        r =
            RegistryBench.openLoop(
                cfg.rate(),
                cfg.connections(),
                cfg.warmup(),
                cfg.measure(),
                s,
                (w, i) -> {
                  long id;
                  synchronized (rnd) {
                    id = rnd.nextInt(cfg.entities());
                  }
                  byte[] b =
                      cs.get(w)
                          .post(
                              "/api/2.0/feature-store/online-features",
                              (prefix + id + "]}}").getBytes(StandardCharsets.UTF_8));
                  String text = new String(b, StandardCharsets.UTF_8);
                  if (!text.contains("\"PRESENT\"") || text.contains("NOT_FOUND")) {
                    throw new IllegalStateException("unexpected lookup answer: " + text);
                  }
                  return b.length;
                });
      } finally {
        cs.forEach(Client::close);
      }
      System.out.println(r);
      System.out.printf(
          Locale.ROOT,
          "| online lookup over HTTP (1 x %d features, %s, %d/s open loop) | p99 <= 2 ms | p99 %.2f"
              + " ms (p50 %.2f, p90 %.2f, p99.9 %.2f, max %.1f ms; %d errors) |%n",
          cfg.features(),
          cfg.onlineStore(),
          cfg.rate(),
          r.latency().percentile(99),
          r.latency().percentile(50),
          r.latency().percentile(90),
          r.latency().percentile(99.9),
          r.latency().summary().max(),
          r.errors());
      System.out.println("load: " + Machine.loadAverage());
      System.out.println("server RSS: " + s.rssMib() + " MiB");
    } finally {
      s.close();
    }
    Bench.deleteTree(dir);
  }

  /** Creates the feature table, writes every entity through the REST API, publishes it. */
  private static void seed(ServerProcess s, Config cfg) throws Exception {
    try (Client c = new Client(s.url())) {
      StringBuilder cols =
          new StringBuilder(
              "{\"name\": \"user_id\", \"type_name\": \"LONG\"},"
                  + " {\"name\": \"ts\", \"type_name\": \"TIMESTAMP\"}");
      for (int f = 0; f < cfg.features(); f++) {
        cols.append(", {\"name\": \"f").append(f).append("\", \"type_name\": \"DOUBLE\"}");
      }
      c.post(
          "/api/2.0/feature-store/feature-tables",
          ("{\"name\": \""
                  + TABLE
                  + "\", \"columns\": ["
                  + cols
                  + "], \"primary_keys\": [\"user_id\", \"ts\"], \"timeseries_key\": \"ts\"}")
              .getBytes(StandardCharsets.UTF_8));
      String ts = Instant.now().minusSeconds(60).toString();
      SplittableRandom rnd = new SplittableRandom(1);
      int batch = 2000;
      for (int start = 0; start < cfg.entities(); start += batch) {
        StringBuilder rows = new StringBuilder("{\"mode\": \"append\", \"rows\": [");
        for (int e = start; e < Math.min(cfg.entities(), start + batch); e++) {
          rows.append(e == start ? "" : ",")
              .append("{\"user_id\": ")
              .append(e)
              .append(", \"ts\": \"")
              .append(ts)
              .append('"');
          for (int f = 0; f < cfg.features(); f++) {
            rows.append(", \"f").append(f).append("\": ").append(rnd.nextDouble());
          }
          rows.append('}');
        }
        rows.append("]}");
        c.post(
            "/api/2.0/feature-store/feature-tables/" + TABLE + "/rows",
            rows.toString().getBytes(StandardCharsets.UTF_8));
      }
      byte[] p =
          c.post(
              "/api/2.0/feature-store/tables/" + TABLE + "/publish",
              "{\"publish_mode\": \"SNAPSHOT\"}".getBytes(StandardCharsets.UTF_8));
      System.out.println("publish: " + new String(p, StandardCharsets.UTF_8));
    }
  }
}
