package dev.keel.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Keel server in a child JVM, started from keel-cli's built distribution ({@code
 * keel-cli/target/*.jar} and {@code target/lib}), with a data directory of the test's choosing.
 */
final class KeelProcess implements AutoCloseable {
  private final Process process;
  private final String url;
  private final HttpClient http = HttpClient.newHttpClient();

  private KeelProcess(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  static KeelProcess start(Path dataDir) throws IOException, InterruptedException {
    Path cliTarget = Path.of(System.getProperty("keel.cli.target", "../keel-cli/target"));
    List<String> cp = new ArrayList<>();
    try (Stream<Path> jars = Files.list(cliTarget)) {
      jars.filter(p -> p.getFileName().toString().matches("keel-cli-.*\\.jar"))
          .filter(p -> !p.getFileName().toString().contains("tests"))
          .forEach(p -> cp.add(p.toString()));
    }
    if (cp.isEmpty() || !Files.isDirectory(cliTarget.resolve("lib"))) {
      throw new IllegalStateException(
          "keel-cli is not packaged under " + cliTarget + ": run the reactor build (./keel test)");
    }
    cp.add(cliTarget.resolve("lib") + "/*");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                String.join(java.io.File.pathSeparator, cp),
                "dev.keel.server.KeelServer")
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("KEEL_"));
    pb.environment().put("KEEL_HOST", "127.0.0.1");
    pb.environment().put("KEEL_PORT", "0");
    pb.environment().put("KEEL_DATA_DIR", dataDir.toString());
    Process p = pb.start();
    CompletableFuture<String> listening = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  System.out.println("[keel] " + line);
                  if (line.startsWith("Keel listening on ")) {
                    listening.complete(line.substring("Keel listening on ".length()).trim());
                  }
                }
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
              listening.completeExceptionally(new IllegalStateException("Keel exited"));
            },
            "keel-log");
    pump.setDaemon(true);
    pump.start();
    try {
      return new KeelProcess(p, listening.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("Keel did not start: " + e.getMessage(), e);
    }
  }

  /** Sends a request and returns the body; fails on a non-2xx status. */
  String send(String method, String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          method + " " + path + " -> " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
