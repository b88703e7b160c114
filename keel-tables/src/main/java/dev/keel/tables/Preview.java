package dev.keel.tables;

import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Rows read from a table. Values are {@code Boolean}, {@code Integer}, {@code Long}, {@code Float},
 * {@code Double}, {@code String}, {@code LocalDate}, {@code Instant}, {@code byte[]}, {@code
 * BigDecimal}, or {@code null} for SQL NULL (the only place Keel's API carries nulls: a cell's
 * value).
 *
 * @param snapshotId the snapshot read
 * @param columns the columns returned, in order
 * @param rows one list of values per row, in column order
 */
public record Preview(long snapshotId, List<Column> columns, List<List<Object>> rows) {
  public Preview {
    columns = List.copyOf(columns);
    Objects.requireNonNull(rows, "rows");
    rows = Collections.unmodifiableList(rows);
  }
}
