package dev.keel.client;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which rows {@link TablesClient#preview} reads: how many, which columns, and which version of the
 * table (the latest, a snapshot id, or the snapshot current at an instant).
 *
 * @param limit at most this many rows (0 to 10,000)
 * @param columns the columns to return; empty for all
 * @param snapshotId read this snapshot
 * @param asOf read the snapshot current at this instant
 */
public record TableRead(
    int limit, List<String> columns, OptionalLong snapshotId, Optional<Instant> asOf) {
  public TableRead {
    columns = List.copyOf(columns);
    Objects.requireNonNull(snapshotId, "snapshotId");
    Objects.requireNonNull(asOf, "asOf");
    if (snapshotId.isPresent() && asOf.isPresent()) {
      throw new IllegalArgumentException("give a snapshot id or an as-of instant, not both");
    }
  }

  /** The latest version, at most {@code limit} rows, every column. */
  public static TableRead latest(int limit) {
    return new TableRead(limit, List.of(), OptionalLong.empty(), Optional.empty());
  }

  /** The same read of snapshot {@code id}. */
  public TableRead atSnapshot(long id) {
    return new TableRead(limit, columns, OptionalLong.of(id), Optional.empty());
  }

  /** The same read of the version current at {@code instant}. */
  public TableRead asOf(Instant instant) {
    return new TableRead(limit, columns, OptionalLong.empty(), Optional.of(instant));
  }

  /** The same read of only these columns. */
  public TableRead withColumns(String... names) {
    return new TableRead(limit, List.of(names), snapshotId, asOf);
  }
}
