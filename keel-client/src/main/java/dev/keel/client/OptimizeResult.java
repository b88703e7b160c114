package dev.keel.client;

/**
 * What {@link TablesClient#optimize} did.
 *
 * @param snapshotId the snapshot committed, or the current one if there was nothing to do
 * @param filesRemoved data files replaced (0 if there was nothing to do)
 * @param filesAdded data files written (1, or 0 if there was nothing to do)
 * @param rows rows in the table (optimizing does not change them)
 * @param primaryKeyUnique whether the table's latest snapshot is now marked as having a unique
 *     primary key
 */
public record OptimizeResult(
    long snapshotId, int filesRemoved, int filesAdded, long rows, boolean primaryKeyUnique) {}
