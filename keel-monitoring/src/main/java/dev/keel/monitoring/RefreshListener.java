package dev.keel.monitoring;

import dev.keel.monitoring.engine.TableData;

/**
 * Hears about each successful refresh, after both output tables are written (the alerts evaluate
 * their rules here). Called on the refresh's thread; a listener that throws is logged and does not
 * fail the refresh.
 */
@FunctionalInterface
public interface RefreshListener {
  /**
   * @param monitor the monitor as the refresh ran it
   * @param refresh the refresh (state SUCCESS)
   * @param profileMetrics the profile table as written
   * @param driftMetrics the drift table as written
   */
  void refreshed(
      MonitorInfo monitor,
      MonitorRefresh refresh,
      TableData profileMetrics,
      TableData driftMetrics);
}
