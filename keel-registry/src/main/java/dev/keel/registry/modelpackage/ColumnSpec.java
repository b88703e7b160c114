package dev.keel.registry.modelpackage;

import java.util.Objects;
import java.util.Optional;

/**
 * A column of a column-based signature schema, as in {@code {"type": "double", "name": "x",
 * "required": true}}.
 *
 * @param name the column name; empty when the schema's columns are unnamed
 * @param type the column's primitive type
 * @param required whether a value must be present ({@code true} when MLflow omits the key)
 */
public record ColumnSpec(Optional<String> name, ColumnType type, boolean required)
    implements SchemaSpec {

  /** Checks for nulls. */
  public ColumnSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
