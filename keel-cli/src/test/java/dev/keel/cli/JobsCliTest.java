package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel jobs ...} against a real server: a job with condition tasks (run in-process, no
 * Python) created from a file, run with {@code --wait} (task progress lines, exit code from the
 * result), inspected, its failed task's output read, repaired, listed, updated and deleted; a
 * Python task's log and cancel when python3 is on PATH; and bad input refused with a clear message
 * and a non-zero exit.
 */
class JobsCliTest extends CliFixture {
  @TempDir Path work;

  static final String PROGRESS = "\\d\\d:\\d\\d:\\d\\d  ";

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * {@code check} compares the parameter {@code score} with 0.5 (a non-number fails it); {@code
   * promote} runs on true, {@code keep} on false.
   */
  static String branching(String name) {
    return ("{'name':'"
            + name
            + "','parameters':[{'name':'score','default':'0.9'}],'tasks':["
            + "{'task_key':'check','condition_task':{'op':'GREATER_THAN',"
            + "'left':'{{job.parameters.score}}','right':'0.5'}},"
            + "{'task_key':'promote','depends_on':[{'task_key':'check','outcome':'true'}],"
            + "'condition_task':{'op':'EQUAL_TO','left':'a','right':'a'}},"
            + "{'task_key':'keep','depends_on':[{'task_key':'check','outcome':'false'}],"
            + "'condition_task':{'op':'EQUAL_TO','left':'a','right':'a'}}]}")
        .replace('\'', '"');
  }

  static Result ok(String... args) {
    Result r = keel(args);
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    return r;
  }

  long createJob(String settings) throws IOException {
    Path file = Files.createTempFile(work, "job", ".json");
    Files.writeString(file, settings);
    return ok("jobs", "create", "--file", file.toString(), "-o", "json")
        .json()
        .path("job_id")
        .asLong();
  }

  @Test
  void create_run_wait_inspect_output_repair_list_update_and_delete_a_job() throws IOException {
    String name = unique("cli-branch");
    Path file = work.resolve("job.json");
    Files.writeString(file, branching(name));
    Result created = ok("jobs", "create", "--file", file.toString());
    assertThat(created.out()).matches("Created job \\d+ '" + name + "'\\.\\s*");
    long job = Long.parseLong(created.out().replaceAll("\\D+(\\d+).*\\s*", "$1"));

    Result get = ok("jobs", "get", Long.toString(job));
    assertThat(get.out())
        .contains("Name:")
        .contains(name)
        .contains("score=0.9")
        .containsPattern("promote\\s+condition_task\\s+check\\(true\\)\\s+ALL_SUCCESS");
    assertThat(ok("jobs", "list", "--name", name).out())
        .contains(Long.toString(job))
        .contains(name);
    JsonNode listed = ok("jobs", "list", "--name", name, "-o", "json").json().path("jobs");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).path("job_id").asLong()).isEqualTo(job);

    Result good = ok("jobs", "run-now", Long.toString(job), "--wait");
    assertThat(good.out())
        .containsPattern(PROGRESS + "check  TERMINATED  SUCCESS  outcome=true")
        .containsPattern(PROGRESS + "promote  TERMINATED  SUCCESS")
        .containsPattern("(?m)" + PROGRESS + "keep  SKIPPED  EXCLUDED$")
        .containsPattern("Run \\d+ of job " + job + " ended SUCCESS after [0-9.]+s\\.")
        .doesNotContain("PENDING"); // every task starts PENDING: not a change worth a line
    assertThat(good.err()).contains("waiting for it to end");
    String goodRun = good.out().replaceAll("(?s).*Run (\\d+) of job.*", "$1");

    Result bad =
        keel("jobs", "run-now", Long.toString(job), "-p", "score=abc", "--wait", "-o", "json");
    assertThat(bad.exit()).as(bad.err()).isEqualTo(Main.EXIT_FAILURE);
    JsonNode failed = bad.json();
    assertThat(failed.at("/state/result_state").asText()).isEqualTo("FAILED");
    assertThat(bad.err())
        .containsPattern(PROGRESS + "check  TERMINATED  FAILED  .*abc")
        .containsPattern(PROGRESS + "promote  TERMINATED  UPSTREAM_FAILED");
    String run = failed.path("run_id").asText();

    Result shown = ok("jobs", "runs", "get", run);
    assertThat(shown.out())
        .contains("TERMINATED FAILED")
        .contains("score=abc")
        .containsPattern("check\\s+\\d+\\s+0\\s+TERMINATED\\s+FAILED")
        .containsPattern("keep\\s+\\d+\\s+0\\s+\\w+\\s+UPSTREAM_FAILED");

    Result output = ok("jobs", "runs", "output", run, "--task", "check");
    assertThat(output.out()).contains("Task:").contains("check (task run ").contains("Error:");
    assertThat(output.out()).contains("abc");
    Result outputJson = ok("jobs", "runs", "output", run, "--task", "check", "-o", "json");
    assertThat(outputJson.json().path("error").asText()).contains("abc");
    Result whole = keel("jobs", "runs", "output", run);
    assertThat(whole.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(whole.err()).contains("has 3 tasks");
    Result noTask = keel("jobs", "runs", "output", run, "--task", "nope");
    assertThat(noTask.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(noTask.err()).contains("--task 'nope'").contains("check, promote, keep");

    Result repaired =
        ok("jobs", "runs", "repair", run, "--all-failed", "--param", "score=0.8", "--wait");
    assertThat(repaired.out())
        .containsPattern(PROGRESS + "check  TERMINATED  SUCCESS  outcome=true")
        .containsPattern(PROGRESS + "promote  TERMINATED  SUCCESS")
        .containsPattern("Run " + run + " of job " + job + " ended SUCCESS")
        .doesNotContain("FAILED"); // the first attempts are not printed again
    assertThat(repaired.err()).containsPattern("Repairing run " + run + " \\(repair \\d+\\)");
    // a second repair needs the first one's id: the command finds it
    Result again = ok("jobs", "runs", "repair", run, "--tasks", "keep", "--wait");
    assertThat(again.out()).containsPattern(PROGRESS + "keep  SKIPPED  EXCLUDED");
    assertThat(ok("jobs", "runs", "get", run).out()).containsPattern("Repairs:\\s+\\d+, \\d+");

    Result runs = ok("jobs", "runs", "list", "--job-id", Long.toString(job));
    assertThat(runs.out()).contains(run).containsPattern("RUN_ID\\s+JOB_ID\\s+NAME\\s+STATE");
    assertThat(runs.out().lines().count()).isEqualTo(3);
    assertThat(ok("jobs", "runs", "list", "--job-id", Long.toString(job), "--active-only").out())
        .contains("No runs.");
    assertThat(
            ok(
                    "jobs",
                    "runs",
                    "list",
                    "--job-id",
                    Long.toString(job),
                    "--completed-only",
                    "-o",
                    "json")
                .json()
                .path("runs"))
        .hasSize(2);
    Result page = ok("jobs", "runs", "list", "--job-id", Long.toString(job), "--limit", "1");
    assertThat(page.err()).contains("More runs: add --page-token ");
    String token = page.err().replaceAll("(?s).*--page-token (\\S+).*", "$1");
    assertThat(
            ok("jobs", "runs", "list", "--job-id", Long.toString(job), "--page-token", token).out())
        .containsPattern("(?m)^" + goodRun + " ")
        .doesNotContainPattern("(?m)^" + run + " ");
    assertThat(page.out())
        .containsPattern("(?m)^" + run + " ")
        .doesNotContainPattern("(?m)^" + goodRun + " ");

    ok(
        "jobs",
        "update",
        Long.toString(job),
        "--json",
        "{\"description\":\"nightly\"}",
        "--remove",
        "tasks/keep");
    JsonNode updated = ok("jobs", "get", Long.toString(job), "-o", "json").json();
    assertThat(updated.at("/settings/description").asText()).isEqualTo("nightly");
    assertThat(updated.at("/settings/tasks")).hasSize(2);

    assertThat(ok("jobs", "runs", "delete", run).out()).contains("Deleted run " + run + ".");
    Result deletedRun = keel("jobs", "runs", "get", run);
    assertThat(deletedRun.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(deletedRun.err()).contains(run);
    ok("jobs", "delete", Long.toString(job));
    Result gone = keel("jobs", "get", Long.toString(job));
    assertThat(gone.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(gone.err())
        .isEqualTo("error: INVALID_PARAMETER_VALUE: Job " + job + " does not exist.\n");
  }

  @Test
  void run_now_parameters_only_token_and_yaml_settings() throws IOException {
    Path yaml = work.resolve("job.yaml");
    Files.writeString(
        yaml,
        """
        name: from-yaml
        parameters:
          - {name: score, default: "0.1"}
        tasks:
          - task_key: check
            condition_task: {op: GREATER_THAN, left: "{{job.parameters.score}}", right: "0.5"}
          - task_key: keep
            depends_on: [{task_key: check, outcome: "false"}]
            condition_task: {op: EQUAL_TO, left: a, right: a}
        """);
    long job =
        ok("jobs", "create", "-f", yaml.toString(), "-o", "json").json().path("job_id").asLong();
    Result r = ok("jobs", "run-now", Long.toString(job), "--wait");
    assertThat(r.out())
        .containsPattern(PROGRESS + "check  TERMINATED  SUCCESS  outcome=false")
        .containsPattern(PROGRESS + "keep  TERMINATED  SUCCESS");

    Result first =
        ok("jobs", "run-now", Long.toString(job), "--idempotency-token", "t-1", "--only", "check");
    assertThat(first.out()).matches("Started run \\d+ of job " + job + "\\.\\s*");
    Result second =
        ok(
            "jobs",
            "run-now",
            Long.toString(job),
            "--idempotency-token",
            "t-1",
            "--only",
            "check",
            "-o",
            "json");
    String run = second.json().path("run_id").asText();
    assertThat(first.out()).contains("run " + run + " ");
    Result waited = ok("jobs", "runs", "get", run, "-o", "json");
    JsonNode tasks = waited.json().path("tasks");
    assertThat(tasks).hasSize(1);
    assertThat(tasks.get(0).path("task_key").asText()).isEqualTo("check");
  }

  @Test
  void bad_input_is_refused_with_a_clear_message_and_a_non_zero_exit() throws IOException {
    Result missing = keel("jobs", "create", "--file", work.resolve("nope.json").toString());
    assertThat(missing.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(missing.err()).contains("nope.json").contains("no such file");

    Path broken = work.resolve("broken.json");
    Files.writeString(broken, "{\"name\": \"x\",\n \"tasks\": [}\n");
    Result badJson = keel("jobs", "create", "--file", broken.toString());
    assertThat(badJson.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(badJson.err()).contains("broken.json").contains("not valid JSON at line 2");

    Result array = keel("jobs", "create", "--json", "[1]");
    assertThat(array.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(array.err()).contains("must be a JSON object");

    Result cycle =
        keel(
            "jobs",
            "create",
            "--json",
            ("{'name':'c','tasks':[{'task_key':'a','depends_on':[{'task_key':'b'}],"
                    + "'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}},"
                    + "{'task_key':'b','depends_on':[{'task_key':'a'}],"
                    + "'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}")
                .replace('\'', '"'));
    assertThat(cycle.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(cycle.err()).startsWith("error: INVALID_PARAMETER_VALUE: ").contains("a -> b -> a");

    for (String[] args :
        new String[][] {
          {"jobs", "get", "987654321"},
          {"jobs", "run-now", "987654321"},
          {"jobs", "runs", "get", "987654321"},
          {"jobs", "delete", "987654321"}
        }) {
      Result r = keel(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(Main.EXIT_FAILURE);
      assertThat(r.err()).as(String.join(" ", args)).contains("987654321").contains("not exist");
    }

    long job = createJob(branching(unique("bad")));
    Result param = keel("jobs", "run-now", Long.toString(job), "-p", "nope=1");
    assertThat(param.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(param.err()).contains("nope");

    assertThat(keel("jobs", "create").exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(keel("jobs", "create", "--json", "{}", "--file", "x.json").exit())
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(keel("jobs", "get", "twelve").exit()).isEqualTo(Main.EXIT_USAGE);
    Result both = keel("jobs", "runs", "list", "--active-only", "--completed-only");
    assertThat(both.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(both.err()).contains("mutually exclusive");
    assertThat(keel("jobs", "runs", "repair", "5").exit()).isEqualTo(Main.EXIT_USAGE);
    Result nothing = keel("jobs", "update", Long.toString(job));
    assertThat(nothing.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(nothing.err()).contains("--remove");
    assertThat(keel("jobs", "runs", "list", "--limit", "26").err()).contains("--limit");
  }

  @Test
  void a_python_task_log_failure_repair_and_cancel_when_python3_is_on_path() throws Exception {
    assumeThat(python()).as("python3 on PATH").isTrue();
    Path script = work.resolve("train.py");
    Files.writeString(
        script,
        """
        import sys
        print("training with", " ".join(sys.argv[1:]), flush=True)
        sys.exit(3)
        """);
    Path sleep = work.resolve("sleep.py");
    Files.writeString(sleep, "import time\nprint('sleeping', flush=True)\ntime.sleep(120)\n");
    long job =
        createJob(
            ("{'name':'"
                    + unique("py")
                    + "','parameters':[{'name':'alpha','default':'0.1'}],'tasks':["
                    + "{'task_key':'train','spark_python_task':{'python_file':'"
                    + script
                    + "','parameters':['--alpha','{{job.parameters.alpha}}']}},"
                    + "{'task_key':'check','depends_on':[{'task_key':'train'}],"
                    + "'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}")
                .replace('\'', '"'));
    Result failed = keel("jobs", "run-now", Long.toString(job), "-p", "alpha=0.7", "--wait");
    assertThat(failed.exit()).as(failed.err()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(failed.out())
        .containsPattern(PROGRESS + "train  TERMINATED  FAILED  .*status 3")
        .containsPattern("ended FAILED after [0-9.]+s: A task failed\\.$");
    String run = failed.out().replaceAll("(?s).*Run (\\d+) of job.*", "$1");
    Result log = ok("jobs", "runs", "output", run, "--task", "train");
    assertThat(log.out()).contains("training with --alpha 0.7").contains("exited with status 3");

    Files.writeString(script, "print('fixed', flush=True)\n");
    Result repaired =
        ok("jobs", "runs", "repair", run, "--tasks", "train", "--dependents", "--wait");
    assertThat(repaired.out())
        .containsPattern(PROGRESS + "train  TERMINATED  SUCCESS")
        .containsPattern(PROGRESS + "check  TERMINATED  SUCCESS");
    assertThat(ok("jobs", "runs", "output", run, "--task", "train").out()).contains("fixed");

    long sleeper =
        createJob(
            ("{'name':'"
                    + unique("sleep")
                    + "','tasks':[{'task_key':'s','spark_python_task':{'python_file':'"
                    + sleep
                    + "'}}]}")
                .replace('\'', '"'));
    Result timeout = keel("jobs", "run-now", Long.toString(sleeper), "--wait", "--timeout", "1");
    assertThat(timeout.exit()).isEqualTo(Main.EXIT_FAILURE);
    assertThat(timeout.err()).contains("TIMEOUT").contains("is still");
    String sleeping = timeout.err().replaceAll("(?s).*Started run (\\d+).*", "$1");
    Result cancelled = ok("jobs", "runs", "cancel", sleeping, "--wait");
    assertThat(cancelled.out()).contains("ended CANCELED");
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
