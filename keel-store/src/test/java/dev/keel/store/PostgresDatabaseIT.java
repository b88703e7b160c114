package dev.keel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresDatabaseIT extends DatabaseContract {
  @BeforeAll
  static void needsPostgres() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
  }

  @Override
  Database open(Path dir) {
    return TestDatabases.postgres(dir);
  }

  /**
   * A restart breaks every pooled connection at once. The pool had just used them all (so it does
   * not validate them on checkout), and a retry that took the next broken one failed too: CI saw
   * the first experiment create after a restart answer 503.
   */
  @Test
  void the_first_read_and_write_after_a_restart_succeed_although_every_pooled_connection_broke(
      @TempDir Path dir) throws Exception {
    String url = TestDatabases.freshPostgresSchemaUrl();
    String app = "keel-restart-" + UUID.randomUUID().toString().substring(0, 8);
    try (Database db = Database.open(Optional.of(url + "&ApplicationName=" + app), dir)) {
      db.write(h -> h.execute("CREATE TABLE restart_probe (id INT PRIMARY KEY)"));
      int busy = 6;
      ExecutorService pool = Executors.newFixedThreadPool(busy);
      try {
        // Fill the pool: six reads at once hold six connections.
        CountDownLatch together = new CountDownLatch(busy);
        List<Future<Integer>> reads = new ArrayList<>();
        for (int i = 0; i < busy; i++) {
          reads.add(
              pool.submit(
                  () ->
                      db.read(
                          h -> {
                            together.countDown();
                            together.await(10, TimeUnit.SECONDS);
                            return h.createQuery("SELECT 1").mapTo(Integer.class).one();
                          })));
        }
        for (Future<Integer> f : reads) {
          assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(1);
        }
      } finally {
        pool.shutdownNow();
      }

      assertThat(terminate(url, app)).isGreaterThanOrEqualTo(busy);

      assertThat(count(db)).isZero();
      db.write(h -> h.execute("INSERT INTO restart_probe VALUES (1)"));
      assertThat(terminate(url, app)).isPositive();
      db.write(h -> h.execute("INSERT INTO restart_probe VALUES (2)"));
      assertThat(count(db)).isEqualTo(2);
    }
  }

  private static long count(Database db) {
    return db.read(
        h -> h.createQuery("SELECT count(*) FROM restart_probe").mapTo(Long.class).one());
  }

  /** What a PostgreSQL restart does to each connection of the application {@code app}. */
  private static int terminate(String url, String app) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
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
