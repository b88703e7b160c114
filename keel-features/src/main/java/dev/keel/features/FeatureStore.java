package dev.keel.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.Names;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.features.online.EntityRows;
import dev.keel.features.online.FeatureRef;
import dev.keel.features.online.OnlineFeatures;
import dev.keel.features.online.OnlineStore;
import dev.keel.features.training.FeatureLookup;
import dev.keel.features.training.OnDemandRegistry;
import dev.keel.features.training.Spine;
import dev.keel.features.training.TrainingSet;
import dev.keel.features.training.TrainingSetEngine;
import dev.keel.features.training.TrainingSetSpec;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import dev.keel.tables.FileFormat;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableInfo;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSnapshot;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import dev.keel.tables.WriteResult;
import dev.keel.tracking.Dataset;
import dev.keel.tracking.DatasetInput;
import dev.keel.tracking.Run;
import dev.keel.tracking.Tag;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The feature store: feature tables (Keel tables with primary keys, plus metadata), point-in-time
 * training sets built from them (written as tables, streamed, logged to runs and rebuilt from
 * runs), feature specs, and publishing to and reading from the online store.
 *
 * <p>Thread-safe. Close it to release the training-set engine's DuckDB database (the tables, the
 * metadata store and the online store are the caller's to close).
 */
public final class FeatureStore implements AutoCloseable {
  /** Where a training set's record is kept among its run's artifacts. */
  public static final String RECORD_ARTIFACT = "keel/training_set.json";

  /** The dataset source type of Keel tables in run inputs. */
  public static final String SOURCE_TYPE = "keel_table";

  private static final String PRINCIPAL = "keel";
  private static final String ARTIFACTS_SCHEME = "mlflow-artifacts:/";
  private static final Duration ONLINE_METADATA_TTL = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TableService tables;
  private final FeatureMetadataStore meta;
  private final TrackingService tracking;
  private final ArtifactStore artifacts;
  private final OnlineStore online;
  private final String onlineName;
  private final TrainingSetEngine engine;
  private final Clock clock;
  private static final int MAX_CACHED_LOOKUPS = 1024;
  private final Map<String, CachedAges> onlineAges = new ConcurrentHashMap<>();
  private final Map<Object, CachedRefs> onlineRefs = new ConcurrentHashMap<>();

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
    this.tables = Objects.requireNonNull(tables, "tables");
    this.meta = Objects.requireNonNull(meta, "meta");
    this.tracking = Objects.requireNonNull(tracking, "tracking");
    this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    this.online = Objects.requireNonNull(online, "online");
    this.onlineName = Objects.requireNonNull(onlineName, "onlineName");
    this.engine = new TrainingSetEngine(new TableFeatureSources(tables), onDemand, options);
    this.clock = Objects.requireNonNull(clock, "clock");
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
    if (spec.primaryKeys().isEmpty()) {
      throw KeelException.invalid("primary_keys: a feature table needs at least one primary key");
    }
    checkFeatureNames(spec.columns(), spec.primaryKeys(), spec.timeseriesKey(), metadata);
    TableInfo t =
        tables.create(
            new TableSpec(
                spec.catalogName(),
                spec.schemaName(),
                spec.name(),
                spec.columns(),
                spec.primaryKeys(),
                spec.timeseriesKey(),
                true,
                spec.comment(),
                spec.properties()));
    try {
      meta.register(t.tableId(), metadata, clock.millis(), PRINCIPAL);
    } catch (RuntimeException e) {
      tables.delete(t.fullName());
      throw e;
    }
    return getFeatureTable(t.fullName());
  }

  /**
   * Makes an existing table with primary keys a feature table. Without an ingestion-time column its
   * training sets cannot use the availability filter.
   */
  public FeatureTable registerFeatureTable(String fullName, FeatureMetadata metadata) {
    TableInfo t = tables.get(fullName);
    if (t.primaryKeys().isEmpty()) {
      throw KeelException.invalid(
          "name: table '"
              + t.fullName()
              + "' has no primary key; a feature table needs one (create the table with"
              + " primary_keys)");
    }
    checkFeatureNames(t.columns(), t.primaryKeys(), t.timeseriesKey(), metadata);
    meta.register(t.tableId(), metadata, clock.millis(), PRINCIPAL);
    return getFeatureTable(t.fullName());
  }

  /** A feature table; NOT_FOUND for an unknown table or one that is not a feature table. */
  public FeatureTable getFeatureTable(String fullName) {
    TableInfo t = tables.get(fullName);
    FeatureMetadataStore.Registration r =
        meta.get(t.tableId()).orElseThrow(() -> notFeatureTable(t.fullName()));
    return featureTable(t, r);
  }

  /** The feature tables of a schema, by name (one page of its tables). */
  public Page<FeatureTable> listFeatureTables(
      String catalogName, String schemaName, OptionalLong maxResults, Optional<String> pageToken) {
    Page<TableInfo> page = tables.list(catalogName, schemaName, maxResults, pageToken);
    Map<String, FeatureMetadataStore.Registration> regs =
        meta.getAll(page.items().stream().map(TableInfo::tableId).toList());
    List<FeatureTable> out = new ArrayList<>();
    for (TableInfo t : page.items()) {
      FeatureMetadataStore.Registration r = regs.get(t.tableId());
      if (r != null) {
        out.add(featureTable(t, r));
      }
    }
    return new Page<>(out, page.nextPageToken());
  }

  /** Replaces a feature table's metadata. */
  public FeatureTable updateFeatureTable(String fullName, FeatureMetadata metadata) {
    TableInfo t = tables.get(fullName);
    meta.get(t.tableId()).orElseThrow(() -> notFeatureTable(t.fullName()));
    checkFeatureNames(t.columns(), t.primaryKeys(), t.timeseriesKey(), metadata);
    meta.update(t.tableId(), metadata, clock.millis(), PRINCIPAL);
    onlineAges.remove(t.fullName());
    onlineRefs.clear();
    return getFeatureTable(t.fullName());
  }

  /**
   * Stops treating a table as a feature table and drops its online rows; with {@code dropTable} the
   * table itself is deleted too.
   */
  public void deleteFeatureTable(String fullName, boolean dropTable) {
    TableInfo t = tables.get(fullName);
    if (!meta.unregister(t.tableId())) {
      throw notFeatureTable(t.fullName());
    }
    onlineAges.remove(t.fullName());
    onlineRefs.clear();
    online.deleteTable(t.fullName());
    if (dropTable) {
      tables.delete(t.fullName());
    }
  }

  /** Writes rows to a feature table (upsert by primary key unless another mode is given). */
  public WriteResult write(String fullName, WriteMode mode, List<Map<String, Object>> rows) {
    FeatureTable f = getFeatureTable(fullName);
    return tables.write(f.fullName(), mode, rows);
  }

  private FeatureTable featureTable(TableInfo t, FeatureMetadataStore.Registration r) {
    FeatureMetadata m = r.metadata();
    List<String> entityKeys =
        t.primaryKeys().stream().filter(k -> !t.timeseriesKey().equals(Optional.of(k))).toList();
    List<Feature> features = new ArrayList<>();
    for (Column c : t.columns()) {
      if (isFeature(c.name(), t.primaryKeys(), t.timeseriesKey())) {
        features.add(
            new Feature(
                c.name(),
                c.type(),
                Optional.ofNullable(m.featureDescriptions().get(c.name())),
                Optional.ofNullable(m.featureMaxAges().get(c.name())).or(m::maxAge)));
      }
    }
    return new FeatureTable(
        t,
        entityKeys,
        features,
        m.description(),
        m.tags(),
        m.maxAge(),
        r.owner(),
        r.createdAt(),
        r.createdBy(),
        r.updatedAt(),
        r.updatedBy());
  }

  private static boolean isFeature(String c, List<String> pks, Optional<String> ts) {
    return !pks.contains(c)
        && !ts.equals(Optional.of(c))
        && !c.equals(TableFeatureSources.INGESTED_AT);
  }

  private static void checkFeatureNames(
      List<Column> columns, List<String> pks, Optional<String> ts, FeatureMetadata m) {
    Set<String> features = new HashSet<>();
    for (Column c : columns) {
      if (isFeature(c.name(), pks, ts)) {
        features.add(c.name());
      }
    }
    Set<String> named = new HashSet<>(m.featureDescriptions().keySet());
    named.addAll(m.featureMaxAges().keySet());
    for (String n : named) {
      if (!features.contains(n)) {
        throw KeelException.invalid(
            "features: '" + n + "' is not a feature of the table (features: " + features + ")");
      }
    }
  }

  private static KeelException notFeatureTable(String name) {
    return KeelException.notFound("Table '" + name + "' is not a feature table.");
  }

  // ---------------------------------------------------------------- training sets

  /**
   * Prepares a training set over the current snapshots (close it). Every lookup must name a feature
   * table.
   */
  public TrainingSet buildTrainingSet(TrainingSetRequest request) {
    return prepare(request).build(engine);
  }

  /**
   * Builds a training set and writes it as the new table {@code outputTable}; with a run id, logs
   * it to that run (every input table and snapshot as a dataset input, plus the record needed to
   * rebuild it, see {@link #rebuildTrainingSet}).
   */
  public TrainingSetResult createTrainingSet(
      TrainingSetRequest request, String outputTable, Optional<String> runId) {
    Names.checkFullName("output_table", outputTable, 3);
    runId.ifPresent(tracking::getRun); // an unknown run fails before any work
    Prepared p = prepare(request);
    try (TrainingSet set = p.build(engine)) {
      long snapshot = writeTable(set, outputTable);
      Map<String, Long> sources = p.sources(set);
      runId.ifPresent(id -> log(id, p, set));
      return new TrainingSetResult(outputTable, snapshot, set.rowCount(), sources, runId);
    }
  }

  /**
   * Rebuilds the training set logged to {@code runId} (see {@link #rebuildTrainingSet(String)}) and
   * writes it as the new table {@code outputTable}.
   */
  public TrainingSetResult rebuildTrainingSet(String runId, String outputTable) {
    Names.checkFullName("output_table", outputTable, 3);
    Recorded r = recorded(runId);
    try (TrainingSet set = engine.build(r.spec(), r.snapshots())) {
      long snapshot = writeTable(set, outputTable);
      Map<String, Long> sources = new LinkedHashMap<>();
      r.spine().ifPresent(s -> sources.put(s.fullName(), s.snapshotId()));
      sources.putAll(set.snapshotIds());
      return new TrainingSetResult(
          outputTable, snapshot, set.rowCount(), sources, Optional.of(runId));
    }
  }

  /** Logs a prepared training set to a run (see {@link #createTrainingSet}). */
  public void logTrainingSet(String runId, TrainingSetRequest request) {
    Prepared p = prepare(request);
    try (TrainingSet set = p.build(engine)) {
      log(runId, p, set);
    }
  }

  /**
   * Rebuilds the training set logged to {@code runId} from the exact snapshots it read, so it has
   * the same rows even after the tables changed.
   */
  public TrainingSet rebuildTrainingSet(String runId) {
    Recorded r = recorded(runId);
    return engine.build(r.spec(), r.snapshots());
  }

  /** A logged training set: its spec (spine read at its recorded snapshot) and snapshots. */
  private record Recorded(
      TrainingSetSpec spec, Map<String, Long> snapshots, Optional<TableSnapshot> spine) {}

  private Recorded recorded(String runId) {
    Run run = tracking.getRun(runId);
    JsonNode record;
    try (InputStream in = artifacts.open(runArtifact(run))) {
      record = JSON.readTree(in);
    } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
      throw KeelException.notFound("Run '" + runId + "' has no training set logged.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TrainingSetSpec spec = TrainingSetSpec.fromJson(record.get("spec").toString());
    Map<String, Long> snapshots = new LinkedHashMap<>();
    record
        .get("snapshot_ids")
        .properties()
        .forEach(e -> snapshots.put(e.getKey(), e.getValue().asLong()));
    Optional<TableSnapshot> spine = Optional.empty();
    if (record.hasNonNull("spine_table")) {
      TableSnapshot s =
          tables.resolve(
              record.get("spine_table").asText(),
              new SnapshotRef.Id(record.get("spine_snapshot_id").asLong()));
      spine = Optional.of(s);
      spec =
          new TrainingSetSpec(
              spineOf(s),
              spec.lookups(),
              spec.onDemand(),
              spec.excludeColumns(),
              spec.availabilityFilter(),
              spec.indicators());
    }
    return new Recorded(spec, snapshots, spine);
  }

  /** A request resolved against the catalog: the spec plus the spine table it read, if any. */
  private record Prepared(TrainingSetSpec spec, Optional<TableSnapshot> spineTable) {
    TrainingSet build(TrainingSetEngine engine) {
      return engine.build(spec);
    }

    Map<String, Long> sources(TrainingSet set) {
      Map<String, Long> m = new LinkedHashMap<>();
      spineTable.ifPresent(s -> m.put(s.fullName(), s.snapshotId()));
      m.putAll(set.snapshotIds());
      return m;
    }
  }

  private Prepared prepare(TrainingSetRequest r) {
    for (FeatureLookup l : r.lookups()) {
      getFeatureTable(l.table()); // 404 for a table that is not a feature table
    }
    Optional<TableSnapshot> spineTable = Optional.empty();
    Spine spine;
    if (r.spine() instanceof SpineSource.Table t) {
      TableSnapshot s = tables.resolve(t.name(), t.ref());
      spineTable = Optional.of(s);
      spine = spineOf(s);
    } else {
      spine = ((SpineSource.Given) r.spine()).spine();
    }
    return new Prepared(
        new TrainingSetSpec(
            spine,
            r.lookups(),
            r.onDemand(),
            r.excludeColumns(),
            r.availabilityFilter(),
            r.indicators()),
        spineTable);
  }

  private static Spine spineOf(TableSnapshot s) {
    if (s.dataFiles().isEmpty()) {
      throw KeelException.invalid("spine.table: table '" + s.fullName() + "' has no rows");
    }
    return Spine.parquet(s.dataFiles());
  }

  private long writeTable(TrainingSet set, String outputTable) {
    String[] n = Names.checkFullName("output_table", outputTable, 3);
    List<Column> columns = new ArrayList<>();
    for (TrainingSet.Column c : set.columns()) {
      columns.add(Column.of(c.name(), columnType(c)));
    }
    TableInfo t = tables.create(TableSpec.of(n[0], n[1], n[2], columns));
    Path tmp = null;
    try {
      tmp = Files.createTempFile("keel-training-set-", ".parquet");
      set.writeParquet(tmp);
      return tables.writeFile(t.fullName(), WriteMode.APPEND, tmp, FileFormat.PARQUET).snapshotId();
    } catch (IOException e) {
      tables.delete(t.fullName());
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      tables.delete(t.fullName());
      throw e;
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // a temp file left behind; nothing else to do
        }
      }
    }
  }

  /** The Keel column type of a training-set output column (DuckDB type names). */
  static ColumnType columnType(TrainingSet.Column c) {
    String t = c.type().toUpperCase(java.util.Locale.ROOT);
    if (t.startsWith("DECIMAL")) {
      return ColumnType.parse("columns." + c.name(), t);
    }
    return switch (t) {
      case "BOOLEAN" -> ColumnType.BOOLEAN;
      case "TINYINT", "SMALLINT", "INTEGER" -> ColumnType.INT;
      case "BIGINT" -> ColumnType.LONG;
      case "FLOAT" -> ColumnType.FLOAT;
      case "DOUBLE" -> ColumnType.DOUBLE;
      case "VARCHAR" -> ColumnType.STRING;
      case "DATE" -> ColumnType.DATE;
      case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> ColumnType.TIMESTAMP;
      case "BLOB" -> ColumnType.BINARY;
      default ->
          throw KeelException.invalid(
              "columns." + c.name() + ": type " + c.type() + " cannot be stored in a Keel table");
    };
  }

  private void log(String runId, Prepared p, TrainingSet set) {
    Run run = tracking.getRun(runId);
    ObjectNode record = JSON.createObjectNode();
    p.spineTable()
        .ifPresent(
            s -> {
              record.put("spine_table", s.fullName());
              record.put("spine_snapshot_id", s.snapshotId());
            });
    try {
      record.set("spec", JSON.readTree(p.spec().toJson()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode ids = record.putObject("snapshot_ids");
    set.snapshotIds().forEach(ids::put);
    record.put("rows", set.rowCount());
    try {
      byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record);
      artifacts.put(runArtifact(run), new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<DatasetInput> inputs = new ArrayList<>();
    p.spineTable().ifPresent(s -> inputs.add(input(s.fullName(), s.snapshotId(), "spine")));
    set.snapshotIds().forEach((t, id) -> inputs.add(input(t, id, "features")));
    if (!inputs.isEmpty()) {
      tracking.logInputs(runId, inputs);
    }
  }

  private static DatasetInput input(String table, long snapshotId, String role) {
    ObjectNode source = JSON.createObjectNode();
    source.put("table", table);
    source.put("snapshot_id", snapshotId);
    return new DatasetInput(
        List.of(new Tag("mlflow.data.context", "training"), new Tag("keel.role", role)),
        new Dataset(
            table,
            Long.toString(snapshotId),
            SOURCE_TYPE,
            source.toString(),
            Optional.empty(),
            Optional.empty()));
  }

  private static ArtifactPath runArtifact(Run run) {
    String uri = run.info().artifactUri();
    if (!uri.startsWith(ARTIFACTS_SCHEME)) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "run artifact location is not managed by Keel: " + uri);
    }
    ArtifactPath root =
        ArtifactPath.parse("artifact_uri", uri.substring(ARTIFACTS_SCHEME.length()), false);
    return root.resolve("keel").resolve("training_set.json");
  }

  // ---------------------------------------------------------------- feature specs

  /** Stores a feature spec after checking its tables and features. */
  public FeatureSpecInfo createFeatureSpec(
      String fullName, List<FeatureLookup> lookups, Optional<String> comment) {
    String[] n = Names.checkFullName("name", fullName, 3);
    if (lookups.isEmpty()) {
      throw KeelException.invalid("lookups: a feature spec needs at least one lookup");
    }
    for (int i = 0; i < lookups.size(); i++) {
      FeatureLookup l = lookups.get(i);
      FeatureTable t = getFeatureTable(l.table());
      for (String f : l.featureNames()) {
        if (t.feature(f).isEmpty()) {
          throw KeelException.invalid(
              "lookups[" + i + "].feature_names: '" + f + "' is not a feature of " + t.fullName());
        }
      }
      if (l.lookupKeys().size() != t.entityKeys().size()) {
        throw KeelException.invalid(
            "lookups["
                + i
                + "].lookup_keys: "
                + t.fullName()
                + " is keyed by "
                + t.entityKeys()
                + ", got "
                + l.lookupKeys());
      }
    }
    com.fasterxml.jackson.databind.node.ArrayNode a = JSON.createArrayNode();
    lookups.forEach(l -> a.add(l.toJson()));
    String json = a.toString();
    long now = clock.millis();
    meta.createSpec(
        new FeatureMetadataStore.StoredSpec(
            n[0], n[1], n[2], json, comment, PRINCIPAL, now, PRINCIPAL));
    return getFeatureSpec(fullName);
  }

  public FeatureSpecInfo getFeatureSpec(String fullName) {
    String[] n = Names.checkFullName("name", fullName, 3);
    String name = String.join(".", n);
    return meta.getSpec(name)
        .map(FeatureStore::specInfo)
        .orElseThrow(() -> KeelException.notFound("Feature spec '" + name + "' does not exist."));
  }

  public List<FeatureSpecInfo> listFeatureSpecs(String catalogName, String schemaName) {
    return meta
        .listSpecs(Names.check("catalog_name", catalogName), Names.check("schema_name", schemaName))
        .stream()
        .map(FeatureStore::specInfo)
        .toList();
  }

  public void deleteFeatureSpec(String fullName) {
    String name = String.join(".", Names.checkFullName("name", fullName, 3));
    if (!meta.deleteSpec(name)) {
      throw KeelException.notFound("Feature spec '" + name + "' does not exist.");
    }
    onlineRefs.clear();
  }

  private static List<FeatureLookup> lookupsFromJson(String json) {
    try {
      JsonNode a = JSON.readTree(json);
      List<FeatureLookup> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        out.add(FeatureLookup.fromJson(a.get(i), "lookups[" + i + "]"));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FeatureSpecInfo specInfo(FeatureMetadataStore.StoredSpec s) {
    return new FeatureSpecInfo(
        s.catalogName(),
        s.schemaName(),
        s.name(),
        lookupsFromJson(s.lookupsJson()),
        s.comment(),
        s.owner(),
        s.createdAt(),
        s.createdBy());
  }

  // ---------------------------------------------------------------- online

  /** The online store's name in publish states: {@code embedded} or a Redis address. */
  public String onlineStoreName() {
    return onlineName;
  }

  /**
   * Publishes a feature table's latest row per entity to the online store: all of them ({@link
   * PublishMode#SNAPSHOT}) or those in data files added since the last publish ({@link
   * PublishMode#TRIGGERED}; the first triggered publish sends everything). The store keeps the
   * newest event time per entity, so publishing again is harmless.
   */
  public PublishResult publish(String fullName, PublishMode mode) {
    long t0 = System.nanoTime();
    FeatureTable f = getFeatureTable(fullName);
    TableSnapshot now = tables.resolve(f.fullName(), new SnapshotRef.Latest());
    List<Path> files = now.dataFiles();
    PublishMode used = mode;
    if (mode == PublishMode.TRIGGERED) {
      Optional<FeatureMetadataStore.PublishState> last =
          meta.lastPublish(f.table().tableId(), onlineName);
      Optional<TableSnapshot> before =
          last.flatMap(l -> resolveQuietly(f.fullName(), l.snapshotId()));
      if (before.isPresent()) {
        Set<Path> old = new HashSet<>(before.get().dataFiles());
        files = files.stream().filter(p -> !old.contains(p)).toList();
      } else {
        used = PublishMode.SNAPSHOT;
      }
    }
    List<String> features = f.features().stream().map(Feature::name).toList();
    OnlinePublisher.Counts c =
        OnlinePublisher.publish(online, now, f.entityKeys(), features, files);
    meta.recordPublish(
        new FeatureMetadataStore.PublishState(
            f.table().tableId(),
            onlineName,
            now.snapshotId(),
            c.written().written(),
            c.written().skippedOlder(),
            clock.millis(),
            PRINCIPAL));
    return new PublishResult(
        f.fullName(),
        onlineName,
        used,
        now.snapshotId(),
        c.read(),
        c.written().written(),
        c.written().skippedOlder(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  private Optional<TableSnapshot> resolveQuietly(String table, long snapshotId) {
    try {
      return Optional.of(tables.resolve(table, new SnapshotRef.Id(snapshotId)));
    } catch (KeelException e) {
      return Optional.empty();
    }
  }

  /**
   * Looks features up in the online store for entity rows. {@code features} name {@code
   * catalog.schema.table:feature}; each feature's max age comes from its table's metadata (cached
   * for a few seconds).
   */
  public OnlineFeatures onlineFeatures(List<String> features, EntityRows entities) {
    return online.read(cachedRefs(features, () -> refs(features)), entities);
  }

  private List<FeatureRef> refs(List<String> features) {
    if (features.isEmpty()) {
      throw KeelException.invalid("features: name at least one feature (table:feature)");
    }
    List<FeatureRef> refs = new ArrayList<>(features.size());
    for (int i = 0; i < features.size(); i++) {
      String s = features.get(i);
      int colon = s == null ? -1 : s.lastIndexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw KeelException.invalid(
            "features[" + i + "]: expected <catalog>.<schema>.<table>:<feature>, got '" + s + "'");
      }
      String table =
          String.join(".", Names.checkFullName("features[" + i + "]", s.substring(0, colon), 3));
      String feature = s.substring(colon + 1);
      Map<String, Optional<Duration>> ages = ages(table);
      Optional<Duration> age = ages.get(feature);
      if (age == null) {
        throw KeelException.invalid(
            "features[" + i + "]: '" + feature + "' is not a feature of " + table);
      }
      refs.add(new FeatureRef(table, feature, age));
    }
    return List.copyOf(refs);
  }

  /** Looks up the features of a feature spec (its lookups' features, renamed as in the spec). */
  public OnlineFeatures onlineFeaturesForSpec(String specName, EntityRows entities) {
    return online.read(cachedRefs("spec:" + specName, () -> specRefs(specName)), entities);
  }

  private List<FeatureRef> specRefs(String specName) {
    FeatureSpecInfo spec = getFeatureSpec(specName);
    List<String> features = new ArrayList<>();
    for (FeatureLookup l : spec.lookups()) {
      List<String> names =
          l.featureNames().isEmpty()
              ? getFeatureTable(l.table()).features().stream().map(Feature::name).toList()
              : l.featureNames();
      names.forEach(n -> features.add(l.table() + ":" + n));
    }
    return refs(features);
  }

  /**
   * The resolved, checked features of a lookup request, kept for {@link #ONLINE_METADATA_TTL}:
   * serving asks for the same features on every request, and resolving them reads metadata.
   */
  private List<FeatureRef> cachedRefs(Object key, Supplier<List<FeatureRef>> load) {
    long now = System.nanoTime();
    CachedRefs c = onlineRefs.get(key);
    if (c != null && now - c.loadedAt() < ONLINE_METADATA_TTL.toNanos()) {
      return c.refs();
    }
    List<FeatureRef> refs = load.get();
    if (onlineRefs.size() >= MAX_CACHED_LOOKUPS) {
      onlineRefs.clear();
    }
    onlineRefs.put(key, new CachedRefs(refs, now));
    return refs;
  }

  private record CachedRefs(List<FeatureRef> refs, long loadedAt) {}

  private record CachedAges(Map<String, Optional<Duration>> ages, long loadedAt) {}

  private Map<String, Optional<Duration>> ages(String table) {
    long now = System.nanoTime();
    CachedAges c = onlineAges.get(table);
    if (c != null && now - c.loadedAt() < ONLINE_METADATA_TTL.toNanos()) {
      return c.ages();
    }
    FeatureTable f = getFeatureTable(table);
    Map<String, Optional<Duration>> ages = new LinkedHashMap<>();
    f.features().forEach(x -> ages.put(x.name(), x.maxAge()));
    onlineAges.put(table, new CachedAges(ages, now));
    return ages;
  }
}
