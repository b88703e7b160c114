package dev.keel.monitoring;

import java.util.Objects;

/**
 * Databricks' {@code MonitorCronSchedule}: refreshes run by themselves on the jobs scheduler.
 *
 * @param quartzCronExpression Quartz cron, e.g. {@code 0 0 6 * * ?}
 * @param timezoneId a Java time-zone id, e.g. {@code UTC}
 * @param paused true for {@code pause_status: PAUSED}
 */
public record MonitorSchedule(String quartzCronExpression, String timezoneId, boolean paused) {
  public MonitorSchedule {
    Objects.requireNonNull(quartzCronExpression, "quartzCronExpression");
    Objects.requireNonNull(timezoneId, "timezoneId");
  }
}
