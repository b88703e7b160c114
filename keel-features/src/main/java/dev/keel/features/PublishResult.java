package dev.keel.features;

/**
 * What a publish did.
 *
 * @param table the feature table
 * @param store the online store it went to ({@code embedded} or the Redis address)
 * @param mode the mode used ({@code SNAPSHOT} when a triggered publish had nothing to start from)
 * @param snapshotId the table snapshot published
 * @param rowsRead entity rows read from the table
 * @param rowsWritten rows the online store took
 * @param rowsSkipped rows it skipped because it held a newer or equal event time
 * @param millis wall time
 */
public record PublishResult(
    String table,
    String store,
    PublishMode mode,
    long snapshotId,
    long rowsRead,
    long rowsWritten,
    long rowsSkipped,
    long millis) {}
