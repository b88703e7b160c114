package dev.keel.server;

import dev.keel.core.KeelException;
import dev.keel.jobs.trigger.QuartzCron;
import dev.keel.monitoring.MonitorSchedule;
import dev.keel.monitoring.RefreshCalendar;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/** Monitor schedules read by the jobs module's Quartz cron engine. */
final class MonitorCalendar implements RefreshCalendar {
  @Override
  public void check(MonitorSchedule schedule) {
    cron(schedule);
  }

  @Override
  public Optional<Instant> nextAfter(MonitorSchedule schedule, Instant after) {
    return cron(schedule).nextAfter(after);
  }

  private static QuartzCron cron(MonitorSchedule s) {
    try {
      return QuartzCron.parse(s.quartzCronExpression(), ZoneId.of(s.timezoneId()));
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid("schedule.quartz_cron_expression: " + e.getMessage());
    }
  }
}
