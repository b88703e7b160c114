package dev.keel.jobs.engine;

import dev.keel.jobs.model.SettingsParser;
import dev.keel.jobs.store.JobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * What every run executor shares: the store, the parser and task types, the threads and the
 * server's identity. Built by {@link Scheduler}.
 *
 * @param store where runs and attempts are written
 * @param parser parses run settings; knows the task types
 * @param ids hands out task run ids
 * @param workers one virtual thread per attempt
 * @param timer timeouts and retry delays
 * @param clock the time
 * @param dataDir logs go under {@code logs/jobs}, scratch under {@code work/jobs}
 * @param host the server's URL, for task processes
 * @param tokens mints task tokens
 * @param grace how long a task type waits before forcing its work to stop
 * @param children starts run_job_task child runs
 * @param writers how many worker threads write attempt rows at once
 */
record Engine(
    JobStore store,
    SettingsParser parser,
    Ids ids,
    ExecutorService workers,
    ScheduledExecutorService timer,
    Clock clock,
    Path dataDir,
    Supplier<String> host,
    JobTokens tokens,
    Duration grace,
    ChildRuns children,
    java.util.concurrent.Semaphore writers) {

  /** The log file of a task run. */
  Path logFile(long jobId, long runId, long taskRunId) {
    return dataDir
        .resolve("logs")
        .resolve("jobs")
        .resolve(Long.toString(jobId))
        .resolve(Long.toString(runId))
        .resolve(taskRunId + ".log");
  }
}
