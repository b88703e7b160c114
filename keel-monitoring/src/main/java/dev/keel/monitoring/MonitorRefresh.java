package dev.keel.monitoring;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One refresh of a monitor: Databricks' {@code MonitorRefreshInfo} plus what Keel records for the
 * next incremental refresh.
 *
 * @param refreshId its id
 * @param tableName the monitored table
 * @param state PENDING, RUNNING, then SUCCESS, FAILED or CANCELED
 * @param trigger MANUAL, SCHEDULE or DATA_CHANGE
 * @param monitorVersion the monitor version it was requested under
 * @param startTime when it was requested
 * @param endTime when it ended
 * @param message why it failed or was canceled, or what it computed
 * @param inputSnapshotId the monitored table's snapshot a SUCCESS read
 * @param baselineSnapshotId the baseline snapshot a SUCCESS read
 * @param labelSnapshotId the label table's snapshot a SUCCESS read
 */
public record MonitorRefresh(
    long refreshId,
    String tableName,
    State state,
    Trigger trigger,
    long monitorVersion,
    Instant startTime,
    Optional<Instant> endTime,
    Optional<String> message,
    OptionalLong inputSnapshotId,
    OptionalLong baselineSnapshotId,
    OptionalLong labelSnapshotId) {
  public MonitorRefresh {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(endTime, "endTime");
    Objects.requireNonNull(message, "message");
  }

  /** Databricks' refresh states. */
  public enum State {
    PENDING,
    RUNNING,
    SUCCESS,
    FAILED,
    CANCELED;

    /** True once the refresh has ended. */
    public boolean ended() {
      return this == SUCCESS || this == FAILED || this == CANCELED;
    }
  }

  /** What started a refresh. */
  public enum Trigger {
    MANUAL,
    SCHEDULE,
    DATA_CHANGE
  }
}
