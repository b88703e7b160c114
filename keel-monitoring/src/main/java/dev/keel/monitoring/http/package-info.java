/**
 * Monitoring's HTTP routes: Databricks Lakehouse Monitoring's monitor API ({@link
 * dev.keel.monitoring.http.MonitorRoutes}) and Keel's alert API ({@link
 * dev.keel.monitoring.http.AlertRoutes}), each with its OpenAPI part beside it.
 */
package dev.keel.monitoring.http;
