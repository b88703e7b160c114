package dev.keel.monitoring.alerts;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an alert rule needs to know about the monitor of its table.
 *
 * @param tableName the monitored table's canonical full name (alerts store this spelling)
 * @param granularities the monitor's granularities in Databricks' text ({@code "1 day"}), in the
 *     order the monitor lists them; empty for a snapshot monitor
 * @param hasBaseline whether the monitor has a baseline table (drift alerts then default to {@code
 *     BASELINE} drift)
 * @param profileMetricsTable the full name of the {@code *_profile_metrics} output table
 * @param driftMetricsTable the full name of the {@code *_drift_metrics} output table
 * @param customProfileMetrics names of the monitor's aggregate and derived custom metrics (columns
 *     of the profile table)
 * @param customDriftMetrics names of the monitor's drift custom metrics (columns of the drift
 *     table)
 */
public record MonitorFacts(
    String tableName,
    List<String> granularities,
    boolean hasBaseline,
    String profileMetricsTable,
    String driftMetricsTable,
    Set<String> customProfileMetrics,
    Set<String> customDriftMetrics) {
  public MonitorFacts {
    Objects.requireNonNull(tableName, "tableName");
    granularities = List.copyOf(granularities);
    Objects.requireNonNull(profileMetricsTable, "profileMetricsTable");
    Objects.requireNonNull(driftMetricsTable, "driftMetricsTable");
    customProfileMetrics = Set.copyOf(customProfileMetrics);
    customDriftMetrics = Set.copyOf(customDriftMetrics);
  }
}
