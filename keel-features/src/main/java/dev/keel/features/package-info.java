/**
 * Feature store: feature tables (tables with primary keys and an optional timeseries key),
 * point-in-time training sets built on DuckDB, feature specs, and the online store.
 */
package dev.keel.features;
