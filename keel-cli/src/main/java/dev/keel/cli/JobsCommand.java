package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keel.client.Job;
import dev.keel.client.JobRepair;
import dev.keel.client.JobRun;
import dev.keel.client.JobRunOutput;
import dev.keel.client.JobRunQuery;
import dev.keel.client.JobTaskRun;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.core.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keel jobs create|get|list|update|reset|delete|run-now|submit} and {@code keel jobs runs
 * list|get|output|cancel|cancel-all|repair|delete}: Keel's jobs through the Jobs API 2.2, with
 * {@code --wait} printing task progress live.
 */
@Command(
    name = "jobs",
    aliases = "job",
    description = "Create, run, watch and repair multi-task jobs (Databricks Jobs API 2.2).",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {JobsCommand.Runs.class})
final class JobsCommand {
  /** Built only when a command reads settings (class loading is most of a command's start). */
  private static final class Mappers {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new YAMLMapper();
  }

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  /** Waits longer than any run is expected to last when {@code --timeout} is not given. */
  private static final Duration FOREVER = Duration.ofDays(3650);

  /** The job settings: a file or inline JSON, exactly one. */
  static final class SettingsSource {
    @Option(
        names = {"-f", "--file"},
        paramLabel = "PATH",
        required = true,
        description = "JobSettings as a JSON file (or YAML: .yaml/.yml).")
    Path file;

    @Option(
        names = "--json",
        paramLabel = "JSON",
        required = true,
        description = "JobSettings as inline JSON.")
    String json;

    ObjectNode read() {
      if (json != null) {
        return JsonInput.object(
            JsonInput.parse(Mappers.JSON, "JSON", json, "--json"), "--json", "JobSettings");
      }
      String text;
      try {
        text = Files.readString(file);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("--file '" + file + "': no such file", e);
      } catch (IOException e) {
        throw new IllegalArgumentException("--file '" + file + "': " + e.getMessage(), e);
      }
      String name = file.getFileName() == null ? "" : file.getFileName().toString();
      boolean yaml = name.toLowerCase(Locale.ROOT).matches(".*\\.ya?ml");
      String what = "--file '" + file + "'";
      return JsonInput.object(
          JsonInput.parse(yaml ? Mappers.YAML : Mappers.JSON, yaml ? "YAML" : "JSON", text, what),
          what,
          "JobSettings");
    }
  }

  /** {@code --wait} and {@code --timeout}, shared by the commands that start or change a run. */
  static final class WaitOptions {
    @Option(
        names = "--wait",
        description =
            "Wait for the run to end, printing a line per task state change; exit 1 unless it"
                + " ends SUCCESS.")
    boolean wait;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "0",
        description = "With --wait: give up after SECONDS (default: wait until the run ends).")
    long timeoutSeconds;

    Duration timeout() {
      if (timeoutSeconds < 0) {
        throw new IllegalArgumentException("--timeout must not be negative");
      }
      return timeoutSeconds == 0 ? FOREVER : Duration.ofSeconds(timeoutSeconds);
    }
  }

  // ------------------------------------------------------------------ jobs

  @Command(
      name = "create",
      description = "Create a job from JobSettings (--file or --json); prints its id.",
      mixinStandardHelpOptions = true)
  int create(
      @Mixin ClientOptions opts, @ArgGroup(exclusive = true, multiplicity = "1") SettingsSource s) {
    ObjectNode settings = s.read();
    try (KeelClient client = opts.client()) {
      long id = client.jobs().create(settings);
      Output out = opts.out();
      String name = settings.path("name").asText("");
      out.print(
          KeelJson.object().put("job_id", id),
          () -> out.line("Created job " + id + (name.isEmpty() ? "" : " '" + name + "'") + "."));
    }
    return 0;
  }

  @Command(
      name = "get",
      description = "Show a job: its settings, parameters and tasks.",
      mixinStandardHelpOptions = true)
  int get(@Mixin ClientOptions opts, @Parameters(paramLabel = "JOB_ID") long jobId) {
    try (KeelClient client = opts.client()) {
      Job j = client.jobs().get(jobId);
      Output out = opts.out();
      out.print(j.json(), () -> describe(out, j));
    }
    return 0;
  }

  @Command(
      name = "list",
      aliases = "ls",
      description = "List the jobs you may view (all pages unless --limit is given).",
      mixinStandardHelpOptions = true)
  int list(
      @Mixin ClientOptions opts,
      @Option(
              names = "--name",
              paramLabel = "NAME",
              defaultValue = "",
              description = "Only jobs with exactly this name.")
          String name,
      @Option(
              names = "--limit",
              paramLabel = "N",
              defaultValue = "0",
              description = "Print one page of at most N jobs (1 to 100).")
          int limit,
      @Option(
              names = "--page-token",
              paramLabel = "TOKEN",
              defaultValue = "",
              description = "Page to print (from a previous --limit listing).")
          String pageToken) {
    if (limit < 0 || limit > 100) {
      throw new IllegalArgumentException("--limit must be 1 to 100");
    }
    try (KeelClient client = opts.client()) {
      List<Job> items;
      String next = "";
      if (limit > 0 || !pageToken.isEmpty()) {
        Page<Job> page = client.jobs().list(name, limit, pageToken);
        items = page.items();
        next = page.nextPageToken().orElse("");
      } else {
        items = client.jobs().stream(name).toList();
      }
      Output out = opts.out();
      ArrayNode arr = KeelJson.array();
      items.forEach(j -> arr.add(j.json()));
      out.print(
          KeelJson.object().set("jobs", arr),
          () ->
              out.table(
                  List.of("JOB_ID", "NAME", "CREATOR", "CREATED", "SCHEDULE"),
                  items.stream()
                      .map(
                          j ->
                              List.of(
                                  Long.toString(j.jobId()),
                                  j.name(),
                                  j.creatorUserName(),
                                  Output.time(j.createdTime()),
                                  schedule(j.settings())))
                      .toList(),
                  "No jobs."));
      if (!next.isEmpty()) {
        out.hint("More jobs: add --page-token " + next);
      }
    }
    return 0;
  }

  @Command(
      name = "update",
      description =
          "Change some settings: top-level fields of --file/--json replace the job's, tasks are"
              + " merged by task_key; --remove drops fields (tasks/KEY drops a task).",
      mixinStandardHelpOptions = true)
  int update(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "JOB_ID") long jobId,
      @ArgGroup(exclusive = true, multiplicity = "0..1") SettingsSource s,
      @Option(
              names = "--remove",
              paramLabel = "FIELD",
              split = ",",
              description =
                  "Settings to remove: a top-level field, tasks/KEY, job_clusters/KEY or"
                      + " environments/KEY (comma-separated or repeated).")
          List<String> remove) {
    List<String> fields = remove == null ? List.of() : remove;
    if (s == null && fields.isEmpty()) {
      throw new IllegalArgumentException("give new settings (--file or --json), --remove, or both");
    }
    ObjectNode settings = s == null ? KeelJson.object() : s.read();
    try (KeelClient client = opts.client()) {
      client.jobs().update(jobId, settings, fields);
      opts.out().done("Updated job " + jobId + ".");
    }
    return 0;
  }

  @Command(
      name = "reset",
      description = "Replace every setting of a job with --file/--json.",
      mixinStandardHelpOptions = true)
  int reset(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "JOB_ID") long jobId,
      @ArgGroup(exclusive = true, multiplicity = "1") SettingsSource s) {
    ObjectNode settings = s.read();
    try (KeelClient client = opts.client()) {
      client.jobs().reset(jobId, settings);
      opts.out().done("Reset job " + jobId + ".");
    }
    return 0;
  }

  @Command(
      name = "delete",
      description = "Delete a job with its runs and their logs.",
      mixinStandardHelpOptions = true)
  int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "JOB_ID") long jobId) {
    try (KeelClient client = opts.client()) {
      client.jobs().delete(jobId);
      opts.out().done("Deleted job " + jobId + ".");
    }
    return 0;
  }

  @Command(
      name = "run-now",
      description = "Start a run of a job; --wait to follow it to its end.",
      mixinStandardHelpOptions = true)
  int runNow(
      @Mixin ClientOptions opts,
      @Parameters(paramLabel = "JOB_ID") long jobId,
      @Option(
              names = {"-p", "--param"},
              paramLabel = "NAME=VALUE",
              description = "A job parameter overriding its default (repeatable).")
          LinkedHashMap<String, String> params,
      @Option(
              names = "--only",
              paramLabel = "TASK",
              split = ",",
              description =
                  "Run only these tasks (+KEY adds its upstream tasks, KEY+ its downstream ones).")
          List<String> only,
      @Option(
              names = "--idempotency-token",
              paramLabel = "TOKEN",
              defaultValue = "",
              description = "The same token for the same job gives the same run.")
          String token,
      @Mixin WaitOptions wait) {
    Duration timeout = wait.timeout();
    try (KeelClient client = opts.client()) {
      long runId =
          client
              .jobs()
              .runNow(
                  jobId,
                  params == null ? Map.of() : params,
                  token,
                  only == null ? List.of() : only);
      return started(
          opts, client, runId, "Started run " + runId + " of job " + jobId, wait, timeout);
    }
  }

  @Command(
      name = "submit",
      description =
          "Run JobSettings once without saving a job (runs/submit); --wait to follow the run.",
      mixinStandardHelpOptions = true)
  int submit(
      @Mixin ClientOptions opts,
      @ArgGroup(exclusive = true, multiplicity = "1") SettingsSource s,
      @Mixin WaitOptions wait) {
    ObjectNode settings = s.read();
    Duration timeout = wait.timeout();
    try (KeelClient client = opts.client()) {
      long runId = client.jobs().submit(settings);
      return started(opts, client, runId, "Submitted run " + runId, wait, timeout);
    }
  }

  /** After a run was started: its id, or with {@code --wait} its progress and end. */
  private static int started(
      ClientOptions opts,
      KeelClient client,
      long runId,
      String message,
      WaitOptions wait,
      Duration timeout) {
    Output out = opts.out();
    if (!wait.wait) {
      out.print(KeelJson.object().put("run_id", runId), () -> out.line(message + "."));
      return 0;
    }
    out.hint(message + "; waiting for it to end.");
    return watch(out, client, runId, Map.of(), timeout);
  }

  // ------------------------------------------------------------------ runs

  /** {@code keel jobs runs ...}. */
  @Command(
      name = "runs",
      description = "List, show, cancel, repair and delete job runs; print a task's output.",
      mixinStandardHelpOptions = true,
      synopsisSubcommandLabel = "COMMAND")
  static final class Runs {
    /** At most one of {@code --active-only} and {@code --completed-only}. */
    static final class Activity {
      @Option(names = "--active-only", description = "Only runs that have not ended.")
      boolean active;

      @Option(names = "--completed-only", description = "Only runs that have ended.")
      boolean completed;
    }

    @Command(
        name = "list",
        aliases = "ls",
        description = "List runs, newest first, one page at a time.",
        mixinStandardHelpOptions = true)
    int list(
        @Mixin ClientOptions opts,
        @Option(names = "--job-id", paramLabel = "JOB_ID", description = "Only this job's runs.")
            Long jobId,
        @ArgGroup(exclusive = true, multiplicity = "0..1") Activity activity,
        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "25",
                description = "At most N runs (1 to 25; default 25).")
            int limit,
        @Option(
                names = "--page-token",
                paramLabel = "TOKEN",
                defaultValue = "",
                description = "Page to print (from a previous listing's hint).")
            String pageToken) {
      if (limit < 1 || limit > 25) {
        throw new IllegalArgumentException("--limit must be 1 to 25");
      }
      if (jobId != null && jobId <= 0) {
        throw new IllegalArgumentException("--job-id must be positive");
      }
      JobRunQuery q =
          JobRunQuery.all()
              .withJobId(jobId == null ? 0 : jobId)
              .withActiveOnly(activity != null && activity.active)
              .withCompletedOnly(activity != null && activity.completed)
              .withLimit(limit)
              .withPageToken(pageToken);
      try (KeelClient client = opts.client()) {
        Page<JobRun> page = client.jobs().listRuns(q);
        Output out = opts.out();
        ArrayNode arr = KeelJson.array();
        page.items().forEach(r -> arr.add(r.json()));
        out.print(
            KeelJson.object().set("runs", arr),
            () ->
                out.table(
                    List.of(
                        "RUN_ID",
                        "JOB_ID",
                        "NAME",
                        "STATE",
                        "RESULT",
                        "TRIGGER",
                        "STARTED",
                        "DURATION"),
                    page.items().stream()
                        .map(
                            r ->
                                List.of(
                                    Long.toString(r.runId()),
                                    Long.toString(r.jobId()),
                                    r.runName(),
                                    r.state().lifeCycleState(),
                                    r.state().resultState().orElse(""),
                                    r.trigger(),
                                    Output.time(r.startTime()),
                                    duration(r.startTime(), r.endTime())))
                        .toList(),
                    "No runs."));
        page.nextPageToken().ifPresent(t -> out.hint("More runs: add --page-token " + t));
      }
      return 0;
    }

    @Command(
        name = "get",
        description = "Show a run: its state, parameters and every task run.",
        mixinStandardHelpOptions = true)
    int get(@Mixin ClientOptions opts, @Parameters(paramLabel = "RUN_ID") long runId) {
      try (KeelClient client = opts.client()) {
        JobRun r = client.jobs().getRun(runId, true);
        Output out = opts.out();
        out.print(r.json(), () -> describe(out, r));
      }
      return 0;
    }

    @Command(
        name = "output",
        description =
            "Print a task run's log, error and trace. RUN_ID is a task run's id, or a job run's"
                + " with --task (or when it has one task).",
        mixinStandardHelpOptions = true)
    int output(
        @Mixin ClientOptions opts,
        @Parameters(paramLabel = "RUN_ID") long runId,
        @Option(
                names = "--task",
                paramLabel = "KEY",
                description = "The task of the job run RUN_ID (its latest attempt).")
            String task) {
      try (KeelClient client = opts.client()) {
        long taskRunId = runId;
        if (task != null) {
          JobRun r = client.jobs().getRun(runId);
          taskRunId =
              r.task(task)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "--task '"
                                  + task
                                  + "': run "
                                  + runId
                                  + " has no such task (its tasks: "
                                  + String.join(", ", taskKeys(r))
                                  + ")"))
                  .runId();
        }
        JobRunOutput o = client.jobs().getRunOutput(taskRunId);
        Output out = opts.out();
        out.print(o.json(), () -> describe(out, o));
      }
      return 0;
    }

    @Command(
        name = "cancel",
        description = "Cancel a run (its running tasks are stopped); --wait for it to end.",
        mixinStandardHelpOptions = true)
    int cancel(
        @Mixin ClientOptions opts,
        @Parameters(paramLabel = "RUN_ID") long runId,
        @Option(names = "--wait", description = "Wait until the run has ended.") boolean wait) {
      try (KeelClient client = opts.client()) {
        client.jobs().cancelRun(runId);
        Output out = opts.out();
        if (!wait) {
          out.done("Cancelling run " + runId + ".");
          return 0;
        }
        JobRun r = client.jobs().waitForRun(runId, FOREVER, x -> {});
        out.print(r.json(), () -> out.line(ending(r)));
      }
      return 0;
    }

    @Command(
        name = "cancel-all",
        description = "Cancel every active run of a job.",
        mixinStandardHelpOptions = true)
    int cancelAll(@Mixin ClientOptions opts, @Parameters(paramLabel = "JOB_ID") long jobId) {
      try (KeelClient client = opts.client()) {
        client.jobs().cancelAllRuns(jobId);
        opts.out().done("Cancelling every active run of job " + jobId + ".");
      }
      return 0;
    }

    /** Exactly one of {@code --tasks} and {@code --all-failed}. */
    static final class RepairChoice {
      @Option(
          names = "--tasks",
          paramLabel = "KEY",
          split = ",",
          required = true,
          description = "Tasks to re-execute (comma-separated or repeated).")
      List<String> tasks;

      @Option(
          names = "--all-failed",
          required = true,
          description = "Re-execute every task that did not succeed.")
      boolean allFailed;
    }

    @Command(
        name = "repair",
        description =
            "Re-execute tasks of an ended run inside it, with the job's current settings;"
                + " --wait to follow the repair.",
        mixinStandardHelpOptions = true)
    int repair(
        @Mixin ClientOptions opts,
        @Parameters(paramLabel = "RUN_ID") long runId,
        @ArgGroup(exclusive = true, multiplicity = "1") RepairChoice choice,
        @Option(
                names = "--dependents",
                description = "Also re-execute the tasks downstream of those.")
            boolean dependents,
        @Option(
                names = {"-p", "--param"},
                paramLabel = "NAME=VALUE",
                description = "A job parameter to override for the repair (repeatable).")
            LinkedHashMap<String, String> params,
        @Mixin WaitOptions wait) {
      Duration timeout = wait.timeout();
      try (KeelClient client = opts.client()) {
        JobRun before = client.jobs().getRun(runId, true);
        JobRepair repair =
            (choice.allFailed ? JobRepair.allFailed() : JobRepair.tasks(choice.tasks))
                .withRerunDependentTasks(dependents)
                .withJobParameters(params == null ? Map.of() : params);
        if (!before.repairIds().isEmpty()) {
          repair = repair.withLatestRepairId(before.repairIds().get(before.repairIds().size() - 1));
        }
        long repairId = client.jobs().repairRun(runId, repair);
        Output out = opts.out();
        String message = "Repairing run " + runId + " (repair " + repairId + ")";
        if (!wait.wait) {
          out.print(KeelJson.object().put("repair_id", repairId), () -> out.line(message + "."));
          return 0;
        }
        out.hint(message + "; waiting for it to end.");
        return watch(out, client, runId, states(before), timeout);
      }
    }

    @Command(
        name = "delete",
        description = "Delete an ended run with its task runs and logs.",
        mixinStandardHelpOptions = true)
    int delete(@Mixin ClientOptions opts, @Parameters(paramLabel = "RUN_ID") long runId) {
      try (KeelClient client = opts.client()) {
        client.jobs().deleteRun(runId);
        opts.out().done("Deleted run " + runId + ".");
      }
      return 0;
    }
  }

  // ------------------------------------------------------------------ watching a run

  /**
   * Follows a run to its end: a line per run or task state change (tasks start as PENDING, so that
   * state is not printed; task runs already in {@code known} are printed only when they change),
   * then the run's end. In JSON mode the lines go to stderr and stdout gets the run.
   *
   * @return 0 when the run ended {@code SUCCESS}, else {@link Main#EXIT_FAILURE}
   */
  static int watch(
      Output out, KeelClient client, long runId, Map<Long, String> known, Duration timeout) {
    Map<Long, String> seen = new HashMap<>(known);
    String[] runState = {""};
    JobRun end =
        client
            .jobs()
            .waitForRun(
                runId,
                timeout,
                r -> {
                  String rs = r.state().lifeCycleState();
                  if (!r.terminal()
                      && !rs.equals(runState[0])
                      && !rs.equals("RUNNING")
                      && !rs.equals("PENDING")) {
                    progress(out, now() + "  run " + runId + "  " + rs + message(r));
                  }
                  runState[0] = rs;
                  for (JobTaskRun t : r.tasks()) {
                    String s = state(t);
                    String before = seen.getOrDefault(t.runId(), "PENDING/");
                    seen.put(t.runId(), s);
                    if (!s.equals(before)) {
                      progress(out, line(t));
                    }
                  }
                });
    out.print(end.json(), () -> out.line(ending(end)));
    return end.state().succeeded() ? 0 : Main.EXIT_FAILURE;
  }

  private static void progress(Output out, String line) {
    if (out.json()) {
      out.hint(line);
    } else {
      out.line(line);
    }
  }

  private static String line(JobTaskRun t) {
    StringBuilder sb = new StringBuilder(now()).append("  ").append(t.taskKey());
    if (t.attemptNumber() > 0) {
      sb.append(" (attempt ").append(t.attemptNumber() + 1).append(')');
    }
    sb.append("  ").append(t.state().lifeCycleState());
    t.state().resultState().ifPresent(r -> sb.append("  ").append(r));
    t.conditionOutcome().ifPresent(o -> sb.append("  outcome=").append(o));
    boolean excluded =
        t.state()
            .resultState()
            .filter(r -> r.equals("EXCLUDED") || r.equals("DISABLED"))
            .isPresent();
    if (t.state().terminal()
        && !t.state().succeeded()
        && !excluded
        && !t.state().stateMessage().isEmpty()) {
      sb.append("  ").append(oneLine(t.state().stateMessage()));
    }
    return sb.toString();
  }

  private static String ending(JobRun r) {
    return "Run "
        + r.runId()
        + " of job "
        + r.jobId()
        + " "
        + (r.terminal() ? "ended " : "is ")
        + r.state().summary()
        + (r.terminal() && r.startTime() > 0
            ? " after " + duration(r.startTime(), r.endTime())
            : "")
        + message(r)
        + (message(r).endsWith(".") ? "" : ".");
  }

  private static String message(JobRun r) {
    String m = r.state().stateMessage();
    return m.isEmpty() ? "" : ": " + oneLine(m);
  }

  private static Map<Long, String> states(JobRun r) {
    Map<Long, String> m = new HashMap<>();
    r.tasks().forEach(t -> m.put(t.runId(), state(t)));
    return m;
  }

  private static String state(JobTaskRun t) {
    return t.state().lifeCycleState() + "/" + t.state().resultState().orElse("");
  }

  private static String now() {
    return LocalTime.now().format(CLOCK);
  }

  private static String oneLine(String s) {
    String one = s.replace('\n', ' ').replace('\r', ' ').strip();
    return one.length() <= 200 ? one : one.substring(0, 197) + "...";
  }

  // ------------------------------------------------------------------ tables

  private static void describe(Output out, Job j) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Job ID", Long.toString(j.jobId())});
    f.add(new String[] {"Name", j.name()});
    f.add(new String[] {"Creator", j.creatorUserName()});
    f.add(new String[] {"Run as", j.runAsUserName()});
    f.add(new String[] {"Created", Output.time(j.createdTime())});
    List<String> params = new ArrayList<>();
    j.settings()
        .path("parameters")
        .forEach(p -> params.add(p.path("name").asText() + "=" + p.path("default").asText()));
    f.add(new String[] {"Parameters", params.isEmpty() ? "(none)" : String.join(", ", params)});
    String schedule = schedule(j.settings());
    if (!schedule.isEmpty()) {
      f.add(new String[] {"Schedule", schedule});
    }
    JsonNode trigger = j.settings().path("trigger");
    if (trigger.isObject()) {
      f.add(new String[] {"Trigger", KeelJson.write(trigger, false)});
    }
    f.add(
        new String[] {"Max concurrent runs", j.settings().path("max_concurrent_runs").asText("1")});
    out.fields(f);
    out.line("");
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode t : j.settings().path("tasks")) {
      List<String> deps = new ArrayList<>();
      t.path("depends_on")
          .forEach(
              d ->
                  deps.add(
                      d.path("task_key").asText()
                          + (d.has("outcome") ? "(" + d.path("outcome").asText() + ")" : "")));
      rows.add(
          List.of(
              t.path("task_key").asText(),
              payload(t),
              String.join(",", deps),
              t.path("run_if").asText("ALL_SUCCESS")));
    }
    out.table(List.of("TASK_KEY", "TYPE", "DEPENDS_ON", "RUN_IF"), rows, "No tasks.");
  }

  private static void describe(Output out, JobRun r) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Run ID", Long.toString(r.runId())});
    f.add(new String[] {"Job ID", Long.toString(r.jobId())});
    f.add(new String[] {"Name", r.runName()});
    f.add(new String[] {"Trigger", r.trigger() + " (" + r.runType() + ")"});
    f.add(
        new String[] {
          "State", r.state().lifeCycleState() + r.state().resultState().map(x -> " " + x).orElse("")
        });
    if (!r.state().stateMessage().isEmpty()) {
      f.add(new String[] {"Message", oneLine(r.state().stateMessage())});
    }
    f.add(new String[] {"Started", Output.time(r.startTime())});
    f.add(new String[] {"Ended", Output.time(r.endTime())});
    f.add(new String[] {"Duration", duration(r.startTime(), r.endTime())});
    List<String> params = new ArrayList<>();
    r.jobParameters().forEach((k, v) -> params.add(k + "=" + v));
    f.add(new String[] {"Parameters", params.isEmpty() ? "(none)" : String.join(", ", params)});
    if (!r.repairIds().isEmpty()) {
      f.add(
          new String[] {
            "Repairs", String.join(", ", r.repairIds().stream().map(String::valueOf).toList())
          });
    }
    out.fields(f);
    out.line("");
    List<List<String>> rows = new ArrayList<>();
    for (JobTaskRun t : r.tasks()) {
      rows.add(
          List.of(
              t.taskKey(),
              Long.toString(t.runId()),
              Integer.toString(t.attemptNumber()),
              t.state().lifeCycleState(),
              t.state().resultState().orElse("")
                  + t.conditionOutcome().map(o -> " (" + o + ")").orElse(""),
              Output.time(t.startTime()),
              duration(t.startTime(), t.endTime()),
              t.state().stateMessage()));
    }
    out.table(
        List.of(
            "TASK_KEY",
            "TASK_RUN_ID",
            "ATTEMPT",
            "STATE",
            "RESULT",
            "STARTED",
            "DURATION",
            "MESSAGE"),
        rows,
        "No task runs.");
  }

  private static void describe(Output out, JobRunOutput o) {
    JobTaskRun t = o.metadata();
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"Task", t.taskKey() + " (task run " + t.runId() + ")"});
    f.add(
        new String[] {
          "State", t.state().lifeCycleState() + t.state().resultState().map(x -> " " + x).orElse("")
        });
    o.error().ifPresent(e -> f.add(new String[] {"Error", oneLine(e)}));
    out.fields(f);
    o.errorTrace()
        .ifPresent(
            trace -> {
              out.line("");
              out.line("Error trace:");
              out.line(trace.stripTrailing());
            });
    if (!o.logs().isEmpty()) {
      out.line("");
      out.line(o.logsTruncated() ? "Log (its last 5 MB):" : "Log:");
      out.line(o.logs().stripTrailing());
    }
  }

  private static String payload(JsonNode task) {
    for (var e : task.properties()) {
      if (e.getKey().endsWith("_task") && e.getValue().isObject()) {
        String type = e.getKey();
        if (type.equals("keel_task")) {
          return "keel_task:" + e.getValue().path("name").asText();
        }
        return type;
      }
    }
    return "";
  }

  private static String schedule(JsonNode settings) {
    JsonNode s = settings.path("schedule");
    if (!s.isObject()) {
      return "";
    }
    String paused = s.path("pause_status").asText("").equals("PAUSED") ? " (paused)" : "";
    return s.path("quartz_cron_expression").asText()
        + " "
        + s.path("timezone_id").asText("UTC")
        + paused;
  }

  private static List<String> taskKeys(JobRun r) {
    Set<String> keys = new LinkedHashSet<>();
    r.tasks().forEach(t -> keys.add(t.taskKey()));
    return List.copyOf(keys);
  }

  /** {@code 1.2s}, {@code 3m 04s}, {@code 2h 05m}; "" before the start, running time while on. */
  static String duration(long start, long end) {
    if (start <= 0) {
      return "";
    }
    long ms = Math.max(0, (end > 0 ? end : System.currentTimeMillis()) - start);
    if (ms < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
  }
}
