package dev.keel.client;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A run's attributes.
 *
 * @param runId 32 hex characters
 * @param runName display name (mirrored in the {@code mlflow.runName} tag)
 * @param experimentId owning experiment
 * @param userId who created the run ({@code ""} when unknown)
 * @param status run status
 * @param startTime milliseconds since the epoch
 * @param endTime milliseconds since the epoch, once the run has ended
 * @param artifactUri root of the run's artifacts, {@code mlflow-artifacts:/<exp>/<run>/artifacts}
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
    LifecycleStage lifecycleStage) {
  public RunInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(runName, "runName");
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(endTime, "endTime");
    Objects.requireNonNull(artifactUri, "artifactUri");
    Objects.requireNonNull(lifecycleStage, "lifecycleStage");
  }
}
