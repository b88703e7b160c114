package dev.keel.features.training;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The one order of a feature table's rows, used by training sets and by the online publisher so the
 * two never disagree on which row is a key's latest (see {@code docs/features.md}, "The tie rule"):
 * the later event time wins; then the later creation time (the table's creation-time column, {@code
 * _ingested_at} by default; NULL counts as the oldest); then the row read last (the later file in
 * the snapshot's file list, then the later row within the file). The order is total: no two rows of
 * a snapshot compare equal.
 *
 * <p>Only SQL text for DuckDB; touches no database.
 */
public final class RowOrder {
  /** Offsets the row numbers of file {@code i} by {@code i * FILE_STRIDE}. */
  public static final long FILE_STRIDE = 1L << 40;

  private RowOrder() {}

  /**
   * The rows of {@code files}, read in this order, with {@code file_row_number} and, for several
   * files, {@code __keel_file} (the file's index): what {@link #readOrder} reads.
   */
  public static String relation(List<Path> files) {
    if (files.size() == 1) {
      return "read_parquet("
          + Sql.string(files.get(0).toAbsolutePath().toString())
          + ", file_row_number = true)";
    }
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < files.size(); i++) {
      if (i > 0) {
        b.append(" UNION ALL BY NAME ");
      }
      b.append("SELECT *, ")
          .append(i)
          .append("::BIGINT AS __keel_file FROM read_parquet(")
          .append(Sql.string(files.get(i).toAbsolutePath().toString()))
          .append(", file_row_number = true)");
    }
    return b.append(")").toString();
  }

  /** A row's read position in {@link #relation} of {@code files} files: a unique BIGINT. */
  public static String readOrder(int files) {
    return files == 1 ? "file_row_number" : "(__keel_file * " + FILE_STRIDE + " + file_row_number)";
  }

  /** The creation time as microseconds, NULL as the smallest value. */
  public static String creationKey(String column) {
    return "coalesce(epoch_us(" + Sql.id(column) + "), -9223372036854775807)";
  }

  /**
   * The order as a DuckDB struct {@code {'e': event, 'i': creation, 'r': read}} (fields left out
   * when the table has no such column), which DuckDB compares field by field: the greatest struct
   * is the winner.
   */
  public static String struct(
      Optional<String> eventTime, Optional<String> creationTime, int files) {
    StringBuilder order = new StringBuilder("{");
    eventTime.ifPresent(ts -> order.append("'e': ").append(Sql.id(ts)).append(", "));
    creationTime.ifPresent(c -> order.append("'i': ").append(creationKey(c)).append(", "));
    return order.append("'r': ").append(readOrder(files)).append("}").toString();
  }

  /** {@code "col"}, quoted for DuckDB. */
  public static String id(String column) {
    return Sql.id(column);
  }

  /** {@code 'text'}, quoted for DuckDB. */
  public static String string(String text) {
    return Sql.string(text);
  }
}
