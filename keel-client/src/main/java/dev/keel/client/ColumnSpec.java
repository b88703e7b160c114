package dev.keel.client;

import java.util.Objects;
import java.util.Optional;

/**
 * A column of a column-based signature, written as {@code {"type": "double", "name": "x",
 * "required": true}}.
 *
 * @param columnName the column's name (not blank)
 * @param type its type
 * @param required whether every row must have a value
 */
public record ColumnSpec(String columnName, ColumnType type, boolean required)
    implements SchemaSpec {
  /** Checks the name. */
  public ColumnSpec {
    Objects.requireNonNull(columnName, "columnName");
    Objects.requireNonNull(type, "type");
    if (columnName.isBlank()) {
      throw new IllegalArgumentException("column name must not be blank");
    }
  }

  /** A required column. */
  public static ColumnSpec of(String name, ColumnType type) {
    return new ColumnSpec(name, type, true);
  }

  /**
   * A required column whose type is given by its MLflow name ({@code "double"}, ...).
   *
   * @throws IllegalArgumentException naming the column if the type is unknown
   */
  public static ColumnSpec of(String name, String type) {
    return new ColumnSpec(name, ColumnType.fromWire(type, "column '" + name + "'"), true);
  }

  @Override
  public Optional<String> name() {
    return Optional.of(columnName);
  }
}
