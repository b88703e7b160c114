package dev.keel.tracking;

import java.util.OptionalLong;

/**
 * A run's attributes.
 *
 * @param runId 32 hex characters
 * @param runName display name, mirrored in the {@code mlflow.runName} tag
 * @param experimentId owning experiment
 * @param userId who created it ("" when unknown)
 * @param status run status
 * @param startTime ms since the epoch
 * @param endTime ms since the epoch, when the run ended
 * @param artifactUri {@code mlflow-artifacts:/<experiment>/<run>/artifacts}
 * @param lifecycleStage active or deleted
 */
public record RunInfo(
    String runId,
    String runName,
    String experimentId,
    String userId,
    RunStatus status,
    long startTime,
    OptionalLong endTime,
    String artifactUri,
    LifecycleStage lifecycleStage) {}
