package dev.keel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the numbers were measured on, printed before each benchmark. */
final class Machine {
  private Machine() {}

  static String describe() {
    return String.join(
        "\n",
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs ("
            + cpuModel()
            + "), "
            + memTotal()
            + " RAM",
        "os: " + os() + ", kernel " + System.getProperty("os.version"),
        "jdk: "
            + System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.home")
            + ")",
        "load: " + loadAverage());
  }

  /** {@code /proc/loadavg}'s 1, 5 and 15 minute averages. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2] + " (1/5/15 min)";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** {@code [busy, total]} jiffies of all CPUs from {@code /proc/stat}; zeros elsewhere. */
  static long[] cpuTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /** Busy CPUs (of all processes on the machine) between two {@link #cpuTicks} snapshots. */
  static double busyCores(long[] before, long[] after) {
    long total = after[1] - before[1];
    return total <= 0
        ? 0
        : (after[0] - before[0]) * (double) Runtime.getRuntime().availableProcessors() / total;
  }

  private static String cpuModel() {
    return grep("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch"));
  }

  private static String memTotal() {
    return grep("/proc/meminfo", "MemTotal")
        .map(v -> String.format("%.1f GiB", Long.parseLong(v.replaceAll("[^0-9]", "")) / 1048576.0))
        .orElse("unknown");
  }

  private static String os() {
    return grep("/etc/os-release", "PRETTY_NAME")
        .map(v -> v.replace("\"", ""))
        .orElse(System.getProperty("os.name"));
  }

  private static java.util.Optional<String> grep(String file, String key) {
    try {
      List<String> lines = Files.readAllLines(Path.of(file));
      for (String l : lines) {
        if (l.startsWith(key)) {
          int i = l.indexOf(l.contains(":") ? ':' : '=');
          return java.util.Optional.of(l.substring(i + 1).trim());
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return java.util.Optional.empty();
  }
}
