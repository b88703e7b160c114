/**
 * Model-quality metrics ({@link dev.keel.monitoring.quality.QualityMetrics}) and Databricks custom
 * metrics ({@link dev.keel.monitoring.quality.CustomMetrics}), computed in DuckDB SQL for many
 * groups (window, granularity, model id, slice) in one query. The metrics engine calls them and
 * puts their values into the profile and drift output tables; the definitions are in {@code
 * docs/monitoring.md} ("Model quality", "Custom metrics").
 */
package dev.keel.monitoring.quality;
