package dev.keel.features;

import dev.keel.catalog.Names;
import dev.keel.core.KeelException;
import dev.keel.features.online.EntityRows;
import dev.keel.features.online.FeatureRef;
import dev.keel.features.online.OnlineFeatures;
import dev.keel.features.online.OnlineStore;
import dev.keel.features.training.FeatureLookup;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The online side of the feature store: publishing feature tables to the online store and looking
 * features up in it by entity key, with max ages from the tables' metadata. Part of {@link
 * FeatureStore}. Thread-safe.
 */
final class OnlineFeatureService {
  private final TableService tables;
  private final FeatureMetadataStore meta;
  private final OnlineStore online;
  private final String onlineName;
  private final FeatureTableService featureTables;
  private final FeatureSpecService specs;
  private final OnlineMetadataCache cache;
  private final Clock clock;
  private final TableFeatureSources featureSources;

  OnlineFeatureService(
      TableService tables,
      FeatureMetadataStore meta,
      OnlineStore online,
      String onlineName,
      FeatureTableService featureTables,
      FeatureSpecService specs,
      OnlineMetadataCache cache,
      Clock clock,
      TableFeatureSources featureSources) {
    this.featureSources = featureSources;
    this.tables = tables;
    this.meta = meta;
    this.online = online;
    this.onlineName = onlineName;
    this.featureTables = featureTables;
    this.specs = specs;
    this.cache = cache;
    this.clock = clock;
  }

  /** See {@link FeatureStore#onlineStoreName}. */
  String storeName() {
    return onlineName;
  }

  /** See {@link FeatureStore#publish}. */
  PublishResult publish(String fullName, PublishMode mode) {
    long t0 = System.nanoTime();
    FeatureTable f = featureTables.get(fullName);
    TableSnapshot now = tables.resolve(f.fullName(), new SnapshotRef.Latest());
    Optional<List<Path>> onlyKeysOf = Optional.empty();
    PublishMode used = mode;
    if (mode == PublishMode.TRIGGERED) {
      Optional<FeatureMetadataStore.PublishState> last =
          meta.lastPublish(f.table().tableId(), onlineName);
      Optional<TableSnapshot> before =
          last.flatMap(l -> resolveQuietly(f.fullName(), l.snapshotId()));
      if (before.isPresent()) {
        Set<Path> old = new HashSet<>(before.get().dataFiles());
        onlyKeysOf = Optional.of(now.dataFiles().stream().filter(p -> !old.contains(p)).toList());
      } else {
        used = PublishMode.SNAPSHOT;
      }
    }
    List<String> features = f.features().stream().map(Feature::name).toList();
    OnlinePublisher.Counts c =
        OnlinePublisher.publish(
            online,
            now,
            now.dataFiles().isEmpty() ? null : featureSources.source(now),
            f.entityKeys(),
            features,
            onlyKeysOf);
    meta.recordPublish(
        new FeatureMetadataStore.PublishState(
            f.table().tableId(),
            onlineName,
            now.snapshotId(),
            c.written().written(),
            c.written().skippedOlder(),
            clock.millis(),
            FeatureTableService.PRINCIPAL));
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

  /** See {@link FeatureStore#onlineFeatures}. */
  OnlineFeatures lookup(List<String> features, EntityRows entities) {
    return online.read(cache.refs(features, () -> refs(features)), entities);
  }

  /** See {@link FeatureStore#onlineFeaturesForSpec}. */
  OnlineFeatures lookupSpec(String specName, EntityRows entities) {
    return online.read(cache.refs("spec:" + specName, () -> specRefs(specName)), entities);
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
      Map<String, Optional<Duration>> ages = cache.ages(table, () -> ages(table));
      Optional<Duration> age = ages.get(feature);
      if (age == null) {
        throw KeelException.invalid(
            "features[" + i + "]: '" + feature + "' is not a feature of " + table);
      }
      refs.add(new FeatureRef(table, feature, age));
    }
    return List.copyOf(refs);
  }

  private List<FeatureRef> specRefs(String specName) {
    FeatureSpecInfo spec = specs.get(specName);
    List<String> features = new ArrayList<>();
    for (FeatureLookup l : spec.lookups()) {
      List<String> names =
          l.featureNames().isEmpty()
              ? featureTables.get(l.table()).features().stream().map(Feature::name).toList()
              : l.featureNames();
      names.forEach(n -> features.add(l.table() + ":" + n));
    }
    return refs(features);
  }

  private Map<String, Optional<Duration>> ages(String table) {
    FeatureTable f = featureTables.get(table);
    Map<String, Optional<Duration>> ages = new LinkedHashMap<>();
    f.features().forEach(x -> ages.put(x.name(), x.maxAge()));
    return ages;
  }
}
