/**
 * The metrics engine: computes a monitor's profile and drift tables from exact table snapshots with
 * DuckDB and the {@link dev.keel.monitoring.stats} statistics ({@link
 * dev.keel.monitoring.engine.MetricsEngine}, {@link
 * dev.keel.monitoring.engine.DuckDbMetricsEngine}), full or incremental (only the windows whose
 * rows or labels changed).
 */
package dev.keel.monitoring.engine;
