package dev.keel.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.jobs.engine.Ids;
import dev.keel.jobs.engine.Scheduler;
import dev.keel.jobs.model.JobSpec;
import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import dev.keel.jobs.model.SettingsParser;
import dev.keel.jobs.model.TaskSpec;
import dev.keel.jobs.store.Job;
import dev.keel.jobs.store.JobRun;
import dev.keel.jobs.store.JobStore;
import dev.keel.jobs.store.Repair;
import dev.keel.jobs.store.RunFilter;
import dev.keel.jobs.store.TaskRun;
import dev.keel.jobs.trigger.RunLauncher;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs: run-now, submit, read, list, cancel, repair, delete, output and task values; starts runs
 * for triggers ({@link RunLauncher}). The scheduler executes what this records. Thread-safe.
 */
public final class RunService implements RunLauncher {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Most log bytes {@code runs/get-output} returns (its tail). */
  public static final int MAX_LOG_BYTES = 5 * 1024 * 1024;

  /** Longest idempotency token. */
  public static final int MAX_TOKEN = 64;

  private final JobStore store;
  private final JobService jobs;
  private final Ids ids;
  private final Clock clock;
  private final Path dataDir;
  private volatile Scheduler scheduler;

  /** Most run settings whose parsed spec {@link #parseOrEmpty} keeps (least recently used out). */
  static final int SPEC_CACHE = 32;

  private final Map<String, Optional<JobSpec>> specs =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<JobSpec>> eldest) {
          return size() > SPEC_CACHE;
        }
      };

  public RunService(JobStore store, JobService jobs, Ids ids, Clock clock, Path dataDir) {
    this.store = store;
    this.jobs = jobs;
    this.ids = ids;
    this.clock = clock;
    this.dataDir = dataDir;
  }

  /** Connects the scheduler this service wakes and stops runs through. */
  public void attach(Scheduler s) {
    this.scheduler = s;
  }

  /**
   * A run with its attempts and repairs.
   *
   * @param run the run
   * @param tasks every attempt (iterations included), oldest first
   * @param repairs its repairs, oldest first
   * @param spec the settings it runs
   */
  public record RunView(JobRun run, List<TaskRun> tasks, List<Repair> repairs, JobSpec spec) {}

  /** {@code run-now}: a run of a saved job. */
  public JobRun runNow(
      long jobId,
      Map<String, String> jobParameters,
      Optional<String> idempotencyToken,
      List<String> only,
      String caller) {
    return start(
        jobId, jobParameters, idempotencyToken, only, caller, "ONE_TIME", Map.of(), 0, "JOB_RUN");
  }

  @Override
  public long launch(
      long jobId, String trigger, String idempotencyToken, Map<String, String> triggerInfo) {
    Job j = jobs.get(jobId);
    return start(
            jobId,
            Map.of(),
            Optional.of(idempotencyToken),
            List.of(),
            j.creator(),
            trigger,
            triggerInfo,
            0,
            "JOB_RUN")
        .runId();
  }

  /** A run_job_task's child run. */
  public JobRun startChild(
      long jobId, Map<String, String> params, long parentTaskRun, String runAs) {
    return start(
        jobId,
        params,
        Optional.empty(),
        List.of(),
        runAs,
        "RUN_JOB_TASK",
        Map.of(),
        parentTaskRun,
        "WORKFLOW_RUN");
  }

  private JobRun start(
      long jobId,
      Map<String, String> jobParameters,
      Optional<String> token,
      List<String> only,
      String caller,
      String trigger,
      Map<String, String> triggerInfo,
      long parentTaskRun,
      String runType) {
    Job j = jobs.get(jobId);
    JobSpec spec = jobs.parser().check(JobService.settings(j), true).spec();
    Map<String, String> params = new LinkedHashMap<>(spec.parameters());
    for (Map.Entry<String, String> e : jobParameters.entrySet()) {
      if (!spec.parameters().containsKey(e.getKey())) {
        throw KeelException.invalid(
            "Invalid 'job_parameters."
                + e.getKey()
                + "': the job has no parameter '"
                + e.getKey()
                + "'; its parameters are "
                + spec.parameters().keySet()
                + ".");
      }
      params.put(e.getKey(), e.getValue());
    }
    if (token.isPresent() && (token.get().isEmpty() || token.get().length() > MAX_TOKEN)) {
      throw KeelException.invalid(
          "Invalid 'idempotency_token': 1 to " + MAX_TOKEN + " characters.");
    }
    List<String> selected = select(spec, only);
    long now = clock.millis();
    JobRun draft =
        new JobRun(
            ids.next(),
            jobId,
            runType,
            spec.name(),
            trigger,
            triggerInfo,
            j.settings(),
            params,
            selected,
            token,
            caller,
            j.runAs(),
            LifeCycle.PENDING,
            Optional.empty(),
            "",
            now,
            0,
            0,
            Optional.empty(),
            0,
            parentTaskRun,
            Optional.empty(),
            0,
            0);
    JobRun r = store.createRun(draft, spec.maxConcurrentRuns(), spec.queueEnabled());
    wake();
    return r;
  }

  /** {@code only}: task keys, {@code +key} adds its upstream tasks, {@code key+} its downstream. */
  private static List<String> select(JobSpec spec, List<String> only) {
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < only.size(); i++) {
      String o = only.get(i);
      boolean up = o.startsWith("+");
      boolean down = o.endsWith("+") && o.length() > 1;
      String key = o.substring(up ? 1 : 0, o.length() - (down ? 1 : 0));
      if (spec.task(key).isEmpty()) {
        throw KeelException.invalid(
            "Invalid 'only[" + i + "]': the job has no task '" + key + "'.");
      }
      out.add(key);
      if (up) {
        closure(spec, key, true, out);
      }
      if (down) {
        closure(spec, key, false, out);
      }
    }
    return List.copyOf(out);
  }

  private static void closure(JobSpec spec, String key, boolean upstream, Set<String> out) {
    for (TaskSpec t : spec.tasks()) {
      boolean edge =
          upstream
              ? spec.task(key).orElseThrow().dependsOn().stream()
                  .anyMatch(d -> d.taskKey().equals(t.taskKey()))
              : t.dependsOn().stream().anyMatch(d -> d.taskKey().equals(key));
      if (edge && out.add(t.taskKey())) {
        closure(spec, t.taskKey(), upstream, out);
      }
    }
  }

  /** {@code runs/submit}: a one-time run of settings that are not saved as a job. */
  public JobRun submit(ObjectNode settings, String caller, Optional<String> token) {
    ObjectNode s = settings.deepCopy();
    if (s.hasNonNull("run_name")) {
      s.set("name", s.get("run_name"));
    }
    s.remove(List.of("run_name", "idempotency_token"));
    SettingsParser.Parsed p = jobs.parser().check(s, false);
    long now = clock.millis();
    JobRun draft =
        new JobRun(
            ids.next(),
            ids.next(),
            "SUBMIT_RUN",
            p.spec().name(),
            "ONE_TIME",
            Map.of(),
            p.settings().toString(),
            p.spec().parameters(),
            List.of(),
            token,
            caller,
            p.spec().runAs().orElse(caller),
            LifeCycle.PENDING,
            Optional.empty(),
            "",
            now,
            0,
            0,
            Optional.empty(),
            0,
            0,
            Optional.empty(),
            0,
            0);
    JobRun r = store.createRun(draft, Integer.MAX_VALUE, false);
    wake();
    return r;
  }

  /** The run; 400 INVALID_PARAMETER_VALUE when it does not exist. */
  public JobRun run(long runId) {
    return store
        .run(runId)
        .orElseThrow(() -> KeelException.invalid("Run " + runId + " does not exist."));
  }

  /** The run with its attempts and repairs. */
  public RunView view(long runId) {
    JobRun r = run(runId);
    return new RunView(
        r, store.taskRuns(runId), store.repairs(runId), parseOrEmpty(r.settings()).orElse(null));
  }

  /**
   * The views of a page of runs ({@code runs/list}) in at most one read: their attempts when {@code
   * withTasks} (else none), no repairs (the list shows no repair history).
   */
  public List<RunView> listViews(List<JobRun> page, boolean withTasks) {
    Map<Long, List<TaskRun>> tasks =
        withTasks ? store.taskRuns(page.stream().map(JobRun::runId).toList()) : Map.of();
    List<RunView> out = new ArrayList<>();
    for (JobRun r : page) {
      JobSpec spec = parseOrEmpty(r.settings()).orElse(null);
      out.add(new RunView(r, tasks.getOrDefault(r.runId(), List.of()), List.of(), spec));
    }
    return out;
  }

  /**
   * The checked spec of a run's settings, or empty when they no longer parse (a task type that is
   * gone). Cached by the settings' text: {@code runs/get} and {@code runs/list} are polled (the
   * SDK's waiter), and checking a 1,000-task job's settings costs milliseconds each time.
   */
  private Optional<JobSpec> parseOrEmpty(String settings) {
    synchronized (specs) {
      Optional<JobSpec> cached = specs.get(settings);
      if (cached != null) {
        return cached;
      }
    }
    Optional<JobSpec> spec;
    try {
      spec = Optional.of(jobs.parser().check((ObjectNode) JSON.readTree(settings), true).spec());
    } catch (IOException | KeelException e) {
      spec = Optional.empty();
    }
    synchronized (specs) {
      specs.put(settings, spec);
    }
    return spec;
  }

  /** A page of runs, newest first. */
  public List<JobRun> list(RunFilter f, long offset, int limit) {
    if (f.activeOnly() && f.completedOnly()) {
      throw KeelException.invalid("'active_only' and 'completed_only' cannot both be true.");
    }
    return store.runs(f, offset, limit);
  }

  /** {@code runs/cancel}: asks the run to stop; a queued run ends at once. */
  public void cancel(long runId) {
    run(runId);
    stopAll(store.requestCancel(Optional.of(runId), Optional.empty(), "USER"));
  }

  /** {@code runs/cancel-all}: every active run of the job, or every queued run. */
  public void cancelAll(Optional<Long> jobId, boolean allQueued) {
    if (jobId.isEmpty() && !allQueued) {
      throw KeelException.invalid("Give 'job_id' or 'all_queued_runs'.");
    }
    if (jobId.isEmpty()) {
      // every queued run, and only those: a cancel request would also stop the running ones
      List<Long> queued = store.queuedRuns();
      for (long id : queued) {
        JobRun r = run(id);
        if (r.lifeCycle() == LifeCycle.QUEUED) { // not admitted meanwhile
          endQueued(r);
        }
      }
      return;
    }
    jobs.get(jobId.get());
    stopAll(store.requestCancel(Optional.empty(), jobId, "USER"));
  }

  private void stopAll(Collection<Long> ids) {
    for (long id : ids) {
      JobRun r = run(id);
      if (r.lifeCycle() == LifeCycle.QUEUED) {
        endQueued(r);
      } else if (scheduler != null) {
        scheduler.stop(id, false);
      }
    }
  }

  private void endQueued(JobRun r) {
    store.updateRun(
        r.with(
            LifeCycle.TERMINATED,
            Optional.of(ResultState.CANCELED),
            "The run was cancelled while queued.",
            clock.millis()));
  }

  /**
   * {@code runs/repair}: re-executes tasks inside the ended run with the job's current settings.
   *
   * @return the repair id
   */
  public long repair(
      long runId,
      List<String> rerunTasks,
      boolean rerunAllFailed,
      boolean rerunDependents,
      Optional<Long> latestRepairId,
      Map<String, String> jobParameters) {
    JobRun r = run(runId);
    if (!r.lifeCycle().terminal()) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION,
          "Run " + runId + " is still active; repair it once it has ended.");
    }
    List<Repair> history = store.repairs(runId);
    if (!history.isEmpty()) {
      long last = history.get(history.size() - 1).repairId();
      if (latestRepairId.isEmpty() || latestRepairId.get() != last) {
        throw KeelException.invalid(
            "Invalid 'latest_repair_id': the run's latest repair is " + last + "; give it.");
      }
    }
    String settings =
        r.runType().equals("SUBMIT_RUN") ? r.settings() : jobs.get(r.jobId()).settings();
    JobSpec spec;
    try {
      spec = jobs.parser().check((ObjectNode) JSON.readTree(settings), true).spec();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Map<String, TaskRun> latest = new LinkedHashMap<>();
    store.taskRuns(runId).stream()
        .filter(t -> t.iterationOf() == 0)
        .forEach(t -> latest.put(t.taskKey(), t));
    Set<String> keys = new LinkedHashSet<>();
    for (int i = 0; i < rerunTasks.size(); i++) {
      if (spec.task(rerunTasks.get(i)).isEmpty()) {
        throw KeelException.invalid(
            "Invalid 'rerun_tasks[" + i + "]': the job has no task '" + rerunTasks.get(i) + "'.");
      }
      keys.add(rerunTasks.get(i));
    }
    if (rerunAllFailed) {
      for (TaskRun t : latest.values()) {
        ResultState s = t.resultState().orElse(ResultState.FAILED);
        if (s != ResultState.SUCCESS
            && s != ResultState.EXCLUDED
            && s != ResultState.DISABLED
            && spec.task(t.taskKey()).isPresent()) {
          keys.add(t.taskKey());
        }
      }
    }
    if (rerunDependents) {
      for (String k : new ArrayList<>(keys)) {
        closure(spec, k, false, keys);
      }
    }
    if (keys.isEmpty()) {
      throw KeelException.invalid(
          "Give 'rerun_tasks' or 'rerun_all_failed_tasks': nothing to repair.");
    }
    Map<String, String> params = new LinkedHashMap<>(r.jobParameters());
    params.putAll(jobParameters);
    long now = clock.millis();
    long repairId = ids.next();
    List<Long> taskRunIds = new ArrayList<>();
    for (String k : keys) {
      long id = ids.next();
      taskRunIds.add(id);
      store.insertTaskRun(TaskRun.pending(id, runId, k, repairId));
    }
    store.insertRepair(
        new Repair(repairId, runId, now, 0, taskRunIds, LifeCycle.PENDING, Optional.empty()));
    JobRun repaired = r.repaired(settings, params, now);
    if (!repaired.onlyTasks().isEmpty()) {
      Set<String> only = new LinkedHashSet<>(repaired.onlyTasks());
      only.addAll(keys);
      repaired =
          new JobRun(
              repaired.runId(),
              repaired.jobId(),
              repaired.runType(),
              repaired.runName(),
              repaired.trigger(),
              repaired.triggerInfo(),
              repaired.settings(),
              repaired.jobParameters(),
              List.copyOf(only),
              repaired.idempotencyToken(),
              repaired.creator(),
              repaired.runAs(),
              repaired.lifeCycle(),
              repaired.resultState(),
              repaired.stateMessage(),
              repaired.createdAt(),
              repaired.startTime(),
              repaired.endTime(),
              repaired.cancelRequested(),
              repaired.repairCount(),
              repaired.parentTaskRun(),
              repaired.owner(),
              repaired.leaseUntil(),
              repaired.leaseEpoch());
    }
    store.updateRun(repaired);
    wake();
    return repairId;
  }

  /** {@code runs/delete}: an ended run, its attempts and logs. */
  public void delete(long runId) {
    JobRun r = run(runId);
    if (!r.lifeCycle().terminal()) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION, "Run " + runId + " is still active; cancel it first.");
    }
    store.deleteRun(runId);
    deleteTree(
        dataDir
            .resolve("logs")
            .resolve("jobs")
            .resolve(Long.toString(r.jobId()))
            .resolve(Long.toString(runId)));
    deleteTree(dataDir.resolve("work").resolve("jobs").resolve(Long.toString(runId)));
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // leftover log files do not fail the delete
    }
  }

  /**
   * One task run's output.
   *
   * @param task the attempt
   * @param run its job run
   * @param logs the log's tail
   * @param truncated whether the log was longer than {@link #MAX_LOG_BYTES}
   */
  public record Output(TaskRun task, JobRun run, String logs, boolean truncated) {}

  /** {@code runs/get-output} for a task run (or a run with exactly one task). */
  public Output output(long runId) {
    Optional<TaskRun> t = store.taskRun(runId);
    if (t.isEmpty()) {
      JobRun r = run(runId);
      List<TaskRun> tasks =
          store.taskRuns(runId).stream().filter(x -> x.iterationOf() == 0).toList();
      Set<String> keys = new HashSet<>();
      tasks.forEach(x -> keys.add(x.taskKey()));
      if (keys.size() != 1) {
        throw KeelException.invalid(
            "Run "
                + r.runId()
                + " has "
                + keys.size()
                + " tasks: get the output of one of its task runs (tasks[].run_id).");
      }
      t = Optional.of(tasks.get(tasks.size() - 1));
    }
    TaskRun task = t.get();
    JobRun r = run(task.runId());
    Path log =
        dataDir
            .resolve("logs")
            .resolve("jobs")
            .resolve(Long.toString(r.jobId()))
            .resolve(Long.toString(r.runId()))
            .resolve(task.taskRunId() + ".log");
    String logs = "";
    boolean truncated = false;
    if (Files.exists(log)) {
      try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
        long len = f.length();
        truncated = len > MAX_LOG_BYTES;
        long from = Math.max(0, len - MAX_LOG_BYTES);
        byte[] b = new byte[(int) (len - from)];
        f.seek(from);
        f.readFully(b);
        logs = new String(b, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new KeelException(ErrorCode.INTERNAL_ERROR, "The task's log cannot be read.", e);
      }
    }
    return new Output(task, r, logs, truncated);
  }

  /** Sets a task value for a running task run (the Keel task-values API). */
  public void setValue(long taskRunId, String key, String json) {
    TaskRun t = taskRun(taskRunId);
    if (t.lifeCycle() != LifeCycle.RUNNING) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION,
          "Task run "
              + taskRunId
              + " is "
              + t.lifeCycle()
              + "; task values are set while it runs.");
    }
    dev.keel.jobs.engine.TaskValues.check(key, json);
    store.putValue(t.runId(), t.taskKey(), key, json);
  }

  /** A task value of {@code taskKey} in the run of the task run {@code taskRunId}. */
  public String value(long taskRunId, String taskKey, String key) {
    TaskRun t = taskRun(taskRunId);
    return store
        .value(t.runId(), taskKey, key)
        .orElseThrow(
            () ->
                KeelException.notFound(
                    "Task '" + taskKey + "' of run " + t.runId() + " has no value '" + key + "'."));
  }

  /** The task run; 400 when it does not exist. */
  public TaskRun taskRun(long taskRunId) {
    return store
        .taskRun(taskRunId)
        .orElseThrow(() -> KeelException.invalid("Run " + taskRunId + " does not exist."));
  }

  private void wake() {
    if (scheduler != null) {
      scheduler.wake();
    }
  }
}
