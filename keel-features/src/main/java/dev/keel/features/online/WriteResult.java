package dev.keel.features.online;

/**
 * What {@link OnlineStore#write} did.
 *
 * @param written rows stored (each replaced an older row of its entity key, or was the first)
 * @param skippedOlder rows not stored because a row with the same entity key and an event time at
 *     least as new was already stored (or came earlier in the same write)
 */
public record WriteResult(long written, long skippedOlder) {
  /** No rows. */
  public static final WriteResult NONE = new WriteResult(0, 0);

  /** The sum of two results. */
  public WriteResult plus(WriteResult other) {
    return new WriteResult(written + other.written, skippedOlder + other.skippedOlder);
  }
}
