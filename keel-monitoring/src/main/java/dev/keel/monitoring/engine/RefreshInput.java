package dev.keel.monitoring.engine;

import dev.keel.monitoring.MonitorSpec;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one refresh reads.
 *
 * @param spec the monitor
 * @param monitorVersion written into every output row ({@code monitor_version})
 * @param input the monitored table now
 * @param baseline the baseline table now, when the monitor has one
 * @param labels the label table now, when the monitor joins labels ({@link MonitorSpec#labels})
 * @param previous what the last successful refresh read and wrote, when there was one and its
 *     output tables still exist: an incremental refresh recomputes only the windows whose rows (or
 *     labels) changed since and keeps the other rows of {@link Previous#profileMetrics} / {@link
 *     Previous#driftMetrics}
 * @param now the refresh's time (snapshot monitors' window is {@code [now, now)}… see docs)
 */
public record RefreshInput(
    MonitorSpec spec,
    long monitorVersion,
    TableData input,
    Optional<TableData> baseline,
    Optional<TableData> labels,
    Optional<Previous> previous,
    Instant now) {
  public RefreshInput {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(now, "now");
  }

  /**
   * The last successful refresh.
   *
   * @param monitorVersion the monitor version it ran with (a different version means a full
   *     recompute: the spec changed)
   * @param input the monitored table as it read it
   * @param baselineSnapshotId the baseline snapshot it read (0 for none); another one means every
   *     window's baseline drift is recomputed
   * @param labels the label table as it read it
   * @param profileMetrics the profile output table now (rows to keep)
   * @param driftMetrics the drift output table now (rows to keep)
   */
  public record Previous(
      long monitorVersion,
      TableData input,
      long baselineSnapshotId,
      Optional<TableData> labels,
      TableData profileMetrics,
      TableData driftMetrics) {
    public Previous {
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(labels, "labels");
      Objects.requireNonNull(profileMetrics, "profileMetrics");
      Objects.requireNonNull(driftMetrics, "driftMetrics");
    }
  }
}
