package dev.keel.serving.endpoints;

import dev.keel.core.KeelException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runtimes of the endpoints this server knows, by name, shared by the control plane, the alias
 * watcher and the router. Thread-safe.
 */
final class LiveEndpoints {

  /**
   * Held while a change touches both the store and these runtimes (create, delete, the swap at the
   * end of an update), so that they never disagree.
   */
  final Object lifecycle = new Object();

  private final Map<String, LiveEndpoint> live = new ConcurrentHashMap<>();

  /** Adds {@code l}, replacing any runtime of the same name. */
  void put(LiveEndpoint l) {
    live.put(l.name, l);
  }

  /** The runtime of {@code name}, if any. */
  Optional<LiveEndpoint> find(String name) {
    return Optional.ofNullable(live.get(name));
  }

  /**
   * The runtime of {@code name}.
   *
   * @throws KeelException NOT_FOUND if there is none
   */
  LiveEndpoint require(String name) {
    LiveEndpoint l = live.get(name);
    if (l == null) {
      throw notFound(name);
    }
    return l;
  }

  /** Removes the runtime of {@code name}; the removed one, if any. */
  Optional<LiveEndpoint> remove(String name) {
    return Optional.ofNullable(live.remove(name));
  }

  /** Every runtime (a live view). */
  Collection<LiveEndpoint> all() {
    return live.values();
  }

  /** The versions the active config of {@code name} serves, by served entity; NOT_FOUND. */
  Map<String, Long> servedVersions(String name) {
    ActiveConfig a = require(name).active.get();
    return a == null ? new LinkedHashMap<>() : a.servedVersions();
  }

  /** Drops every runtime and releases the models of their active configs (at close). */
  void releaseAll() {
    for (LiveEndpoint l : live.values()) {
      ActiveConfig a = l.active.getAndSet(null);
      if (a != null) {
        a.releaseModels();
      }
    }
    live.clear();
  }

  static KeelException notFound(String name) {
    return KeelException.notFound("Serving endpoint '" + name + "' does not exist.");
  }
}
