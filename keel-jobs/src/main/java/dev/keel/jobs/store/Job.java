package dev.keel.jobs.store;

/**
 * A saved job.
 *
 * @param jobId its int64 id
 * @param name {@code settings.name}, kept for the name filter
 * @param creator who created it (its owner)
 * @param runAs who its runs act as: {@code run_as}, else the creator
 * @param settings the checked {@code JobSettings} JSON
 * @param createdAt epoch millis
 * @param updatedAt epoch millis of the last save
 */
public record Job(
    long jobId,
    String name,
    String creator,
    String runAs,
    String settings,
    long createdAt,
    long updatedAt) {}
