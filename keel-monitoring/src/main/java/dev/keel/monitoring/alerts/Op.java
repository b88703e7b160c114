package dev.keel.monitoring.alerts;

/** How a metric value is compared with an alert's threshold; true means the window violates. */
public enum Op {
  GREATER_THAN,
  GREATER_THAN_OR_EQUAL,
  LESS_THAN,
  LESS_THAN_OR_EQUAL,
  EQUAL,
  NOT_EQUAL;

  /** Whether {@code value} violates {@code threshold}; NaN never does. */
  public boolean violates(double value, double threshold) {
    if (Double.isNaN(value)) {
      return false;
    }
    return switch (this) {
      case GREATER_THAN -> value > threshold;
      case GREATER_THAN_OR_EQUAL -> value >= threshold;
      case LESS_THAN -> value < threshold;
      case LESS_THAN_OR_EQUAL -> value <= threshold;
      case EQUAL -> value == threshold;
      case NOT_EQUAL -> value != threshold;
    };
  }
}
