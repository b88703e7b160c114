package dev.keel.catalog.audit;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A search of the audit log: entries newest first, matching every given filter.
 *
 * @param principal the principal name, exactly
 * @param action the action name exactly, or a prefix when it ends with {@code *} ({@code
 *     unity-catalog.tables.*})
 * @param securable the securable's full name or id, exactly
 * @param since entries at or after this time (ms since the epoch)
 * @param until entries before this time (ms since the epoch)
 * @param limit the most entries returned
 * @param after where the previous page ended: entries strictly older than this position
 */
public record AuditQuery(
    Optional<String> principal,
    Optional<String> action,
    Optional<String> securable,
    OptionalLong since,
    OptionalLong until,
    int limit,
    Optional<Position> after) {

  /**
   * A position in the log's order (newest first: time, then event id, both descending).
   *
   * @param eventTime the entry's time
   * @param eventId the entry's id
   */
  public record Position(long eventTime, String eventId) {
    public Position {
      Objects.requireNonNull(eventId, "eventId");
    }

    /** The position of {@code e}. */
    public static Position of(AuditEntry e) {
      return new Position(e.eventTime(), e.eventId());
    }
  }

  public AuditQuery {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(securable, "securable");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(after, "after");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
  }

  /** Every entry, newest first, {@code limit} at a time. */
  public static AuditQuery all(int limit) {
    return new AuditQuery(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        limit,
        Optional.empty());
  }
}
