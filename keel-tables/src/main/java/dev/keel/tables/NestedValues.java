package dev.keel.tables;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Values of STRUCT, ARRAY and MAP columns. Writes: a Java value ({@code Map} field → value for a
 * struct, {@code List} or Java array for an array, {@code Map} for a map) is checked against its
 * type and turned into JSON text that DuckDB casts to the nested type, every leaf a JSON string in
 * DuckDB's cast syntax. Reads: DuckDB's JDBC objects become Java values ({@code Map} in field
 * order, {@code List}, {@code Map}, with {@link Instant}, {@link LocalDate} and {@link BigDecimal}
 * leaves).
 */
final class NestedValues {
  private NestedValues() {}

  /**
   * Checks {@code v} against nested type {@code t} and returns its JSON text; {@code where} names
   * the value in errors ({@code ""} for a column, so errors read {@code ".field: reason"}).
   */
  static String json(String where, ColumnType t, Object v) {
    StringBuilder b = new StringBuilder();
    write(b, where, t, v);
    return b.toString();
  }

  private static void write(StringBuilder b, String where, ColumnType t, Object v) {
    switch (t.kind()) {
      case STRUCT -> struct(b, where, t, v);
      case ARRAY -> array(b, where, t, v);
      case MAP -> map(b, where, t, v);
      default -> string(b, leaf(t, Loaders.convert(where, t, v)));
    }
  }

  private static void struct(StringBuilder b, String where, ColumnType t, Object v) {
    if (!(v instanceof Map<?, ?> m)) {
      throw Errors.invalid(
          where + ": expected " + t + " (an object of field values), got " + Loaders.show(v));
    }
    Map<String, ColumnType.Field> byName = new LinkedHashMap<>();
    t.fields().forEach(f -> byName.put(f.name(), f));
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String name =
          e.getKey() instanceof String s ? s.toLowerCase(Locale.ROOT) : String.valueOf(e.getKey());
      if (!byName.containsKey(name)) {
        throw Errors.invalid(
            where + ": unknown field '" + e.getKey() + "'; the fields are " + byName.keySet());
      }
      if (values.containsKey(name)) {
        throw Errors.invalid(where + ": field '" + name + "' is given twice");
      }
      values.put(name, e.getValue());
    }
    b.append('{');
    boolean first = true;
    for (ColumnType.Field f : t.fields()) {
      b.append(first ? "" : ",");
      first = false;
      string(b, f.name());
      b.append(':');
      element(b, where + "." + f.name(), f, values.get(f.name()));
    }
    b.append('}');
  }

  private static void array(StringBuilder b, String where, ColumnType t, Object v) {
    List<?> items = items(v);
    if (items == null) {
      throw Errors.invalid(where + ": expected " + t + " (an array), got " + Loaders.show(v));
    }
    ColumnType.Field element = t.fields().get(0);
    b.append('[');
    for (int i = 0; i < items.size(); i++) {
      b.append(i == 0 ? "" : ",");
      element(b, where + "[" + i + "]", element, items.get(i));
    }
    b.append(']');
  }

  /** A list, or a Java array of objects or numbers, as a list; null for anything else. */
  private static List<?> items(Object v) {
    if (v instanceof List<?> l) {
      return l;
    }
    if (v instanceof Object[] a) {
      return java.util.Arrays.asList(a);
    }
    if (v instanceof double[] a) {
      return java.util.Arrays.stream(a).boxed().toList();
    }
    if (v instanceof long[] a) {
      return java.util.Arrays.stream(a).boxed().toList();
    }
    if (v instanceof int[] a) {
      return java.util.Arrays.stream(a).boxed().toList();
    }
    if (v instanceof float[] a) {
      List<Float> out = new ArrayList<>(a.length);
      for (float f : a) {
        out.add(f);
      }
      return out;
    }
    return null;
  }

  private static void map(StringBuilder b, String where, ColumnType t, Object v) {
    if (!(v instanceof Map<?, ?> m)) {
      throw Errors.invalid(
          where + ": expected " + t + " (an object of keys to values), got " + Loaders.show(v));
    }
    ColumnType.Field value = t.fields().get(1);
    Set<String> keys = new HashSet<>();
    b.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String at = where + "[" + e.getKey() + "]";
      if (e.getKey() == null) {
        throw Errors.invalid(where + ": map keys must not be null");
      }
      String key = leaf(t.keyType(), Loaders.convert(at + " (key)", t.keyType(), key(t, e)));
      if (!keys.add(key)) {
        throw Errors.invalid(at + ": the key appears twice");
      }
      b.append(first ? "" : ",");
      first = false;
      string(b, key);
      b.append(':');
      element(b, at, value, e.getValue());
    }
    b.append('}');
  }

  /**
   * A map key as given, or parsed from text when the map's keys are numbers or booleans (JSON
   * object keys are always strings).
   */
  private static Object key(ColumnType t, Map.Entry<?, ?> e) {
    if (!(e.getKey() instanceof String s)) {
      return e.getKey();
    }
    try {
      return switch (t.keyType().kind()) {
        case INT, LONG -> Long.valueOf(s.trim());
        case FLOAT, DOUBLE -> Double.valueOf(s.trim());
        case BOOLEAN ->
            switch (s.trim().toLowerCase(Locale.ROOT)) {
              case "true" -> Boolean.TRUE;
              case "false" -> Boolean.FALSE;
              default -> s;
            };
        default -> s;
      };
    } catch (NumberFormatException ex) {
      return s; // refused by the conversion, naming the key
    }
  }

  private static void element(StringBuilder b, String where, ColumnType.Field f, Object v) {
    if (v == null) {
      if (!f.nullable()) {
        throw Errors.invalid(where + ": must not be null");
      }
      b.append("null");
      return;
    }
    write(b, where, f.type(), v);
  }

  /** A converted flat value as text DuckDB casts back to the type. */
  private static String leaf(ColumnType t, Object converted) {
    return switch (t.kind()) {
      case TIMESTAMP -> Instant.EPOCH.plus((Long) converted, ChronoUnit.MICROS).toString();
      case DECIMAL -> ((BigDecimal) converted).toPlainString();
      default -> converted.toString(); // booleans, numbers (NaN, Infinity), strings, dates
    };
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  // ------------------------------------------------------------------ reads

  /** A value DuckDB's JDBC driver returned for type {@code t}, as Keel returns it; null stays. */
  static Object read(Object v, ColumnType t) throws SQLException {
    if (v == null) {
      return null;
    }
    return switch (t.kind()) {
      case STRUCT -> {
        Map<String, Object> in = ((org.duckdb.DuckDBStruct) v).getMap();
        Map<String, Object> out = new LinkedHashMap<>();
        for (ColumnType.Field f : t.fields()) {
          out.put(f.name(), read(in.get(f.name()), f.type()));
        }
        yield Collections.unmodifiableMap(out);
      }
      case ARRAY -> {
        Object[] items = (Object[]) ((java.sql.Array) v).getArray();
        List<Object> out = new ArrayList<>(items.length);
        for (Object o : items) {
          out.add(read(o, t.elementType()));
        }
        yield Collections.unmodifiableList(out);
      }
      case MAP -> {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          out.put(read(e.getKey(), t.keyType()), read(e.getValue(), t.valueType()));
        }
        yield Collections.unmodifiableMap(out);
      }
      case BOOLEAN -> (Boolean) v;
      case INT -> ((Number) v).intValue();
      case LONG -> ((Number) v).longValue();
      case FLOAT -> ((Number) v).floatValue();
      case DOUBLE -> ((Number) v).doubleValue();
      case STRING -> v.toString();
      case DATE -> v instanceof LocalDate d ? d : LocalDate.parse(v.toString());
      case TIMESTAMP ->
          switch (v) {
            case OffsetDateTime o -> o.toInstant();
            case Instant i -> i;
            case java.sql.Timestamp ts -> ts.toInstant();
            default -> OffsetDateTime.parse(v.toString()).toInstant();
          };
      case DECIMAL -> v instanceof BigDecimal d ? d : new BigDecimal(v.toString());
      case BINARY -> throw new IllegalStateException("BINARY inside a nested type");
    };
  }
}
