package dev.keel.tables;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A column's type. Unity Catalog {@code type_name} ↔ Iceberg ↔ DuckDB: {@code BOOLEAN} ↔ boolean ↔
 * BOOLEAN, {@code INT} ↔ int ↔ INTEGER, {@code LONG} ↔ long ↔ BIGINT, {@code FLOAT} ↔ float ↔
 * FLOAT, {@code DOUBLE} ↔ double ↔ DOUBLE, {@code STRING} ↔ string ↔ VARCHAR, {@code DATE} ↔ date ↔
 * DATE, {@code TIMESTAMP} ↔ timestamptz ↔ TIMESTAMPTZ (an instant, microseconds), {@code BINARY} ↔
 * binary ↔ BLOB, {@code DECIMAL(p,s)} ↔ decimal(p,s) ↔ DECIMAL(p,s) (p ≤ 38).
 *
 * <p>Nested types: {@code STRUCT} ({@code struct<a:int,b:string NOT NULL>}) ↔ struct ↔ STRUCT,
 * {@code ARRAY} ({@code array<double>}) ↔ list ↔ {@code DOUBLE[]}, {@code MAP} ({@code
 * map<string,double>}) ↔ map ↔ MAP. They nest arbitrarily; BINARY cannot appear inside them and a
 * map's key is a non-null flat type. A struct's fields, an array's element ({@code element}) and a
 * map's key and value ({@code key}, {@code value}) are all {@link Field}s, as in Parquet.
 *
 * @param kind the type
 * @param precision decimal precision (0 for other kinds)
 * @param scale decimal scale (0 for other kinds)
 * @param fields a struct's fields; an array's one {@code element}; a map's {@code key} and {@code
 *     value}; empty for flat types
 */
public record ColumnType(Kind kind, int precision, int scale, List<Field> fields) {
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
    DECIMAL,
    STRUCT,
    ARRAY,
    MAP;

    /** Whether the kind holds other types (STRUCT, ARRAY, MAP). */
    public boolean nested() {
      return this == STRUCT || this == ARRAY || this == MAP;
    }
  }

  /**
   * A struct field, an array's element or a map's key or value.
   *
   * @param name lower-case name: a letter or underscore, then letters, digits, underscores ({@code
   *     element}, {@code key}, {@code value} for arrays and maps)
   * @param type its type
   * @param nullable whether it may hold nulls
   */
  public record Field(String name, ColumnType type, boolean nullable) {
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }

    /** A nullable field. */
    public static Field of(String name, ColumnType type) {
      return new Field(name, type, true);
    }
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

  /** Deepest nesting of STRUCT, ARRAY and MAP types. */
  public static final int MAX_DEPTH = 16;

  static final Pattern FIELD_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,127}");

  public ColumnType {
    if (kind == null) {
      throw new NullPointerException("kind");
    }
    fields = List.copyOf(fields);
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
    checkFields(kind, fields);
  }

  /** A flat type (not STRUCT, ARRAY or MAP). */
  public ColumnType(Kind kind, int precision, int scale) {
    this(kind, precision, scale, List.of());
  }

  private static void checkFields(Kind kind, List<Field> fields) {
    switch (kind) {
      case STRUCT -> {
        if (fields.isEmpty()) {
          throw Errors.invalid("STRUCT needs at least one field.");
        }
        Set<String> seen = new HashSet<>();
        for (Field f : fields) {
          if (!FIELD_NAME.matcher(f.name()).matches()) {
            throw Errors.invalid(
                "STRUCT field name '"
                    + f.name()
                    + "' must be lower case: a letter or underscore, then letters, digits and"
                    + " underscores (at most 128).");
          }
          if (!seen.add(f.name())) {
            throw Errors.invalid("STRUCT field '" + f.name() + "' appears twice.");
          }
        }
      }
      case ARRAY -> {
        if (fields.size() != 1 || !fields.get(0).name().equals("element")) {
          throw Errors.invalid("ARRAY has exactly one field, 'element'.");
        }
      }
      case MAP -> {
        if (fields.size() != 2
            || !fields.get(0).name().equals("key")
            || !fields.get(1).name().equals("value")) {
          throw Errors.invalid("MAP has exactly two fields, 'key' and 'value'.");
        }
        Field key = fields.get(0);
        if (key.nullable()) {
          throw Errors.invalid("MAP keys cannot be null.");
        }
        if (key.type().kind().nested()) {
          throw Errors.invalid("MAP keys must be a flat type, not " + key.type().typeName() + ".");
        }
      }
      default -> {
        if (!fields.isEmpty()) {
          throw Errors.invalid(kind + " has no fields.");
        }
        return;
      }
    }
    for (Field f : fields) {
      if (f.type().kind() == Kind.BINARY) {
        throw Errors.invalid("BINARY is not supported inside " + kind + " ('" + f.name() + "').");
      }
      if (f.type().depth() >= MAX_DEPTH) {
        throw Errors.invalid("types nest at most " + MAX_DEPTH + " levels deep.");
      }
    }
  }

  /** {@code DECIMAL(precision, scale)}. */
  public static ColumnType decimal(int precision, int scale) {
    return new ColumnType(Kind.DECIMAL, precision, scale);
  }

  /** {@code struct<...>} of {@code fields}, in order. */
  public static ColumnType struct(List<Field> fields) {
    return new ColumnType(Kind.STRUCT, 0, 0, fields);
  }

  /** {@code array<element>}; elements may be null. */
  public static ColumnType array(ColumnType element) {
    return array(element, true);
  }

  /** {@code array<element>}; {@code containsNull} tells whether elements may be null. */
  public static ColumnType array(ColumnType element, boolean containsNull) {
    return new ColumnType(Kind.ARRAY, 0, 0, List.of(new Field("element", element, containsNull)));
  }

  /** {@code map<key,value>}; values may be null. */
  public static ColumnType map(ColumnType key, ColumnType value) {
    return map(key, value, true);
  }

  /** {@code map<key,value>}; {@code valueContainsNull} tells whether values may be null. */
  public static ColumnType map(ColumnType key, ColumnType value, boolean valueContainsNull) {
    return new ColumnType(
        Kind.MAP,
        0,
        0,
        List.of(new Field("key", key, false), new Field("value", value, valueContainsNull)));
  }

  /**
   * Parses a Unity Catalog {@code type_name} ({@code LONG}) or {@code type_text} ({@code bigint},
   * {@code decimal(10,2)}, {@code struct<start:timestamp,end:timestamp>}, {@code array<double>},
   * {@code map<string,double>}), case-insensitively.
   *
   * @param field the request field, for the error message
   */
  public static ColumnType parse(String field, String text) {
    return ColumnTypeParser.parse(field, text);
  }

  /** An array's element type. */
  public ColumnType elementType() {
    return only(Kind.ARRAY, 0).type();
  }

  /** Whether an array's elements may be null. */
  public boolean containsNull() {
    return only(Kind.ARRAY, 0).nullable();
  }

  /** A map's key type. */
  public ColumnType keyType() {
    return only(Kind.MAP, 0).type();
  }

  /** A map's value type. */
  public ColumnType valueType() {
    return only(Kind.MAP, 1).type();
  }

  /** Whether a map's values may be null. */
  public boolean valueContainsNull() {
    return only(Kind.MAP, 1).nullable();
  }

  private Field only(Kind k, int i) {
    if (kind != k) {
      throw new IllegalStateException(kind + " is not " + k);
    }
    return fields.get(i);
  }

  /** Levels of nesting: 0 for a flat type, 1 for {@code array<int>}. */
  int depth() {
    return fields.stream().mapToInt(f -> f.type().depth() + 1).max().orElse(0);
  }

  /** Unity Catalog's {@code type_name}. */
  public String typeName() {
    return kind.name();
  }

  /**
   * Unity Catalog's {@code type_text} (Spark SQL spelling): {@code bigint}, {@code decimal(10,2)},
   * {@code struct<start:timestamp,end:timestamp NOT NULL>}, {@code array<double>}, {@code
   * map<string,double>}.
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
      case STRUCT ->
          fields.stream()
              .map(f -> f.name() + ":" + f.type().typeText() + (f.nullable() ? "" : " NOT NULL"))
              .collect(Collectors.joining(",", "struct<", ">"));
      case ARRAY -> "array<" + elementType().typeText() + ">";
      case MAP -> "map<" + keyType().typeText() + "," + valueType().typeText() + ">";
    };
  }

  /**
   * The Spark JSON type used in Unity Catalog's {@code type_json}: for a flat type its name ({@code
   * long}, {@code decimal(10,2)}), a JSON string's content; for a nested type a JSON object ({@code
   * {"type":"array","elementType":"double","containsNull":true}}). See {@link #isNested()}.
   */
  public String sparkJsonType() {
    return switch (kind) {
      case INT -> "integer";
      case LONG -> "long";
      case STRUCT ->
          fields.stream()
              .map(
                  f ->
                      "{\"name\":\""
                          + f.name()
                          + "\",\"type\":"
                          + f.type().sparkJsonValue()
                          + ",\"nullable\":"
                          + f.nullable()
                          + ",\"metadata\":{}}")
              .collect(Collectors.joining(",", "{\"type\":\"struct\",\"fields\":[", "]}"));
      case ARRAY ->
          "{\"type\":\"array\",\"elementType\":"
              + elementType().sparkJsonValue()
              + ",\"containsNull\":"
              + containsNull()
              + "}";
      case MAP ->
          "{\"type\":\"map\",\"keyType\":"
              + keyType().sparkJsonValue()
              + ",\"valueType\":"
              + valueType().sparkJsonValue()
              + ",\"valueContainsNull\":"
              + valueContainsNull()
              + "}";
      default -> typeText();
    };
  }

  /** {@link #sparkJsonType()} as a JSON value: a quoted name or an object. */
  public String sparkJsonValue() {
    return kind.nested() ? sparkJsonType() : "\"" + sparkJsonType() + "\"";
  }

  /** Whether this is a STRUCT, ARRAY or MAP. */
  public boolean isNested() {
    return kind.nested();
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
      case STRUCT ->
          fields.stream()
              .map(f -> DuckDb.ident(f.name()) + " " + f.type().duckType())
              .collect(Collectors.joining(", ", "STRUCT(", ")"));
      case ARRAY -> elementType().duckType() + "[]";
      case MAP -> "MAP(" + keyType().duckType() + ", " + valueType().duckType() + ")";
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case DECIMAL -> typeName() + "(" + precision + "," + scale + ")";
      case STRUCT, ARRAY, MAP -> typeText();
      default -> typeName();
    };
  }
}
