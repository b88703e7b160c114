package dev.keel.mlmodel;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The primitive column types of an MLflow column-based signature, with the names MLflow writes
 * ({@code double}, {@code long}, ...). These are the primitive types Keel reads; MLflow's complex
 * types ({@code array}, {@code object}, {@code map}, {@code any}) are not read by format version 1.
 */
public enum ColumnType {
  /** {@code boolean}. */
  BOOLEAN,
  /** {@code integer}: 32-bit signed. */
  INTEGER,
  /** {@code long}: 64-bit signed. */
  LONG,
  /** {@code float}: 32-bit IEEE 754. */
  FLOAT,
  /** {@code double}: 64-bit IEEE 754. */
  DOUBLE,
  /** {@code string}. */
  STRING,
  /** {@code binary}: bytes (base64 in JSON). */
  BINARY,
  /** {@code datetime}. */
  DATETIME;

  /** The name MLflow writes in a signature, such as {@code double}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether values of this type are numbers. */
  public boolean numeric() {
    return this == INTEGER || this == LONG || this == FLOAT || this == DOUBLE;
  }

  /** The type with this wire name, or empty if it is not a primitive type Keel understands. */
  public static Optional<ColumnType> fromWire(String wireName) {
    for (ColumnType t : values()) {
      if (t.wireName().equals(wireName)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * The type with this wire name.
   *
   * @param field what the type is for, named in the error (e.g. {@code input column 'x'})
   * @throws IllegalArgumentException naming {@code field} if the name is not one of the types
   */
  public static ColumnType fromWire(String wireName, String field) {
    Optional<ColumnType> t = fromWire(wireName);
    if (t.isPresent()) {
      return t.get();
    }
    throw new IllegalArgumentException(
        field
            + ": unknown column type '"
            + wireName
            + "'; expected one of "
            + Arrays.stream(values()).map(ColumnType::wireName).collect(Collectors.joining(", ")));
  }
}
