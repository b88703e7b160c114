package dev.keel.monitoring.engine;

import dev.keel.tables.Column;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One snapshot of a Keel table as the engine reads it: the exact Parquet files (Iceberg field ids,
 * column names as in {@link #columns}). Files never change once written, so a file path identifies
 * its rows: files present now but not in an earlier snapshot hold what was appended since.
 *
 * @param fullName {@code catalog.schema.table}
 * @param snapshotId the snapshot (0 for a table with none)
 * @param columns the table's columns
 * @param dataFiles the snapshot's data files (empty for an empty table)
 */
public record TableData(
    String fullName, long snapshotId, List<Column> columns, List<Path> dataFiles) {
  public TableData {
    Objects.requireNonNull(fullName, "fullName");
    columns = List.copyOf(columns);
    dataFiles = List.copyOf(dataFiles);
  }
}
