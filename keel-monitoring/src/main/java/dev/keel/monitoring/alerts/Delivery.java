package dev.keel.monitoring.alerts;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One webhook delivery of a firing (a row of the outbox).
 *
 * @param deliveryId its id, sent as {@code X-Keel-Delivery} (receivers deduplicate on it)
 * @param firingId the firing delivered
 * @param url where it is posted
 * @param state PENDING until delivered or given up
 * @param attempts how many attempts were started
 * @param lastStatus the HTTP status of the latest answered attempt
 * @param lastError why the latest attempt failed
 * @param nextAttemptMs when the next attempt is due (while PENDING)
 */
public record Delivery(
    String deliveryId,
    String firingId,
    String url,
    State state,
    int attempts,
    OptionalInt lastStatus,
    Optional<String> lastError,
    long nextAttemptMs) {
  public Delivery {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(firingId, "firingId");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastStatus, "lastStatus");
    Objects.requireNonNull(lastError, "lastError");
  }

  /** Where a delivery stands. */
  public enum State {
    PENDING,
    DELIVERED,
    FAILED
  }
}
