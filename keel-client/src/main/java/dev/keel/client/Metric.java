package dev.keel.client;

import java.util.Objects;

/**
 * One metric point.
 *
 * @param key metric name
 * @param value the value; NaN and infinities are allowed
 * @param timestamp milliseconds since the epoch
 * @param step training step (0 when not given)
 */
public record Metric(String key, double value, long timestamp, long step) {
  public Metric {
    Objects.requireNonNull(key, "key");
  }

  /** A point at step 0, timestamped now. */
  public static Metric of(String key, double value) {
    return new Metric(key, value, System.currentTimeMillis(), 0);
  }

  /** A point at the given step, timestamped now. */
  public static Metric of(String key, double value, long step) {
    return new Metric(key, value, System.currentTimeMillis(), step);
  }
}
