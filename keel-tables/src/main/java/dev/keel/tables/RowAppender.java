package dev.keel.tables;

import static dev.keel.tables.DuckDb.ident;

import dev.keel.core.KeelException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Appends JSON-like rows (column name → value) to a new {@code incoming} table, checking and
 * converting every value first, so a refused row leaves nothing behind. Not thread-safe.
 */
final class RowAppender implements AutoCloseable {
  private final List<Column> columns;
  private final Map<String, Column> byName = new LinkedHashMap<>();
  private final Object[] converted;
  private final DuckDBAppender app;
  private final Connection conn;
  private final boolean nested;
  private boolean closed;

  /**
   * Rows of a table with STRUCT, ARRAY or MAP columns are appended to {@link Loaders#INCOMING_RAW},
   * where those columns hold JSON text, and cast into {@code incoming} on {@link #close}.
   */
  RowAppender(Connection c, List<Column> columns) throws SQLException {
    this.columns = columns;
    this.conn = c;
    columns.forEach(col -> byName.put(col.name(), col));
    this.converted = new Object[columns.size()];
    this.nested = columns.stream().anyMatch(col -> col.type().isNested());
    try (Statement s = c.createStatement()) {
      Loaders.createIncoming(s, columns);
      if (nested) {
        s.execute(
            "CREATE OR REPLACE TABLE "
                + Loaders.INCOMING_RAW
                + " ("
                + columns.stream()
                    .map(
                        col ->
                            ident(col.name())
                                + " "
                                + (col.type().isNested() ? "VARCHAR" : col.type().duckType()))
                    .collect(Collectors.joining(", "))
                + ")");
      }
    }
    this.app =
        c.unwrap(DuckDBConnection.class)
            .createAppender("main", nested ? Loaders.INCOMING_RAW : Loaders.INCOMING);
  }

  /** Checks and appends row {@code i} (the index names it in errors). */
  void append(long i, Map<String, Object> row) throws SQLException {
    if (row == null) {
      throw Errors.invalid("rows[" + i + "]: expected an object, got null");
    }
    boolean lowerCase = true;
    for (String key : row.keySet()) {
      if (key != null && byName.containsKey(key)) {
        continue;
      }
      if (key == null || !byName.containsKey(key.toLowerCase(Locale.ROOT))) {
        throw Errors.invalid(
            "rows["
                + i
                + "]: unknown column '"
                + key
                + "'; the table's columns are "
                + byName.keySet());
      }
      lowerCase = false;
    }
    Map<String, Object> values = row;
    if (!lowerCase) {
      Map<String, Object> lower = new LinkedHashMap<>();
      row.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
      values = lower;
    }
    for (int j = 0; j < converted.length; j++) {
      Column col = columns.get(j);
      Object v = values.get(col.name());
      if (v == null) {
        if (!col.nullable()) {
          throw Errors.invalid(
              "rows[" + i + "]." + col.name() + ": must not be null (it is a primary key)");
        }
        converted[j] = null;
      } else {
        try {
          converted[j] = Loaders.convert("", col.type(), v);
        } catch (KeelException e) { // the message is ": <reason>"; name the value
          throw new KeelException(
              e.code(), "rows[" + i + "]." + col.name() + e.getMessage(), e.getCause());
        }
      }
    }
    app.beginRow();
    for (int j = 0; j < converted.length; j++) {
      if (converted[j] == null) {
        app.appendNull();
      } else {
        append(app, columns.get(j).type(), converted[j]);
      }
    }
    app.endRow();
  }

  /** Makes the appended rows visible to queries on the connection. */
  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    app.close();
    if (nested) {
      try (Statement s = conn.createStatement()) {
        s.execute(
            "INSERT INTO "
                + Loaders.INCOMING
                + " SELECT "
                + columns.stream()
                    .map(
                        col ->
                            col.type().isNested()
                                ? "CAST(CAST("
                                    + ident(col.name())
                                    + " AS JSON) AS "
                                    + col.type().duckType()
                                    + ")"
                                : ident(col.name()))
                    .collect(Collectors.joining(", "))
                + " FROM "
                + Loaders.INCOMING_RAW
                + " ORDER BY rowid");
        s.execute("DROP TABLE " + Loaders.INCOMING_RAW);
      }
    }
  }

  /** Appends a value {@link Loaders#convert} produced for a column of type {@code t}. */
  private static void append(DuckDBAppender app, ColumnType t, Object v) throws SQLException {
    switch (t.kind()) {
      case BOOLEAN -> app.append((boolean) (Boolean) v);
      case INT -> app.append((int) (Integer) v);
      case LONG -> app.append((long) (Long) v);
      case FLOAT -> app.append((float) (Float) v);
      case DOUBLE -> app.append((double) (Double) v);
      case STRING -> app.append((String) v);
      case DATE -> app.append((LocalDate) v);
      case TIMESTAMP -> app.appendEpochMicros((Long) v);
      case BINARY -> app.append((byte[]) v);
      case DECIMAL -> app.append((BigDecimal) v);
      case STRUCT, ARRAY, MAP -> app.append((String) v); // JSON text, see NestedValues
    }
  }
}
