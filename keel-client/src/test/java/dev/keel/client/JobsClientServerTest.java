package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelConfig;
import dev.keel.core.Page;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the SDK's jobs calls against a real Keel server: jobs CRUD and paging, run-now with
 * parameters, idempotency token and {@code only}, the waiter with its change callback, task output,
 * repair, run listing and deletion, submit, cancel (a Python task, when python3 is on PATH) and the
 * server's refusals.
 */
class JobsClientServerTest {
  @TempDir static Path dataDir;
  @TempDir Path work;

  static KeelServer server;
  static KeelClient client;

  @BeforeAll
  static void start() {
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
    client = new KeelClient(server.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) KeelJson.MAPPER.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A job whose condition task {@code check} compares the parameter {@code score} with 0.5 (a
   * non-number fails it); {@code promote} runs on true, {@code keep} on false.
   */
  static ObjectNode branching(String name) {
    return json(
        "{'name':'"
            + name
            + "','parameters':[{'name':'score','default':'0.9'}],'tasks':["
            + "{'task_key':'check','condition_task':{'op':'GREATER_THAN',"
            + "'left':'{{job.parameters.score}}','right':'0.5'}},"
            + "{'task_key':'promote','depends_on':[{'task_key':'check','outcome':'true'}],"
            + "'condition_task':{'op':'EQUAL_TO','left':'a','right':'a'}},"
            + "{'task_key':'keep','depends_on':[{'task_key':'check','outcome':'false'}],"
            + "'condition_task':{'op':'EQUAL_TO','left':'a','right':'a'}}]}");
  }

  static KeelClientException failure(Runnable call) {
    try {
      call.run();
    } catch (KeelClientException e) {
      return e;
    }
    throw new AssertionError("expected a KeelClientException");
  }

  @Test
  void create_get_list_update_reset_and_delete_a_job() {
    JobsClient jobs = client.jobs();
    String name = unique("crud");
    long id = jobs.create(branching(name));
    Job j = jobs.get(id);
    assertThat(j.jobId()).isEqualTo(id);
    assertThat(j.name()).isEqualTo(name);
    assertThat(j.taskCount()).isEqualTo(3);
    assertThat(j.createdTime()).isPositive();
    assertThat(j.settings().at("/parameters/0/default").asText()).isEqualTo("0.9");

    long second = jobs.create(branching(name));
    long third = jobs.create(branching(name));
    jobs.create(branching(unique("other")));
    List<Long> paged = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      Page<Job> p = jobs.list(name, 1, token);
      p.items().forEach(x -> paged.add(x.jobId()));
      token = p.nextPageToken().orElse("");
      pages++;
    } while (!token.isEmpty());
    assertThat(paged).containsExactly(id, second, third);
    assertThat(pages).isEqualTo(3);
    assertThat(jobs.stream(name).map(Job::jobId)).containsExactly(id, second, third);
    assertThat(jobs.stream("").count()).isGreaterThanOrEqualTo(4);

    jobs.update(id, json("{'description':'nightly'}"), List.of("tasks/keep"));
    Job updated = jobs.get(id);
    assertThat(updated.settings().path("description").asText()).isEqualTo("nightly");
    assertThat(updated.taskCount()).isEqualTo(2);
    assertThat(updated.name()).isEqualTo(name);

    jobs.reset(
        id,
        json(
            "{'name':'reset','tasks':[{'task_key':'only',"
                + "'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}"));
    Job reset = jobs.get(id);
    assertThat(reset.name()).isEqualTo("reset");
    assertThat(reset.taskCount()).isEqualTo(1);
    assertThat(reset.settings().has("description")).isFalse();

    jobs.delete(id);
    KeelClientException gone = failure(() -> jobs.get(id));
    assertThat(gone.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(gone.httpStatus()).isEqualTo(400);
    assertThat(gone.getMessage()).contains("Job " + id + " does not exist");
  }

  @Test
  void run_now_wait_output_repair_list_and_delete_a_run() {
    JobsClient jobs = client.jobs();
    long job = jobs.create(branching(unique("runs")));

    long ok = jobs.runNow(job);
    List<JobRun> seen = new CopyOnWriteArrayList<>();
    JobRun done = jobs.waitForRun(ok, Duration.ofSeconds(60), seen::add);
    assertThat(done.state().succeeded()).as(done.json().toString()).isTrue();
    assertThat(done.state().resultState()).contains("SUCCESS");
    assertThat(done.status().state()).isEqualTo("TERMINATED");
    assertThat(done.status().terminationCode()).contains("SUCCESS");
    assertThat(done.status().terminationType()).contains("SUCCESS");
    assertThat(done.task("check").orElseThrow().status().state()).isEqualTo("TERMINATED");
    assertThat(done.jobId()).isEqualTo(job);
    assertThat(done.jobParameters()).containsEntry("score", "0.9");
    assertThat(done.task("check").orElseThrow().conditionOutcome()).contains("true");
    assertThat(done.task("promote").orElseThrow().state().summary()).isEqualTo("SUCCESS");
    assertThat(done.task("keep").orElseThrow().state().summary()).isEqualTo("EXCLUDED");
    assertThat(done.task("nope")).isEmpty();
    assertThat(seen).isNotEmpty();
    assertThat(seen.get(seen.size() - 1).state().terminal()).isTrue();
    assertThat(seen.subList(0, seen.size() - 1)).noneMatch(r -> r.state().terminal());

    long bad = jobs.runNow(job, Map.of("score", "abc"), "", List.of());
    JobRun failed = jobs.waitForRun(bad, Duration.ofSeconds(60), r -> {});
    assertThat(failed.state().resultState()).contains("FAILED");
    assertThat(failed.status().terminationCode()).isPresent().isNotEqualTo(Optional.of("SUCCESS"));
    assertThat(failed.status().terminationType()).isPresent().isNotEqualTo(Optional.of("SUCCESS"));
    JobTaskRun check = failed.task("check").orElseThrow();
    assertThat(check.state().summary()).isEqualTo("FAILED");
    assertThat(failed.task("promote").orElseThrow().state().summary()).isEqualTo("UPSTREAM_FAILED");
    JobRunOutput out = jobs.getRunOutput(check.runId());
    assertThat(out.metadata().runId()).isEqualTo(check.runId());
    assertThat(out.metadata().taskKey()).isEqualTo("check");
    assertThat(out.error()).hasValueSatisfying(e -> assertThat(e).contains("abc"));
    assertThat(out.logsTruncated()).isFalse();
    KeelClientException multi = failure(() -> jobs.getRunOutput(bad));
    assertThat(multi.getMessage()).contains("has 3 tasks");

    long repair =
        jobs.repairRun(bad, JobRepair.allFailed().withJobParameters(Map.of("score", "0.8")));
    JobRun repaired = jobs.waitForRun(bad, Duration.ofSeconds(60), r -> {});
    assertThat(repaired.state().resultState()).as(repaired.json().toString()).contains("SUCCESS");
    assertThat(repaired.repairIds()).containsExactly(repair);
    assertThat(repaired.task("check").orElseThrow().runId()).isNotEqualTo(check.runId());
    assertThat(repaired.task("check").orElseThrow().state().summary()).isEqualTo("SUCCESS");
    assertThat(repaired.tasks()).hasSizeGreaterThan(3); // the first attempts stay listed
    KeelClientException stale =
        failure(() -> jobs.repairRun(bad, JobRepair.tasks(List.of("keep"))));
    assertThat(stale.getMessage()).contains("latest_repair_id");
    long again = jobs.repairRun(bad, JobRepair.tasks(List.of("keep")).withLatestRepairId(repair));
    assertThat(jobs.waitForRun(bad, Duration.ofSeconds(60), r -> {}).repairIds())
        .containsExactly(repair, again);

    assertThat(jobs.streamRuns(JobRunQuery.ofJob(job)).map(JobRun::runId)).containsExactly(bad, ok);
    assertThat(jobs.listRuns(JobRunQuery.ofJob(job).withLimit(1)).nextPageToken()).isPresent();
    assertThat(jobs.streamRuns(JobRunQuery.ofJob(job).withActiveOnly(true))).isEmpty();
    assertThat(jobs.streamRuns(JobRunQuery.ofJob(job).withCompletedOnly(true))).hasSize(2);
    assertThat(
            jobs.streamRuns(
                JobRunQuery.ofJob(job).withStartTime(System.currentTimeMillis() + 60_000, 0)))
        .isEmpty();
    JobRun listed = jobs.listRuns(JobRunQuery.ofJob(job).withExpandTasks(true)).items().get(0);
    assertThat(listed.tasks()).isNotEmpty();
    assertThat(jobs.listRuns(JobRunQuery.ofJob(job)).items().get(0).tasks()).isEmpty();

    jobs.deleteRun(ok);
    assertThat(failure(() -> jobs.getRun(ok)).getMessage()).contains(Long.toString(ok));
    assertThat(jobs.streamRuns(JobRunQuery.ofJob(job)).map(JobRun::runId)).containsExactly(bad);
  }

  @Test
  void an_idempotency_token_gives_the_same_run_and_only_runs_the_named_tasks() {
    JobsClient jobs = client.jobs();
    long job = jobs.create(branching(unique("idem")));
    String token = UUID.randomUUID().toString();
    long first = jobs.runNow(job, Map.of(), token, List.of("check"));
    long second = jobs.runNow(job, Map.of(), token, List.of("check"));
    assertThat(second).isEqualTo(first);
    JobRun r = jobs.waitForRun(first, Duration.ofSeconds(60), x -> {});
    assertThat(r.tasks()).extracting(JobTaskRun::taskKey).containsExactly("check");
    assertThat(jobs.runNow(job)).isNotEqualTo(first);
  }

  @Test
  void submit_runs_settings_once_without_a_saved_job() {
    long run =
        client
            .jobs()
            .submit(
                json(
                    "{'run_name':'once','tasks':[{'task_key':'c',"
                        + "'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}"));
    JobRun r = client.jobs().waitForRun(run, Duration.ofSeconds(60), x -> {});
    assertThat(r.state().succeeded()).isTrue();
    assertThat(r.runType()).isEqualTo("SUBMIT_RUN");
  }

  @Test
  void cancel_stops_a_running_python_task_and_the_waiter_times_out_while_it_runs()
      throws IOException {
    assumeThat(python()).as("python3 on PATH").isTrue();
    Path sleep = work.resolve("sleep.py");
    Files.writeString(sleep, "import time\nprint('sleeping', flush=True)\ntime.sleep(120)\n");
    JobsClient jobs = client.jobs();
    long job =
        jobs.create(
            json(
                "{'name':'"
                    + unique("sleep")
                    + "','max_concurrent_runs':2,'tasks':[{'task_key':'s',"
                    + "'spark_python_task':{'python_file':'"
                    + sleep
                    + "'}}]}"));
    long run = jobs.runNow(job);
    KeelClientException timeout =
        failure(() -> jobs.waitForRun(run, Duration.ofMillis(300), r -> {}));
    assertThat(timeout.errorCode()).isEqualTo("TIMEOUT");
    assertThat(timeout.getMessage()).contains("Run " + run + " is still");
    KeelClientException active = failure(() -> jobs.deleteRun(run));
    assertThat(active.httpStatus()).isEqualTo(400);
    jobs.cancelRun(run);
    JobRun cancelled = jobs.waitForRun(run, Duration.ofSeconds(60), r -> {});
    assertThat(cancelled.state().resultState()).contains("CANCELED");
    // Databricks answers USER_CANCELED here; Keel's run executor writes back the run row it read
    // before the cancel request (cancel_requested cleared), so the code is CANCELED (reported).
    assertThat(cancelled.status().terminationCode())
        .hasValueSatisfying(c -> assertThat(c).endsWith("CANCELED"));

    long a = jobs.runNow(job);
    long b = jobs.runNow(job);
    jobs.cancelAllRuns(job);
    assertThat(jobs.waitForRun(a, Duration.ofSeconds(60), r -> {}).state().resultState())
        .contains("CANCELED");
    assertThat(jobs.waitForRun(b, Duration.ofSeconds(60), r -> {}).state().resultState())
        .contains("CANCELED");
  }

  @Test
  void bad_settings_and_unknown_ids_are_the_servers_errors_and_bad_arguments_send_nothing() {
    JobsClient jobs = client.jobs();
    KeelClientException cycle =
        failure(
            () ->
                jobs.create(
                    json(
                        "{'name':'c','tasks':["
                            + "{'task_key':'a','depends_on':[{'task_key':'b'}],"
                            + "'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}},"
                            + "{'task_key':'b','depends_on':[{'task_key':'a'}],"
                            + "'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}")));
    assertThat(cycle.httpStatus()).isEqualTo(400);
    assertThat(cycle.getMessage()).contains("a -> b -> a").containsAnyOf("cycle", "Cycle");
    KeelClientException unknownRun = failure(() -> jobs.getRun(987_654_321L));
    assertThat(unknownRun.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    KeelClientException unknownParam =
        failure(
            () ->
                jobs.runNow(
                    jobs.create(branching(unique("p"))), Map.of("nope", "1"), "", List.of()));
    assertThat(unknownParam.getMessage()).contains("nope");
    assertThatThrownBy(() -> jobs.get(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> jobs.list("", 101, "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobRunQuery.all().withActiveOnly(true).withCompletedOnly(true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobRunQuery.all().withLimit(26))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static boolean python() {
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
