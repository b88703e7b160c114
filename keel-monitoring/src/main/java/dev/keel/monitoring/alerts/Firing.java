package dev.keel.monitoring.alerts;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One time an alert fired (went to TRIGGERED).
 *
 * @param firingId its id (32 hex digits)
 * @param alertId the alert
 * @param firedAtMs when (epoch ms)
 * @param refreshId the refresh whose evaluation fired it
 * @param latest the latest window (its value violated)
 * @param values the windows the rule looked at, oldest first
 * @param job the job run it starts, if the alert runs a job
 * @param deliveries its webhook deliveries
 */
public record Firing(
    String firingId,
    String alertId,
    long firedAtMs,
    String refreshId,
    WindowValue latest,
    List<WindowValue> values,
    Optional<JobAction> job,
    List<Delivery> deliveries) {
  public Firing {
    Objects.requireNonNull(firingId, "firingId");
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(refreshId, "refreshId");
    Objects.requireNonNull(latest, "latest");
    values = List.copyOf(values);
    Objects.requireNonNull(job, "job");
    deliveries = List.copyOf(deliveries);
  }

  /**
   * The job run a firing starts, kept in the outbox until started.
   *
   * @param jobId the job
   * @param state PENDING until started (or given up: FAILED)
   * @param runId the run started
   * @param attempts how many attempts were made
   * @param lastError why the latest attempt failed
   */
  public record JobAction(
      long jobId, State state, OptionalLong runId, int attempts, Optional<String> lastError) {
    public JobAction {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(lastError, "lastError");
    }

    /** Where a job action stands. */
    public enum State {
      PENDING,
      STARTED,
      FAILED
    }
  }
}
