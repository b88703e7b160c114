package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/**
 * Keel's jobs API as seen from inside a running task: a task publishes values its downstream tasks
 * read ({@code {{tasks.<key>.values.<name>}}}), as Databricks' {@code dbutils.jobs.taskValues.set}
 * does.
 */
public final class JobsClient {
  /** The route a task sets its values through (Keel's extension of the Jobs API). */
  static final String TASK_VALUES = "/api/2.0/keel/jobs/task-values";

  private final Transport http;

  JobsClient(KeelClient client) {
    this.http = new Transport(client);
  }

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
}
