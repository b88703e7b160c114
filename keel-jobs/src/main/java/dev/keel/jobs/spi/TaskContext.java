package dev.keel.jobs.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one attempt of one task runs with. Given by the scheduler to {@link TaskType#run}; valid
 * until that call returns.
 */
public interface TaskContext {
  /** The job's id (Databricks {@code job_id}); a one-time {@code runs/submit} run has its own. */
  long jobId();

  /** The job run's id ({@code {{job.run_id}}}). */
  long jobRunId();

  /** This attempt's task run id ({@code {{task.run_id}}}; a retry has a new one). */
  long taskRunId();

  /** The task's {@code task_key}. */
  String taskKey();

  /** 0 for the first attempt, then 1, 2, ... for retries (Databricks {@code attempt_number}). */
  int attemptNumber();

  /** The task's payload with every dynamic value reference resolved. */
  Map<String, Object> payload();

  /** The run's job parameters (defaults overridden by the run's), resolved. */
  Map<String, String> jobParameters();

  /**
   * The job environment the task names with {@code environment_key} ({@code environments[].spec} as
   * JSON values), or an empty map when it names none.
   */
  Map<String, Object> environment();

  /** The task's {@code libraries} ({@code [{"whl": ...}, {"jar": ...}, ...]}), resolved. */
  List<Map<String, Object>> libraries();

  /** The identity the run acts as: the job's {@code run_as}, else its owner. */
  String runAs();

  /** Keel's base URL, reachable from the task's process (e.g. {@code http://127.0.0.1:8080}). */
  String host();

  /**
   * A token for {@link #runAs()} that expires soon after the attempt's timeout; empty when the
   * server runs without authentication.
   */
  Optional<String> token();

  /** A fresh directory for this attempt's scratch files, removed after the run is deleted. */
  Path workDir();

  /**
   * The file the attempt's output goes to (stdout and stderr of a process, interleaved); {@code
   * runs/get-output} returns its tail.
   */
  Path logFile();

  /**
   * Publishes a task value (Databricks {@code dbutils.jobs.taskValues.set}) readable downstream as
   * {@code {{tasks.<key>.values.<name>}}}.
   *
   * @param name the value's name ({@code [A-Za-z0-9_.-]+})
   * @param json the value, serialised JSON, at most 48 KiB
   * @throws dev.keel.core.KeelException {@code INVALID_ARGUMENT} naming the problem
   */
  void setTaskValue(String name, String json);

  /** True once the scheduler wants the attempt to stop (cancel, timeout or server stop). */
  boolean cancelled();

  /** Runs {@code action} when the attempt is cancelled (at once if it already is). */
  void onCancel(Runnable action);

  /** How long a task type waits after asking its work to stop before it forces it (SIGKILL). */
  Duration gracePeriod();
}
