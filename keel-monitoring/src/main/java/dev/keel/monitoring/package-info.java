/**
 * Monitoring: Lakehouse-Monitoring-shaped monitors over Keel tables (snapshot, time series and
 * inference-log profiles), their refreshes, the two output tables ({@code *_profile_metrics},
 * {@code *_drift_metrics}) and the alerts evaluated after each refresh. The statistics are in
 * {@link dev.keel.monitoring.stats}; the computation over a table snapshot in {@code engine}; the
 * routes in {@code http}.
 */
package dev.keel.monitoring;
