package dev.keel.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Names;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.features.training.FeatureLookup;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Point-in-time training sets over feature tables: built and streamed, written as tables, logged to
 * runs ({@link TrainingSetRecord}) and rebuilt from runs. Part of {@link FeatureStore}.
 * Thread-safe.
 */
final class TrainingSetService {
  private static final String ARTIFACTS_SCHEME = "mlflow-artifacts:/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TableService tables;
  private final FeatureTableService featureTables;
  private final TrackingService tracking;
  private final ArtifactStore artifacts;
  private final TrainingSetEngine engine;

  TrainingSetService(
      TableService tables,
      FeatureTableService featureTables,
      TrackingService tracking,
      ArtifactStore artifacts,
      TrainingSetEngine engine) {
    this.tables = tables;
    this.featureTables = featureTables;
    this.tracking = tracking;
    this.artifacts = artifacts;
    this.engine = engine;
  }

  /** See {@link FeatureStore#buildTrainingSet}. */
  TrainingSet build(TrainingSetRequest request) {
    return prepare(request).build(engine);
  }

  /** See {@link FeatureStore#createTrainingSet}. */
  TrainingSetResult create(TrainingSetRequest request, String outputTable, Optional<String> runId) {
    return create(request, outputTable, runId, CatalogService.PRINCIPAL);
  }

  /** As above, the output table owned by {@code owner}. */
  TrainingSetResult create(
      TrainingSetRequest request, String outputTable, Optional<String> runId, String owner) {
    Names.checkFullName("output_table", outputTable, 3);
    runId.ifPresent(tracking::getRun); // an unknown run fails before any work
    Prepared p = prepare(request);
    try (TrainingSet set = p.build(engine)) {
      long snapshot = writeTable(set, outputTable, owner);
      Map<String, Long> sources = p.sources(set);
      runId.ifPresent(id -> log(id, p, set));
      return new TrainingSetResult(outputTable, snapshot, set.rowCount(), sources, runId);
    }
  }

  /** See {@link FeatureStore#rebuildTrainingSet(String, String)}. */
  TrainingSetResult rebuild(String runId, String outputTable) {
    Names.checkFullName("output_table", outputTable, 3);
    Recorded r = recorded(runId);
    try (TrainingSet set = engine.build(r.spec(), r.snapshots())) {
      long snapshot = writeTable(set, outputTable, CatalogService.PRINCIPAL);
      Map<String, Long> sources = new LinkedHashMap<>();
      r.spine().ifPresent(s -> sources.put(s.fullName(), s.snapshotId()));
      sources.putAll(set.snapshotIds());
      return new TrainingSetResult(
          outputTable, snapshot, set.rowCount(), sources, Optional.of(runId));
    }
  }

  /** See {@link FeatureStore#logTrainingSet}. */
  void log(String runId, TrainingSetRequest request) {
    Prepared p = prepare(request);
    try (TrainingSet set = p.build(engine)) {
      log(runId, p, set);
    }
  }

  /** See {@link FeatureStore#rebuildTrainingSet(String)}. */
  TrainingSet rebuild(String runId) {
    Recorded r = recorded(runId);
    return engine.build(r.spec(), r.snapshots());
  }

  /** A logged training set: its spec (spine read at its recorded snapshot) and snapshots. */
  private record Recorded(
      TrainingSetSpec spec, Map<String, Long> snapshots, Optional<TableSnapshot> spine) {}

  private Recorded recorded(String runId) {
    Run run = tracking.getRun(runId);
    JsonNode json;
    try (InputStream in = artifacts.open(runArtifact(run))) {
      json = JSON.readTree(in);
    } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
      throw KeelException.notFound("Run '" + runId + "' has no training set logged.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TrainingSetRecord record =
        TrainingSetRecord.read(json, "The training set logged to run '" + runId + "'");
    TrainingSetSpec spec = record.spec();
    Optional<TableSnapshot> spine = Optional.empty();
    if (record.spineTable().isPresent()) {
      Map.Entry<String, Long> st = record.spineTable().get();
      TableSnapshot s = tables.resolve(st.getKey(), new SnapshotRef.Id(st.getValue()));
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
    return new Recorded(spec, record.snapshotIds(), spine);
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
      featureTables.get(l.table()); // 404 for a table that is not a feature table
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

  private long writeTable(TrainingSet set, String outputTable, String owner) {
    String[] n = Names.checkFullName("output_table", outputTable, 3);
    List<Column> columns = new ArrayList<>();
    for (TrainingSet.Column c : set.columns()) {
      columns.add(Column.of(c.name(), columnType(c)));
    }
    TableInfo t = tables.create(TableSpec.of(n[0], n[1], n[2], columns), owner);
    Path tmp = null;
    try {
      // In the engine's scratch directory (under the data dir, emptied when a server starts), so a
      // kill during the write leaves nothing in the system temp folder.
      Optional<Path> scratch = engine.options().tempDirectory();
      if (scratch.isPresent()) {
        Files.createDirectories(scratch.get());
        tmp = Files.createTempFile(scratch.get(), "keel-training-set-", ".parquet");
      } else {
        tmp = Files.createTempFile("keel-training-set-", ".parquet");
      }
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
    String t = c.type().toUpperCase(Locale.ROOT);
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
    TrainingSetRecord record =
        new TrainingSetRecord(
            p.spec(),
            p.spineTable().map(s -> Map.entry(s.fullName(), s.snapshotId())),
            set.snapshotIds(),
            set.rowCount());
    try {
      artifacts.put(runArtifact(run), new ByteArrayInputStream(record.toJson()));
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
            FeatureStore.SOURCE_TYPE,
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
}
