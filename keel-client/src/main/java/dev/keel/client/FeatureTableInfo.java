package dev.keel.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A feature table: a table with primary keys (and optionally a timeseries key) plus feature
 * metadata.
 *
 * @param name {@code catalog.schema.table}
 * @param entityKeys the primary keys without the timeseries key
 * @param primaryKeys the primary keys
 * @param timeseriesKey the event-time column, for time series feature tables
 * @param features the features (non-key columns)
 * @param description the table's description
 * @param tags its tags
 * @param maxAge default max age online
 * @param owner its owner
 * @param createdAt creation time, epoch ms
 * @param createdBy who created it
 * @param updatedAt last metadata update, epoch ms
 * @param updatedBy who made it
 * @param table the underlying table
 * @param creationTimeColumn the column that breaks event-time ties and drives the availability
 *     filter: the declared creation-time column, else {@code _ingested_at} when the table has it
 */
public record FeatureTableInfo(
    String name,
    List<String> entityKeys,
    List<String> primaryKeys,
    Optional<String> timeseriesKey,
    List<FeatureInfo> features,
    Optional<String> description,
    Map<String, String> tags,
    Optional<Duration> maxAge,
    String owner,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy,
    TableInfo table,
    Optional<String> creationTimeColumn) {
  public FeatureTableInfo {
    entityKeys = List.copyOf(entityKeys);
    primaryKeys = List.copyOf(primaryKeys);
    features = List.copyOf(features);
    tags = Map.copyOf(tags);
  }

  /** The feature names, in column order. */
  public List<String> featureNames() {
    return features.stream().map(FeatureInfo::name).toList();
  }
}
