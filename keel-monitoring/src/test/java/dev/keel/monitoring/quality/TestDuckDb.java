package dev.keel.monitoring.quality;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/** An in-memory DuckDB for tests (offline, UTC), and a table loader. */
final class TestDuckDb {
  private TestDuckDb() {}

  static Connection open() throws SQLException {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    p.setProperty("threads", "1");
    Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
    try (Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
    }
    return c;
  }

  /** Creates {@code name(ddl)} and inserts rows (values in column order, null = NULL). */
  static void load(Connection c, String name, String ddl, List<List<Object>> rows)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + name + " (" + ddl + ")");
    }
    if (rows.isEmpty()) {
      return;
    }
    String marks = "?" + ", ?".repeat(rows.get(0).size() - 1);
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO " + name + " VALUES (" + marks + ")")) {
      for (List<Object> r : rows) {
        for (int i = 0; i < r.size(); i++) {
          ps.setObject(i + 1, r.get(i));
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
