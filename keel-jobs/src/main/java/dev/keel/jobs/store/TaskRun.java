package dev.keel.jobs.store;

import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import java.util.Optional;

/**
 * One attempt of one task in a run (a retry or a repair is a new one), or one iteration of a
 * for-each task.
 *
 * @param taskRunId its int64 id
 * @param runId the job run's id
 * @param taskKey the task's key
 * @param attemptNumber 0 for the first attempt, then 1, 2...
 * @param originalAttempt the first attempt's task run id (its own for the first)
 * @param repairId the repair that made it, or 0
 * @param iterationOf the for-each task run it is an iteration of, or 0
 * @param iterationIndex its index among the iterations, or -1
 * @param lifeCycle where it is
 * @param resultState how it ended, once terminal
 * @param stateMessage a message for people
 * @param outcome a condition task's outcome ({@code "true"}, {@code "false"}), else empty
 * @param startTime epoch millis it started (0 before)
 * @param endTime epoch millis it ended (0 before)
 * @param error the one-line error, if it failed
 * @param errorTrace the longer story, if any
 * @param childRunId the run a run_job_task started, or 0
 */
public record TaskRun(
    long taskRunId,
    long runId,
    String taskKey,
    int attemptNumber,
    long originalAttempt,
    long repairId,
    long iterationOf,
    int iterationIndex,
    LifeCycle lifeCycle,
    Optional<ResultState> resultState,
    String stateMessage,
    String outcome,
    long startTime,
    long endTime,
    Optional<String> error,
    Optional<String> errorTrace,
    long childRunId) {

  /** A first attempt not started yet (its own original attempt). */
  public static TaskRun pending(long id, long runId, String taskKey, long repairId) {
    return new TaskRun(
        id,
        runId,
        taskKey,
        0,
        id,
        repairId,
        0,
        -1,
        LifeCycle.PENDING,
        Optional.empty(),
        "",
        "",
        0,
        0,
        Optional.empty(),
        Optional.empty(),
        0);
  }

  /** This attempt starting at {@code now}: RUNNING, nothing of an earlier end kept. */
  public TaskRun started(long now) {
    return new TaskRun(
        taskRunId,
        runId,
        taskKey,
        attemptNumber,
        originalAttempt,
        repairId,
        iterationOf,
        iterationIndex,
        LifeCycle.RUNNING,
        Optional.empty(),
        "",
        "",
        now,
        0,
        Optional.empty(),
        Optional.empty(),
        0);
  }

  /** The next attempt after this one, as a new task run {@code id} in {@code lc}. */
  public TaskRun retry(long id, LifeCycle lc, String message) {
    return new TaskRun(
        id,
        runId,
        taskKey,
        attemptNumber + 1,
        originalAttempt,
        repairId,
        iterationOf,
        iterationIndex,
        lc,
        Optional.empty(),
        message,
        "",
        startTime,
        0,
        Optional.empty(),
        Optional.empty(),
        0);
  }

  /** This attempt ended as {@code result}. */
  public TaskRun ended(
      LifeCycle lc, ResultState result, String message, long end, String error, String trace) {
    return new TaskRun(
        taskRunId,
        runId,
        taskKey,
        attemptNumber,
        originalAttempt,
        repairId,
        iterationOf,
        iterationIndex,
        lc,
        Optional.ofNullable(result),
        message,
        outcome,
        startTime,
        end,
        Optional.ofNullable(error),
        Optional.ofNullable(trace),
        childRunId);
  }

  /** This attempt with a condition outcome or a child run. */
  public TaskRun with(String newOutcome, long child) {
    return new TaskRun(
        taskRunId,
        runId,
        taskKey,
        attemptNumber,
        originalAttempt,
        repairId,
        iterationOf,
        iterationIndex,
        lifeCycle,
        resultState,
        stateMessage,
        newOutcome,
        startTime,
        endTime,
        error,
        errorTrace,
        child);
  }

  /** True once it has ended. */
  public boolean terminal() {
    return lifeCycle.terminal();
  }
}
