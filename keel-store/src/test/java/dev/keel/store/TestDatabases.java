package dev.keel.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * Real databases for tests: a SQLite file in a temp folder, and a fresh schema in the PostgreSQL
 * named by {@code KEEL_TEST_POSTGRES_URL} (absent means PostgreSQL tests skip, unless the run
 * requires services: see {@link TestServices}).
 */
public final class TestDatabases {
  private TestDatabases() {}

  /**
   * The PostgreSQL test URL, if configured. Throws when it is configured but PostgreSQL does not
   * answer, or when it is not configured and the run requires services ({@link TestServices}).
   */
  public static Optional<String> postgresUrl() {
    return TestServices.postgresUrl();
  }

  /** Opens Keel's SQLite store in {@code dir}. */
  public static Database sqlite(Path dir) {
    return Database.open(Optional.empty(), dir);
  }

  /**
   * Creates an empty schema in the test PostgreSQL and returns a JDBC URL that uses it, so every
   * test starts from nothing and tests never see each other's rows.
   */
  public static String freshPostgresSchemaUrl() {
    String base =
        postgresUrl()
            .orElseThrow(() -> new IllegalStateException("KEEL_TEST_POSTGRES_URL is not set"));
    String schema = "keel_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(base);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test schema: " + e.getMessage(), e);
    }
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** Opens Keel's store on a fresh PostgreSQL schema. */
  public static Database postgres(Path dataDir) {
    return Database.open(Optional.of(freshPostgresSchemaUrl()), dataDir);
  }
}
