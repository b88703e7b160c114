package dev.keel.serving.endpoints;

import dev.keel.serving.endpoints.EndpointService.EntityStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One endpoint's runtime: the {@link ActiveConfig} requests use, whether an update is running (one
 * at a time), and the entity states reported while it runs or after it failed.
 */
final class LiveEndpoint {
  final String id;
  final String name;
  final AtomicReference<ActiveConfig> active = new AtomicReference<>();
  final AtomicBoolean updating = new AtomicBoolean();
  volatile List<EntityStatus> pendingStatus = List.of();
  volatile List<EntityStatus> failedStatus = List.of();
  volatile boolean deleted;

  LiveEndpoint(String id, String name) {
    this.id = id;
    this.name = name;
  }

  /** Enters the active config for one request; empty when nothing is loaded yet. */
  Optional<ActiveConfig> enter() {
    while (true) {
      ActiveConfig a = active.get();
      if (a == null) {
        return Optional.empty();
      }
      a.inFlight.incrementAndGet();
      if (active.get() == a) {
        return Optional.of(a);
      }
      a.exit();
    }
  }

  /** Makes {@code next} (null: nothing) the active config and retires the old one. */
  void swap(ActiveConfig next) {
    ActiveConfig old = active.getAndSet(next);
    if (old != null) {
      old.retire();
    }
  }
}
