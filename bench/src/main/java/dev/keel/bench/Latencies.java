package dev.keel.bench;

import java.util.Arrays;
import java.util.List;

/** Latency samples in nanoseconds; one instance per thread, merged afterwards. Not thread-safe. */
final class Latencies {
  private long[] samples = new long[1024];
  private int size;

  void add(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  int size() {
    return size;
  }

  static Latencies merge(List<Latencies> parts) {
    Latencies all = new Latencies();
    for (Latencies p : parts) {
      for (int i = 0; i < p.size; i++) {
        all.add(p.samples[i]);
      }
    }
    return all;
  }

  /** The summary of the samples, in milliseconds. */
  Summary summary() {
    long[] s = Arrays.copyOf(samples, size);
    Arrays.sort(s);
    double sum = 0;
    for (long v : s) {
      sum += v;
    }
    return new Summary(
        size,
        size == 0 ? 0 : sum / size / 1e6,
        pct(s, 50),
        pct(s, 90),
        pct(s, 99),
        size == 0 ? 0 : s[size - 1] / 1e6);
  }

  /** Nearest-rank percentile {@code p} (0-100] of the samples, in milliseconds. */
  double percentile(double p) {
    long[] s = Arrays.copyOf(samples, size);
    Arrays.sort(s);
    return pct(s, p);
  }

  /** Nearest-rank percentile in milliseconds. */
  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }

  record Summary(int count, double mean, double p50, double p90, double p99, double max) {
    @Override
    public String toString() {
      return String.format(
          "n=%d mean=%.2f ms p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms",
          count, mean, p50, p90, p99, max);
    }
  }
}
