package dev.keel.serving.endpoints;

import dev.keel.core.KeelException;
import dev.keel.core.LibraryMessages;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.RegistryService;
import dev.keel.serving.endpoints.EndpointService.EntityStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts configs into service in the background, for the control plane (create, update, reload after
 * a restart) and the {@link AliasWatcher} alike: resolves each served entity to a READY model
 * version, loads it through the shared {@link ModelCache}, then swaps the new {@link ActiveConfig}
 * in one atomic step and records the result in the {@link EndpointStore}. A failed load leaves the
 * old config serving and the endpoint in {@link ConfigUpdateState#UPDATE_FAILED} with the reason.
 * The caller holds {@link LiveEndpoint#updating}; it is released when the apply ends. Thread-safe.
 */
final class ConfigDeployer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigDeployer.class);

  /** What kind of change a background apply makes. */
  enum Kind {
    /** A new config (create or update): bumps {@code config_version} and stores it active. */
    UPDATE,
    /** The stored active config again, after a restart: same version, nothing stored. */
    RELOAD,
    /** The active config with its aliases resolved again: bumps {@code config_version}. */
    ALIAS
  }

  private final EndpointStore store;
  private final RegistryService registry;
  private final ModelCache models;
  private final LiveEndpoints live;
  private final Clock clock;
  private final ExecutorService updates = Executors.newVirtualThreadPerTaskExecutor();

  ConfigDeployer(
      EndpointStore store,
      RegistryService registry,
      ModelCache models,
      LiveEndpoints live,
      Clock clock) {
    this.store = store;
    this.registry = registry;
    this.models = models;
    this.live = live;
    this.clock = clock;
  }

  /**
   * The READY model version a served entity names now (its alias resolved).
   *
   * @throws dev.keel.core.KeelException NOT_FOUND for an unknown model, version or alias,
   *     INVALID_PARAMETER_VALUE for a version that is not READY
   */
  ModelVersion resolve(EndpointConfig.ServedEntity s) {
    ModelVersion v =
        s.alias().isPresent()
            ? registry.versionByAlias(s.entityName(), s.alias().get())
            : registry.getVersion(s.entityName(), Long.parseLong(s.entityVersion()));
    return RegistryService.requireReady(v);
  }

  /**
   * As {@link #resolve}, and checks that Keel can serve the version ({@link
   * ModelCache#requireServable}): what create and update config refuse at once.
   */
  ModelVersion resolveServable(EndpointConfig.ServedEntity s) {
    ModelVersion v = resolve(s);
    models.requireServable(v);
    return v;
  }

  /** Starts applying {@code config} to {@code l} in the background; {@code l.updating} is held. */
  void submit(LiveEndpoint l, EndpointConfig config, Kind kind) {
    updates.execute(() -> apply(l, config, kind));
  }

  /** Loads {@code config}, swaps it in, records the result; {@code l.updating} is held. */
  private void apply(LiveEndpoint l, EndpointConfig config, Kind kind) {
    List<ModelCache.Handle> acquired = new ArrayList<>();
    Map<String, EntityStatus> states = new LinkedHashMap<>();
    for (EndpointConfig.ServedEntity s : config.servedEntities()) {
      states.put(
          s.name(),
          new EntityStatus(
              s.name(), "DEPLOYMENT_CREATING", "Loading the model.", OptionalLong.empty()));
    }
    l.pendingStatus = List.copyOf(states.values());
    try {
      Map<String, ActiveConfig.Entity> entities = new LinkedHashMap<>();
      for (EndpointConfig.ServedEntity s : config.servedEntities()) {
        ModelCache.Handle h;
        try {
          h = models.acquire(resolve(s));
        } catch (RuntimeException ex) {
          states.put(
              s.name(),
              new EntityStatus(s.name(), "DEPLOYMENT_FAILED", message(ex), OptionalLong.empty()));
          l.pendingStatus = List.copyOf(states.values());
          throw new LoadFailure(
              "Served entity '" + s.name() + "' failed to load: " + message(ex), ex);
        }
        acquired.add(h);
        entities.put(s.name(), new ActiveConfig.Entity(s, h));
        states.put(s.name(), ActiveConfig.ready(s.name(), h.version));
        l.pendingStatus = List.copyOf(states.values());
      }
      synchronized (live.lifecycle) {
        Optional<ServingEndpoint> stored = store.get(l.name);
        if (l.deleted || stored.isEmpty()) {
          acquired.forEach(models::release);
          return;
        }
        ServingEndpoint e = stored.get();
        long version = kind == Kind.RELOAD ? e.configVersion() : e.configVersion() + 1;
        ActiveConfig next = new ActiveConfig(version, config, entities, models);
        // Swap first: once the store says NOT_UPDATING, every new request sees the new config.
        l.swap(next);
        l.failedStatus = List.of();
        if (kind != Kind.RELOAD) {
          store.update(e.activated(config, version, clock.millis()));
        }
      }
      LOG.info(
          "Serving endpoint {} now serves config version {}", l.name, live.servedVersions(l.name));
    } catch (RuntimeException ex) {
      acquired.forEach(models::release);
      String reason = ex instanceof LoadFailure ? ex.getMessage() : message(ex);
      // the original (a runtime's message with paths) goes to the log, the worded reason to the
      // state
      LOG.warn("Config update of serving endpoint {} failed: {}", l.name, reason, ex);
      synchronized (live.lifecycle) {
        store.get(l.name).ifPresent(e -> store.update(e.failed(reason, clock.millis())));
        if (l.active.get() == null) {
          l.failedStatus = List.copyOf(states.values());
        }
      }
    } finally {
      l.pendingStatus = List.of();
      l.updating.set(false);
    }
  }

  private static final class LoadFailure extends RuntimeException {
    LoadFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The reason a load failed, as the endpoint's state shows it to clients: a {@link
   * KeelException}'s message (worded for clients; any absolute path still in it cut to its last
   * part), anything else only by its kind, its message being the server log's.
   */
  private static String message(Throwable ex) {
    if (ex instanceof KeelException k && k.getMessage() != null) {
      return LibraryMessages.withoutPaths(k.getMessage());
    }
    return "an internal error ("
        + ex.getClass().getSimpleName()
        + "); the server log has the details under the endpoint's name";
  }

  /** Stops the running applies, waiting up to 10 s for them to end. */
  @Override
  public void close() {
    updates.shutdownNow();
    try {
      updates.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }
}
