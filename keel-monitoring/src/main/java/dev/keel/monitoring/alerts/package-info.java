/**
 * Alerts over a monitor's metric tables (issue 15, item 5): rules ({@link
 * dev.keel.monitoring.alerts.AlertSpec}, mlops-stacks' "N of the latest M windows and the latest"
 * rule in {@link dev.keel.monitoring.alerts.AlertRule}), their evaluation after each refresh with
 * DuckDB over the output tables' Parquet files, firings, and the durable outbox that delivers
 * signed webhooks ({@link dev.keel.monitoring.alerts.WebhookSignature}) and starts job runs. The
 * monitor service and the jobs module are reached through interfaces this package owns ({@link
 * dev.keel.monitoring.alerts.AlertMonitors}, {@link dev.keel.monitoring.alerts.AlertJobs}).
 */
package dev.keel.monitoring.alerts;
