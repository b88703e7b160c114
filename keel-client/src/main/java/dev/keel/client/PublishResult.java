package dev.keel.client;

/**
 * The outcome of publishing a feature table to the online store.
 *
 * @param table the feature table
 * @param onlineStore which online store ({@code embedded} or {@code redis})
 * @param mode how it was published
 * @param snapshotId the snapshot published
 * @param rowsRead rows read from the table
 * @param rowsWritten rows written to the store
 * @param rowsSkipped rows skipped because the store held newer values
 * @param durationMillis how long it took
 */
public record PublishResult(
    String table,
    String onlineStore,
    PublishMode mode,
    long snapshotId,
    long rowsRead,
    long rowsWritten,
    long rowsSkipped,
    long durationMillis) {}
