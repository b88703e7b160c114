package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A run of a job (Databricks' {@code Run}), as {@code runs/get} or {@code runs/list} answer it.
 *
 * @param runId the run's id
 * @param jobId the job's id (a {@code runs/submit} run has a job of its own)
 * @param runName the run's name (the job's name)
 * @param runType {@code JOB_RUN}, {@code WORKFLOW_RUN} or {@code SUBMIT_RUN}
 * @param trigger what started it: {@code ONE_TIME}, {@code PERIODIC}, {@code RETRY}, ...
 * @param creatorUserName who started it
 * @param runAsUserName whose identity its tasks run as
 * @param state the run's state ({@code state}, which Databricks' SDK waiter reads)
 * @param status the run's newer {@code status}
 * @param startTime when it started (epoch ms); 0 while queued
 * @param endTime when it ended (epoch ms); 0 while active
 * @param jobParameters the parameters it runs with, defaults included
 * @param tasks its task runs, every attempt and repair, in the server's order (empty when the
 *     listing was not asked to expand tasks)
 * @param repairIds the ids of its repairs, oldest first (only when fetched with history)
 * @param json the server's full answer
 */
public record JobRun(
    long runId,
    long jobId,
    String runName,
    String runType,
    String trigger,
    String creatorUserName,
    String runAsUserName,
    JobRunState state,
    JobRunStatus status,
    long startTime,
    long endTime,
    Map<String, String> jobParameters,
    List<JobTaskRun> tasks,
    List<Long> repairIds,
    JsonNode json) {

  /** Checks for nulls and copies the collections and the JSON. */
  public JobRun {
    Objects.requireNonNull(runName, "runName");
    Objects.requireNonNull(runType, "runType");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(creatorUserName, "creatorUserName");
    Objects.requireNonNull(runAsUserName, "runAsUserName");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(status, "status");
    jobParameters = Collections.unmodifiableMap(new LinkedHashMap<>(jobParameters));
    tasks = List.copyOf(tasks);
    repairIds = List.copyOf(repairIds);
    json = json.deepCopy();
  }

  /** Whether the run has ended. */
  public boolean terminal() {
    return state.terminal();
  }

  /**
   * The latest task run of {@code taskKey} (its last attempt or repair), empty when the run has no
   * such task or its tasks were not fetched.
   */
  public Optional<JobTaskRun> task(String taskKey) {
    JobTaskRun last = null;
    for (JobTaskRun t : tasks) {
      if (t.taskKey().equals(taskKey) && (last == null || t.runId() > last.runId())) {
        last = t;
      }
    }
    return Optional.ofNullable(last);
  }

  static JobRun from(JsonNode n) {
    Map<String, String> params = new LinkedHashMap<>();
    for (JsonNode p : n.path("job_parameters")) {
      params.put(KeelJson.text(p, "name"), KeelJson.text(p, "value"));
    }
    List<JobTaskRun> tasks = new ArrayList<>();
    n.path("tasks").forEach(t -> tasks.add(JobTaskRun.from(t)));
    List<Long> repairs = new ArrayList<>();
    for (JsonNode h : n.path("repair_history")) {
      if (KeelJson.text(h, "type").equals("REPAIR")) {
        repairs.add(KeelJson.int64(h, "id").orElse(0));
      }
    }
    return new JobRun(
        KeelJson.int64(n, "run_id").orElse(0),
        KeelJson.int64(n, "job_id").orElse(0),
        KeelJson.text(n, "run_name"),
        KeelJson.text(n, "run_type"),
        KeelJson.text(n, "trigger"),
        KeelJson.text(n, "creator_user_name"),
        KeelJson.text(n, "run_as_user_name"),
        JobRunState.from(n.path("state")),
        JobRunStatus.from(n.path("status")),
        KeelJson.int64(n, "start_time").orElse(0),
        KeelJson.int64(n, "end_time").orElse(0),
        params,
        tasks,
        repairs,
        n);
  }
}
