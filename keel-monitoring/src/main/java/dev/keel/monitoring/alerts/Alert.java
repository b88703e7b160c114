package dev.keel.monitoring.alerts;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A stored alert.
 *
 * @param alertId its id (32 hex digits)
 * @param spec what it watches and does
 * @param state the state of its latest evaluation
 * @param lastEvaluatedMs when it was last evaluated (epoch ms); empty before the first evaluation
 * @param lastError why the latest evaluation could not read the metric, if it could not
 * @param createdBy who created it (the job a firing starts runs on their behalf)
 * @param createdAtMs when it was created
 * @param updatedAtMs when it was last changed
 */
public record Alert(
    String alertId,
    AlertSpec spec,
    AlertState state,
    OptionalLong lastEvaluatedMs,
    Optional<String> lastError,
    String createdBy,
    long createdAtMs,
    long updatedAtMs) {
  public Alert {
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastEvaluatedMs, "lastEvaluatedMs");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(createdBy, "createdBy");
  }
}
