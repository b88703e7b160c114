package dev.keel.monitoring.engine;

import dev.keel.tables.Column;
import java.util.List;
import java.util.Map;

/**
 * What a refresh writes: the full contents of both output tables (kept rows and recomputed rows),
 * which the monitor service writes with one overwrite each. Row values are Java values of the
 * column types: Instant for TIMESTAMP, Long/Double/String/Boolean, {@code Map<String,Object>} for a
 * STRUCT (field name → value), {@code List<Object>} for an ARRAY, {@code Map<Object,Object>} for a
 * MAP; null for NULL.
 *
 * @param profileColumns the profile table's columns (Databricks' plus custom metrics)
 * @param profileRows its rows
 * @param driftColumns the drift table's columns
 * @param driftRows its rows
 * @param windowsRecomputed how many (granularity, window) pairs were computed from the data
 * @param windowsKept how many were kept from the previous refresh's output
 * @param rowsRead rows of the monitored table read
 */
public record RefreshOutput(
    List<Column> profileColumns,
    List<Map<String, Object>> profileRows,
    List<Column> driftColumns,
    List<Map<String, Object>> driftRows,
    int windowsRecomputed,
    int windowsKept,
    long rowsRead) {}
