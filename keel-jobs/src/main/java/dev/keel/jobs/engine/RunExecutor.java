package dev.keel.jobs.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.jobs.model.JobSpec;
import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import dev.keel.jobs.model.RunIf;
import dev.keel.jobs.model.TaskSpec;
import dev.keel.jobs.store.JobRun;
import dev.keel.jobs.store.Repair;
import dev.keel.jobs.store.RunLease;
import dev.keel.jobs.store.TaskRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one run through its task graph on this server: a task starts when its last dependency ends
 * (no polling), each attempt on its own virtual thread, every state change written to the store
 * before anyone can see it. Resumes a run from its rows (after a restart or a takeover): attempts
 * that were running are ended as a lost driver (INTERNAL_ERROR) and retried by policy.
 *
 * <p>Every write is made under the run's {@link RunLease}, and an attempt starts only after its
 * RUNNING row was written. When the store refuses a write (another server claimed the run, say
 * after this one paused past its lease) or the scheduler's renewal shows the run is no longer this
 * server's, the executor is {@linkplain #lose lost}: its attempts are stopped and nothing more is
 * written or started.
 */
final class RunExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Engine engine;
  private final Consumer<RunExecutor> onEnd;
  private JobRun run;
  private final RunLease lease;
  private final JobSpec spec;
  private final Map<String, TaskSpec> tasks = new LinkedHashMap<>();
  private final Map<String, List<String>> dependents = new HashMap<>();
  private final Map<String, Integer> waiting = new HashMap<>();
  private final Map<String, TaskRun> current = new ConcurrentHashMap<>();
  private final Map<Long, Attempt> running = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> retries = new HashMap<>();
  private final ControlTasks control;
  private int done;
  private volatile Attempt.Stop stopping;
  private ScheduledFuture<?> jobTimeout;
  private volatile boolean ended;

  RunExecutor(Engine engine, JobRun run, Consumer<RunExecutor> onEnd) {
    this.engine = engine;
    this.run = run;
    this.lease = RunLease.of(run);
    this.onEnd = onEnd;
    this.spec = parse(engine, run.settings());
    List<String> only = run.onlyTasks();
    for (TaskSpec t : spec.tasks()) {
      if (only.isEmpty() || only.contains(t.taskKey())) {
        tasks.put(t.taskKey(), t);
      }
    }
    for (TaskSpec t : tasks.values()) {
      int n = 0;
      for (TaskSpec.Dependency d : t.dependsOn()) {
        if (tasks.containsKey(d.taskKey())) {
          dependents.computeIfAbsent(d.taskKey(), k -> new ArrayList<>()).add(t.taskKey());
          n++;
        }
      }
      waiting.put(t.taskKey(), n);
    }
    this.control = new ControlTasks(engine, this);
  }

  static JobSpec parse(Engine engine, String settings) {
    try {
      return engine.parser().check((ObjectNode) JSON.readTree(settings), true).spec();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("unreadable run settings", e);
    }
  }

  long runId() {
    return run.runId();
  }

  /** The lease this executor drives the run under. */
  RunLease lease() {
    return lease;
  }

  /** A write the store refused: the run is no longer this server's (already {@link #lose}). */
  private static final class Lost extends RuntimeException {
    Lost() {
      super("the run is no longer driven by this server", null, false, false);
    }
  }

  /**
   * The run is no longer this server's: its attempts are stopped (their processes too) and nothing
   * more is written or started here. Does nothing once the run ended or was abandoned.
   */
  void lose(String why) {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      retries.values().forEach(f -> f.cancel(false));
      if (jobTimeout != null) {
        jobTimeout.cancel(false);
      }
    }
    LOG.warn(
        "run {}: {}; this server no longer drives it (lease epoch {}) and stops its {}"
            + " attempt(s) without writing their results",
        run.runId(),
        why,
        lease.epoch(),
        running.size());
    running.values().forEach(a -> a.stop(Attempt.Stop.SERVER_STOPPING));
    onEnd.accept(this);
  }

  /** Writes an attempt's state under the lease; false (and the run lost) when refused. */
  boolean update(TaskRun t) {
    if (engine.store().updateTaskRun(t, lease)) {
      return true;
    }
    lose("the store refused to write task run " + t.taskRunId());
    return false;
  }

  /** Saves new attempts under the lease; false (and the run lost) when refused. */
  boolean insert(List<TaskRun> ts) {
    if (ts.isEmpty() || engine.store().insertTaskRuns(ts, lease)) {
      return true;
    }
    lose("the store refused to save task run " + ts.get(0).taskRunId());
    return false;
  }

  /** Sets a task value under the lease; false (and the run lost) when refused. */
  boolean putValue(String taskKey, String name, String json) {
    if (engine.store().putValue(taskKey, name, json, lease)) {
      return true;
    }
    lose("the store refused a task value of " + taskKey);
    return false;
  }

  private void updateOrLost(TaskRun t) {
    if (!update(t)) {
      throw new Lost();
    }
  }

  JobRun run() {
    return run;
  }

  JobSpec spec() {
    return spec;
  }

  /** The latest attempt of a task of this run, if it has one. */
  Optional<TaskRun> latest(String taskKey) {
    return Optional.ofNullable(current.get(taskKey));
  }

  /** Starts or resumes the run. */
  synchronized void start() {
    try {
      resume();
    } catch (Lost e) {
      // another server claimed the run while this one started it: lose() has logged it
    }
  }

  private void resume() {
    long now = engine.clock().millis();
    Map<String, TaskRun> rows = new HashMap<>();
    for (TaskRun t : engine.store().taskRuns(run.runId())) {
      if (t.iterationOf() == 0) {
        rows.put(t.taskKey(), t); // oldest first: the last one wins
      } else if (t.lifeCycle() == LifeCycle.RUNNING) {
        updateOrLost(lost(t, now));
      }
    }
    List<TaskRun> fresh = new ArrayList<>();
    for (TaskSpec t : tasks.values()) {
      TaskRun row = rows.get(t.taskKey());
      if (row == null) {
        long id = engine.ids().next();
        row = TaskRun.pending(id, run.runId(), t.taskKey(), 0);
        fresh.add(row);
      }
      current.put(t.taskKey(), row);
    }
    if (!insert(fresh)) {
      return;
    }
    if (spec.timeoutSeconds() > 0) {
      long left = run.startTime() + spec.timeoutSeconds() * 1000 - now;
      jobTimeout =
          engine
              .timer()
              .schedule(
                  () -> stop(Attempt.Stop.TIMEDOUT), Math.max(0, left), TimeUnit.MILLISECONDS);
    }
    if (run.cancelRequested().isPresent()) {
      stopping =
          run.cancelRequested().get().equals("TIMEOUT")
              ? Attempt.Stop.TIMEDOUT
              : Attempt.Stop.CANCELED;
    }
    List<String> ready = new ArrayList<>();
    for (TaskSpec t : tasks.values()) {
      TaskRun row = current.get(t.taskKey());
      if (row.lifeCycle() == LifeCycle.RUNNING) {
        row = lost(row, now);
        updateOrLost(row);
        current.put(t.taskKey(), row);
        afterAttempt(t, row);
      } else if (row.lifeCycle() == LifeCycle.WAITING_FOR_RETRY) {
        scheduleRetry(t, row);
      } else if (row.terminal()) {
        markDone(t.taskKey(), false);
      }
    }
    for (TaskSpec t : tasks.values()) {
      if (waiting.get(t.taskKey()) == 0
          && current.get(t.taskKey()).lifeCycle() == LifeCycle.PENDING) {
        ready.add(t.taskKey());
      }
    }
    ready.forEach(this::evaluate);
    finishIfDone();
  }

  private TaskRun lost(TaskRun t, long now) {
    return t.ended(
        LifeCycle.INTERNAL_ERROR,
        ResultState.FAILED,
        "The server running this attempt stopped before it ended (lost driver).",
        now,
        "The server running this attempt stopped before it ended.",
        null);
  }

  /** Stops the run: running attempts end, nothing new starts. */
  void stop(Attempt.Stop why) {
    try {
      stopping(why);
    } catch (Lost e) {
      // lose() has stopped the attempts and logged it
    }
  }

  private void stopping(Attempt.Stop why) {
    synchronized (this) {
      if (stopping != null || ended) {
        return;
      }
      stopping = why;
      retries.values().forEach(f -> f.cancel(false));
      for (Map.Entry<String, ScheduledFuture<?>> e : new ArrayList<>(retries.entrySet())) {
        TaskRun row = current.get(e.getKey());
        TaskRun c =
            row.ended(
                LifeCycle.TERMINATED,
                result(why),
                message(why),
                engine.clock().millis(),
                null,
                null);
        updateOrLost(c);
        current.put(e.getKey(), c);
        markDone(e.getKey(), true);
      }
      retries.clear();
      for (TaskSpec t : tasks.values()) {
        if (current.get(t.taskKey()).lifeCycle() == LifeCycle.PENDING) {
          skip(t.taskKey(), result(why), message(why));
        }
      }
    }
    running.values().forEach(a -> a.stop(why));
    synchronized (this) {
      finishIfDone();
    }
  }

  /** Server stopping: attempts are interrupted and stay RUNNING in the store for the next start. */
  void abandon() {
    synchronized (this) {
      ended = true;
      retries.values().forEach(f -> f.cancel(false));
      if (jobTimeout != null) {
        jobTimeout.cancel(false);
      }
    }
    running.values().forEach(a -> a.stop(Attempt.Stop.SERVER_STOPPING));
  }

  private static ResultState result(Attempt.Stop why) {
    return why == Attempt.Stop.TIMEDOUT ? ResultState.TIMEDOUT : ResultState.CANCELED;
  }

  private static String message(Attempt.Stop why) {
    return why == Attempt.Stop.TIMEDOUT
        ? "The run reached its timeout_seconds."
        : "The run was cancelled.";
  }

  /** A task whose dependencies are all done: decide whether it runs. Holds the lock. */
  private void evaluate(String key) {
    TaskSpec t = tasks.get(key);
    if (stopping != null) {
      skip(key, result(stopping), message(stopping));
      return;
    }
    if (t.disabled()) {
      skip(key, ResultState.DISABLED, "The task is disabled.");
      return;
    }
    List<RunIf.Upstream> ups = new ArrayList<>();
    for (TaskSpec.Dependency d : t.dependsOn()) {
      TaskRun parent = current.get(d.taskKey());
      if (parent == null) {
        continue; // not selected by 'only': as if it succeeded
      }
      RunIf.Upstream u =
          parent.resultState().map(ResultState::upstream).orElse(RunIf.Upstream.FAILED);
      if (u == RunIf.Upstream.SUCCEEDED
          && !d.outcome().isEmpty()
          && !d.outcome().equals(parent.outcome())) {
        u = RunIf.Upstream.EXCLUDED; // the branch not taken
      }
      ups.add(u);
    }
    ResultState decided = t.runIf().decide(ups);
    if (decided != null) {
      skip(key, decided, skipMessage(decided, t.runIf()));
      return;
    }
    begin(t, current.get(key));
  }

  private static String skipMessage(ResultState r, RunIf runIf) {
    return switch (r) {
      case UPSTREAM_FAILED -> "An upstream task failed (run_if " + runIf + ").";
      case UPSTREAM_CANCELED -> "An upstream task was cancelled (run_if " + runIf + ").";
      case DISABLED -> "An upstream task is disabled (run_if " + runIf + ").";
      default -> "Excluded: run_if " + runIf + " is not met.";
    };
  }

  private void skip(String key, ResultState r, String message) {
    long now = engine.clock().millis();
    TaskRun row = current.get(key);
    TaskRun c =
        row.started(now)
            .ended(
                r == ResultState.EXCLUDED || r == ResultState.DISABLED
                    ? LifeCycle.SKIPPED
                    : LifeCycle.TERMINATED,
                r,
                message,
                now,
                null,
                null);
    updateOrLost(c);
    current.put(key, c);
    markDone(key, true);
  }

  /** Starts an attempt on the row given (PENDING or WAITING_FOR_RETRY). Holds the lock. */
  private void begin(TaskSpec t, TaskRun row) {
    long now = engine.clock().millis();
    TaskRun r = row.started(now);
    current.put(t.taskKey(), r);
    Attempt a = control.attempt(t, r, Optional.empty());
    running.put(r.taskRunId(), a);
    if (t.timeoutSeconds() > 0) {
      engine
          .timer()
          .schedule(() -> a.stop(Attempt.Stop.TIMEDOUT), t.timeoutSeconds(), TimeUnit.SECONDS);
    }
    try {
      engine.workers().execute(() -> execute(t, r, a));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      running.remove(r.taskRunId()); // the server is stopping: the attempt stays RUNNING
    }
  }

  /**
   * Runs one attempt on its worker thread. Its RUNNING row is written before the work starts and
   * its end before its dependents are looked at, outside the run's lock so that the attempts of a
   * wide graph write in parallel.
   */
  private void execute(TaskSpec t, TaskRun row, Attempt a) {
    if (!write(row)) {
      synchronized (this) {
        running.remove(row.taskRunId());
      }
      return; // not this server's run any more: the attempt does not start
    }
    ControlTasks.Outcome o = control.run(t, row, a);
    if (ended) {
      synchronized (this) {
        running.remove(row.taskRunId());
      }
      return; // the server is stopping: the row stays RUNNING for the next start
    }
    ResultState r =
        a.stopped().isPresent()
            ? result(a.stopped().get())
            : o.succeeded() ? ResultState.SUCCESS : ResultState.FAILED;
    String message =
        switch (r) {
          case SUCCESS -> "";
          case TIMEDOUT -> "The task reached its timeout_seconds.";
          case CANCELED -> "The task was cancelled.";
          default -> o.error() == null ? "The task failed." : o.error();
        };
    TaskRun c =
        row.with(o.outcome(), o.childRunId())
            .ended(
                LifeCycle.TERMINATED,
                r,
                message,
                engine.clock().millis(),
                o.error(),
                o.errorTrace());
    boolean written = write(c);
    synchronized (this) {
      running.remove(row.taskRunId());
      if (!written || ended) {
        return;
      }
      current.put(t.taskKey(), c);
      try {
        afterAttempt(t, c);
        finishIfDone();
      } catch (Lost e) {
        // lose() has stopped the other attempts and logged it
      }
    }
  }

  /**
   * Writes an attempt's row from a worker thread: a few at a time (the connection pool is small),
   * again after a failure (a database that is briefly unavailable must not lose an attempt's end).
   * False when the store refused it: the run is lost.
   */
  private boolean write(TaskRun row) {
    for (int i = 1; ; i++) {
      try {
        engine.writers().acquire();
        try {
          return update(row);
        } finally {
          engine.writers().release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted writing task run " + row.taskRunId(), e);
      } catch (RuntimeException e) {
        if (ended || i >= 20) {
          throw e;
        }
        LOG.warn("writing task run {} failed, retrying: {}", row.taskRunId(), e.toString());
        try {
          Thread.sleep(100L * i);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Retries the attempt by policy, or marks the task done. Holds the lock. */
  private void afterAttempt(TaskSpec t, TaskRun ended) {
    ResultState r = ended.resultState().orElse(ResultState.FAILED);
    boolean retryable =
        stopping == null
            && !SettingsParserAccess.noRetries(t)
            && (r == ResultState.FAILED || (r == ResultState.TIMEDOUT && t.retryOnTimeout()))
            && (t.maxRetries() == -1 || ended.attemptNumber() < t.maxRetries());
    if (!retryable) {
      markDone(t.taskKey(), true);
      return;
    }
    long id = engine.ids().next();
    TaskRun next = ended.retry(id, LifeCycle.WAITING_FOR_RETRY, "Waiting to retry.");
    if (!insert(List.of(next))) {
      throw new Lost();
    }
    current.put(t.taskKey(), next);
    scheduleRetry(t, next);
  }

  /** Starts a waiting retry once min_retry_interval_millis has passed since the failed start. */
  private void scheduleRetry(TaskSpec t, TaskRun waitingRow) {
    long delay = waitingRow.startTime() + t.minRetryIntervalMillis() - engine.clock().millis();
    Runnable go =
        () -> {
          synchronized (this) {
            if (retries.remove(t.taskKey()) != null && stopping == null && !ended) {
              begin(t, current.get(t.taskKey()));
            }
          }
        };
    retries.put(
        t.taskKey(), engine.timer().schedule(go, Math.max(0, delay), TimeUnit.MILLISECONDS));
  }

  /** A task is done: its dependents that waited only for it are evaluated. Holds the lock. */
  private void markDone(String key, boolean cascade) {
    done++;
    for (String d : dependents.getOrDefault(key, List.of())) {
      int left = waiting.merge(d, -1, Integer::sum);
      if (left == 0 && cascade && current.get(d).lifeCycle() == LifeCycle.PENDING) {
        evaluate(d);
      }
    }
  }

  private void finishIfDone() {
    if (ended || done < tasks.size() || !running.isEmpty() || !retries.isEmpty()) {
      return;
    }
    ended = true;
    if (jobTimeout != null) {
      jobTimeout.cancel(false);
    }
    ResultState r = RunOutcome.of(tasks, dependents, current, stopping);
    long now = engine.clock().millis();
    // Who asked the run to stop is in the store (this executor's copy predates the request).
    Optional<String> cancelRequested =
        engine.store().run(run.runId()).flatMap(JobRun::cancelRequested).or(run::cancelRequested);
    run =
        new JobRun(
            run.runId(),
            run.jobId(),
            run.runType(),
            run.runName(),
            run.trigger(),
            run.triggerInfo(),
            run.settings(),
            run.jobParameters(),
            run.onlyTasks(),
            run.idempotencyToken(),
            run.creator(),
            run.runAs(),
            LifeCycle.TERMINATED,
            Optional.of(r),
            RunOutcome.message(r),
            run.createdAt(),
            run.startTime(),
            now,
            cancelRequested,
            run.repairCount(),
            run.parentTaskRun(),
            Optional.empty(),
            0,
            run.leaseEpoch());
    // Only the repairs this executor ran: one asked for since is the next executor's.
    java.util.Set<Long> ran = new java.util.HashSet<>();
    current.values().forEach(x -> ran.add(x.repairId()));
    List<Repair> closed = new ArrayList<>();
    for (Repair rep : engine.store().repairs(run.runId())) {
      if (rep.endTime() == 0 && ran.contains(rep.repairId())) {
        List<Long> ids = new ArrayList<>();
        current.values().stream()
            .filter(x -> x.repairId() == rep.repairId())
            .forEach(x -> ids.add(x.taskRunId()));
        closed.add(
            new Repair(
                rep.repairId(),
                rep.runId(),
                rep.startTime(),
                now,
                ids,
                LifeCycle.TERMINATED,
                Optional.of(r)));
      }
    }
    if (!engine.store().endRun(run, closed, lease)) {
      LOG.warn(
          "run {}: the store refused its end ({}): another server drives it now (lease epoch {})",
          run.runId(),
          r,
          lease.epoch());
      onEnd.accept(this);
      return;
    }
    LOG.debug("run {} ended {}", run.runId(), r);
    onEnd.accept(this);
  }

  /** The control tasks have no retries (condition_task); others follow max_retries. */
  private static final class SettingsParserAccess {
    static boolean noRetries(TaskSpec t) {
      return t.payloadField().equals("condition_task");
    }
  }
}
