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

  /** Whether alert webhooks may target private, loopback and link-local addresses. */
  public static final Setting<Boolean> WEBHOOK_PRIVATE_ADDRESSES =
      new Setting<>(
          "monitoring.webhook-private-addresses",
          "Allow alert webhooks to private, loopback and link-local addresses (true/false; off by"
              + " default: a webhook must not reach into the server's own network)",
          false,
          s ->
              switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "on", "yes", "1" -> true;
                case "false", "off", "no", "0" -> false;
                default -> throw new IllegalArgumentException("must be true or false");
              });

  /** The section. */
  public static final ConfigSection SECTION =
      new ConfigSection(
          "monitoring",
          List.of(REFRESH_THREADS, POLL_MILLIS, LEASE_SECONDS, WEBHOOK_PRIVATE_ADDRESSES));

  private MonitorSettings() {}
}
