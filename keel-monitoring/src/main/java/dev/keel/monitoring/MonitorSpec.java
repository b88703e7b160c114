package dev.keel.monitoring;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a monitor watches and computes: Databricks Lakehouse Monitoring's {@code CreateMonitor}
 * fields (legacy names) plus two Keel extensions, {@link #labels} and {@link #refreshOnDataChange}.
 * Validated by the monitor service against the tables before it is saved.
 *
 * @param tableName the monitored table, {@code catalog.schema.table} (lower case)
 * @param outputSchemaName {@code catalog.schema} of the two output tables
 * @param assetsDir accepted and echoed ({@code assets_dir}); Keel draws no dashboard
 * @param profile exactly one profile type
 * @param baselineTableName a table with the monitored table's columns to compare each window with
 * @param slicingExprs DuckDB SQL expressions over the table's columns; each gives its own slices
 * @param customMetrics extra metrics, in order
 * @param schedule when refreshes run by themselves
 * @param labels Keel: where an inference log's labels come from when they arrive later
 * @param refreshOnDataChange Keel: refresh after every commit of the monitored (or label) table
 */
public record MonitorSpec(
    String tableName,
    String outputSchemaName,
    Optional<String> assetsDir,
    ProfileType profile,
    Optional<String> baselineTableName,
    List<String> slicingExprs,
    List<CustomMetric> customMetrics,
    Optional<MonitorSchedule> schedule,
    Optional<LabelJoin> labels,
    boolean refreshOnDataChange) {
  public MonitorSpec {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(outputSchemaName, "outputSchemaName");
    Objects.requireNonNull(assetsDir, "assetsDir");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(baselineTableName, "baselineTableName");
    slicingExprs = List.copyOf(slicingExprs);
    customMetrics = List.copyOf(customMetrics);
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(labels, "labels");
  }

  /** The table's own name (the last part of {@link #tableName}). */
  public String shortTableName() {
    return tableName.substring(tableName.lastIndexOf('.') + 1);
  }

  /** {@code {output_schema}.{table}_profile_metrics}. */
  public String profileMetricsTableName() {
    return outputSchemaName + "." + shortTableName() + "_profile_metrics";
  }

  /** {@code {output_schema}.{table}_drift_metrics}. */
  public String driftMetricsTableName() {
    return outputSchemaName + "." + shortTableName() + "_drift_metrics";
  }
}
