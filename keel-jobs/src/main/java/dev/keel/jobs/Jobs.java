package dev.keel.jobs;

import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.core.ConfigSection;
import dev.keel.core.KeelConfig;
import dev.keel.core.Setting;
import dev.keel.jobs.engine.Ids;
import dev.keel.jobs.engine.JobTokens;
import dev.keel.jobs.engine.Scheduler;
import dev.keel.jobs.http.JobRoutes;
import dev.keel.jobs.model.SettingsParser;
import dev.keel.jobs.spi.TaskType;
import dev.keel.jobs.store.JdbcJobStore;
import dev.keel.jobs.store.JobStore;
import dev.keel.store.Database;
import dev.keel.store.Dialect;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The jobs capability assembled: store, services and the scheduler, with its configuration section
 * {@code jobs}. {@link #start} begins running jobs; {@link #close} stops the scheduler (running
 * attempts are ended as lost and retried at the next start).
 */
public final class Jobs implements AutoCloseable {
  /** Longest wait between the scheduler's looks at the store. */
  public static final Setting<Integer> POLL_MILLIS =
      Setting.integer(
          "jobs.poll-ms",
          "Milliseconds between the job scheduler's looks for runs, cancels and lapsed leases",
          1_000,
          10,
          60_000);

  /** How long a server's claim on a run lasts without a heartbeat. */
  public static final Setting<Integer> LEASE_SECONDS =
      Setting.integer(
          "jobs.lease-seconds",
          "Seconds a server's claim on a job run lasts without a heartbeat; another server takes"
              + " the run over after it lapses (PostgreSQL)",
          30,
          2,
          3_600);

  /** How long a stopping task gets before it is forced. */
  public static final Setting<Integer> GRACE_SECONDS =
      Setting.integer(
          "jobs.grace-seconds",
          "Seconds a cancelled task's process gets after SIGTERM before SIGKILL",
          10,
          0,
          600);

  /** The {@code jobs} configuration section. */
  public static final ConfigSection SECTION =
      new ConfigSection("jobs", List.of(POLL_MILLIS, LEASE_SECONDS, GRACE_SECONDS));

  private final JobService jobs;
  private final RunService runs;
  private final Scheduler scheduler;

  private Jobs(JobService jobs, RunService runs, Scheduler scheduler) {
    this.jobs = jobs;
    this.runs = runs;
    this.scheduler = scheduler;
  }

  /**
   * Builds the capability over {@code db}.
   *
   * @param types the task types Keel runs besides the control tasks
   * @param tokens mints task tokens ({@link JobTokens#NONE} without authentication)
   * @param host the server's URL once it listens
   */
  public static Jobs open(
      Database db,
      KeelConfig config,
      List<TaskType> types,
      JobTokens tokens,
      Supplier<String> host,
      Clock clock) {
    JobStore store = new JdbcJobStore(db);
    SettingsParser parser = new SettingsParser(types);
    Ids ids = new Ids(store);
    JobService jobs = new JobService(store, parser, ids, clock);
    RunService runs = new RunService(store, jobs, ids, clock, config.dataDir());
    Scheduler scheduler =
        new Scheduler(
            store,
            parser,
            ids,
            new Scheduler.Options(
                config.dataDir(),
                host,
                Duration.ofMillis(config.get(POLL_MILLIS)),
                Duration.ofSeconds(config.get(LEASE_SECONDS)),
                db.dialect() == Dialect.SQLITE,
                Duration.ofSeconds(config.get(GRACE_SECONDS))),
            tokens,
            runs::startChild,
            clock);
    runs.attach(scheduler);
    return new Jobs(jobs, runs, scheduler);
  }

  /** Starts the scheduler. */
  public void start() {
    scheduler.start();
  }

  /** The job service. */
  public JobService jobs() {
    return jobs;
  }

  /** The run service (also the triggers' {@link dev.keel.jobs.trigger.RunLauncher}). */
  public RunService runs() {
    return runs;
  }

  /** The HTTP routes. */
  public JobRoutes routes(ObjectPermissions permissions) {
    return new JobRoutes(jobs, runs, permissions);
  }

  @Override
  public void close() {
    scheduler.close();
  }
}
