package dev.keel.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The rows a training set is built for: a table (latest, a snapshot, or as of an instant), or rows
 * given in Java (timestamps as {@link Instant} or ISO-8601 text with a zone).
 */
public sealed interface Spine {
  /**
   * A spine read from a table.
   *
   * @param table {@code catalog.schema.table}
   * @param snapshotId read this snapshot
   * @param asOf read the version current at this instant
   */
  record Table(String table, OptionalLong snapshotId, Optional<Instant> asOf) implements Spine {
    public Table {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(snapshotId, "snapshotId");
      Objects.requireNonNull(asOf, "asOf");
    }
  }

  /**
   * A spine given as rows.
   *
   * @param columns the columns
   * @param rows the rows, one value per column (null allowed)
   */
  record Rows(List<TrainingSetColumn> columns, List<List<Object>> rows) implements Spine {
    public Rows {
      columns = List.copyOf(columns);
      List<List<Object>> copy = new ArrayList<>(rows.size());
      for (List<Object> r : rows) {
        if (r.size() != columns.size()) {
          throw new IllegalArgumentException(
              "spine row "
                  + copy.size()
                  + " has "
                  + r.size()
                  + " values for "
                  + columns.size()
                  + " columns");
        }
        copy.add(Collections.unmodifiableList(new ArrayList<>(r)));
      }
      rows = Collections.unmodifiableList(copy);
    }
  }

  /** The latest version of a table. */
  static Spine table(String table) {
    return new Table(table, OptionalLong.empty(), Optional.empty());
  }

  /** One snapshot of a table. */
  static Spine table(String table, long snapshotId) {
    return new Table(table, OptionalLong.of(snapshotId), Optional.empty());
  }

  /** The version of a table that was current at {@code asOf}. */
  static Spine table(String table, Instant asOf) {
    return new Table(table, OptionalLong.empty(), Optional.of(asOf));
  }

  /** Rows given in Java. */
  static Spine rows(List<TrainingSetColumn> columns, List<List<Object>> rows) {
    return new Rows(columns, rows);
  }
}
