package dev.keel.tracking;

/**
 * One metric point.
 *
 * @param key metric name
 * @param value the value; NaN and infinities are allowed
 * @param timestamp milliseconds since the epoch
 * @param step training step, 0 when not given
 */
public record Metric(String key, double value, long timestamp, long step) {
  /** MLflow's latest-metric order: by step, then timestamp, then value. */
  public boolean isAfter(Metric other) {
    if (step != other.step) {
      return step > other.step;
    }
    if (timestamp != other.timestamp) {
      return timestamp > other.timestamp;
    }
    return Double.compare(value, other.value) > 0;
  }
}
