package dev.keel.registry;

import dev.keel.store.Subscription;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Alias → version answers kept in memory, because serving resolves aliases on its request path.
 *
 * <p>Correctness rests on a generation counter: every registry change bumps it after its commit
 * (locally through {@link #invalidate()}, from other servers through the database's change
 * announcements), and a loaded answer is kept only if no change happened while it was loading. So a
 * reader that raced a writer can never park the old answer in the cache. While announcements from
 * other servers may be missed (the subscription is not live) every lookup reads the database.
 */
final class AliasCache {
  private static final int MAX_ENTRIES = 50_000;

  private final ConcurrentHashMap<String, ModelVersion> entries = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private volatile Subscription subscription = Subscription.ALWAYS_LIVE;

  void listenTo(Subscription s) {
    subscription = s;
  }

  Optional<ModelVersion> get(String fullName, String alias, Supplier<Optional<ModelVersion>> load) {
    if (!subscription.live()) {
      return load.get();
    }
    String key = fullName + '@' + alias;
    ModelVersion hit = entries.get(key);
    if (hit != null) {
      return Optional.of(hit);
    }
    long before = generation.get();
    Optional<ModelVersion> loaded = load.get();
    if (loaded.isPresent() && entries.size() < MAX_ENTRIES) {
      entries.put(key, loaded.get());
      if (generation.get() != before) {
        entries.remove(key, loaded.get()); // a change committed while we read: maybe stale
      }
    }
    return loaded;
  }

  /** Forgets every answer; called after each committed registry change. */
  void invalidate() {
    generation.incrementAndGet();
    entries.clear();
  }
}
