package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Figure 1: {@code runs/log-batch} ingest. Each client owns one run and logs, request after
 * request, {@code batch} metric points: {@code keys} metric keys × ({@code batch / keys}) steps,
 * the steps advancing with every request as a training loop's would, so every point is new.
 */
final class IngestBench {
  private IngestBench() {}

  record Config(int clients, int batch, int keys, Duration warmup, Duration measure) {}

  static LoadRunner.Result run(ServerProcess server, Config cfg) throws Exception {
    String[] runIds = new String[cfg.clients()];
    try (Client c = new Client(server)) {
      String exp =
          c.postJson(
                  "/api/2.0/mlflow/experiments/create",
                  Map.of("name", "bench-ingest-" + System.currentTimeMillis()))
              .get("experiment_id")
              .asText();
      for (int i = 0; i < runIds.length; i++) {
        runIds[i] =
            c.postJson(
                    "/api/2.0/mlflow/runs/create",
                    Map.of(
                        "experiment_id",
                        exp,
                        "run_name",
                        "ingest-" + i,
                        "start_time",
                        System.currentTimeMillis()))
                .get("run")
                .get("info")
                .get("run_id")
                .asText();
      }
    }
    int stepsPerRequest = cfg.batch() / cfg.keys();
    List<Client> clients = new ArrayList<>();
    List<SplittableRandom> random = new ArrayList<>();
    long[] lastStep = new long[cfg.clients()];
    for (int i = 0; i < cfg.clients(); i++) {
      clients.add(new Client(server));
      random.add(new SplittableRandom(42 + i));
    }
    long t0 = System.currentTimeMillis();
    try {
      LoadRunner.Result r =
          LoadRunner.run(
              cfg.clients(),
              cfg.warmup(),
              cfg.measure(),
              server,
              (w, i) -> {
                long firstStep = i * stepsPerRequest;
                byte[] body =
                    body(runIds[w], cfg.keys(), stepsPerRequest, firstStep, t0, random.get(w));
                clients.get(w).post("/api/2.0/mlflow/runs/log-batch", body);
                lastStep[w] = firstStep + stepsPerRequest - 1;
                return (long) cfg.keys() * stepsPerRequest;
              });
      verify(server, runIds[0], lastStep[0]);
      return r;
    } finally {
      clients.forEach(Client::close);
    }
  }

  /** The JSON of one request, written by hand: the generator must stay cheap next to the server. */
  static byte[] body(
      String runId, int keys, int steps, long firstStep, long t0, SplittableRandom rnd) {
    StringBuilder sb = new StringBuilder(keys * steps * 72 + 64);
    sb.append("{\"run_id\":\"").append(runId).append("\",\"metrics\":[");
    boolean first = true;
    for (int s = 0; s < steps; s++) {
      long step = firstStep + s;
      long ts = t0 + step * 10;
      for (int k = 0; k < keys; k++) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append("{\"key\":\"metric_")
            .append(k)
            .append("\",\"value\":")
            .append(rnd.nextDouble())
            .append(",\"timestamp\":")
            .append(ts)
            .append(",\"step\":")
            .append(step)
            .append('}');
      }
    }
    sb.append("]}");
    return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The server kept the last point a client logged: its latest metric_0 is at that step. */
  private static void verify(ServerProcess server, String runId, long expectedStep)
      throws Exception {
    try (Client c = new Client(server)) {
      JsonNode metrics =
          c.getJson("/api/2.0/mlflow/runs/get?run_id=" + runId)
              .path("run")
              .path("data")
              .path("metrics");
      for (JsonNode m : metrics) {
        if (m.path("key").asText().equals("metric_0")) {
          if (m.path("step").asLong() != expectedStep) {
            throw new IllegalStateException(
                "run "
                    + runId
                    + ": latest metric_0 step "
                    + m.path("step")
                    + ", expected "
                    + expectedStep);
          }
          return;
        }
      }
      throw new IllegalStateException("run " + runId + " has no metric_0: " + metrics);
    }
  }
}
