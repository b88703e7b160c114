package dev.keel.tables;

import java.time.Instant;
import java.util.Objects;

/** Which snapshot of a table to read: the latest, a snapshot id, or the table as of an instant. */
public sealed interface SnapshotRef {
  /** The current snapshot. */
  record Latest() implements SnapshotRef {}

  /** The snapshot with this id. */
  record Id(long snapshotId) implements SnapshotRef {}

  /** The latest snapshot committed at or before {@code time}. */
  record AsOf(Instant time) implements SnapshotRef {
    public AsOf {
      Objects.requireNonNull(time, "time");
    }
  }

  static SnapshotRef latest() {
    return new Latest();
  }

  static SnapshotRef id(long snapshotId) {
    return new Id(snapshotId);
  }

  static SnapshotRef asOf(Instant time) {
    return new AsOf(time);
  }
}
