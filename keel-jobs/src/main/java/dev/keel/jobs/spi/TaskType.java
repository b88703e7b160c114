package dev.keel.jobs.spi;

import java.util.Map;

/**
 * A kind of work a job task can do, named by the {@code Task} field that carries its payload
 * ({@code spark_python_task}, {@code python_wheel_task}, {@code spark_jar_task}, {@code
 * keel_task}). The scheduler checks payloads with {@link #validate} when a job is saved or a run
 * submitted, resolves dynamic value references ({@code {{job.parameters.x}}}) in every string of
 * the payload, then calls {@link #run} once per attempt. Implementations are thread-safe: attempts
 * of many runs call {@link #run} at once.
 */
public interface TaskType {
  /** The {@code Task} field holding this type's payload, e.g. {@code spark_python_task}. */
  String field();

  /**
   * Checks a payload before anything is saved.
   *
   * @param payload the payload as JSON values (String, Number, Boolean, List, Map, null)
   * @param path where the payload sits in the request, e.g. {@code tasks[2].spark_python_task}, to
   *     prefix the field named in the error
   * @throws dev.keel.core.KeelException {@code INVALID_ARGUMENT} naming {@code path.field} and the
   *     reason
   */
  void validate(Map<String, Object> payload, String path);

  /**
   * Runs one attempt to its end and says how it ended. Blocks; returns soon (within the context's
   * grace period) after {@link TaskContext#cancelled()} turns true, stopping whatever it started (a
   * process tree: SIGTERM, then SIGKILL). The scheduler decides TIMEDOUT and CANCELED from why it
   * cancelled; what this returns then only matters for the log.
   *
   * @throws InterruptedException when the scheduler's thread is interrupted (server stopping)
   */
  TaskResult run(TaskContext context) throws InterruptedException;
}
