package dev.keel.features;

import dev.keel.features.online.FeatureRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What online lookups resolve from metadata (a request's checked features, a table's max ages),
 * kept for a few seconds: serving asks for the same features on every request, and resolving them
 * reads metadata. Metadata changes made through this feature store drop the entries they affect at
 * once. Thread-safe.
 */
final class OnlineMetadataCache {
  static final Duration TTL = Duration.ofSeconds(5);
  private static final int MAX_CACHED_LOOKUPS = 1024;

  private final Map<String, CachedAges> ages = new ConcurrentHashMap<>();
  private final Map<Object, CachedRefs> refs = new ConcurrentHashMap<>();

  private record CachedRefs(List<FeatureRef> refs, long loadedAt) {}

  private record CachedAges(Map<String, Optional<Duration>> ages, long loadedAt) {}

  /** The resolved features of a lookup request keyed {@code key}, loaded when stale or absent. */
  List<FeatureRef> refs(Object key, Supplier<List<FeatureRef>> load) {
    long now = System.nanoTime();
    CachedRefs c = refs.get(key);
    if (c != null && now - c.loadedAt() < TTL.toNanos()) {
      return c.refs();
    }
    List<FeatureRef> loaded = load.get();
    if (refs.size() >= MAX_CACHED_LOOKUPS) {
      refs.clear();
    }
    refs.put(key, new CachedRefs(loaded, now));
    return loaded;
  }

  /** A table's feature → max age in force, loaded when stale or absent. */
  Map<String, Optional<Duration>> ages(
      String table, Supplier<Map<String, Optional<Duration>>> load) {
    long now = System.nanoTime();
    CachedAges c = ages.get(table);
    if (c != null && now - c.loadedAt() < TTL.toNanos()) {
      return c.ages();
    }
    Map<String, Optional<Duration>> loaded = load.get();
    ages.put(table, new CachedAges(loaded, now));
    return loaded;
  }

  /** Forgets what was resolved from a table's metadata (it changed or went away). */
  void forgetTable(String table) {
    ages.remove(table);
    refs.clear();
  }

  /** Forgets every resolved request (a feature spec went away). */
  void forgetRequests() {
    refs.clear();
  }
}
