package dev.keel.client;

/**
 * The outcome of a write to a table.
 *
 * @param snapshotId the snapshot the write committed
 * @param rowsAdded rows written
 * @param rowsDeleted rows replaced or removed (overwrite, upsert)
 */
public record WriteResult(long snapshotId, long rowsAdded, long rowsDeleted) {}
