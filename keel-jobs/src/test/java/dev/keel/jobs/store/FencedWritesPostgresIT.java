package dev.keel.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link FencedWritesTest} on PostgreSQL, and the race it adds: a fenced write that checks the
 * lease while another server's claim of the run is not yet committed waits for that claim and is
 * then refused (it does not pass on the owner it read before the claim committed).
 */
@EnabledIf("configured")
class FencedWritesPostgresIT extends FencedWritesTest {
  static boolean configured() {
    return TestDatabases.postgresUrl().isPresent();
  }

  @Override
  Database database(Path dataDir) {
    return TestDatabases.postgres(dataDir);
  }

  @Test
  void a_write_racing_a_claim_in_progress_waits_for_it_and_is_refused() throws Exception {
    newRun(10);
    RunLease a = claim("a");
    TaskRun t = TaskRun.pending(11, 10, "t", 0).started(5);
    assertThat(store.insertTaskRuns(List.of(t), a)).isTrue();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl())) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        // another server's claim, as JdbcJobStore.claim makes it, not committed yet
        s.executeQuery("SELECT run_id FROM job_runs WHERE run_id = 10 FOR UPDATE SKIP LOCKED")
            .close();
        s.executeUpdate(
            "UPDATE job_runs SET owner = 'b', lease_epoch = lease_epoch + 1 WHERE run_id = 10");
      }
      CompletableFuture<Boolean> write =
          CompletableFuture.supplyAsync(
              () ->
                  store.updateTaskRun(
                      t.ended(LifeCycle.TERMINATED, ResultState.SUCCESS, "", 9, null, null), a));
      Thread.sleep(500);
      assertThat(write).as("the write waits for the claim").isNotDone();
      c.commit();
      assertThat(write.get(10, TimeUnit.SECONDS)).isFalse();
    }
    assertThat(store.taskRun(11).orElseThrow().lifeCycle()).isEqualTo(LifeCycle.RUNNING);
  }
}
