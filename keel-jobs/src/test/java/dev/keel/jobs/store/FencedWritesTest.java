package dev.keel.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's fenced writes: a write made under a lease is taken only while the run is still
 * claimed under it, also after the same server claimed the run again (a new epoch). SQLite here,
 * PostgreSQL in {@link FencedWritesPostgresIT}.
 */
class FencedWritesTest {
  @TempDir Path dir;
  Database db;
  JdbcJobStore store;

  /** The database the store is on. */
  Database database(Path dataDir) {
    return TestDatabases.sqlite(dataDir);
  }

  @BeforeEach
  void open() {
    db = database(dir);
    store = new JdbcJobStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  JobRun newRun(long runId) {
    return store.createRun(
        new JobRun(
            runId,
            1,
            "JOB_RUN",
            "r",
            "ONE_TIME",
            Map.of(),
            "{}",
            Map.of(),
            List.of(),
            Optional.empty(),
            "alice",
            "alice",
            LifeCycle.PENDING,
            Optional.empty(),
            "",
            1,
            0,
            0,
            Optional.empty(),
            0,
            0,
            Optional.empty(),
            0,
            0),
        Integer.MAX_VALUE,
        false);
  }

  /** Claims every claimable run for {@code owner} (taking others' over) and returns run 10's. */
  RunLease claim(String owner) {
    return store.claim(owner, 1_000, 2_000, 100, true).stream()
        .filter(r -> r.runId() == 10)
        .map(RunLease::of)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void writes_under_a_lease_are_refused_once_the_run_is_claimed_again() {
    newRun(10);
    RunLease a1 = claim("a");
    TaskRun t = TaskRun.pending(11, 10, "t", 0);
    assertThat(store.insertTaskRuns(List.of(t), a1)).isTrue();
    assertThat(store.updateTaskRun(t.started(5), a1)).isTrue();

    RunLease b = claim("b"); // a paused past its lease: b takes the run over
    assertThat(b.epoch()).isEqualTo(a1.epoch() + 1);
    RunLease a3 = claim("a"); // and a claims it back later: a new epoch for a
    assertThat(a3.owner()).isEqualTo("a");
    assertThat(a3.epoch()).isEqualTo(b.epoch() + 1);

    TaskRun ended =
        t.started(5).ended(LifeCycle.TERMINATED, ResultState.SUCCESS, "", 9, null, null);
    assertThat(store.updateTaskRun(ended, a1)).as("a's first executor").isFalse();
    assertThat(store.updateTaskRun(ended, b)).as("b's executor").isFalse();
    assertThat(store.taskRun(11).orElseThrow().lifeCycle()).isEqualTo(LifeCycle.RUNNING);
    assertThat(store.insertTaskRuns(List.of(TaskRun.pending(12, 10, "u", 0)), a1)).isFalse();
    assertThat(store.taskRun(12)).isEmpty();
    assertThat(store.putValue("t", "v", "1", a1)).isFalse();
    assertThat(store.value(10, "t", "v")).isEmpty();
    JobRun run = store.run(10).orElseThrow();
    assertThat(
            store.updateRun(
                run.with(LifeCycle.TERMINATED, Optional.of(ResultState.FAILED), "stale", 9), a1))
        .isFalse();
    assertThat(store.run(10).orElseThrow().lifeCycle()).isEqualTo(LifeCycle.RUNNING);
    assertThat(store.renew("b", 3_000)).as("b's renewal").isEmpty();

    assertThat(store.updateTaskRun(ended, a3)).isTrue();
    assertThat(store.putValue("t", "v", "1", a3)).isTrue();
    assertThat(store.renew("a", 3_000)).containsExactly(10L);
    assertThat(
            store.updateRun(
                run.with(LifeCycle.TERMINATED, Optional.of(ResultState.SUCCESS), "", 9), a3))
        .isTrue();
    assertThat(store.run(10).orElseThrow().resultState()).contains(ResultState.SUCCESS);
  }
}
