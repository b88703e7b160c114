package dev.keel.monitoring.alerts;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One window's metric value as an alert read it.
 *
 * @param startMs the window's start (epoch ms, inclusive)
 * @param endMs its end (epoch ms, exclusive)
 * @param value the metric; empty when the row is missing or the metric is NULL (never violates)
 */
public record WindowValue(long startMs, long endMs, OptionalDouble value) {
  public WindowValue {
    Objects.requireNonNull(value, "value");
  }
}
