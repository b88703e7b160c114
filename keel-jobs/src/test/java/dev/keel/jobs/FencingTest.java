package dev.keel.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelConfig;
import dev.keel.jobs.engine.JobTokens;
import dev.keel.jobs.model.ResultState;
import dev.keel.jobs.store.JdbcJobStore;
import dev.keel.jobs.store.JobRun;
import dev.keel.jobs.store.TaskRun;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two schedulers on one database: the first is frozen (its store calls wait, as in a long GC pause
 * or a suspended VM) past its lease while it runs an attempt, the second takes the run over, then
 * the first resumes. Its writes are refused, it starts nothing, it stops what it still runs, and
 * the run ends once, with the second's result. SQLite here (two schedulers in one JVM on one file;
 * the second takes every run over at its start), PostgreSQL in {@link FencingPostgresIT} (after the
 * lease lapses).
 */
class FencingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private Database db;
  private FreezableStore frozenStore;
  private final TestTask firstTask = new TestTask();
  private final TestTask secondTask = new TestTask();
  private Jobs first;
  private Jobs second;

  /** The database both schedulers run on. */
  Database database(Path dataDir) {
    return TestDatabases.sqlite(dataDir);
  }

  @BeforeEach
  void open() {
    db = database(dir);
    frozenStore = new FreezableStore(new JdbcJobStore(db));
    first =
        Jobs.open(db, frozenStore, config(), List.of(firstTask), JobTokens.NONE, host(), clock());
    first.start();
  }

  @AfterEach
  void close() {
    frozenStore.thaw();
    if (second != null) {
      second.close();
    }
    first.close();
    db.close();
  }

  private KeelConfig config() {
    return new KeelConfig("127.0.0.1", 0, dir, null)
        .with(Jobs.POLL_MILLIS, "50")
        .with(Jobs.LEASE_SECONDS, "2");
  }

  private static java.util.function.Supplier<String> host() {
    return () -> "http://127.0.0.1:1";
  }

  private static Clock clock() {
    return Clock.systemUTC();
  }

  private void startSecond() {
    second = Jobs.open(db, config(), List.of(secondTask), JobTokens.NONE, host(), clock());
    second.start();
  }

  private long create(String json) throws Exception {
    return first
        .jobs()
        .create((ObjectNode) JSON.readTree(json.replace('\'', '"')), "alice", true)
        .jobId();
  }

  private static void until(String what, long millis, BooleanSupplier done) throws Exception {
    long end = System.currentTimeMillis() + millis;
    while (!done.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as(what).isLessThan(end);
      Thread.sleep(10);
    }
  }

  private List<TaskRun> attempts(long runId) {
    return second.runs().view(runId).tasks();
  }

  private List<TaskRun> attempts(long runId, String key) {
    return attempts(runId).stream().filter(t -> t.taskKey().equals(key)).toList();
  }

  /**
   * Runs a two-task job (a, then b) on the first scheduler until a's first attempt runs, freezes
   * it, starts the second, waits until the second has taken the run over and made a's retry, then
   * lets the first go on. Returns the run id.
   */
  private long takenOverWhileFrozen(String payloadOfA) throws Exception {
    long job =
        create(
            "{'tasks':[{'task_key':'a','max_retries':1,'test_task':"
                + payloadOfA
                + "},{'task_key':'b','depends_on':[{'task_key':'a'}],'test_task':{}}]}");
    long runId = first.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "alice").runId();
    until("a's first attempt runs on the first server", 10_000, () -> firstTask.started("a") == 1);
    String firstOwner = first.runs().run(runId).owner().orElseThrow();
    frozenStore.freeze();
    startSecond();
    until(
        "the second server takes the run over and retries a",
        20_000,
        () ->
            second.runs().run(runId).owner().filter(o -> !o.equals(firstOwner)).isPresent()
                && attempts(runId, "a").stream().anyMatch(t -> t.attemptNumber() == 1));
    frozenStore.thaw();
    return runId;
  }

  private JobRun awaitEnd(long runId) throws Exception {
    until("the run ends", 30_000, () -> second.runs().run(runId).lifeCycle().terminal());
    return second.runs().run(runId);
  }

  @Test
  void a_server_frozen_past_its_lease_writes_nothing_and_starts_nothing_when_it_resumes()
      throws Exception {
    // a's first attempt ends on the frozen server while it is frozen: when it resumes, it tries
    // to write that end and to start b.
    long runId = takenOverWhileFrozen("{'sleep_ms':1500}");
    JobRun ended = awaitEnd(runId);
    Thread.sleep(1_500); // time for the resumed server to do what it would

    assertThat(ended.resultState()).contains(ResultState.SUCCESS);
    List<TaskRun> a = attempts(runId, "a");
    assertThat(a)
        .extracting(t -> t.attemptNumber() + ":" + t.lifeCycle())
        .containsExactly("0:INTERNAL_ERROR", "1:TERMINATED");
    assertThat(attempts(runId, "b")).hasSize(1);
    assertThat(firstTask.started("a")).isEqualTo(1);
    assertThat(firstTask.started("b")).as("b started on the resumed server").isZero();
    assertThat(secondTask.started("a")).isEqualTo(1);
    assertThat(secondTask.started("b")).isEqualTo(1);
    assertThat(frozenStore.runWrites)
        .as("run states the resumed server wrote")
        .noneMatch(r -> r.runId() == runId && r.lifeCycle().terminal());
    JobRun now = second.runs().run(runId);
    assertThat(now.endTime()).isEqualTo(ended.endTime());
    assertThat(now.resultState()).isEqualTo(ended.resultState());
  }

  @Test
  void a_server_that_finds_its_run_taken_over_stops_the_attempt_it_still_runs() throws Exception {
    long runId = takenOverWhileFrozen("{'first_sleep_ms':60000,'sleep_ms':500}");
    until("the resumed server stops its attempt of a", 10_000, () -> firstTask.stopped("a") == 1);
    JobRun ended = awaitEnd(runId);
    Thread.sleep(500);

    assertThat(ended.resultState()).contains(ResultState.SUCCESS);
    assertThat(attempts(runId, "a"))
        .extracting(t -> t.attemptNumber() + ":" + t.lifeCycle())
        .containsExactly("0:INTERNAL_ERROR", "1:TERMINATED");
    assertThat(attempts(runId, "b")).hasSize(1);
    assertThat(firstTask.started("b")).isZero();
    assertThat(frozenStore.runWrites).noneMatch(r -> r.runId() == runId);
  }
}
