package dev.keel.monitoring.alerts;

import java.util.Map;

/**
 * How an alert starts a job run; implemented over the jobs module in the composition root.
 * Implementations throw {@link dev.keel.core.KeelException}: {@code INVALID_ARGUMENT} for a job
 * that does not exist, {@code PERMISSION_DENIED} when the user may not run it.
 */
public interface AlertJobs {
  /**
   * Starts a run of {@code jobId} now, with these job parameters, on behalf of {@code runAs} (the
   * alert's owner). A second call with the same {@code idempotencyToken} must not start a second
   * run but answer the first run's id (the outbox retries after a crash).
   *
   * @return the run id
   */
  long runNow(long jobId, Map<String, String> params, String runAs, String idempotencyToken);

  /**
   * Returns when {@code jobId} exists and {@code user} may run it (checked when an alert is created
   * or its action changed).
   */
  void checkCanRun(long jobId, String user);
}
