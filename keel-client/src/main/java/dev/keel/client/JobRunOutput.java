package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The output of one task run ({@code runs/get-output}).
 *
 * @param metadata the task run the output belongs to
 * @param logs what its process wrote (the last 5 MB); empty for tasks Keel runs itself
 * @param logsTruncated whether the beginning of the log was cut
 * @param error why it failed, when it did
 * @param errorTrace the failure's trace (e.g. a Python traceback), when there is one
 * @param json the server's full answer
 */
public record JobRunOutput(
    JobTaskRun metadata,
    String logs,
    boolean logsTruncated,
    Optional<String> error,
    Optional<String> errorTrace,
    JsonNode json) {

  /** Checks for nulls and copies the JSON. */
  public JobRunOutput {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(logs, "logs");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(errorTrace, "errorTrace");
    json = json.deepCopy();
  }

  static JobRunOutput from(JsonNode n) {
    return new JobRunOutput(
        JobTaskRun.from(n.path("metadata")),
        KeelJson.text(n, "logs"),
        n.path("logs_truncated").asBoolean(false),
        KeelJson.optionalText(n, "error"),
        KeelJson.optionalText(n, "error_trace"),
        n);
  }
}
