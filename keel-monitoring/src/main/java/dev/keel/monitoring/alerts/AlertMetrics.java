package dev.keel.monitoring.alerts;

import java.nio.file.Path;
import java.util.List;

/**
 * The output tables of one refresh, as the Parquet data files of their current snapshots. Alerts
 * read them with DuckDB; columns are Databricks' ({@code window struct<start,end>}, {@code
 * granularity}, {@code model_id}, {@code slice_key}, {@code slice_value}, {@code column_name},
 * {@code log_type} in the profile table, {@code drift_type} in the drift table, the metrics).
 *
 * @param profileFiles data files of the {@code *_profile_metrics} table
 * @param driftFiles data files of the {@code *_drift_metrics} table
 */
public record AlertMetrics(List<Path> profileFiles, List<Path> driftFiles) {
  public AlertMetrics {
    profileFiles = List.copyOf(profileFiles);
    driftFiles = List.copyOf(driftFiles);
  }
}
