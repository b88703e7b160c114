package dev.keel.monitoring.engine;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Struct;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Output rows as Parquet files and back, through DuckDB: the engine reads the previous refresh's
 * rows with {@link #read}; {@link #write} writes rows in the same shape (for tests and the
 * benchmark; the monitor service writes the output tables through the table service).
 */
public final class MetricsFiles {
  private static final JsonMapper JSON = new JsonMapper();

  private MetricsFiles() {}

  /**
   * Reads every row of the files as Java values (Instant, Long, Integer, Double, String, Boolean,
   * {@code Map<String,Object>} for a STRUCT, {@code List<Object>} for an ARRAY).
   */
  static List<Map<String, Object>> read(Connection c, List<Path> files) throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    if (files.isEmpty()) {
      return rows;
    }
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT * FROM read_parquet(" + Sql.fileList(files) + ", union_by_name = true)")) {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
          row.put(md.getColumnName(i), value(rs.getObject(i)));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  static Object value(Object o) throws SQLException {
    if (o == null) {
      return null;
    }
    if (o instanceof Struct st) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (o instanceof org.duckdb.DuckDBStruct ds) {
        for (Map.Entry<String, Object> e : ds.getMap().entrySet()) {
          m.put(e.getKey(), value(e.getValue()));
        }
        return m;
      }
      throw new SQLException("unsupported struct value " + st.getClass());
    }
    if (o instanceof Array a) {
      List<Object> l = new ArrayList<>();
      for (Object x : (Object[]) a.getArray()) {
        l.add(value(x));
      }
      return l;
    }
    if (o instanceof Map<?, ?> map) {
      Map<Object, Object> m = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        m.put(value(e.getKey()), value(e.getValue()));
      }
      return m;
    }
    if (o instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (o instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    if (o instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC);
    }
    if (o instanceof Float f) {
      return f.doubleValue();
    }
    if (o instanceof Short || o instanceof Byte) {
      return ((Number) o).intValue();
    }
    return o;
  }

  /**
   * Writes {@code rows} with the columns {@code fields} as one Parquet file (DuckDB types from the
   * Spark type texts), through a newline-delimited JSON file next to it.
   */
  public static void write(
      Connection c, Path file, List<MetricsSchema.Field> fields, List<Map<String, Object>> rows)
      throws SQLException, IOException {
    Path json = file.resolveSibling(file.getFileName() + ".jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(json)) {
      for (Map<String, Object> row : rows) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (MetricsSchema.Field f : fields) {
          out.put(f.name(), jsonValue(row.get(f.name())));
        }
        w.write(JSON.writeValueAsString(out));
        w.write('\n');
      }
    }
    List<String> cols = new ArrayList<>();
    for (MetricsSchema.Field f : fields) {
      cols.add(Sql.literal(f.name()) + ": " + Sql.literal(Sql.duckType(f.typeText())));
    }
    try (Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT * FROM read_json("
              + Sql.literal(json.toAbsolutePath().toString())
              + ", format = 'newline_delimited', columns = {"
              + String.join(", ", cols)
              + "})) TO "
              + Sql.literal(file.toAbsolutePath().toString())
              + " (FORMAT parquet)");
    } finally {
      Files.deleteIfExists(json);
    }
  }

  private static Object jsonValue(Object v) {
    if (v instanceof Instant t) {
      return t.toString();
    }
    if (v instanceof Double d && !Double.isFinite(d)) {
      return d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, jsonValue(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) {
        out.add(jsonValue(x));
      }
      return out;
    }
    return v;
  }
}
