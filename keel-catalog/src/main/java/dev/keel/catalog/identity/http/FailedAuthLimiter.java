package dev.keel.catalog.identity.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address for failed authentications: each address may fail {@code burst}
 * times at once, then {@code perSecond} times a second on average. Successful authentications never
 * touch it. Thread-safe; memory is bounded (full buckets are dropped when many addresses are
 * tracked).
 */
final class FailedAuthLimiter {
  private static final int MAX_TRACKED = 10_000;

  private final double perSecond;
  private final double burst;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  FailedAuthLimiter(double perSecond, int burst, LongSupplier nanoTime) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("perSecond and burst must be positive");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
  }

  /**
   * Records a failed authentication from {@code source}.
   *
   * @return 0 when it is within the limit, else the whole seconds to wait before the next failure
   *     is let through
   */
  long fail(String source) {
    if (buckets.size() > MAX_TRACKED) {
      prune();
    }
    long now = nanoTime.getAsLong();
    Bucket b = buckets.computeIfAbsent(source, k -> new Bucket(burst, now));
    synchronized (b) {
      refill(b, now);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      double missing = 1 - b.tokens;
      return Math.max(1, (long) Math.ceil(missing / perSecond));
    }
  }

  private void refill(Bucket b, long now) {
    double elapsed = (now - b.at) / 1e9;
    if (elapsed > 0) {
      b.tokens = Math.min(burst, b.tokens + elapsed * perSecond);
      b.at = now;
    }
  }

  private void prune() {
    long now = nanoTime.getAsLong();
    buckets.forEach(
        (k, b) -> {
          synchronized (b) {
            refill(b, now);
            if (b.tokens >= burst) {
              buckets.remove(k, b);
            }
          }
        });
  }
}
