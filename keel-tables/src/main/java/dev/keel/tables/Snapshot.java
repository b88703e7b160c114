package dev.keel.tables;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One entry of a table's history.
 *
 * @param snapshotId the Iceberg snapshot id
 * @param parentId the previous snapshot, absent for the first
 * @param committedAt commit time (millisecond precision)
 * @param operation Iceberg's operation: {@code append}, {@code overwrite}, {@code delete}
 * @param addedRows rows added by this commit
 * @param deletedRows rows removed by this commit
 * @param addedFiles data files added
 * @param deletedFiles data files removed
 * @param totalRows rows in the table after this commit
 * @param primaryKeyUnique whether the snapshot carries the unique-key mark ({@link
 *     TableSnapshot#primaryKeyUnique()})
 */
public record Snapshot(
    long snapshotId,
    OptionalLong parentId,
    Instant committedAt,
    String operation,
    long addedRows,
    long deletedRows,
    long addedFiles,
    long deletedFiles,
    long totalRows,
    boolean primaryKeyUnique) {
  public Snapshot {
    Objects.requireNonNull(parentId, "parentId");
    Objects.requireNonNull(committedAt, "committedAt");
    Objects.requireNonNull(operation, "operation");
  }
}
