package dev.keel.monitoring.alerts;

import dev.keel.monitoring.alerts.AlertSpec.MetricTable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.Set;

/**
 * Reads an alert's metric values from the Parquet files of an output table with embedded DuckDB:
 * the rows of the alert's column, slice, model id, granularity and {@code log_type = 'INPUT'}
 * (profile) or drift type (drift), newest windows first.
 */
final class MetricReader {
  /** The metric cannot be read (no files, or no such column): the alert's state is UNKNOWN. */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  private MetricReader() {}

  /** Up to {@code limit} rows, newest window first. */
  static List<WindowValue> read(List<Path> files, AlertSpec spec, int limit)
      throws Unavailable, SQLException {
    if (files.isEmpty()) {
      throw new Unavailable(
          "the " + spec.table().name().toLowerCase(Locale.ROOT) + " metrics table has no data");
    }
    StringBuilder list = new StringBuilder("[");
    for (Path f : files) {
      if (list.length() > 1) {
        list.append(", ");
      }
      list.append(literal(f.toAbsolutePath().toString()));
    }
    list.append(']');
    String source = "read_parquet(" + list + ", union_by_name = true)";
    try (Connection c = open()) {
      Set<String> columns = new HashSet<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + source)) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
      for (String needed : List.of("window", "column_name", MetricNames.column(spec.metric()))) {
        if (!columns.contains(needed)) {
          throw new Unavailable("the metrics table has no column '" + needed + "'");
        }
      }
      List<String> where = new ArrayList<>();
      List<String> args = new ArrayList<>();
      where.add("column_name = ?");
      args.add(spec.columnName());
      if (spec.sliceKey().isPresent()) {
        where.add("CAST(slice_key AS VARCHAR) = ? AND CAST(slice_value AS VARCHAR) = ?");
        args.add(spec.sliceKey().get());
        args.add(spec.sliceValue().orElseThrow());
      } else {
        if (columns.contains("slice_key")) {
          where.add("slice_key IS NULL");
        }
        if (columns.contains("slice_value")) {
          where.add("slice_value IS NULL");
        }
      }
      if (columns.contains("model_id")) {
        if (spec.modelId().equals("*")) {
          where.add("(model_id IS NULL OR CAST(model_id AS VARCHAR) = '*')");
        } else {
          where.add("CAST(model_id AS VARCHAR) = ?");
          args.add(spec.modelId());
        }
      } else if (!spec.modelId().equals("*")) {
        where.add("FALSE");
      }
      if (spec.granularity().isPresent() && columns.contains("granularity")) {
        where.add("granularity = ?");
        args.add(spec.granularity().get());
      }
      if (spec.table() == MetricTable.PROFILE && columns.contains("log_type")) {
        where.add("log_type = 'INPUT'");
      }
      if (spec.table() == MetricTable.DRIFT && spec.driftType().isPresent()) {
        if (!columns.contains("drift_type")) {
          throw new Unavailable("the drift metrics table has no column 'drift_type'");
        }
        where.add("drift_type = ?");
        args.add(spec.driftType().get().name());
      }
      String sql =
          "SELECT epoch_ms(\"window\".\"start\"), epoch_ms(\"window\".\"end\"), TRY_CAST("
              + MetricNames.sql(spec.metric())
              + " AS DOUBLE) FROM "
              + source
              + " WHERE "
              + String.join(" AND ", where)
              + " ORDER BY 1 DESC LIMIT "
              + limit;
      List<WindowValue> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.size(); i++) {
          ps.setString(i + 1, args.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long start = rs.getLong(1);
            if (rs.wasNull()) {
              continue;
            }
            long end = rs.getLong(2);
            double v = rs.getDouble(3);
            boolean none = rs.wasNull() || Double.isNaN(v);
            out.add(
                new WindowValue(start, end, none ? OptionalDouble.empty() : OptionalDouble.of(v)));
          }
        }
      }
      return out;
    }
  }

  private static Connection open() throws SQLException {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    p.setProperty("threads", "1");
    Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
    try (Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
