package dev.keel.client;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * One committed version of a table ({@link TablesClient#history}).
 *
 * @param snapshotId the Iceberg snapshot id (for time travel)
 * @param parentId the previous snapshot, absent for the first
 * @param committedAt when it was committed
 * @param operation Iceberg's operation ({@code append}, {@code overwrite}...)
 * @param addedRows rows added
 * @param deletedRows rows deleted
 * @param addedFiles data files added
 * @param deletedFiles data files removed
 * @param totalRows rows in the table at this snapshot
 * @param primaryKeyUnique whether Keel knows that no two rows of this snapshot share the primary
 *     key (written by overwrites of distinct keys, upserts, a first append, or {@code optimize});
 *     point-in-time lookups into such a table are faster
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
    boolean primaryKeyUnique) {}
