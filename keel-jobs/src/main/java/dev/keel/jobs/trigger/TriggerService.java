package dev.keel.jobs.trigger;

import dev.keel.core.KeelException;
import dev.keel.jobs.trigger.TriggerEvaluator.Decision;
import dev.keel.jobs.trigger.TriggerEvaluator.Facts;
import dev.keel.jobs.trigger.TriggerState.Fire;
import dev.keel.jobs.trigger.TriggeredJobs.TriggeredJob;
import dev.keel.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts job runs from schedules, triggers and {@code continuous}, on its own thread.
 *
 * <p>Each pass reads the jobs that have one ({@link TriggeredJobs#all()}, again when told {@link
 * #settingsChanged()} and every {@code poll}), their durable state ({@code job_trigger_state}), the
 * watched tables' current snapshots and the registry events since the earliest model cursor ({@link
 * JobEventSource}); decides per job ({@link TriggerEvaluator}); and asks {@link RunLauncher} for
 * the runs. It passes again when a table or registry change is announced, when the next fire time
 * comes, and at least every {@code poll}.
 *
 * <p><b>Exactly one run per fire, with one server or many.</b> A fire is first recorded in the
 * job's state row, with its idempotency token, by a compare-and-set on the row's version: when
 * several servers share PostgreSQL and decide the same fire, exactly one write succeeds, and the
 * others re-read the row next pass and see the fire already recorded. Only then is the run asked
 * for, and the fire is cleared once the launcher answered. A server that dies between the record
 * and the answer leaves the fire in the row; after {@code takeOver} another server (or the same one
 * restarted) sends it again with the same token, and the launcher, which starts one run per token,
 * answers with the run the first attempt may have started. So neither a crash nor a race starts a
 * second run, without a lease to hold or renew; the cost is that every server reads the trigger
 * state each pass, which is a handful of small queries. A schedule's token carries its cron time
 * ({@code schedule:<job>:<epoch ms>}), so even two servers deciding from different reads produce
 * the same token.
 *
 * <p>Misfires: a schedule or periodic trigger that missed fire times while no server ran fires once
 * for the latest of them, not once each (Quartz's fire-once-now, Databricks' behaviour).
 *
 * <p>Thread-safe; close it to stop the thread.
 */
public final class TriggerService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerService.class);

  /** Default time between passes without any event, and between re-reads of the jobs. */
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);

  /** Default age after which another server sends a fire its recorder did not confirm. */
  public static final Duration DEFAULT_TAKE_OVER = Duration.ofSeconds(30);

  /** How long a state row of a job without triggers is kept (other servers' lists may lag). */
  static final Duration STALE_STATE = Duration.ofMinutes(1);

  /** How soon a pass that lost a compare-and-set to another server reads again. */
  static final Duration RETRY_CONFLICT = Duration.ofMillis(100);

  /** Registry events read per pass at most. */
  static final int MAX_EVENTS = 10_000;

  private final TriggeredJobs jobs;
  private final RunLauncher launcher;
  private final JobEventSource events;
  private final TriggerStates states;
  private final Clock clock;
  private final Duration poll;
  private final Duration takeOver;
  private final String owner = UUID.randomUUID().toString();
  private final TriggerEvaluator evaluator = new TriggerEvaluator(owner);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition woken = lock.newCondition();
  private boolean wake;
  private final java.util.concurrent.atomic.AtomicBoolean reload =
      new java.util.concurrent.atomic.AtomicBoolean(true);
  private volatile boolean closed;
  private Thread thread;

  private List<TriggeredJob> known = List.of();
  private Instant loadedAt = Instant.EPOCH;

  /**
   * Starts the service on its thread, with the default poll (5 s) and take-over time (30 s); its
   * state lives in {@code db}.
   */
  public static TriggerService start(
      Database db, TriggeredJobs jobs, RunLauncher launcher, JobEventSource events, Clock clock) {
    TriggerService s =
        new TriggerService(
            new JdbcTriggerStates(db),
            jobs,
            launcher,
            events,
            clock,
            DEFAULT_POLL,
            DEFAULT_TAKE_OVER);
    s.startThread();
    return s;
  }

  TriggerService(
      TriggerStates states,
      TriggeredJobs jobs,
      RunLauncher launcher,
      JobEventSource events,
      Clock clock,
      Duration poll,
      Duration takeOver) {
    this.states = states;
    this.jobs = jobs;
    this.launcher = launcher;
    this.events = events;
    this.clock = clock;
    this.poll = poll;
    this.takeOver = takeOver;
  }

  /** Starts passing on the service's own thread, woken by table and registry changes. */
  void startThread() {
    events.subscribe(this::wake);
    thread = Thread.ofPlatform().daemon().name("keel-job-triggers").start(this::loop);
  }

  /** Re-reads the jobs' schedules and triggers now (call after a job was saved or deleted). */
  public void settingsChanged() {
    reload.set(true);
    wake();
  }

  /** Passes now (a change happened, or a run ended, which a continuous job waits for). */
  public void wake() {
    lock.lock();
    try {
      wake = true;
      woken.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (!closed) {
      Instant next;
      try {
        next = pass();
      } catch (RuntimeException e) {
        LOG.warn("job trigger pass failed, retrying: {}", e.toString());
        next = clock.instant().plusSeconds(1);
      }
      awaitUntil(next);
    }
  }

  private void awaitUntil(Instant next) {
    lock.lock();
    try {
      while (!wake && !closed) {
        long millis = Duration.between(clock.instant(), next).toMillis();
        if (millis <= 0) {
          break;
        }
        woken.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      wake = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    } finally {
      lock.unlock();
    }
  }

  /** One pass over every job; returns when to pass again at the latest. */
  Instant pass() {
    Instant now = clock.instant();
    boolean reloadNow = reload.getAndSet(false) || !now.isBefore(loadedAt.plus(poll));
    if (reloadNow) {
      known = jobs.all();
      loadedAt = now;
      states.retain(
          known.stream().map(TriggeredJob::jobId).collect(Collectors.toSet()),
          now.minus(STALE_STATE));
    }
    Map<Long, TriggerState> stored = new HashMap<>();
    for (TriggerState s : states.all()) {
      stored.put(s.jobId(), s);
    }
    Facts facts = facts(known, stored);
    Instant next = now.plus(poll);
    for (TriggeredJob job : known) {
      try {
        Instant wakeAt = step(job, stored.get(job.jobId()), now, facts);
        if (wakeAt != null && wakeAt.isBefore(next)) {
          next = wakeAt;
        }
      } catch (RuntimeException e) {
        LOG.warn("trigger of job {} failed, retrying: {}", job.jobId(), e.toString());
        next = now.plusSeconds(1).isBefore(next) ? now.plusSeconds(1) : next;
      }
    }
    return next;
  }

  /** Handles one job: finishes a recorded fire, or decides and records a new one. */
  private Instant step(TriggeredJob job, TriggerState stored, Instant now, Facts facts) {
    TriggerState s = stored;
    if (s == null || s.settingsAt() != job.changedAt().toEpochMilli()) {
      TriggerState fresh = evaluator.initial(job, s == null ? null : s.lastFireAt(), facts);
      if (s != null && s.pending() != null) {
        fresh = fresh.withPending(s.pending()); // a recorded fire is still owed
      }
      long expected = s == null ? 0 : s.version();
      if (!states.put(fresh, expected, now)) {
        return now.plus(RETRY_CONFLICT); // another server changed it: read again soon
      }
      s = bumped(fresh, expected + 1);
    }
    if (s.pending() != null) {
      return finish(s, now);
    }
    Decision d = evaluator.evaluate(job, s, now, facts);
    if (!d.changed(s)) {
      return d.wakeAt();
    }
    if (!states.put(d.state(), s.version(), now)) {
      return now.plus(RETRY_CONFLICT); // another server recorded it first: read again soon
    }
    TriggerState recorded = bumped(d.state(), s.version() + 1);
    if (d.fire() != null) {
      finish(recorded, now);
    }
    return d.wakeAt();
  }

  /**
   * Sends a recorded fire to the launcher: at once when this server recorded it, after {@code
   * takeOver} otherwise; then clears it.
   */
  private Instant finish(TriggerState s, Instant now) {
    Fire f = s.pending();
    Instant takeOverAt = Instant.ofEpochMilli(f.since()).plus(takeOver);
    if (!owner.equals(f.owner()) && now.isBefore(takeOverAt)) {
      return takeOverAt;
    }
    try {
      long runId = launcher.launch(s.jobId(), f.trigger(), f.token(), f.info());
      LOG.info("job {}: {} trigger started run {} ({})", s.jobId(), f.trigger(), runId, f.token());
    } catch (KeelException e) {
      // The scheduler refused (the job is gone, or its settings forbid the run): final.
      LOG.warn("job {}: {} trigger not started: {}", s.jobId(), f.trigger(), e.getMessage());
    }
    states.put(s.withPending(null), s.version(), now);
    return null;
  }

  private static TriggerState bumped(TriggerState s, long version) {
    return new TriggerState(
        s.jobId(),
        s.settingsAt(),
        version,
        s.lastFireAt(),
        s.lastDueAt(),
        s.pending(),
        s.cursors());
  }

  /** Reads the facts the active triggers need, once per pass. */
  private Facts facts(List<TriggeredJob> all, Map<Long, TriggerState> stored) {
    Set<String> tables = new LinkedHashSet<>();
    Instant since = null;
    boolean models = false;
    boolean continuous = false;
    for (TriggeredJob j : all) {
      TriggerSettings t = j.trigger();
      if (t != null && !t.paused() && t.tableUpdate() != null) {
        t.tableUpdate().tableNames().forEach(n -> tables.add(TriggerEvaluator.key(n)));
      }
      if (t != null && t.model() != null) {
        models = true;
        TriggerState s = stored.get(j.jobId());
        Instant from =
            s == null || s.settingsAt() != j.changedAt().toEpochMilli()
                ? j.changedAt()
                : Instant.ofEpochMilli(s.cursors().modelUntil());
        since = since == null || from.isBefore(since) ? from : since;
      }
      continuous |= j.continuous() != null && !j.continuous().paused();
    }
    Map<String, JobEvent.TableUpdated> snaps =
        tables.isEmpty() ? Map.of() : events.currentSnapshots(tables);
    List<JobEvent.ModelEvent> modelEvents =
        models
            ? events.modelEventsSince(since.minus(TriggerEvaluator.MODEL_LOOKBACK), MAX_EVENTS)
            : List.of();
    Map<Long, Boolean> active = new HashMap<>();
    return new Facts(
        snaps,
        modelEvents,
        continuous ? id -> active.computeIfAbsent(id, jobs::hasActiveRun) : id -> true,
        id -> jobs.endedRuns(id, TriggerEvaluator.CONTINUOUS_LOOK_BACK));
  }

  @Override
  public void close() {
    closed = true;
    wake();
    if (thread == null) {
      return;
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
