package dev.keel.features;

import dev.keel.tables.TableInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A feature table: a Keel table with primary keys (and, usually, a timeseries key and ingestion
 * times), registered with the feature store.
 *
 * @param table the table
 * @param entityKeys the primary keys without the timeseries key: what lookups match on
 * @param features the feature columns with their metadata
 * @param description free text, when set
 * @param tags key → value labels
 * @param maxAge the table's online max age, when set
 * @param owner owning principal
 * @param createdAt when it was registered, ms since the epoch
 * @param createdBy who registered it
 * @param updatedAt last metadata change, ms since the epoch
 * @param updatedBy who changed it last
 * @param creationTimeColumn the column holding each row's creation time, which breaks event-time
 *     ties and drives the availability filter: the one the table declared, else {@code
 *     _ingested_at} when the table has it, else none
 */
public record FeatureTable(
    TableInfo table,
    List<String> entityKeys,
    List<Feature> features,
    Optional<String> description,
    Map<String, String> tags,
    Optional<Duration> maxAge,
    String owner,
    long createdAt,
    String createdBy,
    long updatedAt,
    String updatedBy,
    Optional<String> creationTimeColumn) {
  public FeatureTable {
    Objects.requireNonNull(table, "table");
    entityKeys = List.copyOf(entityKeys);
    features = List.copyOf(features);
    Objects.requireNonNull(description, "description");
    tags = Map.copyOf(tags);
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(creationTimeColumn, "creationTimeColumn");
  }

  /** {@code catalog.schema.table}. */
  public String fullName() {
    return table.fullName();
  }

  /** The feature called {@code name}, if the table has one. */
  public Optional<Feature> feature(String name) {
    return features.stream().filter(f -> f.name().equals(name)).findFirst();
  }
}
