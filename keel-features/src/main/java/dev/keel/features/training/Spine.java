package dev.keel.features.training;

import dev.keel.core.KeelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

/**
 * The left side of a training set: one row per training example (entity keys, an event time,
 * labels, anything else). Every spine row gives exactly one output row, in spine order; duplicate
 * rows are kept.
 */
public sealed interface Spine permits Spine.ParquetFiles, Spine.Rows {

  /** A spine read from Parquet files; row order is file order, then row order within a file. */
  static Spine parquet(List<Path> files) {
    return new ParquetFiles(files);
  }

  /** A spine given from Java; see {@link Rows}. */
  static Spine rows(List<Column> columns, List<List<Object>> rows) {
    return new Rows(columns, rows);
  }

  /**
   * A spine in Parquet files (all with the same columns).
   *
   * @param files at least one file
   */
  record ParquetFiles(List<Path> files) implements Spine {
    /** Requires at least one file. */
    public ParquetFiles {
      if (files == null || files.isEmpty()) {
        throw KeelException.invalid("spine.files: a Parquet spine needs at least one file");
      }
      files = List.copyOf(files);
    }
  }

  /**
   * A spine column given from Java.
   *
   * @param name the column name
   * @param type its type
   */
  record Column(String name, ColumnType type) {
    /** Requires a name and a type. */
    public Column {
      if (name == null || name.isBlank()) {
        throw KeelException.invalid("spine.columns: a column needs a name");
      }
      if (type == null) {
        throw KeelException.invalid("spine.columns: column '" + name + "' needs a type");
      }
    }
  }

  /**
   * A spine given from Java. Values are converted to their column's Java class by {@link
   * ColumnType} rules ({@code TIMESTAMPTZ} values become {@link java.time.Instant}); a {@code null}
   * cell is SQL NULL.
   *
   * @param columns the columns, names unique
   * @param rows the rows, each with one value per column
   */
  record Rows(List<Column> columns, List<List<Object>> rows) implements Spine {
    /** Checks names and row widths and converts the values. */
    public Rows {
      if (columns == null || columns.isEmpty()) {
        throw KeelException.invalid("spine.columns: a spine needs at least one column");
      }
      columns = List.copyOf(columns);
      HashSet<String> names = new HashSet<>();
      for (Column c : columns) {
        if (!names.add(c.name())) {
          throw KeelException.invalid("spine.columns: column '" + c.name() + "' appears twice");
        }
      }
      List<List<Object>> copy = new ArrayList<>(rows == null ? 0 : rows.size());
      for (int i = 0; rows != null && i < rows.size(); i++) {
        List<Object> row = rows.get(i);
        if (row == null || row.size() != columns.size()) {
          throw KeelException.invalid(
              "spine.rows["
                  + i
                  + "]: expected "
                  + columns.size()
                  + " values, got "
                  + (row == null ? 0 : row.size()));
        }
        List<Object> r = new ArrayList<>(row.size());
        for (int j = 0; j < row.size(); j++) {
          Column c = columns.get(j);
          r.add(c.type().coerce("spine.rows[" + i + "]." + c.name(), row.get(j)));
        }
        copy.add(Collections.unmodifiableList(r));
      }
      rows = Collections.unmodifiableList(copy);
    }
  }
}
