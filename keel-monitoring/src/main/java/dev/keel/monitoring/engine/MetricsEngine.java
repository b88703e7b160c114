package dev.keel.monitoring.engine;

import java.util.function.BooleanSupplier;

/**
 * Computes a monitor's profile and drift metrics from table snapshots. Stateless and thread-safe;
 * the monitor service owns refresh states, output tables and alerts.
 */
public interface MetricsEngine {
  /**
   * Checks what only running SQL can check: slicing expressions and custom-metric definitions
   * against the tables' columns (nothing is read but the schema).
   *
   * @throws dev.keel.core.KeelException INVALID_ARGUMENT naming the field ({@code
   *     slicing_exprs[1]}, {@code custom_metrics[0].definition}) with DuckDB's message
   */
  void check(RefreshInput input);

  /**
   * Computes both output tables' full contents.
   *
   * @param cancelled polled between steps; when it turns true the refresh stops with {@link
   *     java.util.concurrent.CancellationException}
   */
  RefreshOutput refresh(RefreshInput input, BooleanSupplier cancelled);
}
