package dev.keel.monitoring.alerts;

import dev.keel.core.ErrorCode;
import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.PageToken;
import dev.keel.monitoring.Granularity;
import dev.keel.monitoring.alerts.AlertSpec.MetricTable;
import dev.keel.monitoring.alerts.AlertSpec.RunJob;
import dev.keel.monitoring.alerts.Firing.JobAction;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Alerts over a monitor's metric tables: their rules (create, read, update, delete), their
 * evaluation after each refresh ({@link #evaluate}), and their firings, whose webhook deliveries
 * and job runs go through a durable outbox in the metadata database (written in the firing's
 * transaction, worked off by a background thread: {@link #start}).
 *
 * <p>Firing: an evaluation that finds the rule violated while the alert is {@code OK} or {@code
 * UNKNOWN} moves it to {@code TRIGGERED} and records one firing. While it stays {@code TRIGGERED}
 * later evaluations fire nothing; an evaluation that finds it {@code OK} re-arms it.
 */
public final class AlertService implements AutoCloseable {
  /** The largest page of alerts or firings. */
  public static final int MAX_RESULTS = 100;

  private final JdbcAlertStore store;
  private final AlertMonitors monitors;
  private final AlertJobs jobs;
  private final AlertSettings settings;
  private final Clock clock;
  private final AlertOutbox outbox;

  /**
   * The outcome of evaluating one alert.
   *
   * @param alertId the alert
   * @param state its state after the evaluation
   * @param firingId the firing recorded, when it fired
   */
  public record Evaluated(String alertId, AlertState state, Optional<String> firingId) {}

  /** A service on the system clock. */
  public AlertService(Database db, AlertMonitors monitors, AlertJobs jobs, AlertSettings settings) {
    this(db, monitors, jobs, settings, Clock.systemUTC());
  }

  /** A service reading time from {@code clock} (tests). */
  public AlertService(
      Database db, AlertMonitors monitors, AlertJobs jobs, AlertSettings settings, Clock clock) {
    this.store = new JdbcAlertStore(Objects.requireNonNull(db, "db"));
    this.monitors = Objects.requireNonNull(monitors, "monitors");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.outbox = new AlertOutbox(store, jobs, settings, clock);
  }

  /** Starts the background outbox worker (deliveries due, including those left by a crash). */
  public void start() {
    outbox.start();
  }

  /** Stops the background worker; rows still due stay in the outbox for the next start. */
  @Override
  public void close() {
    outbox.close();
  }

  /**
   * Creates an alert owned by {@code caller}.
   *
   * @throws KeelException NOT_FOUND when the table has no monitor, INVALID_ARGUMENT naming a bad
   *     field, PERMISSION_DENIED when {@code caller} may not run the job
   */
  public Alert create(AlertInput in, String caller) {
    String table =
        in.tableName()
            .filter(t -> !t.isBlank())
            .orElseThrow(() -> KeelException.missing("table_name"));
    MonitorFacts facts = facts(table);
    AlertSpec spec =
        AlertRequests.resolve(in, Optional.empty(), facts, settings.allowPrivateAddresses());
    spec.runJob().ifPresent(r -> jobs.checkCanRun(r.jobId(), caller));
    long now = clock.millis();
    Alert a =
        new Alert(
            Ids.hex32(),
            spec,
            AlertState.UNKNOWN,
            OptionalLong.empty(),
            Optional.empty(),
            caller,
            now,
            now);
    store.insert(a);
    return a;
  }

  /** An alert; NOT_FOUND when there is none. */
  public Alert get(String alertId) {
    return store.get(alertId).orElseThrow(() -> unknown(alertId));
  }

  /** Alerts of one table or of all, ordered by id, paged. */
  public Page<Alert> list(Optional<String> tableName, int maxResults, Optional<String> pageToken) {
    int limit = limit(maxResults);
    Optional<String> after = PageToken.after(pageToken);
    List<Alert> rows = store.list(tableName, after, limit + 1);
    Optional<String> next = Optional.empty();
    if (rows.size() > limit) {
      rows = rows.subList(0, limit);
      next = Optional.of(PageToken.ofName(rows.get(limit - 1).alertId()));
    }
    return new Page<>(List.copyOf(rows), next);
  }

  /**
   * Changes the fields {@code in} gives (see {@link AlertInput}). A changed rule (metric, rows,
   * comparison or evaluation) puts the alert back to {@code UNKNOWN}, re-armed.
   *
   * @throws KeelException INVALID_ARGUMENT for a bad field or a changed {@code table_name}
   */
  public Alert update(String alertId, AlertInput in, String caller) {
    Alert a = get(alertId);
    AlertSpec old = a.spec();
    if (in.tableName().isPresent() && !in.tableName().get().equalsIgnoreCase(old.tableName())) {
      throw KeelException.invalid("table_name: an alert's table cannot be changed");
    }
    MonitorFacts facts = facts(old.tableName());
    AlertSpec spec =
        AlertRequests.resolve(in, Optional.of(old), facts, settings.allowPrivateAddresses());
    Optional<Long> newJob = spec.runJob().map(RunJob::jobId);
    if (newJob.isPresent() && !newJob.equals(old.runJob().map(RunJob::jobId))) {
      jobs.checkCanRun(newJob.get(), caller);
    }
    boolean ruleChanged =
        !(spec.metric().equals(old.metric())
            && spec.columnName().equals(old.columnName())
            && spec.sliceKey().equals(old.sliceKey())
            && spec.sliceValue().equals(old.sliceValue())
            && spec.modelId().equals(old.modelId())
            && spec.granularity().equals(old.granularity())
            && spec.driftType().equals(old.driftType())
            && spec.op() == old.op()
            && Double.compare(spec.threshold(), old.threshold()) == 0
            && spec.evaluation().equals(old.evaluation()));
    if (!store.update(alertId, spec, ruleChanged, clock.millis())) {
      throw unknown(alertId);
    }
    return get(alertId);
  }

  /** Deletes an alert with its firings and undelivered outbox rows. */
  public void delete(String alertId) {
    if (!store.delete(alertId)) {
      throw unknown(alertId);
    }
  }

  /** An alert's firings, newest first, paged. */
  public Page<Firing> firings(String alertId, int maxResults, Optional<String> pageToken) {
    get(alertId);
    int limit = limit(maxResults);
    long offset = PageToken.offset(pageToken);
    List<Firing> rows = store.firings(alertId, offset, limit + 1);
    Optional<String> next = Optional.empty();
    if (rows.size() > limit) {
      rows = rows.subList(0, limit);
      next = Optional.of(PageToken.ofOffset(offset + limit));
    }
    return new Page<>(List.copyOf(rows), next);
  }

  /**
   * Evaluates every alert of {@code tableName} on the output tables a refresh wrote. Never throws
   * for one alert: one whose metric cannot be read becomes {@code UNKNOWN} with {@code last_error}.
   * Firings are committed (with their outbox rows) before this returns; the deliveries and job runs
   * happen on the outbox worker.
   *
   * @param tableName the monitored table (the name alerts were saved with)
   * @param refreshId the refresh that wrote the metrics (recorded on firings)
   * @param metrics the Parquet files of the two output tables' current snapshots
   */
  public List<Evaluated> evaluate(String tableName, String refreshId, AlertMetrics metrics) {
    List<Evaluated> out = new ArrayList<>();
    Optional<String> after = Optional.empty();
    while (true) {
      List<Alert> page = store.list(Optional.of(tableName), after, 500);
      for (Alert a : page) {
        out.add(evaluateOne(a, refreshId, metrics));
      }
      if (page.size() < 500) {
        break;
      }
      after = Optional.of(page.get(page.size() - 1).alertId());
    }
    if (out.stream().anyMatch(e -> e.firingId().isPresent())) {
      outbox.wake();
    }
    return out;
  }

  private Evaluated evaluateOne(Alert a, String refreshId, AlertMetrics metrics) {
    AlertSpec s = a.spec();
    List<Path> files =
        s.table() == MetricTable.PROFILE ? metrics.profileFiles() : metrics.driftFiles();
    AlertRule.Verdict verdict;
    Optional<String> error = Optional.empty();
    try {
      List<WindowValue> rows = MetricReader.read(files, s, s.evaluation().windows());
      verdict =
          AlertRule.judge(
              AlertRule.latestWindows(rows, granularity(s), s.evaluation().windows()),
              s.op(),
              s.threshold(),
              s.evaluation());
      if (verdict.state() == AlertState.UNKNOWN) {
        error = Optional.of("no metric rows match the alert");
      }
    } catch (MetricReader.Unavailable e) {
      verdict = new AlertRule.Verdict(AlertState.UNKNOWN, List.of(), 0);
      error = Optional.of(e.getMessage());
    } catch (SQLException | RuntimeException e) {
      verdict = new AlertRule.Verdict(AlertState.UNKNOWN, List.of(), 0);
      error = Optional.of("cannot read the metric: " + e.getMessage());
    }
    long now = clock.millis();
    if (verdict.state() == AlertState.TRIGGERED && a.state() != AlertState.TRIGGERED) {
      Firing f = firing(a, refreshId, verdict, now);
      Alert triggered =
          new Alert(
              a.alertId(),
              s,
              AlertState.TRIGGERED,
              OptionalLong.of(now),
              Optional.empty(),
              a.createdBy(),
              a.createdAtMs(),
              a.updatedAtMs());
      String body = AlertJson.webhookBody(triggered, f);
      List<JdbcAlertStore.NewDelivery> deliveries = new ArrayList<>();
      for (AlertSpec.Webhook w : s.webhooks()) {
        deliveries.add(new JdbcAlertStore.NewDelivery(Ids.hex32(), w.url(), w.secret(), body));
      }
      Optional<String> params = s.runJob().map(r -> SpecCodec.writeParams(jobParameters(a, f, r)));
      if (store.fire(a.alertId(), a.state(), f, params, a.createdBy(), deliveries)) {
        return new Evaluated(a.alertId(), AlertState.TRIGGERED, Optional.of(f.firingId()));
      }
      return new Evaluated(a.alertId(), current(a), Optional.empty());
    }
    store.evaluated(a.alertId(), a.state(), verdict.state(), now, error);
    return new Evaluated(a.alertId(), verdict.state(), Optional.empty());
  }

  private AlertState current(Alert a) {
    return store.get(a.alertId()).map(Alert::state).orElse(AlertState.UNKNOWN);
  }

  private static Firing firing(Alert a, String refreshId, AlertRule.Verdict v, long now) {
    Optional<JobAction> job =
        a.spec()
            .runJob()
            .map(
                r ->
                    new JobAction(
                        r.jobId(),
                        JobAction.State.PENDING,
                        OptionalLong.empty(),
                        0,
                        Optional.empty()));
    return new Firing(
        Ids.hex32(), a.alertId(), now, refreshId, v.latest(), v.windows(), job, List.of());
  }

  /**
   * The parameters of the job run a firing starts: the alert's {@code job_parameters}, then
   * (overriding same-named ones) {@code alert_id}, {@code alert_name}, {@code table_name}, {@code
   * metric}, {@code value}, {@code threshold}, {@code window_start}, {@code window_end} (ISO-8601
   * UTC) and {@code firing_id}.
   */
  static Map<String, String> jobParameters(Alert a, Firing f, RunJob r) {
    Map<String, String> p = new LinkedHashMap<>(r.jobParameters());
    AlertSpec s = a.spec();
    p.put("alert_id", a.alertId());
    p.put("alert_name", s.name());
    p.put("table_name", s.tableName());
    p.put("metric", s.metric());
    p.put(
        "value",
        f.latest().value().isPresent() ? Double.toString(f.latest().value().getAsDouble()) : "");
    p.put("threshold", Double.toString(s.threshold()));
    p.put("window_start", Instant.ofEpochMilli(f.latest().startMs()).toString());
    p.put("window_end", Instant.ofEpochMilli(f.latest().endMs()).toString());
    p.put("firing_id", f.firingId());
    return p;
  }

  /**
   * Makes one pass over the outbox now (deliveries and job starts due), on the calling thread.
   *
   * @return how many attempts were made
   */
  public int deliverDue() {
    return outbox.pass();
  }

  private static Optional<Granularity> granularity(AlertSpec s) {
    try {
      return s.granularity().map(g -> Granularity.parse("granularity", g));
    } catch (KeelException e) {
      return Optional.empty();
    }
  }

  private MonitorFacts facts(String table) {
    return monitors
        .monitor(table)
        .orElseThrow(
            () ->
                new KeelException(
                    ErrorCode.NOT_FOUND, "table_name: table " + table + " has no monitor."));
  }

  private static int limit(int maxResults) {
    if (maxResults < 0) {
      throw KeelException.invalid("max_results: must not be negative");
    }
    return maxResults == 0 ? MAX_RESULTS : Math.min(maxResults, MAX_RESULTS);
  }

  private static KeelException unknown(String alertId) {
    return new KeelException(
        ErrorCode.NOT_FOUND,
        "Alert '"
            + (alertId.length() > 64 ? alertId.substring(0, 64) + "..." : alertId)
            + "' does not exist.");
  }
}
