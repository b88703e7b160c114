package dev.keel.tables;

import java.util.Objects;
import java.util.Optional;

/**
 * A table column.
 *
 * @param name lower-case name: a letter or underscore, then letters, digits, underscores
 * @param type its type
 * @param nullable whether it may hold nulls (primary-key columns never do)
 * @param comment free text, when set
 */
public record Column(String name, ColumnType type, boolean nullable, Optional<String> comment) {
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(comment, "comment");
  }

  /** A nullable column without comment. */
  public static Column of(String name, ColumnType type) {
    return new Column(name, type, true, Optional.empty());
  }
}
