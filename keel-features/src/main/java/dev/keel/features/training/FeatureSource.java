package dev.keel.features.training;

import dev.keel.core.KeelException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * A feature table at one exact snapshot, as the Parquet files that make it up.
 *
 * <p>A feature table holds its primary keys (the entity keys, possibly composite; they may include
 * the timeseries key), an optional timeseries (event-time) column and an optional creation-time
 * column ({@code TIMESTAMPTZ}: when the row's value became known; the table's declared
 * creation-time column, else {@code _ingested_at}, when the row was written). It breaks event-time
 * ties ({@link RowOrder}) and drives the availability filter. All other columns are features.
 * Lookups match the primary keys <em>without</em> the timeseries key (the {@linkplain #entityKeys()
 * entity keys}) and compare the spine's time with the timeseries key.
 *
 * @param table the table's full name, as lookups name it
 * @param snapshotId the snapshot these files belong to (recorded in the training set)
 * @param parquetFiles the data files, at least one; they are read in this order, which also breaks
 *     exact ties (see {@code docs/features.md})
 * @param primaryKeys the primary-key columns, in order, at least one
 * @param primaryKeyUnique true if no two rows of these files share the primary key (Keel marks a
 *     snapshot so after overwrites, upserts, a first append or an optimize that find the keys
 *     distinct, see {@code TableSnapshot#primaryKeyUnique()}): then no two rows tie on entity keys
 *     and event time, and a point-in-time lookup joins on the event time alone instead of (event
 *     time, ingestion time, read order), which is much faster. False is always safe.
 * @param timeseriesKey the event-time column ({@code TIMESTAMPTZ}), if the table is a time series
 * @param ingestionTimeColumn the creation-time column ({@code TIMESTAMPTZ}), if any
 */
public record FeatureSource(
    String table,
    long snapshotId,
    List<Path> parquetFiles,
    List<String> primaryKeys,
    boolean primaryKeyUnique,
    Optional<String> timeseriesKey,
    Optional<String> ingestionTimeColumn) {

  /** Checks the shape (names present, at least one file and one key, no duplicate keys). */
  public FeatureSource {
    if (table == null || table.isBlank()) {
      throw KeelException.invalid("table: a feature source needs a table name");
    }
    if (parquetFiles == null || parquetFiles.isEmpty()) {
      throw KeelException.invalid(
          "parquetFiles: feature table '" + table + "' has no Parquet files at this snapshot");
    }
    if (primaryKeys == null || primaryKeys.isEmpty()) {
      throw KeelException.invalid("primaryKeys: feature table '" + table + "' has no primary key");
    }
    if (new HashSet<>(primaryKeys).size() != primaryKeys.size()) {
      throw KeelException.invalid(
          "primaryKeys: feature table '" + table + "' repeats a key in " + primaryKeys);
    }
    parquetFiles = List.copyOf(parquetFiles);
    primaryKeys = List.copyOf(primaryKeys);
    timeseriesKey = timeseriesKey == null ? Optional.empty() : timeseriesKey;
    ingestionTimeColumn = ingestionTimeColumn == null ? Optional.empty() : ingestionTimeColumn;
    if (ingestionTimeColumn.isPresent() && primaryKeys.contains(ingestionTimeColumn.get())) {
      throw KeelException.invalid(
          "ingestionTimeColumn: '"
              + ingestionTimeColumn.get()
              + "' of table '"
              + table
              + "' is also a primary key");
    }
  }

  /** The primary keys without the timeseries key: what a lookup's keys are matched against. */
  public List<String> entityKeys() {
    return primaryKeys.stream()
        .filter(k -> timeseriesKey.map(t -> !t.equals(k)).orElse(true))
        .toList();
  }
}
