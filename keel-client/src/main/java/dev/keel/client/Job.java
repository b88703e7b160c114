package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A job as {@code jobs/get} or {@code jobs/list} answer it.
 *
 * @param jobId the job's id
 * @param name the job's {@code settings.name} ({@code ""} when it has none)
 * @param creatorUserName who created it
 * @param runAsUserName whose identity its runs run as
 * @param createdTime when it was created (epoch ms)
 * @param settings its {@code JobSettings}, defaults written in ({@code tasks} left out by a listing
 *     that does not expand tasks)
 * @param json the server's full answer
 */
public record Job(
    long jobId,
    String name,
    String creatorUserName,
    String runAsUserName,
    long createdTime,
    ObjectNode settings,
    JsonNode json) {

  /** Checks for nulls and copies the JSON. */
  public Job {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(creatorUserName, "creatorUserName");
    Objects.requireNonNull(runAsUserName, "runAsUserName");
    settings = settings.deepCopy();
    json = json.deepCopy();
  }

  /** The number of tasks in {@link #settings()}. */
  public int taskCount() {
    return settings.path("tasks").size();
  }

  static Job from(JsonNode n) {
    JsonNode s = n.path("settings");
    return new Job(
        KeelJson.int64(n, "job_id").orElse(0),
        KeelJson.text(s, "name"),
        KeelJson.text(n, "creator_user_name"),
        KeelJson.text(n, "run_as_user_name"),
        KeelJson.int64(n, "created_time").orElse(0),
        s.isObject() ? (ObjectNode) s : KeelJson.object(),
        n);
  }
}
