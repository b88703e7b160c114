package dev.keel.tables;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column's type. Unity Catalog {@code type_name} ↔ Iceberg ↔ DuckDB: {@code BOOLEAN} ↔ boolean ↔
 * BOOLEAN, {@code INT} ↔ int ↔ INTEGER, {@code LONG} ↔ long ↔ BIGINT, {@code FLOAT} ↔ float ↔
 * FLOAT, {@code DOUBLE} ↔ double ↔ DOUBLE, {@code STRING} ↔ string ↔ VARCHAR, {@code DATE} ↔ date ↔
 * DATE, {@code TIMESTAMP} ↔ timestamptz ↔ TIMESTAMPTZ (an instant, microseconds), {@code BINARY} ↔
 * binary ↔ BLOB, {@code DECIMAL(p,s)} ↔ decimal(p,s) ↔ DECIMAL(p,s) (p ≤ 38).
 *
 * @param kind the type
 * @param precision decimal precision (0 for other kinds)
 * @param scale decimal scale (0 for other kinds)
 */
public record ColumnType(Kind kind, int precision, int scale) {
  /** The supported types; the constant name is Unity Catalog's {@code type_name}. */
  public enum Kind {
    BOOLEAN,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    STRING,
    DATE,
    TIMESTAMP,
    BINARY,
    DECIMAL
  }

  public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0, 0);
  public static final ColumnType INT = new ColumnType(Kind.INT, 0, 0);
  public static final ColumnType LONG = new ColumnType(Kind.LONG, 0, 0);
  public static final ColumnType FLOAT = new ColumnType(Kind.FLOAT, 0, 0);
  public static final ColumnType DOUBLE = new ColumnType(Kind.DOUBLE, 0, 0);
  public static final ColumnType STRING = new ColumnType(Kind.STRING, 0, 0);
  public static final ColumnType DATE = new ColumnType(Kind.DATE, 0, 0);
  public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0, 0);
  public static final ColumnType BINARY = new ColumnType(Kind.BINARY, 0, 0);

  /** Largest decimal precision. */
  public static final int MAX_PRECISION = 38;

  private static final Pattern DECIMAL_TEXT =
      Pattern.compile("decimal\\s*\\(\\s*(\\d{1,2})\\s*,\\s*(\\d{1,2})\\s*\\)");

  public ColumnType {
    if (kind == null) {
      throw new NullPointerException("kind");
    }
    if (kind == Kind.DECIMAL) {
      if (precision < 1 || precision > MAX_PRECISION || scale < 0 || scale > precision) {
        throw Errors.invalid(
            "decimal("
                + precision
                + ","
                + scale
                + ") is not a valid type: precision must be 1 to "
                + MAX_PRECISION
                + " and scale 0 to the precision.");
      }
    } else if (precision != 0 || scale != 0) {
      throw Errors.invalid(kind + " takes no precision or scale.");
    }
  }

  /** {@code DECIMAL(precision, scale)}. */
  public static ColumnType decimal(int precision, int scale) {
    return new ColumnType(Kind.DECIMAL, precision, scale);
  }

  /**
   * Parses a Unity Catalog {@code type_name} ({@code LONG}) or {@code type_text} ({@code bigint},
   * {@code decimal(10,2)}), case-insensitively.
   *
   * @param field the request field, for the error message
   */
  public static ColumnType parse(String field, String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DECIMAL_TEXT.matcher(t);
    if (m.matches()) {
      return decimal(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
    return switch (t) {
      case "boolean" -> BOOLEAN;
      case "int", "integer" -> INT;
      case "long", "bigint" -> LONG;
      case "float" -> FLOAT;
      case "double" -> DOUBLE;
      case "string" -> STRING;
      case "date" -> DATE;
      case "timestamp" -> TIMESTAMP;
      case "binary" -> BINARY;
      case "decimal" -> decimal(10, 0);
      case "timestamp_ntz" ->
          throw Errors.invalid(
              "'"
                  + field
                  + "' TIMESTAMP_NTZ is not supported: timestamps are instants (TIMESTAMP, with"
                  + " a zone).");
      default ->
          throw Errors.invalid(
              "'"
                  + field
                  + "' has unsupported type '"
                  + text
                  + "': expected one of BOOLEAN, INT, LONG, FLOAT, DOUBLE, STRING, DATE,"
                  + " TIMESTAMP, BINARY, DECIMAL(p,s).");
    };
  }

  /** Unity Catalog's {@code type_name}. */
  public String typeName() {
    return kind.name();
  }

  /**
   * Unity Catalog's {@code type_text} (Spark SQL spelling): {@code bigint}, {@code decimal(10,2)}.
   */
  public String typeText() {
    return switch (kind) {
      case BOOLEAN -> "boolean";
      case INT -> "int";
      case LONG -> "bigint";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case STRING -> "string";
      case DATE -> "date";
      case TIMESTAMP -> "timestamp";
      case BINARY -> "binary";
      case DECIMAL -> "decimal(" + precision + "," + scale + ")";
    };
  }

  /** The Spark JSON type name used in Unity Catalog's {@code type_json}. */
  public String sparkJsonType() {
    return switch (kind) {
      case INT -> "integer";
      case LONG -> "long";
      default -> typeText();
    };
  }

  /** DuckDB's SQL type. */
  String duckType() {
    return switch (kind) {
      case BOOLEAN -> "BOOLEAN";
      case INT -> "INTEGER";
      case LONG -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case STRING -> "VARCHAR";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMPTZ";
      case BINARY -> "BLOB";
      case DECIMAL -> "DECIMAL(" + precision + "," + scale + ")";
    };
  }

  @Override
  public String toString() {
    return typeName() + (kind == Kind.DECIMAL ? "(" + precision + "," + scale + ")" : "");
  }
}
