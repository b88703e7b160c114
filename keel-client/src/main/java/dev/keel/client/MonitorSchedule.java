package dev.keel.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * When a monitor refreshes by itself (Databricks' {@code MonitorCronSchedule}).
 *
 * @param quartzCronExpression a Quartz cron expression, e.g. {@code 0 0 6 * * ?}
 * @param timezoneId the time zone it is read in, e.g. {@code UTC}
 * @param pauseStatus {@code UNPAUSED} or {@code PAUSED}
 */
public record MonitorSchedule(String quartzCronExpression, String timezoneId, String pauseStatus) {
  /** Checks for nulls. */
  public MonitorSchedule {
    Objects.requireNonNull(quartzCronExpression, "quartzCronExpression");
    Objects.requireNonNull(timezoneId, "timezoneId");
    Objects.requireNonNull(pauseStatus, "pauseStatus");
  }

  /** An unpaused schedule. */
  public static MonitorSchedule of(String quartzCronExpression, String timezoneId) {
    return new MonitorSchedule(quartzCronExpression, timezoneId, "UNPAUSED");
  }

  /** Whether the schedule is paused. */
  public boolean paused() {
    return pauseStatus.equals("PAUSED");
  }

  /** The schedule as the API sends it. */
  public ObjectNode toJson() {
    return KeelJson.object()
        .put("quartz_cron_expression", quartzCronExpression)
        .put("timezone_id", timezoneId)
        .put("pause_status", pauseStatus);
  }
}
