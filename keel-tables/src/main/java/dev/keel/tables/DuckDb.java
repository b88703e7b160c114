package dev.keel.tables;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Embedded DuckDB, one in-memory database per operation. Extensions never install or autoload (the
 * machine may be offline; Parquet, JSON and ICU are built in), and DuckDB's extension and spill
 * directories live under the data dir. Session time zone is UTC.
 */
final class DuckDb {
  private final Path extensionDir;
  private final Path tempDir;

  DuckDb(Path dataDir) {
    this.extensionDir = dataDir.resolve("duckdb").resolve("extensions");
    this.tempDir = dataDir.resolve("duckdb").resolve("tmp");
    try {
      Files.createDirectories(extensionDir);
      Files.createDirectories(tempDir);
    } catch (IOException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "cannot create DuckDB directories: " + e.getMessage(), e);
    }
  }

  /** A new in-memory database on the machine's cores (at most 4): for foreground operations. */
  Connection open() throws SQLException {
    return open(Math.max(1, Math.min(4, cores())));
  }

  /** A new in-memory database running on {@code threads} threads. */
  Connection open(int threads) throws SQLException {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    p.setProperty("extension_directory", extensionDir.toString());
    p.setProperty("temp_directory", tempDir.toString());
    p.setProperty("threads", String.valueOf(threads));
    Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
    dev.keel.core.NativeLibraries.forgetExtractedOnce(dev.keel.core.NativeLibraries.DUCKDB);
    try (Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** A SQL string literal. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A quoted SQL identifier (column names are already restricted to [a-z_][a-z0-9_]*). */
  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
