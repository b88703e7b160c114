package dev.keel.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Keel server in its own JVM ({@code dev.keel.server.KeelServer}, configured from {@code KEEL_*}
 * environment variables), so the load generator does not share its heap, GC or JIT threads. Its
 * output goes to {@code server.log} next to the data directory.
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final long launchedNanos;
  private volatile long listeningNanos;
  private volatile String token;

  private ServerProcess(Process process, int port, long launchedNanos) {
    this.process = process;
    this.port = port;
    this.launchedNanos = launchedNanos;
  }

  /**
   * Launches a server. Returns at once; call {@link #awaitReady} before sending requests.
   *
   * @param dataDir its data directory
   * @param dbUrl JDBC URL of the metadata DB, empty for SQLite in the data directory
   * @param jvmArgs extra JVM options (e.g. {@code -Xmx2g}); may be empty
   * @param log file receiving the server's stdout and stderr
   */
  static ServerProcess launch(Path dataDir, String dbUrl, List<String> jvmArgs, Path log)
      throws IOException {
    return launch(dataDir, dbUrl, jvmArgs, log, "embedded");
  }

  /**
   * As {@link #launch(Path, String, List, Path)}, with an online store spec ({@code
   * KEEL_ONLINE_STORE}).
   */
  static ServerProcess launch(
      Path dataDir, String dbUrl, List<String> jvmArgs, Path log, String onlineStore)
      throws IOException {
    return launch(dataDir, dbUrl, jvmArgs, log, onlineStore, Map.of());
  }

  /**
   * As {@link #launch(Path, String, List, Path, String)}, with more {@code KEEL_*} settings (e.g.
   * {@code KEEL_AUTH=true}).
   */
  static ServerProcess launch(
      Path dataDir,
      String dbUrl,
      List<String> jvmArgs,
      Path log,
      String onlineStore,
      Map<String, String> settings)
      throws IOException {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.keel.server.KeelServer");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("KEEL_"));
    env.put("KEEL_HOST", "127.0.0.1");
    env.put("KEEL_PORT", Integer.toString(port));
    env.put("KEEL_DATA_DIR", dataDir.toString());
    if (!dbUrl.isEmpty()) {
      env.put("KEEL_DB_URL", dbUrl);
    }
    env.put("KEEL_ONLINE_STORE", onlineStore);
    env.putAll(settings);
    long t0 = System.nanoTime();
    Process p = pb.start();
    ServerProcess s = new ServerProcess(p, port, t0);
    Thread pump = new Thread(() -> s.pump(p.getInputStream(), log), "server-log-" + port);
    pump.setDaemon(true);
    pump.start();
    return s;
  }

  private void pump(InputStream in, Path log) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        PrintWriter w =
            new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (listeningNanos == 0 && line.startsWith("Keel listening on ")) {
          listeningNanos = System.nanoTime();
        }
        w.println(line);
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The bearer token benchmark clients of this server send; null for none (auth off). */
  String token() {
    return token;
  }

  void token(String value) {
    this.token = value;
  }

  /**
   * Reads the first administrator's token that a server with authentication on wrote to {@code
   * <dataDir>/admin-token} at its first start, and makes it this server's client token.
   */
  String useAdminToken(Path dataDir) throws IOException {
    String t = Files.readString(dataDir.resolve("admin-token"), StandardCharsets.UTF_8).strip();
    token(t);
    return t;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Polls {@code GET /ready} (a raw socket, every {@code pollMillis}) until it answers 200; returns
   * the nanoseconds from process launch to that answer.
   */
  long awaitReady(Duration timeout, long pollMillis) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("server exited with " + process.exitValue() + " before ready");
      }
      if (readyOnce()) {
        return System.nanoTime() - launchedNanos;
      }
      Thread.sleep(pollMillis);
    }
    throw new IOException("server not ready within " + timeout);
  }

  private boolean readyOnce() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] head = s.getInputStream().readNBytes(12); // "HTTP/1.1 200"
      return new String(head, StandardCharsets.US_ASCII).endsWith(" 200");
    } catch (IOException e) {
      return false;
    }
  }

  /** Nanoseconds from launch to the {@code Keel listening on} line; 0 if not seen yet. */
  long listeningAfterNanos() {
    long l = listeningNanos;
    return l == 0 ? 0 : l - launchedNanos;
  }

  /** CPU time (user + system) the server process has used so far, in nanoseconds. */
  long cpuNanos() {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  /** Resident set size in MiB (Linux), or -1. */
  long rssMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux or gone
    }
    return -1;
  }

  /** Stops the server with SIGTERM (graceful drain), then kills it if it hangs. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
