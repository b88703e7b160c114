package dev.keel.monitoring.quality;

import dev.keel.core.KeelException;
import dev.keel.tables.Column;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** SQL text helpers shared by the quality and custom metrics. */
final class Sql {
  private Sql() {}

  /** A quoted identifier. */
  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A string literal. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** {@code FROM <relation> AS __r} text. */
  static String from(String relation) {
    return " FROM " + relation + " AS __r";
  }

  /** {@code (e0) AS __g0, (e1) AS __g1, }: the group expressions as leading select items. */
  static String groupSelect(List<String> groupExprs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < groupExprs.size(); i++) {
      sb.append('(').append(groupExprs.get(i)).append(") AS __g").append(i).append(", ");
    }
    return sb.toString();
  }

  /** {@code __g0, __g1, } (the aliases), for PARTITION BY / GROUP BY lists; empty for none. */
  static String groupAliases(int n, String trailing) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("__g").append(i).append(trailing);
    }
    return sb.toString();
  }

  /** {@code PARTITION BY __g0, __g1} or empty text for no groups. */
  static String partitionBy(int n, String... extra) {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add("__g" + i);
    }
    items.addAll(List.of(extra));
    return items.isEmpty() ? "" : "PARTITION BY " + String.join(", ", items);
  }

  /** The first {@code n} columns of the current row as a group key. */
  static GroupKey key(ResultSet rs, int n) throws SQLException {
    List<Object> values = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      values.add(normalise(rs.getObject(i)));
    }
    return new GroupKey(values);
  }

  /** A JDBC value as a comparable Java value (see {@link GroupKey}). */
  static Object normalise(Object v) {
    return switch (v) {
      case null -> null;
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case Float f -> f.doubleValue();
      case java.sql.Timestamp t -> t.toInstant();
      case LocalDateTime t -> t.toInstant(ZoneOffset.UTC);
      case OffsetDateTime t -> t.toInstant();
      case java.sql.Date d -> d.toLocalDate();
      default -> v;
    };
  }

  /** A double column value, null for NULL. */
  static Double getDouble(ResultSet rs, int i) throws SQLException {
    double d = rs.getDouble(i);
    return rs.wasNull() ? null : d;
  }

  /** DuckDB's message without the echoed SQL ("LINE 1: ..." and what follows). */
  static String duckdbMessage(SQLException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int line = m.indexOf("\nLINE ");
    if (line >= 0) {
      m = m.substring(0, line);
    }
    return m.strip();
  }

  /** The DuckDB type for a Keel column type (flat types). */
  static String duckType(Column c) {
    return switch (c.type().kind()) {
      case BOOLEAN -> "BOOLEAN";
      case INT -> "INTEGER";
      case LONG -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case STRING -> "VARCHAR";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMPTZ";
      case BINARY -> "BLOB";
      case DECIMAL -> "DECIMAL(" + c.type().precision() + "," + c.type().scale() + ")";
      default -> throw KeelException.invalid("column " + c.name() + ": unsupported type");
    };
  }

  /**
   * A relation with the columns' names and types and no rows, for compiling SQL against a table's
   * schema without reading it: {@code (SELECT CAST(NULL AS DOUBLE) AS "x", ... LIMIT 0)}.
   */
  static String schemaRelation(List<Column> columns) {
    if (columns.isEmpty()) {
      return "(SELECT 1 AS __none LIMIT 0)";
    }
    List<String> items = new ArrayList<>();
    for (Column c : columns) {
      items.add("CAST(NULL AS " + duckType(c) + ") AS " + ident(c.name()));
    }
    return "(SELECT " + String.join(", ", items) + " LIMIT 0)";
  }

  /** A Java value as a SQL literal of DuckDB type {@code duckType}. */
  static String valueLiteral(Object v, String duckType) {
    String lit =
        switch (v) {
          case null -> "NULL";
          case Double d when d.isNaN() -> "'nan'";
          case Double d when d.isInfinite() -> d > 0 ? "'inf'" : "'-inf'";
          case Double d -> Double.toString(d);
          case Float f -> valueLiteral(f.doubleValue(), duckType);
          case Long l -> Long.toString(l);
          case Integer i -> Integer.toString(i);
          case BigDecimal b -> b.toPlainString();
          case Boolean b -> b.toString().toUpperCase(Locale.ROOT);
          default -> literal(v.toString());
        };
    return "CAST(" + lit + " AS " + duckType + ")";
  }
}
