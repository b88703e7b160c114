package dev.keel.mlmodel;

import java.util.Objects;
import java.util.Optional;

/**
 * A column of a column-based signature schema, written as {@code {"type": "double", "name": "x",
 * "required": true}}. MLflow lets a schema's columns be all named or all unnamed; the SDK's
 * factories ({@link #of}) always name them.
 *
 * @param name the column's name (not blank); empty when the schema's columns are unnamed
 * @param type its primitive type
 * @param required whether every row must have a value ({@code true} when MLflow omits the key)
 */
public record ColumnSpec(Optional<String> name, ColumnType type, boolean required)
    implements SchemaSpec {

  /**
   * Checks for nulls and blank names.
   *
   * @throws IllegalArgumentException if the name is present but blank
   */
  public ColumnSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (name.isPresent() && name.get().isBlank()) {
      throw new IllegalArgumentException("column name must not be blank");
    }
  }

  /** A required named column. */
  public static ColumnSpec of(String name, ColumnType type) {
    return new ColumnSpec(Optional.of(Objects.requireNonNull(name, "name")), type, true);
  }

  /**
   * A required named column whose type is given by its MLflow name ({@code "double"}, ...).
   *
   * @throws IllegalArgumentException naming the column if the type is unknown
   */
  public static ColumnSpec of(String name, String type) {
    return of(name, ColumnType.fromWire(type, "column '" + name + "'"));
  }
}
