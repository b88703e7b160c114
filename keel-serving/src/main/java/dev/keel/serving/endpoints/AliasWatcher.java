package dev.keel.serving.endpoints;

import dev.keel.registry.ModelVersion;
import dev.keel.registry.RegistryService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes served entities on {@code @alias} follow their alias with zero downtime: polls {@link
 * RegistryService#versionByAlias} (a cache hit) for every entity of every active config and, when
 * an alias has moved, has the {@link ConfigDeployer} load the new version and swap it in (bumping
 * {@code config_version}), unless an update is already running. An alias that disappears keeps the
 * loaded version serving. One daemon thread.
 */
final class AliasWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AliasWatcher.class);

  private final LiveEndpoints live;
  private final RegistryService registry;
  private final ConfigDeployer deployer;
  private final Duration poll;
  private final ScheduledExecutorService watcher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "keel-alias-watcher");
            t.setDaemon(true);
            return t;
          });

  AliasWatcher(
      LiveEndpoints live, RegistryService registry, ConfigDeployer deployer, Duration poll) {
    this.live = live;
    this.registry = registry;
    this.deployer = deployer;
    this.poll = poll;
  }

  /** Checks every {@code poll} (at least 10 ms) from now on. */
  void start() {
    long ms = Math.max(10, poll.toMillis());
    watcher.scheduleWithFixedDelay(this::checkAliases, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Swaps in new versions for entities whose alias moved. */
  void checkAliases() {
    try {
      for (LiveEndpoint l : live.all()) {
        ActiveConfig a = l.active.get();
        if (a == null || l.deleted) {
          continue;
        }
        boolean moved = false;
        for (ActiveConfig.Entity e : a.entities.values()) {
          Optional<String> alias = e.spec().alias();
          if (alias.isEmpty()) {
            continue;
          }
          try {
            ModelVersion v = registry.versionByAlias(e.spec().entityName(), alias.get());
            moved |= v.version() != e.handle().version;
          } catch (RuntimeException ex) {
            // the alias was removed or the model deleted: keep serving what is loaded
          }
        }
        if (moved && l.updating.compareAndSet(false, true)) {
          ActiveConfig current = l.active.get();
          if (current == null) {
            l.updating.set(false);
            continue;
          }
          deployer.submit(l, current.config, ConfigDeployer.Kind.ALIAS);
        }
      }
    } catch (RuntimeException ex) {
      LOG.warn("Alias check failed", ex);
    }
  }

  /** Stops polling. */
  @Override
  public void close() {
    watcher.shutdownNow();
  }
}
