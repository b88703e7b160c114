package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * A monitor as the server describes it (Lakehouse Monitoring's {@code MonitorInfo}).
 *
 * @param tableName the monitored table, {@code catalog.schema.table}
 * @param settings what it watches and computes (send them back changed with {@link
 *     MonitorsClient#update})
 * @param status {@code MONITOR_STATUS_PENDING}, {@code MONITOR_STATUS_ACTIVE}, {@code
 *     MONITOR_STATUS_DELETE_PENDING}, {@code MONITOR_STATUS_ERROR} or {@code MONITOR_STATUS_FAILED}
 * @param profileMetricsTableName {@code <output_schema>.<table>_profile_metrics}
 * @param driftMetricsTableName {@code <output_schema>.<table>_drift_metrics}
 * @param monitorVersion bumped by every update (0 when the server sends none)
 * @param latestMonitorFailureMsg why the last refresh failed, when it did
 * @param json the server's full answer
 */
public record MonitorInfo(
    String tableName,
    MonitorSettings settings,
    String status,
    String profileMetricsTableName,
    String driftMetricsTableName,
    long monitorVersion,
    Optional<String> latestMonitorFailureMsg,
    JsonNode json) {

  /** Checks for nulls and copies the JSON. */
  public MonitorInfo {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(profileMetricsTableName, "profileMetricsTableName");
    Objects.requireNonNull(driftMetricsTableName, "driftMetricsTableName");
    Objects.requireNonNull(latestMonitorFailureMsg, "latestMonitorFailureMsg");
    json = json.deepCopy();
  }

  static MonitorInfo from(JsonNode n) {
    return new MonitorInfo(
        KeelJson.text(n, "table_name"),
        MonitorSettings.from(n),
        KeelJson.text(n, "status"),
        KeelJson.text(n, "profile_metrics_table_name"),
        KeelJson.text(n, "drift_metrics_table_name"),
        KeelJson.int64(n, "monitor_version").orElse(0),
        KeelJson.nonEmptyText(n, "latest_monitor_failure_msg"),
        n);
  }
}
