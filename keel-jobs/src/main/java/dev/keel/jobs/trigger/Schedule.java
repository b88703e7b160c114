package dev.keel.jobs.trigger;

/**
 * A job's {@code schedule}: a Quartz cron expression (with seconds and {@code ?}) in a time zone.
 *
 * @param quartzCronExpression e.g. {@code 0 0 9 * * ?} for 09:00 every day
 * @param timezoneId a Java time-zone id, e.g. {@code Europe/Amsterdam}; {@code UTC} when absent
 * @param paused {@code pause_status} PAUSED
 */
public record Schedule(String quartzCronExpression, String timezoneId, boolean paused) {}
