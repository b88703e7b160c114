package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.Page;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Keel's jobs: Databricks' Jobs API 2.2 ({@code /api/2.2/jobs/...}) and, from inside a running
 * task, Keel's task values. Get one from {@link KeelClient#jobs()}.
 *
 * <pre>{@code
 * JobsClient jobs = keel.jobs();
 * long jobId = jobs.create((ObjectNode) new ObjectMapper().readTree(Files.readString(spec)));
 * long runId = jobs.runNow(jobId, Map.of("alpha", "0.7"), "", List.of());
 * JobRun run = jobs.waitForRun(runId, Duration.ofMinutes(30), r -> System.out.println(r.state()));
 * for (JobTaskRun t : run.tasks()) {
 *   System.out.println(t.taskKey() + " " + t.state().summary());
 * }
 * }</pre>
 *
 * <p>Job settings are given as the {@code JobSettings} JSON Databricks documents ({@code name},
 * {@code tasks}, {@code parameters}, {@code schedule}, ...): the server checks them and answers a
 * 400 naming the field. Every call throws {@link KeelClientException} with the server's error code
 * and message on failure; a job or run that does not exist is {@code INVALID_PARAMETER_VALUE} (HTTP
 * 400) with "Job 42 does not exist.", as Databricks answers it.
 */
public final class JobsClient {
  /** The route a task sets its values through (Keel's extension of the Jobs API). */
  static final String TASK_VALUES = "/api/2.0/keel/jobs/task-values";

  /** The Jobs API this client speaks. */
  static final String API = "/api/2.2/jobs";

  private final Transport http;

  JobsClient(KeelClient client) {
    this.http = new Transport(client);
  }

  // ------------------------------------------------------------------ jobs

  /**
   * Creates a job ({@code POST jobs/create}); the caller owns it.
   *
   * @param settings the {@code JobSettings} object
   * @return the new job's id
   */
  public long create(ObjectNode settings) {
    Objects.requireNonNull(settings, "settings");
    return id(http.json("POST", API + "/create", Map.of(), settings, false), "job_id");
  }

  /** A job with its settings ({@code GET jobs/get}). */
  public Job get(long jobId) {
    return Job.from(
        http.json("GET", API + "/get", Map.of("job_id", ids(jobId, "jobId")), null, true));
  }

  /**
   * One page of the jobs the caller may view, by id ({@code GET jobs/list}), without their tasks.
   *
   * @param name only jobs with exactly this name; {@code ""} for all
   * @param limit page size, 1 to 100; 0 for the server's default (20)
   * @param pageToken {@code ""} for the first page, else the previous page's next-page token
   */
  public Page<Job> list(String name, int limit, String pageToken) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pageToken, "pageToken");
    if (limit < 0 || limit > 100) {
      throw new IllegalArgumentException("limit must be 1 to 100 (0 for the default)");
    }
    Map<String, List<String>> q = new LinkedHashMap<>();
    if (!name.isEmpty()) {
      q.put("name", List.of(name));
    }
    if (limit > 0) {
      q.put("limit", List.of(Integer.toString(limit)));
    }
    if (!pageToken.isEmpty()) {
      q.put("page_token", List.of(pageToken));
    }
    JsonNode resp = http.json("GET", API + "/list", q, null, true);
    List<Job> items = new ArrayList<>();
    resp.path("jobs").forEach(j -> items.add(Job.from(j)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }

  /** Every job the caller may view ({@code ""}: any name), across all pages (lazily). */
  public Stream<Job> stream(String name) {
    return Pages.stream(token -> list(name, 100, token));
  }

  /**
   * Changes some of a job's settings ({@code POST jobs/update}): the top-level fields of {@code
   * newSettings} replace the job's, its {@code tasks} are merged by {@code task_key}.
   *
   * @param fieldsToRemove top-level fields to remove, or {@code tasks/<key>}, {@code
   *     job_clusters/<key>}, {@code environments/<key>}
   */
  public void update(long jobId, ObjectNode newSettings, List<String> fieldsToRemove) {
    Objects.requireNonNull(newSettings, "newSettings");
    ObjectNode b = KeelJson.object();
    b.put("job_id", positive(jobId, "jobId"));
    b.set("new_settings", newSettings);
    if (!fieldsToRemove.isEmpty()) {
      b.set("fields_to_remove", KeelClient.strings(List.copyOf(fieldsToRemove)));
    }
    // The same update twice leaves the same settings: safe to retry.
    http.json("POST", API + "/update", Map.of(), b, true);
  }

  /** Replaces every setting of a job ({@code POST jobs/reset}). */
  public void reset(long jobId, ObjectNode newSettings) {
    Objects.requireNonNull(newSettings, "newSettings");
    ObjectNode b = KeelJson.object();
    b.put("job_id", positive(jobId, "jobId"));
    b.set("new_settings", newSettings);
    http.json("POST", API + "/reset", Map.of(), b, true);
  }

  /** Deletes a job with its runs ({@code POST jobs/delete}). */
  public void delete(long jobId) {
    ObjectNode b = KeelJson.object().put("job_id", positive(jobId, "jobId"));
    // Not retried: a retry after a lost answer would report the deleted job as missing.
    http.json("POST", API + "/delete", Map.of(), b, false);
  }

  // ------------------------------------------------------------------ starting runs

  /** Starts a run of a job with its default parameters; returns the run's id. */
  public long runNow(long jobId) {
    return runNow(jobId, Map.of(), "", List.of());
  }

  /**
   * Starts a run of a job ({@code POST jobs/run-now}).
   *
   * @param jobParameters parameters overriding the job's defaults (unknown names are refused)
   * @param idempotencyToken {@code ""} for none; else a token that gives the same run when sent
   *     again for the same job (the call is then retried on a lost answer)
   * @param only task keys to run ({@code +key} adds its upstream tasks, {@code key+} its downstream
   *     ones); empty for every task
   * @return the run's id
   */
  public long runNow(
      long jobId, Map<String, String> jobParameters, String idempotencyToken, List<String> only) {
    Objects.requireNonNull(idempotencyToken, "idempotencyToken");
    ObjectNode b = KeelJson.object();
    b.put("job_id", positive(jobId, "jobId"));
    if (!jobParameters.isEmpty()) {
      ObjectNode p = b.putObject("job_parameters");
      new LinkedHashMap<>(jobParameters).forEach(p::put);
    }
    if (!idempotencyToken.isEmpty()) {
      b.put("idempotency_token", idempotencyToken);
    }
    if (!only.isEmpty()) {
      b.set("only", KeelClient.strings(List.copyOf(only)));
    }
    JsonNode resp = http.json("POST", API + "/run-now", Map.of(), b, !idempotencyToken.isEmpty());
    return id(resp, "run_id");
  }

  /**
   * Runs settings once without saving a job ({@code POST jobs/runs/submit}: {@code run_name},
   * {@code tasks}, ...); returns the run's id.
   */
  public long submit(ObjectNode settings) {
    Objects.requireNonNull(settings, "settings");
    return id(http.json("POST", API + "/runs/submit", Map.of(), settings, false), "run_id");
  }

  // ------------------------------------------------------------------ runs

  /** A run with its task runs ({@code GET jobs/runs/get}). */
  public JobRun getRun(long runId) {
    return getRun(runId, false);
  }

  /**
   * A run with its task runs ({@code GET jobs/runs/get}); with {@code includeHistory} also its
   * repairs ({@link JobRun#repairIds()}).
   */
  public JobRun getRun(long runId, boolean includeHistory) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    q.put("run_id", ids(runId, "runId"));
    if (includeHistory) {
      q.put("include_history", List.of("true"));
    }
    return JobRun.from(http.json("GET", API + "/runs/get", q, null, true));
  }

  /** One page of runs, newest first ({@code GET jobs/runs/list}). */
  public Page<JobRun> listRuns(JobRunQuery query) {
    JsonNode resp = http.json("GET", API + "/runs/list", query.query(), null, true);
    List<JobRun> items = new ArrayList<>();
    resp.path("runs").forEach(r -> items.add(JobRun.from(r)));
    return new Page<>(items, KeelClient.nextToken(resp));
  }

  /** Every run the query matches, newest first, across all pages (lazily). */
  public Stream<JobRun> streamRuns(JobRunQuery query) {
    return Pages.stream(token -> listRuns(query.withPageToken(token)));
  }

  /**
   * The output of a task run ({@code GET jobs/runs/get-output}): its logs, error and trace. Give a
   * task run's id ({@link JobTaskRun#runId()}); a job run's id works only when it has one task.
   */
  public JobRunOutput getRunOutput(long taskRunId) {
    return JobRunOutput.from(
        http.json(
            "GET",
            API + "/runs/get-output",
            Map.of("run_id", ids(taskRunId, "taskRunId")),
            null,
            true));
  }

  /** Asks a run to stop ({@code POST jobs/runs/cancel}); it ends {@code CANCELED} soon after. */
  public void cancelRun(long runId) {
    http.json(
        "POST",
        API + "/runs/cancel",
        Map.of(),
        KeelJson.object().put("run_id", positive(runId, "runId")),
        true);
  }

  /** Asks every active run of a job to stop ({@code POST jobs/runs/cancel-all}). */
  public void cancelAllRuns(long jobId) {
    http.json(
        "POST",
        API + "/runs/cancel-all",
        Map.of(),
        KeelJson.object().put("job_id", positive(jobId, "jobId")),
        true);
  }

  /**
   * Re-executes tasks of an ended run inside that run ({@code POST jobs/runs/repair}), with the
   * job's current settings; returns the repair's id. Wait for it with {@link #waitForRun}.
   */
  public long repairRun(long runId, JobRepair repair) {
    JsonNode resp =
        http.json(
            "POST", API + "/runs/repair", Map.of(), repair.body(positive(runId, "runId")), false);
    return id(resp, "repair_id");
  }

  /** Deletes an ended run, its task runs and logs ({@code POST jobs/runs/delete}). */
  public void deleteRun(long runId) {
    http.json(
        "POST",
        API + "/runs/delete",
        Map.of(),
        KeelJson.object().put("run_id", positive(runId, "runId")),
        false);
  }

  /**
   * Polls {@code runs/get} until the run has ended and returns it as it ended. {@code onChange} is
   * called with the first answer and then with every answer in which the run's state or a task
   * run's state changed (a task run appearing counts), so a caller can show progress. Polls every
   * 100 ms at first, backing off to once a second.
   *
   * @throws KeelClientException {@code TIMEOUT} if the run has not ended after {@code timeout}
   */
  public JobRun waitForRun(long runId, Duration timeout, Consumer<JobRun> onChange) {
    return Polls.until(
        () -> getRun(runId, true),
        JobsClient::fingerprint,
        r -> r.terminal() && activeRepairs(r) == 0,
        timeout,
        onChange,
        "run " + runId,
        r ->
            "Run " + runId + " is still " + r.state().lifeCycleState() + " after " + timeout + ".");
  }

  /** Repairs of the run that have not ended yet (a repaired run is active again meanwhile). */
  private static int activeRepairs(JobRun r) {
    int n = 0;
    for (JsonNode h : r.json().path("repair_history")) {
      String lc = h.path("state").path("life_cycle_state").asText("");
      if (KeelJson.text(h, "type").equals("REPAIR")
          && !lc.isEmpty()
          && !new JobRunState(lc, Optional.empty(), "", false).terminal()) {
        n++;
      }
    }
    return n;
  }

  private static String fingerprint(JobRun r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.state().lifeCycleState()).append('/').append(r.state().summary());
    for (JobTaskRun t : r.tasks()) {
      sb.append(';')
          .append(t.runId())
          .append('=')
          .append(t.state().lifeCycleState())
          .append('/')
          .append(t.state().summary());
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ task values

  /**
   * Sets the task value {@code key} of the task run {@code taskRunId} (a task's {@code
   * KEEL_TASK_RUN_ID}) to {@code value}: {@code POST /api/2.0/keel/jobs/task-values {"run_id",
   * "key", "value"}}. Setting a key again replaces its value.
   *
   * @throws IllegalArgumentException if {@code taskRunId} is not positive or {@code key} is blank
   * @throws KeelClientException {@code INVALID_PARAMETER_VALUE} if the server refuses the key or
   *     value (e.g. over 48 KiB), {@code RESOURCE_DOES_NOT_EXIST} for an unknown task run
   */
  public void setTaskValue(long taskRunId, String key, JsonNode value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (taskRunId <= 0) {
      throw new IllegalArgumentException("taskRunId must be positive, got " + taskRunId);
    }
    if (key.isBlank()) {
      throw new IllegalArgumentException("key must not be blank");
    }
    ObjectNode body = KeelJson.object();
    body.put("run_id", taskRunId);
    body.put("key", key);
    body.set("value", value);
    // Setting the same value twice leaves the same state: safe to retry.
    http.json("POST", TASK_VALUES, Map.of(), body, true);
  }

  // ------------------------------------------------------------------ helpers

  private static long positive(long id, String field) {
    if (id <= 0) {
      throw new IllegalArgumentException(field + " must be positive, got " + id);
    }
    return id;
  }

  private static List<String> ids(long id, String field) {
    return List.of(Long.toString(positive(id, field)));
  }

  private static long id(JsonNode resp, String field) {
    long id = KeelJson.int64(resp, field).orElse(0);
    if (id <= 0) {
      throw KeelClientException.local(
          KeelClientException.INVALID_RESPONSE, "the answer has no '" + field + "'");
    }
    return id;
  }
}
