package dev.keel.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelConfig;
import dev.keel.core.KeelException;
import dev.keel.jobs.engine.JobTokens;
import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import dev.keel.jobs.store.JobRun;
import dev.keel.jobs.store.TaskRun;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler with a test task type: run_if, retries, timeouts, queueing, values, repair,
 * restart. Runs on SQLite here and on PostgreSQL in {@link SchedulerPostgresIT}.
 */
class SchedulerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private Database db;
  private Jobs jobs;
  private final TestTask task = new TestTask();

  @BeforeEach
  void open() {
    db = database(dir);
    jobs = start();
  }

  /** The database the scheduler runs on. */
  Database database(Path dataDir) {
    return TestDatabases.sqlite(dataDir);
  }

  private Jobs start() {
    KeelConfig config =
        new KeelConfig("127.0.0.1", 0, dir, null)
            .with(Jobs.POLL_MILLIS, "50")
            .with(Jobs.LEASE_SECONDS, "5");
    Jobs j =
        Jobs.open(
            db,
            config,
            List.of(task),
            JobTokens.NONE,
            () -> "http://127.0.0.1:1",
            Clock.systemUTC());
    j.start();
    return j;
  }

  @AfterEach
  void close() {
    jobs.close();
    db.close();
  }

  private long create(String json) throws Exception {
    return jobs.jobs()
        .create((ObjectNode) JSON.readTree(json.replace('\'', '"')), "alice", true)
        .jobId();
  }

  private JobRun await(long runId) throws InterruptedException {
    long until = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < until) {
      JobRun r = jobs.runs().run(runId);
      if (r.lifeCycle().terminal()) {
        return r;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(
        "run " + runId + " did not end: " + jobs.runs().run(runId).lifeCycle());
  }

  private Map<String, String> results(long runId) {
    return jobs.runs().view(runId).tasks().stream()
        .filter(t -> t.iterationOf() == 0)
        .collect(
            Collectors.toMap(
                TaskRun::taskKey, t -> t.resultState().map(Enum::name).orElse("-"), (a, b) -> b));
  }

  private JobRun runNow(long job) throws InterruptedException {
    return await(jobs.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "alice").runId());
  }

  @Test
  void every_run_if_value_decides_as_databricks_does() throws Exception {
    long job =
        create(
            "{'name':'runif','tasks':["
                + "{'task_key':'ok','test_task':{}},"
                + "{'task_key':'bad','test_task':{'fail':true}},"
                + "{'task_key':'all_success','depends_on':[{'task_key':'ok'},{'task_key':'bad'}],'test_task':{}},"
                + "{'task_key':'one_success','run_if':'AT_LEAST_ONE_SUCCESS','depends_on':[{'task_key':'ok'},{'task_key':'bad'}],'test_task':{}},"
                + "{'task_key':'none_failed','run_if':'NONE_FAILED','depends_on':[{'task_key':'ok'},{'task_key':'bad'}],'test_task':{}},"
                + "{'task_key':'all_done','run_if':'ALL_DONE','depends_on':[{'task_key':'ok'},{'task_key':'bad'}],'test_task':{}},"
                + "{'task_key':'one_failed','run_if':'AT_LEAST_ONE_FAILED','depends_on':[{'task_key':'ok'},{'task_key':'bad'}],'test_task':{}},"
                + "{'task_key':'all_failed','run_if':'ALL_FAILED','depends_on':[{'task_key':'ok'},{'task_key':'bad'}],'test_task':{}},"
                + "{'task_key':'all_failed_yes','run_if':'ALL_FAILED','depends_on':[{'task_key':'bad'}],'test_task':{}},"
                + "{'task_key':'after_upstream_failed','depends_on':[{'task_key':'all_success'}],'test_task':{}},"
                + "{'task_key':'off','disabled':true,'test_task':{}}]}");
    JobRun r = runNow(job);
    Map<String, String> s = results(r.runId());
    assertThat(s)
        .containsEntry("ok", "SUCCESS")
        .containsEntry("bad", "FAILED")
        .containsEntry("all_success", "UPSTREAM_FAILED")
        .containsEntry("one_success", "SUCCESS")
        .containsEntry("none_failed", "UPSTREAM_FAILED")
        .containsEntry("all_done", "SUCCESS")
        .containsEntry("one_failed", "SUCCESS")
        .containsEntry("all_failed", "EXCLUDED")
        .containsEntry("all_failed_yes", "SUCCESS")
        .containsEntry("after_upstream_failed", "UPSTREAM_FAILED")
        .containsEntry("off", "DISABLED");
    assertThat(r.resultState())
        .contains(ResultState.FAILED); // a leaf (after_upstream_failed) failed
  }

  @Test
  void leaves_that_succeed_after_a_handled_failure_give_success_with_failures() throws Exception {
    long job =
        create(
            "{'tasks':[{'task_key':'bad','test_task':{'fail':true}},"
                + "{'task_key':'cleanup','run_if':'ALL_DONE','depends_on':[{'task_key':'bad'}],'test_task':{}}]}");
    assertThat(runNow(job).resultState()).contains(ResultState.SUCCESS_WITH_FAILURES);
  }

  @Test
  void retries_are_new_attempts_with_attempt_numbers() throws Exception {
    long job =
        create(
            "{'tasks':[{'task_key':'flaky','max_retries':3,'min_retry_interval_millis':50,'test_task':{'fail_attempts':2}},"
                + "{'task_key':'never','max_retries':1,'test_task':{'fail':true}}]}");
    JobRun r = runNow(job);
    List<TaskRun> flaky =
        jobs.runs().view(r.runId()).tasks().stream()
            .filter(t -> t.taskKey().equals("flaky"))
            .toList();
    assertThat(flaky).extracting(TaskRun::attemptNumber).containsExactly(0, 1, 2);
    assertThat(flaky)
        .extracting(t -> t.resultState().orElseThrow())
        .containsExactly(ResultState.FAILED, ResultState.FAILED, ResultState.SUCCESS);
    assertThat(flaky).allMatch(t -> t.originalAttempt() == flaky.get(0).taskRunId());
    assertThat(flaky.get(1).startTime() - flaky.get(0).startTime()).isGreaterThanOrEqualTo(50);
    long never =
        jobs.runs().view(r.runId()).tasks().stream()
            .filter(t -> t.taskKey().equals("never"))
            .count();
    assertThat(never).isEqualTo(2);
    assertThat(r.resultState()).contains(ResultState.FAILED);
  }

  @Test
  void a_task_timeout_is_timedout_and_retried_only_with_retry_on_timeout() throws Exception {
    long job =
        create(
            "{'tasks':[{'task_key':'slow','timeout_seconds':1,'max_retries':2,'test_task':{'sleep_ms':5000}},"
                + "{'task_key':'slow_retry','timeout_seconds':1,'max_retries':1,'retry_on_timeout':true,'test_task':{'sleep_ms':5000}}]}");
    JobRun r = runNow(job);
    List<TaskRun> all = jobs.runs().view(r.runId()).tasks();
    assertThat(all.stream().filter(t -> t.taskKey().equals("slow")).toList())
        .singleElement()
        .satisfies(t -> assertThat(t.resultState()).contains(ResultState.TIMEDOUT));
    assertThat(all.stream().filter(t -> t.taskKey().equals("slow_retry")).count()).isEqualTo(2);
    assertThat(r.resultState()).contains(ResultState.TIMEDOUT);
  }

  @Test
  void a_job_timeout_ends_the_run_timedout() throws Exception {
    long job =
        create(
            "{'timeout_seconds':1,'tasks':[{'task_key':'slow','test_task':{'sleep_ms':10000}}]}");
    JobRun r = runNow(job);
    assertThat(r.resultState()).contains(ResultState.TIMEDOUT);
    assertThat(r.endTime() - r.startTime()).isLessThan(5000);
  }

  @Test
  void the_condition_branch_not_taken_is_excluded() throws Exception {
    long job =
        create(
            "{'parameters':[{'name':'score','default':'0.9'}],'tasks':["
                + "{'task_key':'check','condition_task':{'op':'GREATER_THAN','left':'{{job.parameters.score}}','right':'0.5'}},"
                + "{'task_key':'yes','depends_on':[{'task_key':'check','outcome':'true'}],'test_task':{}},"
                + "{'task_key':'no','depends_on':[{'task_key':'check','outcome':'false'}],'test_task':{}},"
                + "{'task_key':'after_no','depends_on':[{'task_key':'no'}],'test_task':{}},"
                + "{'task_key':'same','condition_task':{'op':'NOT_EQUAL','left':'12.0','right':'12'}}]}");
    JobRun r = runNow(job);
    assertThat(results(r.runId()))
        .containsEntry("check", "SUCCESS")
        .containsEntry("yes", "SUCCESS")
        .containsEntry("no", "EXCLUDED")
        .containsEntry("after_no", "EXCLUDED")
        .containsEntry("same", "SUCCESS");
    assertThat(r.resultState()).contains(ResultState.SUCCESS);
    TaskRun same =
        jobs.runs().view(r.runId()).tasks().stream()
            .filter(t -> t.taskKey().equals("same"))
            .findFirst()
            .orElseThrow();
    assertThat(same.outcome()).isEqualTo("true"); // string compare: "12.0" != "12"
  }

  @Test
  void task_values_and_references_reach_downstream_payloads() throws Exception {
    long job =
        create(
            "{'name':'refs','parameters':[{'name':'p','default':'d'}],'tasks':["
                + "{'task_key':'up','test_task':{'set_key':'uri','set_value':'\\\"models:/m/3\\\"'}},"
                + "{'task_key':'down','depends_on':[{'task_key':'up'}],'test_task':{'echo':"
                + "'{{tasks.up.values.uri}}|{{job.parameters.p}}|{{job.name}}|{{tasks.up.result_state}}|{{task.name}}|{{job.id}}'}}]}");
    JobRun r =
        await(
            jobs.runs()
                .runNow(job, Map.of("p", "given"), Optional.empty(), List.of(), "alice")
                .runId());
    assertThat(r.resultState()).contains(ResultState.SUCCESS);
    assertThat(task.echoes.get("down")).isEqualTo("models:/m/3|given|refs|SUCCESS|down|" + job);
  }

  @Test
  void for_each_runs_the_nested_task_per_input_with_iterations_recorded() throws Exception {
    long job =
        create(
            "{'tasks':[{'task_key':'loop','for_each_task':{'inputs':'[1,2,3,4]','concurrency':2,"
                + "'task':{'task_key':'each','test_task':{'echo':'{{input}}'}}}}]}");
    JobRun r = runNow(job);
    assertThat(r.resultState()).contains(ResultState.SUCCESS);
    List<TaskRun> its =
        jobs.runs().view(r.runId()).tasks().stream().filter(t -> t.iterationOf() != 0).toList();
    assertThat(its)
        .hasSize(4)
        .extracting(TaskRun::iterationIndex)
        .containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void run_job_task_waits_for_its_child_run() throws Exception {
    long child =
        create(
            "{'name':'child','parameters':[{'name':'x','default':'0'}],'tasks':[{'task_key':'c','test_task':{'echo':'{{job.parameters.x}}'}}]}");
    long parent =
        create(
            "{'tasks':[{'task_key':'call','run_job_task':{'job_id':"
                + child
                + ",'job_parameters':{'x':'7'}}}]}");
    JobRun r = runNow(parent);
    assertThat(r.resultState()).contains(ResultState.SUCCESS);
    TaskRun call = jobs.runs().view(r.runId()).tasks().get(0);
    JobRun c = jobs.runs().run(call.childRunId());
    assertThat(c.trigger()).isEqualTo("RUN_JOB_TASK");
    assertThat(c.resultState()).contains(ResultState.SUCCESS);
    assertThat(task.echoes.get("c")).isEqualTo("7");
  }

  @Test
  void max_concurrent_runs_queues_then_skips_without_queue() throws Exception {
    long job =
        create("{'max_concurrent_runs':1,'tasks':[{'task_key':'t','test_task':{'sleep_ms':300}}]}");
    JobRun a = jobs.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "alice");
    JobRun b = jobs.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "alice");
    assertThat(b.lifeCycle()).isEqualTo(LifeCycle.QUEUED);
    JobRun ea = await(a.runId());
    JobRun eb = await(b.runId());
    assertThat(eb.resultState()).contains(ResultState.SUCCESS);
    assertThat(eb.startTime()).isGreaterThanOrEqualTo(ea.endTime());
    long noQueue =
        create(
            "{'max_concurrent_runs':1,'queue':{'enabled':false},'tasks':[{'task_key':'t','test_task':{'sleep_ms':300}}]}");
    jobs.runs().runNow(noQueue, Map.of(), Optional.empty(), List.of(), "alice");
    JobRun skipped = jobs.runs().runNow(noQueue, Map.of(), Optional.empty(), List.of(), "alice");
    assertThat(skipped.lifeCycle()).isEqualTo(LifeCycle.SKIPPED);
    assertThat(skipped.resultState()).contains(ResultState.MAXIMUM_CONCURRENT_RUNS_REACHED);
  }

  @Test
  void the_same_idempotency_token_gives_the_same_run() throws Exception {
    long job = create("{'tasks':[{'task_key':'t','test_task':{}}]}");
    JobRun a = jobs.runs().runNow(job, Map.of(), Optional.of("tok"), List.of(), "alice");
    JobRun b = jobs.runs().runNow(job, Map.of(), Optional.of("tok"), List.of(), "alice");
    assertThat(b.runId()).isEqualTo(a.runId());
  }

  @Test
  void cancel_stops_running_tasks_and_repair_reruns_inside_the_run() throws Exception {
    long job =
        create(
            "{'tasks':[{'task_key':'a','test_task':{'sleep_ms':10000}},"
                + "{'task_key':'b','depends_on':[{'task_key':'a'}],'test_task':{}}]}");
    JobRun r = jobs.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "alice");
    Thread.sleep(300);
    jobs.runs().cancel(r.runId());
    JobRun ended = await(r.runId());
    assertThat(ended.resultState()).contains(ResultState.CANCELED);
    assertThat(results(r.runId())).containsEntry("a", "CANCELED").containsEntry("b", "CANCELED");
    jobs.jobs()
        .update(
            job,
            (ObjectNode) JSON.readTree("{\"tasks\":[{\"task_key\":\"a\",\"test_task\":{}}]}"),
            List.of(),
            true);
    long repair = jobs.runs().repair(r.runId(), List.of(), true, false, Optional.empty(), Map.of());
    JobRun repaired = await(r.runId());
    assertThat(repaired.resultState()).contains(ResultState.SUCCESS);
    assertThat(repaired.repairCount()).isEqualTo(1);
    assertThat(results(r.runId())).containsEntry("a", "SUCCESS").containsEntry("b", "SUCCESS");
    assertThatThrownBy(
            () ->
                jobs.runs()
                    .repair(r.runId(), List.of("a"), false, false, Optional.empty(), Map.of()))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("latest_repair_id");
    assertThat(
            jobs.runs()
                .repair(r.runId(), List.of("a"), false, false, Optional.of(repair), Map.of()))
        .isPositive();
    await(r.runId());
  }

  @Test
  void cancel_all_stops_every_active_run_of_the_job_and_all_queued_runs_only_the_queued_ones()
      throws Exception {
    long job =
        create(
            "{'max_concurrent_runs':2,'tasks':[{'task_key':'a','test_task':{'sleep_ms':20000}}]}");
    long other =
        create(
            "{'max_concurrent_runs':1,'tasks':[{'task_key':'a','test_task':{'sleep_ms':20000}}]}");
    JobRun a = jobs.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "alice");
    JobRun b = jobs.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "alice");
    JobRun elsewhere = jobs.runs().runNow(other, Map.of(), Optional.empty(), List.of(), "alice");
    JobRun queued = jobs.runs().runNow(other, Map.of(), Optional.empty(), List.of(), "alice");
    assertThat(queued.lifeCycle()).isEqualTo(LifeCycle.QUEUED);
    Thread.sleep(300);

    jobs.runs().cancelAll(Optional.of(job), false);
    assertThat(await(a.runId()).resultState()).contains(ResultState.CANCELED);
    assertThat(await(b.runId()).resultState()).contains(ResultState.CANCELED);
    assertThat(jobs.runs().run(elsewhere.runId()).lifeCycle()).isEqualTo(LifeCycle.RUNNING);

    jobs.runs().cancelAll(Optional.empty(), true);
    assertThat(await(queued.runId()).resultState()).contains(ResultState.CANCELED);
    Thread.sleep(500); // several polls of the dispatcher, which acts on cancel requests
    assertThat(jobs.runs().run(elsewhere.runId()).lifeCycle()).isEqualTo(LifeCycle.RUNNING);
    jobs.runs().cancel(elsewhere.runId());
    await(elsewhere.runId());
  }

  @Test
  void a_repair_asked_for_while_the_run_is_ending_runs_and_keeps_its_own_history()
      throws Exception {
    jobs.close();
    FreezableStore hooked = new FreezableStore(new dev.keel.jobs.store.JdbcJobStore(db));
    jobs =
        Jobs.open(
            db,
            hooked,
            new KeelConfig("127.0.0.1", 0, dir, null)
                .with(Jobs.POLL_MILLIS, "50")
                .with(Jobs.LEASE_SECONDS, "5"),
            List.of(task),
            JobTokens.NONE,
            () -> "http://127.0.0.1:1",
            Clock.systemUTC());
    jobs.start();
    long job = create("{'tasks':[{'task_key':'a','test_task':{}}]}");
    java.util.concurrent.atomic.AtomicLong repair = new java.util.concurrent.atomic.AtomicLong();
    // The repair arrives between the run's end being written and its executor finishing.
    hooked.afterRunWrite =
        w -> {
          if (w.lifeCycle() == LifeCycle.TERMINATED && w.repairCount() == 0 && repair.get() == 0) {
            repair.set(
                jobs.runs()
                    .repair(w.runId(), List.of("a"), false, false, Optional.empty(), Map.of()));
          }
        };
    JobRun r = jobs.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "alice");
    long until = System.currentTimeMillis() + 60_000;
    JobRun now = jobs.runs().run(r.runId());
    while (!(now.repairCount() == 1 && now.lifeCycle().terminal())) {
      assertThat(System.currentTimeMillis()).as("the repaired run ends").isLessThan(until);
      Thread.sleep(10);
      now = jobs.runs().run(r.runId());
    }
    RunService.RunView v = jobs.runs().view(r.runId());
    assertThat(v.run().resultState()).contains(ResultState.SUCCESS);
    var rep = v.repairs().stream().filter(x -> x.repairId() == repair.get()).findFirst();
    assertThat(rep).isPresent();
    assertThat(rep.get().taskRunIds()).as("the repair's own attempt").hasSize(1);
    assertThat(rep.get().resultState()).contains(ResultState.SUCCESS);
    assertThat(v.tasks().stream().filter(t -> t.taskKey().equals("a")).count()).isEqualTo(2);
  }

  @Test
  void a_run_cancelled_by_a_user_says_so_after_it_ends() throws Exception {
    long job = create("{'tasks':[{'task_key':'a','test_task':{'sleep_ms':10000}}]}");
    JobRun r = jobs.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "alice");
    long until = System.currentTimeMillis() + 10_000;
    while (jobs.runs().view(r.runId()).tasks().stream()
        .noneMatch(t -> t.lifeCycle() == LifeCycle.RUNNING)) {
      assertThat(System.currentTimeMillis()).isLessThan(until);
      Thread.sleep(10);
    }
    jobs.runs().cancel(r.runId());
    JobRun ended = await(r.runId());
    assertThat(ended.resultState()).contains(ResultState.CANCELED);
    assertThat(ended.cancelRequested()).as("who cancelled it stays recorded").isPresent();
  }

  @Test
  void a_restart_ends_running_attempts_as_lost_and_retries_them() throws Exception {
    long job =
        create("{'tasks':[{'task_key':'long','max_retries':1,'test_task':{'sleep_ms':1500}}]}");
    JobRun r = jobs.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "alice");
    long until = System.currentTimeMillis() + 5000;
    while (jobs.runs().view(r.runId()).tasks().stream()
        .noneMatch(t -> t.lifeCycle() == LifeCycle.RUNNING)) {
      assertThat(System.currentTimeMillis()).isLessThan(until);
      Thread.sleep(10);
    }
    jobs.close(); // as a crash: the attempt stays RUNNING in the store
    jobs = start();
    JobRun ended = await(r.runId());
    List<TaskRun> attempts = jobs.runs().view(r.runId()).tasks();
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0).lifeCycle()).isEqualTo(LifeCycle.INTERNAL_ERROR);
    assertThat(attempts.get(1).attemptNumber()).isEqualTo(1);
    assertThat(ended.resultState()).contains(ResultState.SUCCESS);
  }

  @Test
  void a_thousand_task_dag_of_no_ops_runs_with_bounded_overhead_per_task() throws Exception {
    StringBuilder s = new StringBuilder("{'tasks':[");
    for (int i = 0; i < 1000; i++) {
      s.append(i == 0 ? "" : ",").append("{'task_key':'t").append(i).append("','test_task':{}");
      if (i > 0) {
        s.append(",'depends_on':[{'task_key':'t").append((i - 1) / 2).append("'}]");
      }
      s.append("}");
    }
    long job = create(s.append("]}").toString());
    long start = System.nanoTime();
    JobRun r = runNow(job);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.resultState()).contains(ResultState.SUCCESS);
    System.out.println(
        "1000-task DAG of no-op tasks: " + ms + " ms, " + (ms / 1000.0) + " ms per task");
    // Goal 10 ms; measured 16 ms on SQLite with durable commits (two commits per task): see
    // docs/jobs.md. The bound catches regressions such as one round trip per poll.
    assertThat(ms / 1000.0).isLessThan(30.0);
  }
}
