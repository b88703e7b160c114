package dev.keel.features.training;

import java.util.List;

/**
 * A Java function computing one on-demand feature from other columns of a joined training row. It
 * must be deterministic and free of side effects: a training set is rebuilt from its spec by
 * running it again.
 */
@FunctionalInterface
public interface OnDemandFunction {
  /**
   * Computes the feature.
   *
   * @param inputs the input values in the registered parameter order; a SQL NULL is {@code null}
   *     and {@code TIMESTAMPTZ} values are {@link java.time.Instant}
   * @return a value of the registered output type's Java class (any {@link Number} for {@code
   *     DOUBLE}), or {@code null} for SQL NULL
   */
  Object apply(List<Object> inputs);
}
