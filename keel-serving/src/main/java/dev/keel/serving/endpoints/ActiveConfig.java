package dev.keel.serving.endpoints;

import dev.keel.serving.endpoints.EndpointService.EntityStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The config an endpoint serves now, with its loaded models: immutable apart from its in-flight
 * count. Requests {@link LiveEndpoint#enter} it and {@link #exit} it; once it is retired (swapped
 * out) and the last request has left, its models are released to the {@link ModelCache}.
 */
final class ActiveConfig {

  /** One loaded entity of an active config. */
  record Entity(EndpointConfig.ServedEntity spec, ModelCache.Handle handle) {}

  final long configVersion;
  final EndpointConfig config;
  final Map<String, Entity> entities;
  final TrafficSplit split;
  final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean released = new AtomicBoolean();
  private final ModelCache models;
  private volatile boolean retired;

  ActiveConfig(
      long configVersion, EndpointConfig config, Map<String, Entity> entities, ModelCache models) {
    this.configVersion = configVersion;
    this.config = config;
    this.entities = Map.copyOf(entities);
    this.split = new TrafficSplit(config.routes());
    this.models = models;
  }

  /** One request has finished on this config. */
  void exit() {
    if (inFlight.decrementAndGet() == 0 && retired) {
      releaseModels();
    }
  }

  /** This config no longer takes new requests; its models go once the last one has left. */
  void retire() {
    retired = true;
    if (inFlight.get() == 0) {
      releaseModels();
    }
  }

  /** Releases the models, once. */
  void releaseModels() {
    if (released.compareAndSet(false, true)) {
      for (Entity e : entities.values()) {
        models.release(e.handle());
      }
    }
  }

  /** The loaded versions, by served entity in config order. */
  Map<String, Long> servedVersions() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (EndpointConfig.ServedEntity s : config.servedEntities()) {
      m.put(s.name(), entities.get(s.name()).handle().version);
    }
    return m;
  }

  /** The status of a served entity whose model version is loaded. */
  static EntityStatus ready(String name, long version) {
    return new EntityStatus(
        name,
        "DEPLOYMENT_READY",
        "Served entity is ready (model version " + version + ").",
        OptionalLong.of(version));
  }
}
