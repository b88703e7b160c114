package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * An alert as the server describes it.
 *
 * @param alertId its id
 * @param spec its rule, notifications and action (webhook secrets are never returned)
 * @param state {@code OK}, {@code TRIGGERED} or {@code UNKNOWN} (not evaluated yet, or no data)
 * @param lastEvaluatedMs when it was last evaluated (epoch ms), once it has been
 * @param createdBy who created it
 * @param createdAtMs when (epoch ms)
 * @param json the server's full answer
 */
public record Alert(
    String alertId,
    AlertSpec spec,
    String state,
    OptionalLong lastEvaluatedMs,
    String createdBy,
    long createdAtMs,
    JsonNode json) {

  /** Checks for nulls and copies the JSON. */
  public Alert {
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastEvaluatedMs, "lastEvaluatedMs");
    Objects.requireNonNull(createdBy, "createdBy");
    json = json.deepCopy();
  }

  static Alert from(JsonNode n) {
    return new Alert(
        KeelJson.text(n, "alert_id"),
        AlertSpec.from(n),
        KeelJson.text(n, "state"),
        KeelJson.int64(n, "last_evaluated_ms"),
        KeelJson.text(n, "created_by"),
        KeelJson.int64(n, "created_at_ms").orElse(0),
        n);
  }
}
