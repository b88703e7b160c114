package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One attempt of one task of a job run (Databricks' {@code RunTask}). A retry or a repair is a new
 * task run with its own {@link #runId()}; {@code runs/get-output} takes this id.
 *
 * @param runId the task run's id
 * @param taskKey the task's {@code task_key}
 * @param attemptNumber 0 for the first attempt, then 1, 2, ... for retries
 * @param originalAttemptRunId the first attempt's run id (this one's for a first attempt)
 * @param state the task run's state
 * @param status the task run's newer {@code status}
 * @param conditionOutcome for a {@code condition_task} that ran: {@code "true"} or {@code "false"}
 * @param startTime when it started (epoch ms); 0 before it starts
 * @param endTime when it ended (epoch ms); 0 while it runs
 * @param json the server's full answer for this task run
 */
public record JobTaskRun(
    long runId,
    String taskKey,
    int attemptNumber,
    long originalAttemptRunId,
    JobRunState state,
    JobRunStatus status,
    Optional<String> conditionOutcome,
    long startTime,
    long endTime,
    JsonNode json) {

  /** Checks for nulls and copies the JSON. */
  public JobTaskRun {
    Objects.requireNonNull(taskKey, "taskKey");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(conditionOutcome, "conditionOutcome");
    json = json.deepCopy();
  }

  static JobTaskRun from(JsonNode n) {
    return new JobTaskRun(
        KeelJson.int64(n, "run_id").orElse(0),
        KeelJson.text(n, "task_key"),
        n.path("attempt_number").asInt(0),
        KeelJson.int64(n, "original_attempt_run_id").orElse(0),
        JobRunState.from(n.path("state")),
        JobRunStatus.from(n.path("status")),
        KeelJson.optionalText(n.path("condition_task"), "outcome"),
        KeelJson.int64(n, "start_time").orElse(0),
        KeelJson.int64(n, "end_time").orElse(0),
        n);
  }
}
