package dev.keel.jobs.engine;

import dev.keel.jobs.model.SettingsParser;
import dev.keel.jobs.store.JobRun;
import dev.keel.jobs.store.JobStore;
import dev.keel.jobs.store.RunLease;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable scheduler: one dispatcher thread per server admits queued runs, claims runs to drive
 * (leases in the store, renewed by heartbeat; a lapsed lease is taken over) and passes stop
 * requests to the runs it drives. Woken at once by {@link #wake()} on this server, and every {@code
 * poll} otherwise (other servers' runs and cancels). Thread-safe; {@link #close} leaves running
 * attempts RUNNING in the store, to be ended as lost and retried at the next start.
 *
 * <p>Fencing: each claim gives the run a new lease epoch, and a run's executor writes only under
 * the lease it was claimed with ({@link dev.keel.jobs.store.RunLease}). A run this server drives
 * that its renewal no longer finds among its own (another server took it over after this one paused
 * past its lease) is abandoned at once: its attempts are stopped, nothing is written.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  /**
   * How the scheduler runs.
   *
   * @param dataDir the server's data directory (task logs under {@code logs/jobs})
   * @param host the server's URL, for task processes
   * @param poll longest wait between looks at the store
   * @param lease how long a claimed run stays this server's without a heartbeat
   * @param takeOverAtStart claim every active run at start (one server per database: SQLite)
   * @param grace how long task types wait before forcing work to stop
   */
  public record Options(
      Path dataDir,
      Supplier<String> host,
      Duration poll,
      Duration lease,
      boolean takeOverAtStart,
      Duration grace) {}

  /** Attempt rows written at once (below the connection pool's size). */
  private static final int WRITERS = 4;

  private final JobStore store;
  private final Options options;
  private final String serverId = UUID.randomUUID().toString();
  private final Map<Long, RunExecutor> active = new ConcurrentHashMap<>();
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timer;
  private final Engine engine;
  private final Object signal = new Object();
  private final Thread dispatcher;
  private volatile boolean closed;
  private volatile Runnable onRunEnded = () -> {};
  private boolean woken;

  /** A scheduler over {@code store}; {@link #start} begins dispatching. */
  public Scheduler(
      JobStore store,
      SettingsParser parser,
      Ids ids,
      Options options,
      JobTokens tokens,
      ChildRuns children,
      Clock clock) {
    this.store = store;
    this.options = options;
    this.timer =
        Executors.newScheduledThreadPool(
            1, Thread.ofPlatform().name("keel-jobs-timer").daemon().factory());
    this.engine =
        new Engine(
            store,
            parser,
            ids,
            workers,
            timer,
            clock,
            options.dataDir(),
            options.host(),
            tokens,
            options.grace(),
            children,
            new java.util.concurrent.Semaphore(WRITERS));
    this.dispatcher =
        Thread.ofPlatform().name("keel-jobs-dispatcher").daemon().unstarted(this::loop);
  }

  /** Starts dispatching. */
  public void start() {
    dispatcher.start();
  }

  /** Looks at the store now (a run was created, queued or repaired). */
  public void wake() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  /** Stops a run this server drives at once (others see the request at their next look). */
  public void stop(long runId, boolean timeout) {
    RunExecutor e = active.get(runId);
    if (e != null) {
      e.stop(timeout ? Attempt.Stop.TIMEDOUT : Attempt.Stop.CANCELED);
    } else {
      wake();
    }
  }

  /** This server's id in run leases. */
  public String serverId() {
    return serverId;
  }

  private void loop() {
    long lastRenew = 0;
    boolean first = true;
    while (!closed) {
      try {
        long now = engine.clock().millis();
        List<JobRun> claimed =
            store.claim(
                serverId,
                now,
                now + options.lease().toMillis(),
                100,
                first && options.takeOverAtStart());
        first = false;
        for (JobRun r : claimed) {
          begin(r);
        }
        for (long id : store.cancelRequests(serverId)) {
          RunExecutor e = active.get(id);
          if (e != null) {
            e.stop(Attempt.Stop.CANCELED);
          }
        }
        if (now - lastRenew > options.lease().toMillis() / 3) {
          Set<Long> mine = new HashSet<>(store.renew(serverId, now + options.lease().toMillis()));
          lastRenew = now;
          for (RunExecutor e : active.values()) {
            if (!mine.contains(e.runId())) {
              e.lose("its lease was not renewed: another server claimed it");
            }
          }
        }
        if (claimed.size() == 100) {
          continue;
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("job dispatcher: {}", e.toString());
      }
      synchronized (signal) {
        if (!woken) {
          try {
            signal.wait(options.poll().toMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
        woken = false;
      }
    }
  }

  private void begin(JobRun r) {
    RunExecutor stale = active.get(r.runId());
    if (stale != null) {
      // claimed again after another server had it: the old executor's lease is gone
      stale.lose("this server claimed it again under a new lease");
      active.remove(r.runId(), stale);
    }
    RunExecutor e = null;
    try {
      e = new RunExecutor(engine, r, this::ended);
      active.put(r.runId(), e);
      e.start();
    } catch (RuntimeException ex) {
      LOG.error("run {} cannot run", r.runId(), ex);
      if (e != null) {
        active.remove(r.runId(), e);
      }
      long now = engine.clock().millis();
      store.updateRun(
          r.with(
              dev.keel.jobs.model.LifeCycle.INTERNAL_ERROR,
              Optional.of(dev.keel.jobs.model.ResultState.FAILED),
              "The run could not start: " + ex.getMessage(),
              now),
          RunLease.of(r));
    }
  }

  private void ended(RunExecutor e) {
    active.remove(e.runId(), e);
    wake(); // queued runs of its job may start
    onRunEnded.run();
  }

  /** Calls {@code listener} after every run this server drives has ended (on the run's thread). */
  public void onRunEnded(Runnable listener) {
    this.onRunEnded = listener;
  }

  /** The run executors this server drives now (for tests and metrics). */
  public int activeRuns() {
    return active.size();
  }

  /** Lists nothing itself: a hook for the run service to see whether it drives a run. */
  Optional<RunExecutor> executor(long runId) {
    return Optional.ofNullable(active.get(runId));
  }

  @Override
  public void close() {
    closed = true;
    wake();
    try {
      dispatcher.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    active.values().forEach(RunExecutor::abandon);
    timer.shutdownNow();
    workers.shutdown();
    try {
      workers.awaitTermination(options.grace().toMillis() + 2_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
