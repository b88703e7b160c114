package dev.keel.client;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The attributes {@link TrackingClient#updateRun} changes; empty ones are left as they are. Start
 * from {@link #none()}:
 *
 * <pre>{@code
 * client.updateRun(runId, RunUpdate.none().withStatus(RunStatus.FINISHED).withEndTime(now));
 * }</pre>
 *
 * @param status new status
 * @param endTime new end time (ms since the epoch)
 * @param runName new display name
 */
public record RunUpdate(
    Optional<RunStatus> status, OptionalLong endTime, Optional<String> runName) {
  public RunUpdate {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(endTime, "endTime");
    Objects.requireNonNull(runName, "runName");
  }

  /** An update that changes nothing. */
  public static RunUpdate none() {
    return new RunUpdate(Optional.empty(), OptionalLong.empty(), Optional.empty());
  }

  /** This update, also setting the status. */
  public RunUpdate withStatus(RunStatus status) {
    return new RunUpdate(Optional.of(status), endTime, runName);
  }

  /** This update, also setting the end time. */
  public RunUpdate withEndTime(long endTimeMillis) {
    return new RunUpdate(status, OptionalLong.of(endTimeMillis), runName);
  }

  /** This update, also renaming the run. */
  public RunUpdate withRunName(String runName) {
    return new RunUpdate(status, endTime, Optional.of(runName));
  }
}
