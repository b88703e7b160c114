package dev.keel.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import dev.keel.store.TestDatabases;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL restarts and outages, without touching the shared PostgreSQL: the server connects
 * through a {@link TcpProxy} the test cuts and restores, and a restart is what PostgreSQL does to
 * each connection on one ({@code pg_terminate_backend}: "terminating connection due to
 * administrator command", SQLState 57P01), aimed at this server's connections only by their
 * application name.
 */
class DatabaseOutageIT {
  private static final String TABLES = "/api/2.1/unity-catalog/tables";
  private static final String ROWS = "/api/2.0/keel/tables/main.default.t/rows";

  @TempDir Path dir;
  private TcpProxy proxy;
  private TestServer server;
  private String directUrl;
  private String app;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    directUrl = TestDatabases.freshPostgresSchemaUrl();
    URI u = URI.create(directUrl.substring("jdbc:".length()));
    proxy = new TcpProxy(u.getHost(), u.getPort() < 0 ? 5432 : u.getPort());
    app = "keel-outage-" + UUID.randomUUID().toString().substring(0, 8);
    String proxied =
        directUrl.replaceFirst(
                "//" + u.getHost() + "(:" + u.getPort() + ")?/",
                "//127.0.0.1:" + proxy.port() + "/")
            + "&ApplicationName="
            + app;
    assertThat(proxied).contains(":" + proxy.port() + "/");
    server = TestServer.start(dir, proxied);
    // Warm every pool: Keel's, Iceberg's, with connections that the restart will break.
    assertOk(createTable());
    assertOk(writeRows(1));
    assertOk(server.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"e0\"}"));
    assertOk(createModel("m0"));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void the_first_operations_after_a_database_restart_succeed() throws Exception {
    int terminated = terminateBackends();
    assertThat(terminated).isPositive();

    assertOk(writeRows(2)); // Iceberg's pooled connection was terminated
    assertOk(server.get("/api/2.0/keel/tables/main.default.t/count"));
    assertOk(server.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"e1\"}"));
    assertOk(createModel("m1"));
    assertOk(server.get("/api/2.1/unity-catalog/models/main.default.m0"));
  }

  @Test
  void a_database_that_is_down_answers_503_quickly_and_recovery_needs_no_restart()
      throws Exception {
    proxy.cut();

    assertThat(timed(() -> server.get("/ready")).status()).isEqualTo(503);
    assertLastTookAtMost(1_000);
    assertUnavailable(() -> server.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"x\"}"));
    assertUnavailable(
        () -> server.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=e0"));
    assertUnavailable(() -> writeRows(3));
    assertUnavailable(() -> server.get("/api/2.0/keel/tables/main.default.t/count"));
    assertUnavailable(() -> createModel("m2"));
    assertUnavailable(() -> server.get("/api/2.1/unity-catalog/models/main.default.m0"));
    assertThat(timed(() -> server.get("/ready")).status()).isEqualTo(503);
    assertLastTookAtMost(1_000);

    proxy.restore();

    assertOk(writeRows(4));
    assertOk(server.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"e2\"}"));
    assertOk(createModel("m3"));
    assertOk(server.get("/api/2.0/keel/tables/main.default.t/count"));
    assertThat(server.get("/ready").status()).isEqualTo(200);
  }

  private long lastMillis;

  private Response timed(Supplier<Response> call) {
    long t0 = System.nanoTime();
    Response r = call.get();
    lastMillis = (System.nanoTime() - t0) / 1_000_000;
    return r;
  }

  private void assertLastTookAtMost(long millis) {
    assertThat(lastMillis).as("answered after %d ms", lastMillis).isLessThanOrEqualTo(millis);
  }

  private void assertUnavailable(Supplier<Response> call) {
    Response r = timed(call);
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    // TEMPORARILY_UNAVAILABLE in MLflow's and Databricks' words, UNAVAILABLE in Unity Catalog's
    assertThat(r.body()).contains("UNAVAILABLE").doesNotContain("jdbc:");
    assertLastTookAtMost(3_000);
  }

  private static void assertOk(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private Response createTable() {
    return server.post(
        TABLES,
        """
        {"name": "t", "catalog_name": "main", "schema_name": "default",
         "table_type": "MANAGED", "data_source_format": "DELTA",
         "columns": [{"name": "id", "type_name": "LONG", "position": 0},
                     {"name": "label", "type_name": "STRING", "position": 1}],
         "primary_keys": ["id"]}
        """);
  }

  private Response writeRows(int id) {
    return server.post(
        ROWS, "{\"mode\": \"upsert\", \"rows\": [{\"id\": " + id + ", \"label\": \"a\"}]}");
  }

  private Response createModel(String name) {
    return server.post(
        "/api/2.1/unity-catalog/models",
        "{\"catalog_name\": \"main\", \"schema_name\": \"default\", \"name\": \"" + name + "\"}");
  }

  /** What a PostgreSQL restart does to this server's connections (and no one else's). */
  private int terminateBackends() throws Exception {
    try (Connection c = DriverManager.getConnection(directUrl);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = ?) t")) {
      s.setString(1, app);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }
}
