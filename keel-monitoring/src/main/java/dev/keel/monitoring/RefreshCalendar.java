package dev.keel.monitoring;

import java.time.Instant;
import java.util.Optional;

/**
 * When a monitor's schedule is due: Quartz cron in a time zone. The composition root implements it
 * with the jobs module's cron engine, so monitors and jobs read schedules the same way.
 */
public interface RefreshCalendar {
  /**
   * Checks a schedule before it is saved.
   *
   * @throws dev.keel.core.KeelException INVALID_ARGUMENT naming {@code
   *     schedule.quartz_cron_expression} and the reason
   */
  void check(MonitorSchedule schedule);

  /** The first time strictly after {@code after} at which the schedule fires. */
  Optional<Instant> nextAfter(MonitorSchedule schedule, Instant after);
}
