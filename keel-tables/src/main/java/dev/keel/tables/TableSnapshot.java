package dev.keel.tables;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A resolved, immutable view of a table: the exact Parquet data files of one snapshot. Readers (the
 * feature store's training sets) read exactly these files, so later writes never change what they
 * see. Every file carries Iceberg field ids; column names match {@link #columns()}.
 *
 * @param fullName {@code catalog.schema.table}
 * @param snapshotId the snapshot read
 * @param committedAt when that snapshot was committed
 * @param columns the table's columns, including {@code _ingested_at} when the table has it
 * @param primaryKeys the primary-key columns (may be empty)
 * @param primaryKeyUnique true when no two rows of this snapshot share the primary key, as Keel
 *     knows without reading the rows: the snapshot was written by an overwrite of distinct keys, by
 *     upserts into such a snapshot, by an append of distinct keys to an empty table, or by {@link
 *     TableService#optimize} finding the keys distinct (an append to a table with rows clears it).
 *     False says nothing either way.
 * @param timeseriesKey the timeseries column, when set
 * @param dataFiles absolute paths of the snapshot's data files (empty for an empty table)
 */
public record TableSnapshot(
    String fullName,
    long snapshotId,
    Instant committedAt,
    List<Column> columns,
    List<String> primaryKeys,
    boolean primaryKeyUnique,
    Optional<String> timeseriesKey,
    List<Path> dataFiles) {
  public TableSnapshot {
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(committedAt, "committedAt");
    columns = List.copyOf(columns);
    primaryKeys = List.copyOf(primaryKeys);
    Objects.requireNonNull(timeseriesKey, "timeseriesKey");
    dataFiles = List.copyOf(dataFiles);
  }
}
