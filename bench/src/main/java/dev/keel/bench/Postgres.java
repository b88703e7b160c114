package dev.keel.bench;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A throw-away PostgreSQL schema for one benchmark: created on open, dropped (with everything in
 * it) on close. The server reaches it through {@code &currentSchema=}.
 */
final class Postgres implements AutoCloseable {
  private final String adminUrl;
  private final String schema;
  private final boolean drop;

  private Postgres(String adminUrl, String schema, boolean drop) {
    this.adminUrl = adminUrl;
    this.schema = schema;
    this.drop = drop;
  }

  /** Uses the named schema (created if missing) and keeps it: for re-running on seeded data. */
  static Postgres keepSchema(String adminUrl, String schema) throws SQLException {
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("--pg-schema must match [a-z_][a-z0-9_]*");
    }
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
    }
    return new Postgres(adminUrl, schema, false);
  }

  boolean dropsOnClose() {
    return drop;
  }

  static Postgres createSchema(String adminUrl) throws SQLException {
    String schema = "keel_bench_" + Long.toHexString(new SecureRandom().nextLong() >>> 1);
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return new Postgres(adminUrl, schema, true);
  }

  String schema() {
    return schema;
  }

  /** The URL the server uses: the admin URL with {@code currentSchema} set to this schema. */
  String serverUrl() {
    return adminUrl + (adminUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(serverUrl());
  }

  /**
   * {@code ANALYZE} of the schema's tables (what autovacuum would do shortly after a bulk load).
   */
  void analyze() throws SQLException {
    analyze("runs", "latest_metrics", "metrics", "params", "tags");
  }

  /** {@code ANALYZE} of the named tables of the schema. */
  void analyze(String... tables) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "ANALYZE "
              + String.join(
                  ", ", java.util.List.of(tables).stream().map(t -> schema + "." + t).toList()));
    }
  }

  @Override
  public void close() throws SQLException {
    if (!drop) {
      return;
    }
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
