package dev.keel.monitoring.alerts;

import java.time.Duration;
import java.util.Objects;

/**
 * How alerts deliver their firings.
 *
 * @param allowPrivateAddresses whether webhooks may target private, loopback and link-local
 *     addresses (off by default: server-side request forgery)
 * @param firstRetryDelay the wait after a failed attempt, doubled after each further one
 * @param maxAttempts attempts before a delivery (or job start) is given up as FAILED
 * @param connectTimeout the webhook client's connect timeout
 * @param requestTimeout the whole webhook request's timeout
 * @param pollInterval how often the background worker looks for due deliveries
 */
public record AlertSettings(
    boolean allowPrivateAddresses,
    Duration firstRetryDelay,
    int maxAttempts,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration pollInterval) {
  public AlertSettings {
    Objects.requireNonNull(firstRetryDelay, "firstRetryDelay");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (maxAttempts < 1 || firstRetryDelay.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("maxAttempts >= 1, delays not negative");
    }
  }

  /** 1 s doubling, 8 attempts, 5 s connect, 10 s request, polled every second; public only. */
  public static AlertSettings defaults() {
    return new AlertSettings(
        false,
        Duration.ofSeconds(1),
        8,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(1));
  }

  /** These settings with private addresses allowed or not. */
  public AlertSettings withPrivateAddresses(boolean allow) {
    return new AlertSettings(
        allow, firstRetryDelay, maxAttempts, connectTimeout, requestTimeout, pollInterval);
  }

  /** The wait after the {@code attempts}-th failed attempt: first delay × 2^(attempts − 1). */
  public long retryDelayMillis(int attempts) {
    int shift = Math.min(Math.max(attempts - 1, 0), 30);
    return firstRetryDelay.toMillis() * (1L << shift);
  }
}
