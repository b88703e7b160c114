package dev.keel.features;

import dev.keel.features.training.FeatureSource;
import dev.keel.features.training.FeatureSourceResolver;
import dev.keel.tables.Column;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSnapshot;
import java.util.List;
import java.util.Optional;

/** Feature tables for the training-set engine: a Keel table's snapshot as its data files. */
final class TableFeatureSources implements FeatureSourceResolver {
  static final String INGESTED_AT = "_ingested_at";

  private final TableService tables;
  private final FeatureMetadataStore meta;

  TableFeatureSources(TableService tables, FeatureMetadataStore meta) {
    this.tables = tables;
    this.meta = meta;
  }

  @Override
  public FeatureSource resolve(String table) {
    return source(tables.resolve(table, new SnapshotRef.Latest()));
  }

  @Override
  public FeatureSource resolveAt(String table, long snapshotId) {
    return source(tables.resolve(table, new SnapshotRef.Id(snapshotId)));
  }

  /** {@code s} as a feature source; its creation-time column comes from the table's metadata. */
  FeatureSource source(TableSnapshot s) {
    Optional<String> creation = creationTimeColumn(s.fullName(), s.columns());
    return new FeatureSource(
        s.fullName(),
        s.snapshotId(),
        s.dataFiles(),
        s.primaryKeys(),
        s.primaryKeyUnique(),
        s.timeseriesKey(),
        creation);
  }

  /**
   * The creation-time column of a table: the one it declared when it was made a feature table, else
   * {@code _ingested_at} when it has it.
   */
  Optional<String> creationTimeColumn(String fullName, List<Column> columns) {
    Optional<String> declared =
        meta.get(tables.get(fullName).tableId())
            .flatMap(FeatureMetadataStore.Registration::creationTimeColumn);
    return declared.or(() -> defaultCreationTime(columns));
  }

  /** {@code _ingested_at} when {@code columns} has it. */
  static Optional<String> defaultCreationTime(List<Column> columns) {
    return columns.stream().anyMatch(c -> c.name().equals(INGESTED_AT))
        ? Optional.of(INGESTED_AT)
        : Optional.empty();
  }
}
