package dev.keel.jobs.engine;

import dev.keel.jobs.store.JobRun;
import java.util.Map;

/** How a run_job_task starts the run it waits for (the run service). */
public interface ChildRuns {
  /**
   * Starts a run of {@code jobId} for the task run {@code parentTaskRun}, acting as {@code runAs}.
   */
  JobRun start(long jobId, Map<String, String> jobParameters, long parentTaskRun, String runAs);
}
