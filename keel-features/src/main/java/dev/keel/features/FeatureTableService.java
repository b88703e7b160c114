package dev.keel.features;

import dev.keel.catalog.Viewer;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.features.online.OnlineStore;
import dev.keel.tables.Column;
import dev.keel.tables.TableInfo;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import dev.keel.tables.WriteResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Feature tables: Keel tables with primary keys registered with the feature store, and their
 * metadata (descriptions, tags, online max ages). Part of {@link FeatureStore}. Thread-safe.
 */
final class FeatureTableService {
  static final String PRINCIPAL = "keel";

  private final TableService tables;
  private final FeatureMetadataStore meta;
  private final OnlineStore online;
  private final OnlineMetadataCache cache;
  private final Clock clock;

  FeatureTableService(
      TableService tables,
      FeatureMetadataStore meta,
      OnlineStore online,
      OnlineMetadataCache cache,
      Clock clock) {
    this.tables = tables;
    this.meta = meta;
    this.online = online;
    this.cache = cache;
    this.clock = clock;
  }

  /** See {@link FeatureStore#createFeatureTable}. */
  FeatureTable create(TableSpec spec, FeatureMetadata metadata, Optional<String> creationTime) {
    return create(spec, metadata, creationTime, PRINCIPAL);
  }

  /** As above, the table owned by its creator {@code owner}. */
  FeatureTable create(
      TableSpec spec, FeatureMetadata metadata, Optional<String> creationTime, String owner) {
    if (spec.primaryKeys().isEmpty()) {
      throw KeelException.invalid("primary_keys: a feature table needs at least one primary key");
    }
    checkCreationTime(spec.columns(), spec.primaryKeys(), spec.timeseriesKey(), creationTime);
    checkFeatureNames(
        spec.columns(), spec.primaryKeys(), spec.timeseriesKey(), creationTime, metadata);
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
                spec.properties()),
            owner);
    try {
      meta.register(t.tableId(), metadata, creationTime, clock.millis(), owner);
    } catch (RuntimeException e) {
      tables.delete(t.fullName());
      throw e;
    }
    return get(t.fullName());
  }

  /** See {@link FeatureStore#registerFeatureTable}. */
  FeatureTable register(
      String fullName,
      FeatureMetadata metadata,
      Optional<String> creationTime,
      List<String> primaryKeys,
      Optional<String> timeseriesKey) {
    TableInfo t = tables.get(fullName);
    if (!primaryKeys.isEmpty() && !primaryKeys.equals(t.primaryKeys())) {
      throw KeelException.invalid(
          "primary_keys: table '"
              + t.fullName()
              + "' has primary keys "
              + t.primaryKeys()
              + "; registering keeps them (got "
              + primaryKeys
              + ")");
    }
    if (timeseriesKey.isPresent() && !timeseriesKey.equals(t.timeseriesKey())) {
      throw KeelException.invalid(
          "timeseries_key: table '"
              + t.fullName()
              + "' has "
              + t.timeseriesKey().map(k -> "timeseries key '" + k + "'").orElse("no timeseries key")
              + "; registering keeps it (got '"
              + timeseriesKey.get()
              + "')");
    }
    if (t.primaryKeys().isEmpty()) {
      throw KeelException.invalid(
          "name: table '"
              + t.fullName()
              + "' has no primary key; a feature table needs one (create the table with"
              + " primary_keys)");
    }
    checkCreationTime(t.columns(), t.primaryKeys(), t.timeseriesKey(), creationTime);
    checkFeatureNames(t.columns(), t.primaryKeys(), t.timeseriesKey(), creationTime, metadata);
    meta.register(t.tableId(), metadata, creationTime, clock.millis(), PRINCIPAL);
    return get(t.fullName());
  }

  /** See {@link FeatureStore#getFeatureTable}. */
  FeatureTable get(String fullName) {
    TableInfo t = tables.get(fullName);
    FeatureMetadataStore.Registration r =
        meta.get(t.tableId()).orElseThrow(() -> notFeatureTable(t.fullName()));
    return featureTable(t, r);
  }

  /** See {@link FeatureStore#listFeatureTables}. */
  Page<FeatureTable> list(
      String catalogName,
      String schemaName,
      OptionalLong maxResults,
      Optional<String> pageToken,
      Viewer viewer) {
    Page<TableInfo> page = tables.list(catalogName, schemaName, maxResults, pageToken, viewer);
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

  /** See {@link FeatureStore#updateFeatureTable(String, FeatureMetadata)}. */
  FeatureTable replaceMetadata(String fullName, FeatureMetadata metadata) {
    TableInfo t = tables.get(fullName);
    FeatureMetadataStore.Registration r =
        meta.get(t.tableId()).orElseThrow(() -> notFeatureTable(t.fullName()));
    checkFeatureNames(
        t.columns(), t.primaryKeys(), t.timeseriesKey(), r.creationTimeColumn(), metadata);
    meta.update(t.tableId(), metadata, clock.millis(), PRINCIPAL);
    cache.forgetTable(t.fullName());
    return get(t.fullName());
  }

  /**
   * See {@link FeatureStore#updateFeatureTable(String, FeatureTableUpdate)}. Serialized within this
   * store, so two updates through it never lose each other's changes.
   */
  synchronized FeatureTable update(String fullName, FeatureTableUpdate update) {
    TableInfo t = tables.get(fullName);
    FeatureMetadataStore.Registration r =
        meta.get(t.tableId()).orElseThrow(() -> notFeatureTable(t.fullName()));
    Set<String> features =
        featureNames(t.columns(), t.primaryKeys(), t.timeseriesKey(), r.creationTimeColumn());
    FeatureMetadata changed = update.applyTo(r.metadata(), features);
    meta.update(t.tableId(), changed, clock.millis(), PRINCIPAL);
    cache.forgetTable(t.fullName());
    return get(t.fullName());
  }

  /** See {@link FeatureStore#deleteFeatureTable}. */
  void delete(String fullName, boolean dropTable) {
    TableInfo t = tables.get(fullName);
    if (!meta.unregister(t.tableId())) {
      throw notFeatureTable(t.fullName());
    }
    cache.forgetTable(t.fullName());
    online.deleteTable(t.fullName());
    if (dropTable) {
      tables.delete(t.fullName());
    }
  }

  /** See {@link FeatureStore#write}. */
  WriteResult write(String fullName, WriteMode mode, List<Map<String, Object>> rows) {
    FeatureTable f = get(fullName);
    return tables.write(f.fullName(), mode, rows);
  }

  private FeatureTable featureTable(TableInfo t, FeatureMetadataStore.Registration r) {
    FeatureMetadata m = r.metadata();
    List<String> entityKeys =
        t.primaryKeys().stream().filter(k -> !t.timeseriesKey().equals(Optional.of(k))).toList();
    List<Feature> features = new ArrayList<>();
    for (Column c : t.columns()) {
      if (isFeature(c.name(), t.primaryKeys(), t.timeseriesKey(), r.creationTimeColumn())) {
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
        r.updatedBy(),
        r.creationTimeColumn().or(() -> TableFeatureSources.defaultCreationTime(t.columns())));
  }

  private static boolean isFeature(
      String c, List<String> pks, Optional<String> ts, Optional<String> creation) {
    return !pks.contains(c)
        && !ts.equals(Optional.of(c))
        && !creation.equals(Optional.of(c))
        && !c.equals(TableFeatureSources.INGESTED_AT);
  }

  /**
   * A declared creation-time column must be a TIMESTAMP column that is not a key: it orders rows
   * whose event times tie and says when a row became available (INVALID_ARGUMENT otherwise).
   */
  private static void checkCreationTime(
      List<Column> columns, List<String> pks, Optional<String> ts, Optional<String> creation) {
    if (creation.isEmpty()) {
      return;
    }
    String n = creation.get();
    Column c =
        columns.stream()
            .filter(x -> x.name().equals(n))
            .findFirst()
            .orElseThrow(
                () ->
                    KeelException.invalid(
                        "creation_time_column: the table has no column '" + n + "'"));
    if (c.type().kind() != dev.keel.tables.ColumnType.Kind.TIMESTAMP) {
      throw KeelException.invalid(
          "creation_time_column: column '" + n + "' must be a TIMESTAMP, not " + c.type());
    }
    if (pks.contains(n) || ts.equals(Optional.of(n))) {
      throw KeelException.invalid(
          "creation_time_column: column '"
              + n
              + "' is a primary key or the timeseries key; name a column of its own");
    }
  }

  private static Set<String> featureNames(
      List<Column> columns, List<String> pks, Optional<String> ts, Optional<String> creation) {
    Set<String> features = new HashSet<>();
    for (Column c : columns) {
      if (isFeature(c.name(), pks, ts, creation)) {
        features.add(c.name());
      }
    }
    return features;
  }

  private static void checkFeatureNames(
      List<Column> columns,
      List<String> pks,
      Optional<String> ts,
      Optional<String> creation,
      FeatureMetadata m) {
    Set<String> features = featureNames(columns, pks, ts, creation);
    Set<String> named = new HashSet<>(m.featureDescriptions().keySet());
    named.addAll(m.featureMaxAges().keySet());
    for (String n : named) {
      if (!features.contains(n)) {
        throw KeelException.invalid(
            "features: '" + n + "' is not a feature of the table (features: " + features + ")");
      }
    }
  }

  static KeelException notFeatureTable(String name) {
    return KeelException.notFound("Table '" + name + "' is not a feature table.");
  }
}
