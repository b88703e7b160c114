package dev.keel.tables;

/**
 * The outcome of {@link TableService#optimize}.
 *
 * @param snapshotId the snapshot committed, or the current one if there was nothing to do
 * @param filesRemoved data files replaced (0 if there was nothing to do)
 * @param filesAdded data files written (1, or 0 if there was nothing to do)
 * @param rows rows in the table (unchanged by optimizing)
 * @param primaryKeyUnique whether the snapshot now carries the unique-key mark (no two rows share
 *     the primary key; see {@link TableSnapshot#primaryKeyUnique()})
 */
public record OptimizeResult(
    long snapshotId, int filesRemoved, int filesAdded, long rows, boolean primaryKeyUnique) {}
