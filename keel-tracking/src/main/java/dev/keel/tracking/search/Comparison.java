package dev.keel.tracking.search;

import java.util.Objects;

/**
 * One validated comparison of a filter, e.g. {@code metrics.acc > 0.9}.
 *
 * @param entity what the key names
 * @param key the key with quotes removed and aliases resolved ({@code created} becomes {@code
 *     start_time}, {@code run name} becomes {@code run_name})
 * @param operator the comparison
 * @param value the operand; its kind always fits the operator and entity
 */
public record Comparison(Entity entity, String key, Operator operator, Value value) {
  /** Rejects nulls. */
  public Comparison {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(value, "value");
  }
}
