package dev.keel.tracking;

import java.util.Objects;

/**
 * One dataset input of a run, with the run it belongs to.
 *
 * @param runId the run
 * @param runStartTime the run's start time, ms since the epoch
 * @param input the input (tags and dataset)
 */
public record RunInput(String runId, long runStartTime, DatasetInput input) {
  public RunInput {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(input, "input");
  }
}
