package dev.keel.features.training;

import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link FeatureSourceResolver} over a fixed set of sources (several snapshots of one table are
 * allowed; the last one given is the current one). For tests, benchmarks and callers that already
 * know their files.
 */
public final class StaticFeatureSourceResolver implements FeatureSourceResolver {
  private final Map<String, List<FeatureSource>> byTable = new HashMap<>();

  /** A resolver over {@code sources}, in snapshot order per table. */
  public StaticFeatureSourceResolver(List<FeatureSource> sources) {
    for (FeatureSource s : sources) {
      byTable.computeIfAbsent(s.table(), t -> new ArrayList<>()).add(s);
    }
  }

  /** A resolver over {@code sources}. */
  public static StaticFeatureSourceResolver of(FeatureSource... sources) {
    return new StaticFeatureSourceResolver(List.of(sources));
  }

  @Override
  public FeatureSource resolve(String table) {
    List<FeatureSource> l = byTable.get(table);
    if (l == null) {
      throw KeelException.notFound("Feature table '" + table + "' does not exist");
    }
    return l.get(l.size() - 1);
  }

  @Override
  public FeatureSource resolveAt(String table, long snapshotId) {
    for (FeatureSource s : byTable.getOrDefault(table, List.of())) {
      if (s.snapshotId() == snapshotId) {
        return s;
      }
    }
    resolve(table);
    throw KeelException.notFound("Feature table '" + table + "' has no snapshot " + snapshotId);
  }
}
