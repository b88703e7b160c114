package dev.keel.jobs.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where jobs, runs, attempts, task values and repairs are kept (the metadata database). Every
 * method is one transaction. Thread-safe.
 */
public interface JobStore {
  /** Reserves {@code n} consecutive int64 ids and returns the first. */
  long reserveIds(int n);

  /** Saves a new job. */
  void insertJob(Job job);

  /** The job, if it exists. */
  Optional<Job> job(long jobId);

  /**
   * Jobs by id, after {@code afterId}, at most {@code limit}.
   *
   * @param name only jobs with exactly this name, when given
   * @param visible only these job ids, when given (a non-administrator's view)
   */
  List<Job> jobs(Optional<String> name, Optional<List<Long>> visible, long afterId, int limit);

  /** Every job with a schedule, trigger or continuous. */
  List<Job> triggeredJobs();

  /** Replaces a job's settings; false when it does not exist. */
  boolean updateJob(Job job, boolean triggered);

  /** Deletes a job and its runs; false when it did not exist. */
  boolean deleteJob(long jobId);

  /**
   * Records a new run: with an idempotency token already used for the job, answers that run
   * instead. The run is PENDING when the job has room ({@code maxConcurrent} active runs at most),
   * QUEUED when not and {@code queue} is on, else SKIPPED with MAXIMUM_CONCURRENT_RUNS_REACHED.
   */
  JobRun createRun(JobRun draft, int maxConcurrent, boolean queue);

  /**
   * Admits queued runs where their jobs have room (by the limit in the run's settings) and claims
   * for {@code owner} up to {@code limit} PENDING runs and runs whose owner's lease has lapsed (all
   * unowned or owned by others when {@code takeOver}); each claimed run is RUNNING with a lease
   * until {@code leaseUntil} and its lease epoch one higher (see {@link RunLease}). PostgreSQL:
   * {@code FOR UPDATE SKIP LOCKED}, so one server claims each.
   */
  List<JobRun> claim(String owner, long now, long leaseUntil, int limit, boolean takeOver);

  /**
   * Extends the lease of every run {@code owner} drives and returns their ids: a run it believes it
   * drives that is not among them was taken over (or has ended).
   */
  List<Long> renew(String owner, long leaseUntil);

  /** The run, if it exists. */
  Optional<JobRun> run(long runId);

  /** Runs newest first, filtered; at most {@code limit} after skipping {@code offset}. */
  List<JobRun> runs(RunFilter filter, long offset, int limit);

  /** Writes a run's state (life cycle, result, message, end time, settings, repair count). */
  void updateRun(JobRun run);

  /**
   * Writes a run's state as {@link #updateRun(JobRun)} does, only while the run is still claimed
   * under {@code lease}; false, writing nothing, when it is not.
   */
  boolean updateRun(JobRun run, RunLease lease);

  /**
   * Ends a run: writes its final state and closes the repairs it executed ({@code closed}) in one
   * transaction, only while the run is still claimed under {@code lease}; false, writing nothing,
   * when it is not. A reader never sees an ended run with an open repair.
   */
  boolean endRun(JobRun run, List<Repair> closed, RunLease lease);

  /** Marks a stop request on every active run matched; returns their ids. */
  List<Long> requestCancel(Optional<Long> runId, Optional<Long> jobId, String reason);

  /** The ids of every queued run, oldest first. */
  List<Long> queuedRuns();

  /** The ids of the runs {@code owner} drives that have a stop request. */
  List<Long> cancelRequests(String owner);

  /** Deletes a terminal run with its attempts, values and repairs; false when not found. */
  boolean deleteRun(long runId);

  /** Saves a new attempt. */
  void insertTaskRun(TaskRun t);

  /** Saves new attempts in one transaction. */
  void insertTaskRuns(java.util.List<TaskRun> ts);

  /** Saves new attempts of the run of {@code lease} while it is claimed under it; else false. */
  boolean insertTaskRuns(java.util.List<TaskRun> ts, RunLease lease);

  /** Writes an attempt's state. */
  void updateTaskRun(TaskRun t);

  /** Writes an attempt's state while its run is claimed under {@code lease}; else false. */
  boolean updateTaskRun(TaskRun t, RunLease lease);

  /** The attempt, if it exists. */
  Optional<TaskRun> taskRun(long taskRunId);

  /** Every attempt of a run (iterations included), oldest first. */
  List<TaskRun> taskRuns(long runId);

  /** The attempts of several runs in one read, by run id, each run's oldest first. */
  Map<Long, List<TaskRun>> taskRuns(Collection<Long> runIds);

  /** Sets a task value. */
  void putValue(long runId, String taskKey, String name, String json);

  /** Sets a task value while the run is claimed under {@code lease}; else false. */
  boolean putValue(String taskKey, String name, String json, RunLease lease);

  /** A task value's JSON, if set. */
  Optional<String> value(long runId, String taskKey, String name);

  /** Saves a repair. */
  void insertRepair(Repair r);

  /** Writes a repair's state. */
  void updateRepair(Repair r);

  /** A run's repairs, oldest first. */
  List<Repair> repairs(long runId);
}
