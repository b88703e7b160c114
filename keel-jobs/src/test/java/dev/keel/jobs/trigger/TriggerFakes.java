package dev.keel.jobs.trigger;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stand-ins for the jobs scheduler's side of the trigger interfaces (another module implements
 * them) and for the tables/registry facts; the trigger state itself is stored in a real database.
 */
final class TriggerFakes {
  private TriggerFakes() {}

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    private final AtomicReference<Instant> now;

    TestClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    void set(Instant t) {
      now.set(t);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Jobs as the scheduler would list them. */
  static final class Jobs implements TriggeredJobs {
    final List<TriggeredJob> jobs = new CopyOnWriteArrayList<>();
    final Set<Long> active = ConcurrentHashMap.newKeySet();

    @Override
    public List<TriggeredJob> all() {
      return List.copyOf(jobs);
    }

    final Map<Long, List<EndedRun>> ended = new ConcurrentHashMap<>();

    @Override
    public boolean hasActiveRun(long jobId) {
      return active.contains(jobId);
    }

    /** Records an ended run of {@code jobId} (the newest). */
    void ended(long jobId, boolean failed, Instant start, Instant end) {
      ended
          .computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>())
          .add(0, new EndedRun(failed, start, end));
    }

    @Override
    public List<EndedRun> endedRuns(long jobId, int limit) {
      List<EndedRun> all = ended.getOrDefault(jobId, List.of());
      return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }
  }

  /** One run asked for. */
  record Launch(long runId, long jobId, String trigger, String token, Map<String, String> info) {}

  /** A launcher with the scheduler's contract: one run per idempotency token. */
  static final class Launcher implements RunLauncher {
    final Map<String, Launch> byToken = new ConcurrentHashMap<>();
    final List<Launch> runs = new CopyOnWriteArrayList<>();
    final AtomicLong calls = new AtomicLong();
    private final AtomicLong ids = new AtomicLong(100);
    volatile RuntimeException failNext;

    @Override
    public long launch(
        long jobId, String trigger, String idempotencyToken, Map<String, String> triggerInfo) {
      calls.incrementAndGet();
      RuntimeException fail = failNext;
      if (fail != null) {
        failNext = null;
        throw fail;
      }
      return byToken
          .computeIfAbsent(
              idempotencyToken,
              t -> {
                Launch l = new Launch(ids.incrementAndGet(), jobId, trigger, t, triggerInfo);
                runs.add(l);
                return l;
              })
          .runId();
    }
  }

  /** Table snapshots and registry events as the tables and registry would report them. */
  static final class Events implements JobEventSource {
    final Map<String, JobEvent.TableUpdated> tables = new ConcurrentHashMap<>();
    final List<JobEvent.ModelEvent> events = new CopyOnWriteArrayList<>();
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    void commit(String table, long snapshotId, Instant at) {
      tables.put(table, new JobEvent.TableUpdated(table, snapshotId, at));
      listeners.forEach(Runnable::run);
    }

    void event(JobEvent.ModelEvent e) {
      events.add(e);
      listeners.forEach(Runnable::run);
    }

    @Override
    public void subscribe(Runnable wake) {
      listeners.add(wake);
    }

    @Override
    public Map<String, JobEvent.TableUpdated> currentSnapshots(Collection<String> names) {
      Map<String, JobEvent.TableUpdated> out = new java.util.HashMap<>();
      names.forEach(
          n -> {
            if (tables.containsKey(n)) {
              out.put(n, tables.get(n));
            }
          });
      return out;
    }

    @Override
    public List<JobEvent.ModelEvent> modelEventsSince(Instant since, int limit) {
      List<JobEvent.ModelEvent> out = new ArrayList<>();
      events.stream()
          .filter(e -> !e.at().isBefore(since))
          .sorted(java.util.Comparator.comparing(JobEvent::at))
          .limit(limit)
          .forEach(out::add);
      return out;
    }

    @Override
    public boolean tableExists(String tableFullName) {
      return tables.containsKey(tableFullName);
    }
  }
}
