package dev.keel.features.training;

import java.util.Locale;

/**
 * The column types a {@link Spine.Rows} spine and an {@link OnDemandFunction} output may have, with
 * the DuckDB type each maps to and the Java class of its values.
 */
public enum ColumnType {
  /** {@code BOOLEAN}, Java {@link Boolean}. */
  BOOLEAN("BOOLEAN", Boolean.class),
  /** {@code INTEGER} (32 bit), Java {@link Integer}. */
  INTEGER("INTEGER", Integer.class),
  /** {@code BIGINT} (64 bit), Java {@link Long}. */
  BIGINT("BIGINT", Long.class),
  /** {@code DOUBLE}, Java {@link Double}. */
  DOUBLE("DOUBLE", Double.class),
  /** {@code VARCHAR}, Java {@link String}. */
  VARCHAR("VARCHAR", String.class),
  /** {@code TIMESTAMP WITH TIME ZONE} (microseconds), Java {@link java.time.Instant}. */
  TIMESTAMPTZ("TIMESTAMP WITH TIME ZONE", java.time.Instant.class);

  private final String sql;
  private final Class<?> javaType;

  ColumnType(String sql, Class<?> javaType) {
    this.sql = sql;
    this.javaType = javaType;
  }

  /** The DuckDB type name, as {@code DESCRIBE} prints it. */
  public String sql() {
    return sql;
  }

  /** The Java class of non-null values of this type. */
  public Class<?> javaType() {
    return javaType;
  }

  /** Parses a type name case-insensitively ({@code "double"}, {@code "TIMESTAMPTZ"}). */
  static ColumnType parse(String field, String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw dev.keel.core.KeelException.invalid(
          field
              + ": unknown column type '"
              + name
              + "' (one of BOOLEAN, INTEGER, BIGINT, DOUBLE,"
              + " VARCHAR, TIMESTAMPTZ)");
    }
  }

  /**
   * Converts a Java value to this type's Java class, or fails naming {@code field}. {@code null}
   * stays {@code null} (SQL NULL). Integral numbers widen to {@code BIGINT} and {@code DOUBLE};
   * {@code TIMESTAMPTZ} accepts {@link java.time.Instant}, {@link java.time.OffsetDateTime}, {@link
   * java.time.ZonedDateTime} and ISO-8601 strings with an offset.
   */
  Object coerce(String field, Object value) {
    if (value == null) {
      return null;
    }
    Object out =
        switch (this) {
          case BOOLEAN -> value instanceof Boolean b ? b : null;
          case INTEGER ->
              value instanceof Integer || value instanceof Short || value instanceof Byte
                  ? ((Number) value).intValue()
                  : value instanceof Long l && l == l.intValue() ? l.intValue() : null;
          case BIGINT ->
              value instanceof Long
                      || value instanceof Integer
                      || value instanceof Short
                      || value instanceof Byte
                  ? ((Number) value).longValue()
                  : null;
          case DOUBLE -> value instanceof Number n ? n.doubleValue() : null;
          case VARCHAR -> value instanceof String s ? s : null;
          case TIMESTAMPTZ -> instant(value);
        };
    if (out == null) {
      throw dev.keel.core.KeelException.invalid(
          field
              + ": value "
              + value
              + " ("
              + value.getClass().getSimpleName()
              + ") is not a "
              + name());
    }
    return out;
  }

  private static java.time.Instant instant(Object value) {
    if (value instanceof java.time.Instant i) {
      return i;
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    if (value instanceof java.time.ZonedDateTime z) {
      return z.toInstant();
    }
    if (value instanceof String s) {
      try {
        return java.time.OffsetDateTime.parse(s).toInstant();
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }
}
