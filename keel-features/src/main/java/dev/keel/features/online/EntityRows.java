package dev.keel.features.online;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The entities to look up, row-wise: the join-key column names and, per entity row, one value per
 * column. Feast's columnar {@code "entities": {"driver_id": [1001, 1002]}} maps to {@code
 * columns=[driver_id], rows=[[1001], [1002]]}. A feature table uses the columns named by its key
 * columns and ignores the others, so one request can read tables with different keys.
 *
 * @param columns join-key column names
 * @param rows entity rows, each with one non-null value per column
 */
public record EntityRows(List<String> columns, List<List<Object>> rows) {
  /** Copies the lists. */
  public EntityRows {
    Objects.requireNonNull(columns, "columns");
    Objects.requireNonNull(rows, "rows");
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (List<Object> r : rows) {
      copy.add(Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(r, "row"))));
    }
    rows = Collections.unmodifiableList(copy);
  }

  /** One entity row with one key column. */
  public static EntityRows of(String column, Object value) {
    return new EntityRows(List.of(column), List.of(List.of(value)));
  }
}
