package dev.keel.monitoring;

import dev.keel.core.ConfigSection;
import dev.keel.core.Setting;
import java.util.List;

/** The {@code monitoring} configuration section. */
public final class MonitorSettings {
  /** Refreshes one server runs at once. */
  public static final Setting<Integer> REFRESH_THREADS =
      Setting.integer(
          "monitoring.refresh-threads",
          "Monitor refreshes one server runs at once (each uses DuckDB on up to 4 cores)",
          1,
          1,
          64);

  /** How often due schedules, data changes and queued refreshes are looked for. */
  public static final Setting<Integer> POLL_MILLIS =
      Setting.integer(
          "monitoring.poll-ms",
          "Milliseconds between looks for due monitor schedules, table changes and queued"
              + " refreshes (a refresh asked of this server starts at once)",
          1_000,
          50,
          600_000);

  /** How long a running refresh's claim lasts without a heartbeat. */
  public static final Setting<Integer> LEASE_SECONDS =
      Setting.integer(
          "monitoring.lease-seconds",
          "Seconds a running refresh stays claimed by a server that stopped renewing it; then"
              + " another server runs it again",
          60,
          5,
          3_600);

  /** The section. */
  public static final ConfigSection SECTION =
      new ConfigSection("monitoring", List.of(REFRESH_THREADS, POLL_MILLIS, LEASE_SECONDS));

  private MonitorSettings() {}
}
