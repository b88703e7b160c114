package dev.keel.client;

import java.util.Objects;
import java.util.Optional;

/**
 * A table column.
 *
 * @param name column name
 * @param typeText its type as SQL text. When creating: {@code BOOLEAN}, {@code INT}, {@code LONG},
 *     {@code FLOAT}, {@code DOUBLE}, {@code DECIMAL(p,s)}, {@code STRING}, {@code BINARY}, {@code
 *     DATE}, {@code TIMESTAMP}; the server describes types in Spark SQL's text ({@code bigint},
 *     {@code string}, {@code decimal(10,2)}...)
 * @param typeName Unity Catalog's type name ({@code LONG}, {@code DECIMAL}...); when creating a
 *     table {@code typeText} is what is sent
 * @param nullable whether the column accepts nulls
 * @param comment the column's comment, when it has one
 */
public record ColumnInfo(
    String name, String typeText, String typeName, boolean nullable, Optional<String> comment) {
  public ColumnInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(typeText, "typeText");
    Objects.requireNonNull(typeName, "typeName");
    Objects.requireNonNull(comment, "comment");
  }

  /** A nullable column of type {@code typeText} (e.g. {@code "LONG"}, {@code "DECIMAL(10,2)"}). */
  public static ColumnInfo of(String name, String typeText) {
    return new ColumnInfo(name, typeText, typeText, true, Optional.empty());
  }

  /** This column, refusing nulls. */
  public ColumnInfo notNull() {
    return new ColumnInfo(name, typeText, typeName, false, comment);
  }

  /** This column with a comment. */
  public ColumnInfo withComment(String text) {
    return new ColumnInfo(name, typeText, typeName, nullable, Optional.of(text));
  }
}
