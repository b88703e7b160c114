package dev.keel.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Rows read from one snapshot of a table. Values are JSON's: {@link Long}, {@link Double}, {@link
 * java.math.BigDecimal} (decimals), {@link Boolean}, {@link String} (strings; dates and timestamps
 * as ISO-8601; binary as base64), and {@code null} for SQL NULL.
 *
 * @param snapshotId the snapshot read
 * @param columns the columns of each row
 * @param rows the rows, each with one value per column
 */
public record Preview(long snapshotId, List<ColumnInfo> columns, List<List<Object>> rows) {
  public Preview {
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> r : rows) {
      copy.add(Collections.unmodifiableList(new ArrayList<>(r)));
    }
    rows = Collections.unmodifiableList(copy);
  }

  /** The column names, in order. */
  public List<String> columnNames() {
    return columns.stream().map(ColumnInfo::name).toList();
  }
}
