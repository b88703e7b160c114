package dev.keel.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Figure 3: from launching {@code java ... KeelServer} on an empty data directory to the first 200
 * from {@code GET /ready}, polled every 2 ms over a raw socket. Each repetition uses a new data
 * directory; the first repetition (cold file cache for the jars) is included.
 */
final class StartupBench {
  private StartupBench() {}

  record Result(long[] readyMillis, long[] listeningMillis) {
    long median() {
      long[] s = readyMillis.clone();
      Arrays.sort(s);
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    long max() {
      return Arrays.stream(readyMillis).max().orElse(0);
    }

    long min() {
      return Arrays.stream(readyMillis).min().orElse(0);
    }

    @Override
    public String toString() {
      return String.format(
          "reps=%d ready: median=%d ms min=%d ms max=%d ms; each %s ms (\"listening\" line: %s ms)",
          readyMillis.length,
          median(),
          min(),
          max(),
          Arrays.toString(readyMillis),
          Arrays.toString(listeningMillis));
    }
  }

  static Result run(Path workDir, String dbUrl, List<String> jvmArgs, int reps) throws Exception {
    long[] ready = new long[reps];
    long[] listening = new long[reps];
    for (int i = 0; i < reps; i++) {
      Path dir = Files.createTempDirectory(workDir, "startup-");
      Path data = dir.resolve("data");
      ServerProcess s = ServerProcess.launch(data, dbUrl, jvmArgs, dir.resolve("server.log"));
      try {
        ready[i] = s.awaitReady(Duration.ofSeconds(60), 2) / 1_000_000;
        for (int w = 0; w < 100 && s.listeningAfterNanos() == 0; w++) {
          Thread.sleep(10);
        }
        listening[i] = s.listeningAfterNanos() / 1_000_000;
      } finally {
        s.close();
      }
      Bench.deleteTree(dir);
      Thread.sleep(300); // let the previous JVM's exit settle
    }
    return new Result(ready, listening);
  }
}
