package dev.keel.monitoring;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A saved monitor.
 *
 * @param spec its configuration
 * @param status Databricks' {@code MONITOR_STATUS_*}: ACTIVE once saved; ERROR while its latest
 *     refresh failed (and {@link #failureMsg} says why); back to ACTIVE after a successful refresh
 * @param monitorVersion 1 at create, bumped by every update
 * @param failureMsg {@code latest_monitor_failure_msg}
 * @param nextRefreshAt when the schedule is next due (empty: no schedule, or paused)
 * @param createdBy who created it
 * @param createdAt when
 * @param updatedAt when last changed
 */
public record MonitorInfo(
    MonitorSpec spec,
    Status status,
    long monitorVersion,
    Optional<String> failureMsg,
    Optional<Instant> nextRefreshAt,
    String createdBy,
    Instant createdAt,
    Instant updatedAt) {
  public MonitorInfo {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(failureMsg, "failureMsg");
    Objects.requireNonNull(nextRefreshAt, "nextRefreshAt");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** Databricks' monitor states Keel uses. */
  public enum Status {
    MONITOR_STATUS_ACTIVE,
    MONITOR_STATUS_ERROR
  }
}
