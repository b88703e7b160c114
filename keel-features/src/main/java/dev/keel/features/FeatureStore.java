package dev.keel.features;

import dev.keel.catalog.Viewer;
import dev.keel.core.Page;
import dev.keel.features.online.EntityRows;
import dev.keel.features.online.OnlineFeatures;
import dev.keel.features.online.OnlineStore;
import dev.keel.features.training.FeatureLookup;
import dev.keel.features.training.OnDemandRegistry;
import dev.keel.features.training.TrainingSet;
import dev.keel.features.training.TrainingSetEngine;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import dev.keel.tables.WriteResult;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.ArtifactStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The feature store: feature tables (Keel tables with primary keys, plus metadata), point-in-time
 * training sets built from them (written as tables, streamed, logged to runs and rebuilt from
 * runs), feature specs, and publishing to and reading from the online store.
 *
 * <p>A facade: each method hands over to one of four services (feature tables, training sets,
 * feature specs, online), which share the online lookups' metadata cache.
 *
 * <p>Thread-safe. Close it to release the training-set engine's DuckDB database (the tables, the
 * metadata store and the online store are the caller's to close).
 */
public final class FeatureStore implements AutoCloseable {
  /** Where a training set's record is kept among its run's artifacts. */
  public static final String RECORD_ARTIFACT = "keel/training_set.json";

  /** The dataset source type of Keel tables in run inputs. */
  public static final String SOURCE_TYPE = "keel_table";

  private final TrainingSetEngine engine;
  private final FeatureTableService featureTables;
  private final TrainingSetService trainingSets;
  private final FeatureSpecService specs;
  private final OnlineFeatureService onlineFeatures;

  /**
   * @param tables the table service feature tables live in
   * @param meta feature metadata
   * @param tracking runs that training sets are logged to
   * @param artifacts run artifacts (training-set records)
   * @param online the online store
   * @param onlineName how publish states name that store ({@code embedded}, a Redis address)
   * @param onDemand on-demand feature functions, by name
   * @param options the training-set engine's DuckDB settings
   * @param clock time
   */
  public FeatureStore(
      TableService tables,
      FeatureMetadataStore meta,
      TrackingService tracking,
      ArtifactStore artifacts,
      OnlineStore online,
      String onlineName,
      OnDemandRegistry onDemand,
      TrainingSetEngine.Options options,
      Clock clock) {
    Objects.requireNonNull(tables, "tables");
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(tracking, "tracking");
    Objects.requireNonNull(artifacts, "artifacts");
    Objects.requireNonNull(online, "online");
    Objects.requireNonNull(onlineName, "onlineName");
    Objects.requireNonNull(clock, "clock");
    OnlineMetadataCache cache = new OnlineMetadataCache();
    TableFeatureSources sources = new TableFeatureSources(tables, meta);
    this.engine = new TrainingSetEngine(sources, onDemand, options);
    this.featureTables = new FeatureTableService(tables, meta, online, cache, clock);
    this.trainingSets = new TrainingSetService(tables, featureTables, tracking, artifacts, engine);
    this.specs = new FeatureSpecService(meta, featureTables, cache, clock);
    this.onlineFeatures =
        new OnlineFeatureService(
            tables, meta, online, onlineName, featureTables, specs, cache, clock, sources);
  }

  /** Releases the training-set engine's database; training sets still open fail when used. */
  @Override
  public void close() {
    engine.close();
  }

  // ---------------------------------------------------------------- feature tables

  /**
   * Creates a feature table: a Keel table with the given primary keys, optional timeseries key and
   * an ingestion-time column, registered with {@code metadata}.
   */
  public FeatureTable createFeatureTable(TableSpec spec, FeatureMetadata metadata) {
    return featureTables.create(spec, metadata, Optional.empty());
  }

  /**
   * Creates a feature table whose rows carry their own creation time in {@code creationTimeColumn}
   * (Feast's {@code created_timestamp_column}; a TIMESTAMP column that is not a key): it breaks
   * event-time ties and drives the availability filter instead of {@code _ingested_at}, so
   * backfilled history can say when each value really became known.
   */
  public FeatureTable createFeatureTable(
      TableSpec spec, FeatureMetadata metadata, Optional<String> creationTimeColumn) {
    return featureTables.create(spec, metadata, creationTimeColumn);
  }

  /** As above, the table owned by its creator {@code owner}. */
  public FeatureTable createFeatureTable(
      TableSpec spec, FeatureMetadata metadata, Optional<String> creationTimeColumn, String owner) {
    return featureTables.create(spec, metadata, creationTimeColumn, owner);
  }

  /**
   * Makes an existing table with primary keys a feature table. Without an ingestion-time column its
   * training sets cannot use the availability filter.
   */
  public FeatureTable registerFeatureTable(String fullName, FeatureMetadata metadata) {
    return featureTables.register(
        fullName, metadata, Optional.empty(), List.of(), Optional.empty());
  }

  /**
   * Makes an existing table with primary keys a feature table whose creation time is in {@code
   * creationTimeColumn} (see {@link #createFeatureTable(TableSpec, FeatureMetadata, Optional)}).
   */
  public FeatureTable registerFeatureTable(
      String fullName, FeatureMetadata metadata, Optional<String> creationTimeColumn) {
    return featureTables.register(
        fullName, metadata, creationTimeColumn, List.of(), Optional.empty());
  }

  /**
   * As {@link #registerFeatureTable(String, FeatureMetadata, Optional)}, from a request that also
   * names keys: registering keeps the table's own keys, so {@code primaryKeys} (unless empty) and
   * {@code timeseriesKey} (when given) must be the table's, else INVALID_ARGUMENT and nothing is
   * registered (they are never silently ignored).
   */
  public FeatureTable registerFeatureTable(
      String fullName,
      FeatureMetadata metadata,
      Optional<String> creationTimeColumn,
      List<String> primaryKeys,
      Optional<String> timeseriesKey) {
    return featureTables.register(
        fullName, metadata, creationTimeColumn, primaryKeys, timeseriesKey);
  }

  /** A feature table; NOT_FOUND for an unknown table or one that is not a feature table. */
  public FeatureTable getFeatureTable(String fullName) {
    return featureTables.get(fullName);
  }

  /** The feature tables of a schema, by name (one page of its tables). */
  public Page<FeatureTable> listFeatureTables(
      String catalogName, String schemaName, OptionalLong maxResults, Optional<String> pageToken) {
    return featureTables.list(catalogName, schemaName, maxResults, pageToken, Viewer.ALL);
  }

  /** As above, only the feature tables {@code viewer} may see (tables filtered before paging). */
  public Page<FeatureTable> listFeatureTables(
      String catalogName,
      String schemaName,
      OptionalLong maxResults,
      Optional<String> pageToken,
      Viewer viewer) {
    return featureTables.list(catalogName, schemaName, maxResults, pageToken, viewer);
  }

  /**
   * Replaces a feature table's metadata, all of it: whatever {@code metadata} leaves out is
   * removed. To change some fields and keep the rest, use {@link #updateFeatureTable(String,
   * FeatureTableUpdate)}.
   */
  public FeatureTable updateFeatureTable(String fullName, FeatureMetadata metadata) {
    return featureTables.replaceMetadata(fullName, metadata);
  }

  /**
   * Changes the parts of a feature table's metadata that {@code update} names and nothing else: the
   * description, tags and max age only when given, and for each named feature only its given
   * description or max age (other features keep theirs). NOT_FOUND for a table that is not a
   * feature table; INVALID_ARGUMENT for an update naming a column that is not a feature.
   */
  public FeatureTable updateFeatureTable(String fullName, FeatureTableUpdate update) {
    return featureTables.update(fullName, update);
  }

  /**
   * Stops treating a table as a feature table and drops its online rows; with {@code dropTable} the
   * table itself is deleted too.
   */
  public void deleteFeatureTable(String fullName, boolean dropTable) {
    featureTables.delete(fullName, dropTable);
  }

  /** Writes rows to a feature table (upsert by primary key unless another mode is given). */
  public WriteResult write(String fullName, WriteMode mode, List<Map<String, Object>> rows) {
    return featureTables.write(fullName, mode, rows);
  }

  // ---------------------------------------------------------------- training sets

  /**
   * Prepares a training set over the current snapshots (close it). Every lookup must name a feature
   * table.
   */
  public TrainingSet buildTrainingSet(TrainingSetRequest request) {
    return trainingSets.build(request);
  }

  /**
   * Builds a training set and writes it as the new table {@code outputTable}; with a run id, logs
   * it to that run (every input table and snapshot as a dataset input, plus the record needed to
   * rebuild it, see {@link #rebuildTrainingSet}).
   */
  public TrainingSetResult createTrainingSet(
      TrainingSetRequest request, String outputTable, Optional<String> runId) {
    return trainingSets.create(request, outputTable, runId);
  }

  /** As above, the output table owned by its creator {@code owner}. */
  public TrainingSetResult createTrainingSet(
      TrainingSetRequest request, String outputTable, Optional<String> runId, String owner) {
    return trainingSets.create(request, outputTable, runId, owner);
  }

  /**
   * Rebuilds the training set logged to {@code runId} (see {@link #rebuildTrainingSet(String)}) and
   * writes it as the new table {@code outputTable}.
   */
  public TrainingSetResult rebuildTrainingSet(String runId, String outputTable) {
    return trainingSets.rebuild(runId, outputTable);
  }

  /** Logs a prepared training set to a run (see {@link #createTrainingSet}). */
  public void logTrainingSet(String runId, TrainingSetRequest request) {
    trainingSets.log(runId, request);
  }

  /**
   * Rebuilds the training set logged to {@code runId} from the exact snapshots it read, so it has
   * the same rows even after the tables changed. A record with a newer {@code format_version} than
   * this Keel reads is refused (FAILED_PRECONDITION).
   */
  public TrainingSet rebuildTrainingSet(String runId) {
    return trainingSets.rebuild(runId);
  }

  // ---------------------------------------------------------------- feature specs

  /** Stores a feature spec after checking its tables and features. */
  public FeatureSpecInfo createFeatureSpec(
      String fullName, List<FeatureLookup> lookups, Optional<String> comment) {
    return specs.create(fullName, lookups, comment);
  }

  /** A feature spec; NOT_FOUND when there is none of that name. */
  public FeatureSpecInfo getFeatureSpec(String fullName) {
    return specs.get(fullName);
  }

  /** The feature specs of a schema. */
  public List<FeatureSpecInfo> listFeatureSpecs(String catalogName, String schemaName) {
    return specs.list(catalogName, schemaName);
  }

  /** Deletes a feature spec; NOT_FOUND when there is none of that name. */
  public void deleteFeatureSpec(String fullName) {
    specs.delete(fullName);
  }

  // ---------------------------------------------------------------- online

  /** The online store's name in publish states: {@code embedded} or a Redis address. */
  public String onlineStoreName() {
    return onlineFeatures.storeName();
  }

  /**
   * Publishes a feature table's latest row per entity to the online store: all of them ({@link
   * PublishMode#SNAPSHOT}) or those in data files added since the last publish ({@link
   * PublishMode#TRIGGERED}; the first triggered publish sends everything). The store keeps the
   * newest event time per entity, so publishing again is harmless.
   */
  public PublishResult publish(String fullName, PublishMode mode) {
    return onlineFeatures.publish(fullName, mode);
  }

  /**
   * Looks features up in the online store for entity rows. {@code features} name {@code
   * catalog.schema.table:feature}; each feature's max age comes from its table's metadata (cached
   * for a few seconds).
   */
  public OnlineFeatures onlineFeatures(List<String> features, EntityRows entities) {
    return onlineFeatures.lookup(features, entities);
  }

  /** Looks up the features of a feature spec (its lookups' features, renamed as in the spec). */
  public OnlineFeatures onlineFeaturesForSpec(String specName, EntityRows entities) {
    return onlineFeatures.lookupSpec(specName, entities);
  }
}
