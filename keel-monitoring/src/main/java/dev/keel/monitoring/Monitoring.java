package dev.keel.monitoring;

import dev.keel.core.KeelConfig;
import dev.keel.monitoring.engine.MetricsEngine;
import dev.keel.monitoring.http.MonitorRoutes;
import dev.keel.store.Database;
import dev.keel.tables.TableService;
import java.time.Clock;
import java.time.Duration;

/**
 * The monitoring capability as the composition root builds it: store, service, refresh runner and
 * routes. {@link #start} begins running refreshes; {@link #close} stops (a refresh in progress goes
 * back to the queue).
 */
public final class Monitoring implements AutoCloseable {
  private final MonitorService service;
  private final RefreshRunner runner;

  private Monitoring(MonitorService service, RefreshRunner runner) {
    this.service = service;
    this.runner = runner;
  }

  /**
   * Opens monitoring on {@code db}, computing with {@code engine}; schedules are read by {@code
   * calendar}.
   */
  public static Monitoring open(
      Database db,
      KeelConfig config,
      TableService tables,
      MetricsEngine engine,
      RefreshCalendar calendar,
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
    return new Monitoring(service, runner);
  }

  /** The monitor service. */
  public MonitorService monitors() {
    return service;
  }

  /** Adds a listener told of every successful refresh (before {@link #start}). */
  public void onRefreshed(RefreshListener listener) {
    runner.addListener(listener);
  }

  /** The HTTP routes. */
  public MonitorRoutes routes() {
    return new MonitorRoutes(service);
  }

  /** Starts running queued refreshes, due schedules and data-change refreshes. */
  public void start() {
    runner.start();
  }

  @Override
  public void close() {
    runner.close();
  }
}
