package dev.keel.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * The training run the {@code ./keel} launcher uses to build the CLI's class-data-sharing archive
 * (JDK 25: {@code -XX:AOTCacheOutput}; JDK 21-24: {@code -XX:ArchiveClassesAtExit}). It runs the
 * typical path of a command that talks to a server (picocli model, HTTP client, JSON, table output)
 * against a canned in-process HTTP server on the loopback, so training has no side effect on any
 * real server and needs none. It prints nothing.
 */
public final class AotTraining {
  private static final String EXPERIMENTS =
      """
      {"experiments": [{"experiment_id": "0", "name": "Default", "artifact_location": "x",
        "lifecycle_stage": "active", "creation_time": 1700000000000,
        "last_update_time": 1700000000000, "tags": [{"key": "k", "value": "v"}]}]}
      """;

  private static final String RUNS =
      """
      {"runs": [{"info": {"run_id": "r1", "run_uuid": "r1", "run_name": "a", "experiment_id": "0",
        "user_id": "u", "status": "FINISHED", "start_time": 1700000000000,
        "end_time": 1700000001000, "artifact_uri": "x", "lifecycle_stage": "active"},
        "data": {"metrics": [{"key": "rmse", "value": 0.5, "timestamp": 1700000000000, "step": 0}],
        "params": [{"key": "lr", "value": "0.1"}], "tags": [{"key": "k", "value": "v"}]},
        "inputs": {"dataset_inputs": []}}]}
      """;

  private AotTraining() {}

  /** Runs the training commands; exits 0. */
  public static void main(String[] args) throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          ex.getRequestBody().readAllBytes();
          String body =
              path.endsWith("experiments/search")
                  ? EXPERIMENTS
                  : path.endsWith("runs/search") ? RUNS : "{}";
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    http.start();
    String url = "http://127.0.0.1:" + http.getAddress().getPort();
    try {
      run("version");
      run("--help");
      run("experiments", "list", "--url", url);
      run("experiments", "list", "--url", url, "-o", "json");
      run("runs", "list", "--experiment-id", "0", "--url", url);
    } finally {
      http.stop(0);
    }
    System.exit(0);
  }

  private static void run(String... args) {
    CommandLine cmd = Main.commandLine(Map.of());
    cmd.setOut(new PrintWriter(new StringWriter()));
    cmd.setErr(new PrintWriter(new StringWriter()));
    cmd.execute(args);
  }
}
