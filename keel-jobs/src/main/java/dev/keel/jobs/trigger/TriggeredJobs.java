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
   * The latest ended runs of {@code jobId}, newest first, at most {@code limit}: a continuous job
   * backs off while they keep failing.
   */
  List<EndedRun> endedRuns(long jobId, int limit);

  /**
   * How one run ended.
   *
   * @param failed whether it failed ({@code FAILED}, {@code TIMEDOUT}, an internal error), as
   *     opposed to succeeding or being cancelled
   * @param start when it started
   * @param end when it ended
   */
  record EndedRun(boolean failed, Instant start, Instant end) {}

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
