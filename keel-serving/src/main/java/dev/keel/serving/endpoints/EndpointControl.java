package dev.keel.serving.endpoints;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.serving.endpoints.EndpointService.EndpointStatus;
import dev.keel.serving.endpoints.EndpointService.EntityStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The control plane of serving endpoints: create, update config, get, list and delete, kept in the
 * {@link EndpointStore}, each endpoint with its {@link LiveEndpoint} runtime. Config changes are
 * stored as pending with {@link ConfigUpdateState#IN_PROGRESS} and handed to the {@link
 * ConfigDeployer}; the methods return at once. One update at a time per endpoint. Thread-safe.
 */
final class EndpointControl {
  private final EndpointStore store;
  private final LiveEndpoints live;
  private final ConfigDeployer deployer;
  private final Clock clock;

  EndpointControl(EndpointStore store, LiveEndpoints live, ConfigDeployer deployer, Clock clock) {
    this.store = store;
    this.live = live;
    this.deployer = deployer;
    this.clock = clock;
  }

  /** Loads every stored endpoint in the background: its pending config, else its active one. */
  void loadStored() {
    for (ServingEndpoint e : store.list()) {
      LiveEndpoint l = new LiveEndpoint(e.id(), e.name());
      live.put(l);
      if (e.pendingConfig().isPresent()) {
        l.updating.set(true);
        deployer.submit(l, e.pendingConfig().get(), ConfigDeployer.Kind.UPDATE);
      } else if (e.config().isPresent()) {
        l.updating.set(true);
        deployer.submit(l, e.config().get(), ConfigDeployer.Kind.RELOAD);
      }
    }
  }

  /** See {@link EndpointService#create}. */
  EndpointStatus create(
      String name,
      Optional<String> description,
      Map<String, String> tags,
      EndpointConfig config,
      Optional<InferenceTableConfig> inferenceTable,
      String creator) {
    EndpointConfig.endpointName(name);
    checkEntities(config);
    long now = clock.millis();
    ServingEndpoint e =
        new ServingEndpoint(
            UUID.randomUUID().toString().replace("-", ""),
            name,
            description,
            tags,
            Optional.empty(),
            0,
            Optional.of(config),
            ConfigUpdateState.IN_PROGRESS,
            Optional.empty(),
            inferenceTable,
            now,
            creator,
            now);
    synchronized (live.lifecycle) {
      store.insert(e);
      LiveEndpoint l = new LiveEndpoint(e.id(), name);
      l.updating.set(true); // before it is visible: no update can slip in ahead of this one
      live.put(l);
      // The answer is the state the request was accepted in (IN_PROGRESS), also when a cached
      // model makes the update finish before this method returns.
      EndpointStatus accepted = get(name);
      deployer.submit(l, config, ConfigDeployer.Kind.UPDATE);
      return accepted;
    }
  }

  /** See {@link EndpointService#updateConfig}. */
  EndpointStatus updateConfig(String name, EndpointConfig config) {
    LiveEndpoint l = live.require(name);
    checkEntities(config);
    if (!l.updating.compareAndSet(false, true)) {
      throw new KeelException(
          ErrorCode.CONFLICT,
          "Serving endpoint '"
              + name
              + "' has a config update in progress; wait until it is NOT_UPDATING.");
    }
    try {
      synchronized (live.lifecycle) { // read-modify-write, as every change of the stored row
        ServingEndpoint e = require(name);
        store.update(e.updating(config, clock.millis()));
      }
    } catch (RuntimeException ex) {
      l.updating.set(false);
      throw ex;
    }
    EndpointStatus accepted = get(name); // IN_PROGRESS, however fast the update then runs
    deployer.submit(l, config, ConfigDeployer.Kind.UPDATE);
    return accepted;
  }

  /** See {@link EndpointService#setInferenceTable}. */
  EndpointStatus setInferenceTable(String name, Optional<InferenceTableConfig> table) {
    synchronized (live.lifecycle) {
      ServingEndpoint e = require(name);
      store.update(e.withInferenceTable(table, clock.millis()));
    }
    return get(name);
  }

  /** See {@link EndpointService#get}. */
  EndpointStatus get(String name) {
    ServingEndpoint e = require(name);
    return status(e);
  }

  /**
   * The id of endpoint {@code name}; NOT_FOUND if there is none. Read from the runtime this server
   * holds for it (every scoring request asks), else from the store.
   */
  String idOf(String name) {
    return live.find(name).map(l -> l.id).orElseGet(() -> require(name).id());
  }

  /** The name of the endpoint with id {@code id}; NOT_FOUND if there is none. */
  String nameOfId(String id) {
    return store
        .getById(id)
        .map(ServingEndpoint::name)
        .orElseThrow(
            () -> KeelException.notFound("Serving endpoint with id '" + id + "' does not exist."));
  }

  /** See {@link EndpointService#list}. */
  List<EndpointStatus> list() {
    return store.list().stream().map(this::status).toList();
  }

  /** See {@link EndpointService#delete}. */
  void delete(String name) {
    synchronized (live.lifecycle) {
      if (!store.delete(name)) {
        throw LiveEndpoints.notFound(name);
      }
      live.remove(name)
          .ifPresent(
              l -> {
                l.deleted = true;
                l.swap(null);
              });
    }
  }

  private EndpointStatus status(ServingEndpoint e) {
    LiveEndpoint l = live.find(e.name()).orElse(null);
    ActiveConfig a = l == null ? null : l.active.get();
    List<EntityStatus> active = new ArrayList<>();
    if (a != null) {
      for (EndpointConfig.ServedEntity s : a.config.servedEntities()) {
        active.add(ActiveConfig.ready(s.name(), a.entities.get(s.name()).handle().version));
      }
    } else if (l != null) {
      active.addAll(l.failedStatus);
    }
    List<EntityStatus> pending =
        l == null || e.pendingConfig().isEmpty() ? List.of() : l.pendingStatus;
    return new EndpointStatus(e, a != null, active, pending);
  }

  private void checkEntities(EndpointConfig config) {
    for (EndpointConfig.ServedEntity s : config.servedEntities()) {
      deployer.resolveServable(s);
    }
  }

  private ServingEndpoint require(String name) {
    return store.get(name).orElseThrow(() -> LiveEndpoints.notFound(name));
  }
}
