package dev.keel.server.durability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Keel server ({@code KeelServer.main}) in a child JVM, configured by environment only, so that
 * tests can kill it with SIGKILL and start it again on the same data directory.
 *
 * @param process the child process
 * @param url the address it printed ({@code http://127.0.0.1:<port>})
 */
record ServerProcess(Process process, String url) {
  private static final String LISTENING = "Keel listening on ";

  /**
   * Starts a server on {@code dataDir} (and {@code dbUrl}, else SQLite there), its standard error
   * in {@code log}; waits up to 60 s for its start line.
   */
  static ServerProcess start(Path dataDir, Optional<String> dbUrl, Path log) throws Exception {
    return start(dataDir, dbUrl, log, Map.of());
  }

  /** As above, with {@code settings} ({@code KEEL_*} variables) added to its environment. */
  static ServerProcess start(
      Path dataDir, Optional<String> dbUrl, Path log, Map<String, String> settings)
      throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java.toString(),
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.keel.server.KeelServer");
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("KEEL_"));
    env.put("KEEL_PORT", "0");
    env.put("KEEL_HOST", "127.0.0.1");
    env.put("KEEL_DATA_DIR", dataDir.toString());
    dbUrl.ifPresent(u -> env.put("KEEL_DB_URL", u));
    env.putAll(settings);
    pb.redirectError(log.toFile());
    Process p = pb.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String[] found = new String[1];
    Thread.ofPlatform()
        .daemon()
        .name("server-stdout")
        .start(
            () -> {
              try {
                String line;
                while ((line = out.readLine()) != null) {
                  if (found[0] == null && line.startsWith(LISTENING)) {
                    synchronized (found) {
                      found[0] = line.substring(LISTENING.length()).trim();
                      found.notifyAll();
                    }
                  }
                }
              } catch (IOException e) {
                // the process died; the wait below notices
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    synchronized (found) {
      while (found[0] == null && p.isAlive() && System.nanoTime() < deadline) {
        found.wait(200);
      }
    }
    if (found[0] == null) {
      p.destroyForcibly();
      throw new AssertionError(
          "server did not start (alive=" + p.isAlive() + "); log:\n" + Files.readString(log));
    }
    if (!found[0].startsWith("http://127.0.0.1:")) {
      p.destroyForcibly();
      throw new AssertionError("unexpected start line: " + found[0]);
    }
    return new ServerProcess(p, found[0]);
  }
}
