package dev.keel.jobs.trigger;

import dev.keel.jobs.trigger.TriggerState.Cursors;
import dev.keel.jobs.trigger.TriggerState.Fire;
import dev.keel.jobs.trigger.TriggeredJobs.TriggeredJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * Decides, for one job at one instant, whether its schedule, trigger or {@code continuous} fires,
 * from its durable state and the facts read for this pass. Pure: it changes nothing itself.
 */
final class TriggerEvaluator {
  /** Databricks enforces at least 10 s between runs started by a job's schedule. */
  static final Duration MIN_SCHEDULE_GAP = Duration.ofSeconds(10);

  /**
   * A continuous job whose runs fail in a row waits this long before the run after the second
   * failure, twice as long after each further one, up to {@link #CONTINUOUS_MAX_BACKOFF}
   * (Databricks backs off exponentially too but does not publish its figures).
   */
  static final Duration CONTINUOUS_BASE_BACKOFF = Duration.ofSeconds(10);

  /** The longest a failing continuous job waits between runs. */
  static final Duration CONTINUOUS_MAX_BACKOFF = Duration.ofMinutes(10);

  /** A failed run that lasted this long counts as healthy: it ends a streak of failures. */
  static final Duration CONTINUOUS_HEALTHY_RUN = Duration.ofMinutes(10);

  /** How many ended runs a continuous job's back-off looks at. */
  static final int CONTINUOUS_LOOK_BACK = 12;

  /** How long before {@code modelUntil} events are re-read (they may commit out of time order). */
  static final Duration MODEL_LOOKBACK = Duration.ofMinutes(5);

  /**
   * The facts of one pass.
   *
   * @param tables current snapshot per watched table
   * @param modelEvents registry events since the earliest model cursor minus the look-back
   * @param hasActiveRun whether a job has a queued or running run (continuous only)
   * @param endedRuns a job's latest ended runs, newest first (continuous only)
   */
  record Facts(
      Map<String, JobEvent.TableUpdated> tables,
      List<JobEvent.ModelEvent> modelEvents,
      LongPredicate hasActiveRun,
      java.util.function.LongFunction<List<TriggeredJobs.EndedRun>> endedRuns) {}

  /**
   * What to do for one job.
   *
   * @param state the state to store (the input state when nothing changed)
   * @param fire the run to ask for, or null
   * @param wakeAt when to look again at the latest (null: only on events / the regular poll)
   */
  record Decision(TriggerState state, Fire fire, Instant wakeAt) {
    boolean changed(TriggerState before) {
      return !state.equals(before);
    }
  }

  private final String owner;

  /**
   * @param owner this server instance's id, recorded on the fires it decides
   */
  TriggerEvaluator(String owner) {
    this.owner = owner;
  }

  /** The state a job starts from when its settings were saved at {@code job.changedAt()}. */
  TriggerState initial(TriggeredJob job, Instant lastFireAt, Facts facts) {
    long at = job.changedAt().toEpochMilli();
    Cursors c = Cursors.EMPTY;
    if (job.trigger() != null && job.trigger().tableUpdate() != null) {
      Map<String, Long> base = new HashMap<>();
      for (String t : job.trigger().tableUpdate().tableNames()) {
        JobEvent.TableUpdated now = facts.tables().get(key(t));
        if (now != null && !now.at().isAfter(job.changedAt())) {
          base.put(key(t), now.snapshotId()); // committed before the settings: not an update
        }
      }
      c = new Cursors(base, 0, Map.of(), 0, 0, Map.of());
    }
    if (job.trigger() != null && job.trigger().model() != null) {
      Map<String, Long> seen = new HashMap<>();
      for (JobEvent.ModelEvent e : facts.modelEvents()) {
        if (!e.at().isAfter(job.changedAt()) && matches(job.trigger().model(), e)) {
          seen.put(eventKey(e), e.at().toEpochMilli()); // before the settings: never counted
        }
      }
      c = new Cursors(Map.of(), at, seen, 0, 0, Map.of());
    }
    return TriggerState.fresh(job.jobId(), at, lastFireAt, c);
  }

  Decision evaluate(TriggeredJob job, TriggerState s, Instant now, Facts facts) {
    if (job.schedule() != null) {
      return job.schedule().paused() ? idle(s) : schedule(job, s, now);
    }
    if (job.continuous() != null) {
      return job.continuous().paused() ? idle(s) : continuous(job, s, now, facts);
    }
    TriggerSettings t = job.trigger();
    if (t == null || t.paused()) {
      return idle(s);
    }
    if (t.periodic() != null) {
      return periodic(job, t.periodic(), s, now);
    }
    if (t.tableUpdate() != null) {
      return table(job, t.tableUpdate(), s, now, facts);
    }
    if (t.model() != null) {
      return model(job, t.model(), s, now, facts);
    }
    return idle(s);
  }

  private static Decision idle(TriggerState s) {
    return new Decision(s, null, null);
  }

  // ------------------------------------------------------------------ schedule and periodic

  private Decision schedule(TriggeredJob job, TriggerState s, Instant now) {
    QuartzCron cron =
        QuartzCron.parse(
            job.schedule().quartzCronExpression(), TriggerValidation.zone(job.schedule()));
    Instant anchor = s.lastDueAt() != null ? s.lastDueAt() : job.changedAt();
    if (s.lastFireAt() != null && now.isBefore(s.lastFireAt().plus(MIN_SCHEDULE_GAP))) {
      return new Decision(s, null, s.lastFireAt().plus(MIN_SCHEDULE_GAP));
    }
    Optional<Instant> due = cron.latestIn(anchor, now); // missed ones run once: the latest
    Instant next = cron.nextAfter(now.isAfter(anchor) ? now : anchor).orElse(null);
    if (due.isEmpty()) {
      return new Decision(s, null, next);
    }
    Instant d = due.get();
    Fire f = fire(RunTriggers.PERIODIC, "schedule", job.jobId(), d, now, Map.of());
    return new Decision(s.fired(f, now, d, s.cursors()), f, next);
  }

  private Decision periodic(
      TriggeredJob job, TriggerSettings.Periodic p, TriggerState s, Instant now) {
    Duration every =
        switch (p.unit()) {
          case MINUTES -> Duration.ofMinutes(p.interval());
          case HOURS -> Duration.ofHours(p.interval());
          case DAYS -> Duration.ofDays(p.interval());
          case WEEKS -> Duration.ofDays(7L * p.interval());
        };
    Instant anchor = s.lastDueAt() != null ? s.lastDueAt() : job.changedAt();
    long periods = Duration.between(anchor, now).toMillis() / every.toMillis();
    if (periods < 1) {
      return new Decision(s, null, anchor.plus(every));
    }
    Instant due = anchor.plus(every.multipliedBy(periods)); // missed periods run once
    Fire f = fire(RunTriggers.PERIODIC, "periodic", job.jobId(), due, now, Map.of());
    return new Decision(s.fired(f, now, due, s.cursors()), f, due.plus(every));
  }

  // ------------------------------------------------------------------ table update

  private Decision table(
      TriggeredJob job, TriggerSettings.TableUpdate u, TriggerState s, Instant now, Facts facts) {
    List<String> updated = new ArrayList<>();
    Instant lastChange = Instant.EPOCH;
    Map<String, Long> current = new HashMap<>(s.cursors().tables());
    for (String t : u.tableNames()) {
      JobEvent.TableUpdated snap = facts.tables().get(key(t));
      if (snap == null) {
        continue;
      }
      current.put(key(t), snap.snapshotId());
      Long base = s.cursors().tables().get(key(t));
      if (base == null || base != snap.snapshotId()) {
        updated.add(t);
        lastChange = snap.at().isAfter(lastChange) ? snap.at() : lastChange;
      }
    }
    boolean ready = u.allUpdated() ? updated.size() == u.tableNames().size() : !updated.isEmpty();
    if (!ready) {
      return idle(s);
    }
    Instant wakeAt =
        holdUntil(s, lastChange, u.waitAfterLastChangeSeconds(), u.minTimeBetweenTriggersSeconds());
    if (now.isBefore(wakeAt)) {
      return new Decision(s, null, wakeAt);
    }
    Map<String, String> info = new LinkedHashMap<>();
    info.put("table_update.updated_tables", String.join(",", updated));
    Fire f = fire(RunTriggers.TABLE, "table", job.jobId(), now, now, info);
    Cursors c = new Cursors(current, 0, Map.of(), 0, 0, Map.of());
    return new Decision(s.fired(f, now, s.lastDueAt(), c), f, null);
  }

  // ------------------------------------------------------------------ model

  private Decision model(
      TriggeredJob job, TriggerSettings.ModelTrigger m, TriggerState s, Instant now, Facts facts) {
    Cursors c = s.cursors();
    long until = c.modelUntil();
    long floor = until - MODEL_LOOKBACK.toMillis();
    Map<String, Long> seen = new HashMap<>(c.seen());
    int pending = c.pendingEvents();
    long lastAt = c.lastEventAt();
    Map<String, String> last = c.lastEvent();
    for (JobEvent.ModelEvent e : facts.modelEvents()) {
      long at = e.at().toEpochMilli();
      if (at <= floor || !matches(m, e) || seen.containsKey(eventKey(e))) {
        continue;
      }
      seen.put(eventKey(e), at);
      pending++;
      until = Math.max(until, at);
      if (at >= lastAt) {
        lastAt = at;
        last = modelInfo(e);
      }
    }
    long keepFrom = until - MODEL_LOOKBACK.toMillis();
    seen.values().removeIf(at -> at <= keepFrom);
    Cursors read = new Cursors(Map.of(), until, seen, pending, lastAt, last);
    TriggerState updated = s.withCursors(read);
    if (pending == 0) {
      return new Decision(updated, null, null);
    }
    Instant wakeAt =
        holdUntil(
            s,
            Instant.ofEpochMilli(lastAt),
            m.waitAfterLastChangeSeconds(),
            m.minTimeBetweenTriggersSeconds());
    if (now.isBefore(wakeAt)) {
      return new Decision(updated, null, wakeAt);
    }
    Fire f = fire(RunTriggers.MODEL, "model", job.jobId(), now, now, last);
    Cursors consumed = new Cursors(Map.of(), until, seen, 0, 0, Map.of());
    return new Decision(s.fired(f, now, s.lastDueAt(), consumed), f, null);
  }

  static boolean matches(TriggerSettings.ModelTrigger m, JobEvent.ModelEvent e) {
    if (e.change() != m.condition()) {
      return false;
    }
    String scope = m.securableName() == null ? "" : m.securableName().toLowerCase(Locale.ROOT);
    String model = e.modelFullName().toLowerCase(Locale.ROOT);
    boolean inScope =
        scope.isEmpty()
            || model.equals(scope)
            || (scope.chars().filter(ch -> ch == '.').count() == 1
                && model.startsWith(scope + "."));
    if (!inScope) {
      return false;
    }
    return m.aliases().isEmpty() || (e.alias() != null && m.aliases().contains(e.alias()));
  }

  private static String eventKey(JobEvent.ModelEvent e) {
    return e.change().name()
        + ":"
        + e.modelFullName()
        + ":"
        + (e.version() == null ? "" : e.version())
        + ":"
        + (e.alias() == null ? "" : e.alias())
        + ":"
        + e.at().toEpochMilli();
  }

  private static Map<String, String> modelInfo(JobEvent.ModelEvent e) {
    Map<String, String> info = new LinkedHashMap<>();
    info.put("model.condition", e.change().name());
    info.put("model.name", e.modelFullName());
    if (e.version() != null) {
      info.put("model.version", Long.toString(e.version()));
    }
    if (e.alias() != null) {
      info.put("model.alias", e.alias());
    }
    return info;
  }

  // ------------------------------------------------------------------ continuous

  private Decision continuous(TriggeredJob job, TriggerState s, Instant now, Facts facts) {
    if (facts.hasActiveRun().test(job.jobId())) {
      return idle(s);
    }
    Instant notBefore = backOffUntil(facts.endedRuns().apply(job.jobId()));
    if (now.isBefore(notBefore)) {
      return new Decision(s, null, notBefore);
    }
    Fire f = fire(RunTriggers.CONTINUOUS, "continuous", job.jobId(), now, now, Map.of());
    return new Decision(s.fired(f, now, s.lastDueAt(), s.cursors()), f, null);
  }

  /**
   * When a continuous job may start its next run: at once unless its latest runs failed in a row (a
   * failed run that lasted {@link #CONTINUOUS_HEALTHY_RUN} ends the streak); after the first
   * failure still at once, after n ≥ 2 the base back-off doubled n − 2 times, from the last end.
   */
  static Instant backOffUntil(List<TriggeredJobs.EndedRun> newestFirst) {
    int failures = 0;
    for (TriggeredJobs.EndedRun r : newestFirst) {
      if (!r.failed()
          || !Duration.between(r.start(), r.end()).minus(CONTINUOUS_HEALTHY_RUN).isNegative()) {
        break;
      }
      failures++;
    }
    if (failures < 2) {
      return Instant.EPOCH;
    }
    Duration wait = CONTINUOUS_BASE_BACKOFF;
    for (int i = 2; i < failures && wait.compareTo(CONTINUOUS_MAX_BACKOFF) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    if (wait.compareTo(CONTINUOUS_MAX_BACKOFF) > 0) {
      wait = CONTINUOUS_MAX_BACKOFF;
    }
    return newestFirst.get(0).end().plus(wait);
  }

  // ------------------------------------------------------------------ shared

  /** The earliest instant a pending change may fire: after the quiet time and the minimum gap. */
  private static Instant holdUntil(
      TriggerState s, Instant lastChange, int waitAfterLastChangeSeconds, int minBetweenSeconds) {
    Instant quiet = lastChange.plusSeconds(waitAfterLastChangeSeconds);
    Instant gap =
        s.lastFireAt() == null ? Instant.EPOCH : s.lastFireAt().plusSeconds(minBetweenSeconds);
    return quiet.isAfter(gap) ? quiet : gap;
  }

  /**
   * A fire with its idempotency token {@code <kind>:<job id>:<epoch ms>}: the due time for
   * schedules and periodic triggers (the same for every server), the decision time otherwise. The
   * token is stored before the launch, so retries after a crash resend the same one.
   */
  private Fire fire(
      String trigger, String kind, long jobId, Instant at, Instant now, Map<String, String> info) {
    return new Fire(
        kind + ":" + jobId + ":" + at.toEpochMilli(), trigger, info, now.toEpochMilli(), owner);
  }

  /** Table and model names compare lower-case, as the catalog stores them. */
  static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
