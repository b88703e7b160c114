package dev.keel.jobs.trigger;

import java.time.Instant;
import java.util.List;

/** The jobs that have something that starts them by itself; the scheduler implements it. */
public interface TriggeredJobs {
  /** Every job with a schedule, a trigger or {@code continuous}, as the store holds it now. */
  List<TriggeredJob> all();

  /** True while {@code jobId} has a run that is queued, pending, running or terminating. */
  boolean hasActiveRun(long jobId);

  /**
   * One job's starting settings.
   *
   * @param jobId the job
   * @param schedule its {@code schedule}, or null
   * @param trigger its {@code trigger}, or null
   * @param continuous its {@code continuous}, or null
   * @param changedAt when these settings were last saved (a trigger counts events from then)
   */
  record TriggeredJob(
      long jobId,
      Schedule schedule,
      TriggerSettings trigger,
      Continuous continuous,
      Instant changedAt) {}
}
