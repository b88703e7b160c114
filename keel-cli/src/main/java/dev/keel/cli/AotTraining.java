package dev.keel.cli;

import com.sun.net.httpserver.HttpServer;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * The training runs the {@code ./keel} launcher uses to build its class-data-sharing archives (JDK
 * 25: {@code -XX:AOTCacheOutput}; JDK 21-24: {@code -XX:ArchiveClassesAtExit}).
 *
 * <p>Without arguments it trains the client commands: the typical path of a command that talks to a
 * server (picocli model, HTTP client, JSON, table output) against a canned in-process HTTP server
 * on the loopback, so training has no side effect on any real server and needs none. With {@code
 * server} it trains {@code keel server}: starts a Keel server in-process on a new temporary data
 * directory and a free loopback port, with default settings (no {@code KEEL_*} variable is read),
 * asks it a few questions, stops it and removes the directory. It prints nothing.
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

  /** Runs the training commands ({@code server}: the server's start); exits 0. */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length == 1 && args[0].equals("server")) {
      server();
    } else {
      client();
    }
    System.exit(0);
  }

  private static void server() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("keel-aot-");
    try {
      KeelConfig cfg =
          KeelConfig.resolve(
              Map.of("host", "127.0.0.1", "port", "0", "data-dir", dir.toString()),
              Map.of(),
              KeelServer.SETTINGS);
      KeelServer server = KeelServer.start(cfg);
      try (HttpClient http = HttpClient.newHttpClient()) {
        String url = server.url();
        send(http, HttpRequest.newBuilder(URI.create(url + "/ready")).GET());
        send(
            http,
            HttpRequest.newBuilder(URI.create(url + "/api/2.0/mlflow/experiments/search"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"max_results\": 10}")));
        send(
            http,
            HttpRequest.newBuilder(URI.create(url + "/api/2.1/unity-catalog/catalogs")).GET());
      } finally {
        server.close();
      }
    } finally {
      ServeCommand.deleteTree(dir);
    }
  }

  private static void send(HttpClient http, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    http.send(request.build(), HttpResponse.BodyHandlers.discarding());
  }

  private static void client() throws IOException {
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
  }

  private static void run(String... args) {
    CommandLine cmd = Main.commandLine(Map.of(), args);
    cmd.setOut(new PrintWriter(new StringWriter()));
    cmd.setErr(new PrintWriter(new StringWriter()));
    cmd.execute(args);
  }
}
