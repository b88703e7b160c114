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
import dev.keel.jobs.process.JobsProcessSettings;
import dev.keel.jobs.process.ProcessTaskConfig;
import dev.keel.jobs.process.ProcessTaskTypes;
import dev.keel.jobs.spi.TaskType;
import dev.keel.jobs.store.JdbcJobStore;
import dev.keel.jobs.store.JobStore;
import dev.keel.jobs.trigger.JobEventSource;
import dev.keel.jobs.trigger.TriggerService;
import dev.keel.store.Database;
import dev.keel.store.Dialect;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

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

  /** The {@code jobs} configuration section (the scheduler's and the process task types'). */
  public static final ConfigSection SECTION =
      new ConfigSection(
          "jobs",
          Stream.concat(
                  Stream.of(POLL_MILLIS, LEASE_SECONDS, GRACE_SECONDS),
                  JobsProcessSettings.SECTION.settings().stream())
              .toList());

  private final Database db;
  private final Clock clock;
  private final JobService jobs;
  private final RunService runs;
  private final Scheduler scheduler;
  private volatile TriggerService triggers;

  private Jobs(Database db, Clock clock, JobService jobs, RunService runs, Scheduler scheduler) {
    this.db = db;
    this.clock = clock;
    this.jobs = jobs;
    this.runs = runs;
    this.scheduler = scheduler;
  }

  /**
   * The task types Keel runs as processes ({@code spark_python_task}, {@code python_wheel_task},
   * {@code spark_jar_task}, {@code keel_task}), configured from the {@code jobs} section; Spark
   * jobs see the tables of {@code db} under {@code <data dir>/warehouse}.
   */
  public static List<TaskType> processTaskTypes(KeelConfig config, Database db) {
    return ProcessTaskTypes.all(
        ProcessTaskConfig.from(config, db.jdbcUrl(), config.dataDir().resolve("warehouse")));
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
    return open(db, new JdbcJobStore(db), config, types, tokens, host, clock);
  }

  /**
   * As above over {@code store} (tests put a store that can be frozen in front of the database).
   */
  static Jobs open(
      Database db,
      JobStore store,
      KeelConfig config,
      List<TaskType> types,
      JobTokens tokens,
      Supplier<String> host,
      Clock clock) {
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
    return new Jobs(db, clock, jobs, runs, scheduler);
  }

  /** Starts the scheduler: runs that are asked for start. */
  public void start() {
    scheduler.start();
  }

  /**
   * Starts the trigger service over {@code events}: schedules, table and model triggers and
   * continuous jobs start runs from now on.
   */
  public void startTriggers(JobEventSource events) {
    TriggerService t = TriggerService.start(db, jobs, runs, events, clock);
    triggers = t;
    jobs.onSettingsChanged(t::settingsChanged);
    scheduler.onRunEnded(t::wake); // a continuous job starts its next run at once
  }

  /** The job service. */
  public JobService jobs() {
    return jobs;
  }

  /** The run service (also the triggers' {@link dev.keel.jobs.trigger.RunLauncher}). */
  public RunService runs() {
    return runs;
  }

  /** The HTTP routes; {@code principals} are the identities run_as and access lists may name. */
  public JobRoutes routes(ObjectPermissions permissions, dev.keel.catalog.Principals principals) {
    return new JobRoutes(jobs, runs, permissions, principals);
  }

  @Override
  public void close() {
    TriggerService t = triggers;
    if (t != null) {
      t.close();
    }
    scheduler.close();
  }
}
