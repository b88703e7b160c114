package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The newer {@code status} object of a job run or task run, beside the deprecated {@code state}
 * ({@link JobRunState}) that Databricks' SDK waiter reads.
 *
 * @param state {@code QUEUED}, {@code PENDING}, {@code RUNNING}, {@code TERMINATING}, {@code
 *     TERMINATED}, {@code BLOCKED} or {@code WAITING} (a retry); empty from a server that does not
 *     write {@code status}
 * @param terminationCode once ended: {@code SUCCESS}, {@code RUN_EXECUTION_ERROR}, {@code
 *     USER_CANCELED}, {@code DRIVER_ERROR}, ...
 * @param terminationType once ended: {@code SUCCESS}, {@code INTERNAL_ERROR}, {@code CLIENT_ERROR}
 *     or {@code CLOUD_FAILURE}
 * @param terminationMessage once ended: why; may be empty
 * @param queueReason while queued: why ({@code queue_details.message})
 */
public record JobRunStatus(
    String state,
    Optional<String> terminationCode,
    Optional<String> terminationType,
    String terminationMessage,
    Optional<String> queueReason) {

  /** Checks for nulls. */
  public JobRunStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(terminationCode, "terminationCode");
    Objects.requireNonNull(terminationType, "terminationType");
    Objects.requireNonNull(terminationMessage, "terminationMessage");
    Objects.requireNonNull(queueReason, "queueReason");
  }

  static JobRunStatus from(JsonNode status) {
    JsonNode td = status.path("termination_details");
    return new JobRunStatus(
        KeelJson.text(status, "state"),
        KeelJson.optionalText(td, "code").filter(s -> !s.isEmpty()),
        KeelJson.optionalText(td, "type").filter(s -> !s.isEmpty()),
        KeelJson.text(td, "message"),
        KeelJson.optionalText(status.path("queue_details"), "message"));
  }
}
