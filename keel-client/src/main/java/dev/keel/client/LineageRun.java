package dev.keel.client;

import java.util.Objects;

/**
 * The run a model version came from, as recorded when the version was created.
 *
 * @param runId the run's id
 * @param experimentId its experiment; {@code ""} when not recorded
 * @param codeVersion the run's {@code mlflow.source.git.commit} (else {@code
 *     mlflow.source.version}) tag; {@code ""} when it had neither
 */
public record LineageRun(String runId, String experimentId, String codeVersion) {
  /** Checks for nulls. */
  public LineageRun {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(codeVersion, "codeVersion");
  }
}
