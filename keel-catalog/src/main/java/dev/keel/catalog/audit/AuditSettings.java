package dev.keel.catalog.audit;

import dev.keel.core.ConfigSection;
import dev.keel.core.Setting;
import java.util.List;

/** The audit log's settings. */
public final class AuditSettings {
  private AuditSettings() {}

  /** Days an audit entry is kept; 0 keeps entries forever. */
  public static final Setting<Integer> RETENTION_DAYS =
      Setting.integer(
          "audit.retention-days",
          "Days audit-log entries are kept (deleted at start and daily); 0 keeps them forever",
          365,
          0,
          36_500);

  /** Entries held in memory while the writer commits earlier ones. */
  public static final Setting<Integer> QUEUE =
      Setting.integer(
          "audit.queue",
          "Audit-log entries held in memory while earlier ones are committed; when it is full a"
              + " request waits for room (audit.queue-wait-ms)",
          65_536,
          1_024,
          10_000_000);

  /** How long a request waits for room in a full queue before its entry is dropped and counted. */
  public static final Setting<Integer> QUEUE_WAIT_MS =
      Setting.integer(
          "audit.queue-wait-ms",
          "Milliseconds a request waits for room in a full audit-log queue before its entry is"
              + " dropped and counted in keel_audit_dropped_total",
          2_000,
          0,
          600_000);

  /** How often committed entries are appended to the {@code system.access.audit} table. */
  public static final Setting<Integer> TABLE_INTERVAL_MS =
      Setting.integer(
          "audit.table-interval-ms",
          "Milliseconds between two appends of committed audit-log entries to the"
              + " system.access.audit table (its latency; each append is one Iceberg commit)",
          60_000,
          50,
          600_000);

  /** Every audit setting. */
  public static final ConfigSection SECTION =
      new ConfigSection("audit", List.of(RETENTION_DAYS, QUEUE, QUEUE_WAIT_MS, TABLE_INTERVAL_MS));
}
