package dev.keel.registry.modelpackage;

import java.util.Locale;
import java.util.Optional;

/** The primitive column types of an MLflow column-based schema, with their wire names. */
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
  /** {@code binary}: bytes. */
  BINARY,
  /** {@code datetime}. */
  DATETIME;

  /** The name MLflow writes in a signature, such as {@code double}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
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
}
