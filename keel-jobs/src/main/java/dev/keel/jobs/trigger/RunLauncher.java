package dev.keel.jobs.trigger;

import java.util.Map;

/** How a trigger asks the scheduler for a run of a job. */
public interface RunLauncher {
  /**
   * Starts (or queues, per the job's concurrency settings) a run of {@code jobId}.
   *
   * @param trigger the run's {@code trigger} type: PERIODIC (schedules too), TABLE, MODEL,
   *     CONTINUOUS
   * @param idempotencyToken the same token never starts a second run (e.g. the schedule's fire
   *     time), so a trigger that fires twice after a crash starts one run
   * @param triggerInfo values for {@code {{job.trigger.*}}} references
   * @return the run id
   */
  long launch(long jobId, String trigger, String idempotencyToken, Map<String, String> triggerInfo);
}
