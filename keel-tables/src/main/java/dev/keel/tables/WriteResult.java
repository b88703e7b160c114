package dev.keel.tables;

/**
 * The outcome of a write.
 *
 * @param snapshotId the Iceberg snapshot the write committed
 * @param rowsAdded rows written (for an upsert: incoming rows)
 * @param rowsDeleted rows removed (overwrite: all previous rows; upsert: rows replaced)
 */
public record WriteResult(long snapshotId, long rowsAdded, long rowsDeleted) {}
