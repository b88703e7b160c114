package dev.keel.monitoring;

import dev.keel.core.KeelConfig;
import dev.keel.monitoring.alerts.AlertJobs;
import dev.keel.monitoring.alerts.AlertMetrics;
import dev.keel.monitoring.alerts.AlertService;
import dev.keel.monitoring.alerts.AlertSettings;
import dev.keel.monitoring.alerts.MonitorFacts;
import dev.keel.monitoring.engine.MetricsEngine;
import dev.keel.monitoring.http.AlertRoutes;
import dev.keel.monitoring.http.MonitorRoutes;
import dev.keel.store.Database;
import dev.keel.tables.TableService;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * The monitoring capability as the composition root builds it: monitor store and service, the
 * refresh runner, the alerts (evaluated after every successful refresh) and their routes. {@link
 * #start} begins running refreshes and delivering firings; {@link #close} stops (a refresh in
 * progress goes back to the queue, undelivered firings stay in the outbox).
 */
public final class Monitoring implements AutoCloseable {
  private final MonitorService service;
  private final RefreshRunner runner;
  private final AlertService alerts;

  private Monitoring(MonitorService service, RefreshRunner runner, AlertService alerts) {
    this.service = service;
    this.runner = runner;
    this.alerts = alerts;
  }

  /**
   * Opens monitoring on {@code db}, computing with {@code engine}; schedules are read by {@code
   * calendar}; alerts start job runs through {@code jobs}.
   */
  public static Monitoring open(
      Database db,
      KeelConfig config,
      TableService tables,
      MetricsEngine engine,
      RefreshCalendar calendar,
      AlertJobs jobs,
      Clock clock) {
    MonitorService service =
        new MonitorService(new JdbcMonitorStore(db), tables, engine, calendar, clock);
    RefreshRunner runner =
        new RefreshRunner(
            service,
            tables,
            engine,
            calendar,
            clock,
            config.get(MonitorSettings.REFRESH_THREADS),
            config.get(MonitorSettings.POLL_MILLIS),
            Duration.ofSeconds(config.get(MonitorSettings.LEASE_SECONDS)));
    AlertService alerts =
        new AlertService(
            db,
            table -> service.find(table).map(Monitoring::facts),
            jobs,
            AlertSettings.defaults()
                .withPrivateAddresses(config.get(MonitorSettings.WEBHOOK_PRIVATE_ADDRESSES)),
            clock);
    runner.addListener(
        (m, r, profile, drift) ->
            alerts.evaluate(
                m.spec().tableName(),
                String.valueOf(r.refreshId()),
                new AlertMetrics(profile.dataFiles(), drift.dataFiles())));
    return new Monitoring(service, runner, alerts);
  }

  private static MonitorFacts facts(MonitorInfo m) {
    MonitorSpec s = m.spec();
    java.util.List<String> granularities =
        switch (s.profile()) {
          case ProfileType.Snapshot sn -> java.util.List.of();
          case ProfileType.TimeSeries ts ->
              ts.granularities().stream().map(Granularity::text).toList();
          case ProfileType.InferenceLog il ->
              il.granularities().stream().map(Granularity::text).toList();
        };
    return new MonitorFacts(
        s.tableName(),
        granularities,
        s.baselineTableName().isPresent(),
        s.profileMetricsTableName(),
        s.driftMetricsTableName(),
        names(s, false),
        names(s, true));
  }

  private static java.util.Set<String> names(MonitorSpec s, boolean drift) {
    return s.customMetrics().stream()
        .filter(c -> (c.type() == CustomMetric.Type.CUSTOM_METRIC_TYPE_DRIFT) == drift)
        .map(CustomMetric::name)
        .collect(Collectors.toSet());
  }

  /** The monitor service. */
  public MonitorService monitors() {
    return service;
  }

  /** Adds a listener told of every successful refresh (before {@link #start}). */
  public void onRefreshed(RefreshListener listener) {
    runner.addListener(listener);
  }

  /** The monitor API's routes. */
  public MonitorRoutes monitorRoutes() {
    return new MonitorRoutes(service);
  }

  /** The alert API's routes. */
  public AlertRoutes alertRoutes() {
    return new AlertRoutes(alerts);
  }

  /** Starts running queued refreshes, due schedules and data-change refreshes, and deliveries. */
  public void start() {
    alerts.start();
    runner.start();
  }

  @Override
  public void close() {
    try {
      runner.close();
    } finally {
      alerts.close();
    }
  }
}
