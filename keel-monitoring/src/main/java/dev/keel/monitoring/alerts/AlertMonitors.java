package dev.keel.monitoring.alerts;

import java.util.Optional;

/**
 * What alerts need to know about monitors; implemented by the monitor service (wired in the
 * composition root), so the alert package does not depend on how monitors are stored.
 */
@FunctionalInterface
public interface AlertMonitors {
  /**
   * The facts of the monitor on {@code tableName} (a monitored table's full name, {@code
   * catalog.schema.table}, as the caller spelled it); empty when the table has no monitor.
   */
  Optional<MonitorFacts> monitor(String tableName);
}
