package dev.keel.client;

import java.util.Map;
import java.util.Optional;

/**
 * A training set written as a table.
 *
 * @param outputTable the table written
 * @param snapshotId its snapshot holding the rows
 * @param rows rows written (one per spine row)
 * @param sources every input table (spine and feature tables) → the snapshot read
 * @param runId the run it was logged to, when one was given
 */
public record TrainingSetResult(
    String outputTable,
    long snapshotId,
    long rows,
    Map<String, Long> sources,
    Optional<String> runId) {
  public TrainingSetResult {
    sources = Map.copyOf(sources);
  }
}
