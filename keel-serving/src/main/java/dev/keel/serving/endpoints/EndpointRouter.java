package dev.keel.serving.endpoints;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.serving.InputBatch;
import dev.keel.serving.LoadedModel;
import dev.keel.serving.Predictions;
import dev.keel.serving.ScoringInput;
import dev.keel.serving.ScoringLimits;
import dev.keel.serving.endpoints.EndpointService.Invocation;
import dev.keel.serving.endpoints.EndpointService.ServedModel;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * The data plane of serving endpoints: enters an endpoint's {@link ActiveConfig} for one request,
 * picks a served entity by the traffic split (or the one named), parses the body against its
 * signature (looking features up through the {@link FeatureSource} for versions tagged {@value
 * FeatureSource#FEATURE_SPEC_TAG}) and predicts. Thread-safe; never blocks on config updates.
 */
final class EndpointRouter {
  private final LiveEndpoints live;
  private final FeatureSource features;
  private final ScoringLimits limits;
  private final DoubleSupplier random;

  EndpointRouter(
      LiveEndpoints live, FeatureSource features, ScoringLimits limits, DoubleSupplier random) {
    this.live = live;
    this.features = features;
    this.limits = limits;
    this.random = random;
  }

  /** See {@link EndpointService#invoke}. */
  Invocation invoke(
      String endpoint,
      Optional<String> servedEntity,
      String contentType,
      byte[] body,
      Consumer<EndpointService.Routed> routed) {
    LiveEndpoint l = live.require(endpoint);
    ActiveConfig a = l.enter().orElseThrow(() -> notReady(endpoint));
    try {
      ActiveConfig.Entity e = pick(a, endpoint, servedEntity);
      routed.accept(
          new EndpointService.Routed(e.spec().name(), e.spec().entityName(), e.handle().version));
      LoadedModel model = e.handle().model;
      String spec = e.handle().tags.get(FeatureSource.FEATURE_SPEC_TAG);
      InputBatch batch =
          spec == null
              ? ScoringInput.parse(contentType, body, model.signature(), limits)
              : FeatureInput.parse(features, spec, model.signature(), contentType, body, limits);
      long t0 = System.nanoTime();
      Predictions p = model.predict(batch);
      long nanos = System.nanoTime() - t0;
      return new Invocation(
          e.spec().name(), e.spec().entityName(), e.handle().version, p, nanos, batch);
    } finally {
      a.exit();
    }
  }

  /** See {@link EndpointService#servedModel}. */
  ServedModel servedModel(String endpoint, Optional<String> servedEntity) {
    LiveEndpoint l = live.require(endpoint);
    ActiveConfig a = l.enter().orElseThrow(() -> notReady(endpoint));
    try {
      ActiveConfig.Entity e;
      if (servedEntity.isPresent()) {
        e = pick(a, endpoint, servedEntity);
      } else {
        e = null;
        int best = -1;
        for (EndpointConfig.ServedEntity s : a.config.servedEntities()) {
          int p = a.config.percentage(s.name());
          if (p > best) {
            best = p;
            e = a.entities.get(s.name());
          }
        }
      }
      LoadedModel m = e.handle().model;
      return new ServedModel(
          e.spec().name(), e.spec().entityName(), e.handle().version, m.flavor(), m.signature());
    } finally {
      a.exit();
    }
  }

  /** See {@link EndpointService#ready}. */
  boolean ready(String endpoint) {
    return live.find(endpoint).map(l -> l.active.get() != null).orElse(false);
  }

  private ActiveConfig.Entity pick(ActiveConfig a, String endpoint, Optional<String> servedEntity) {
    if (servedEntity.isPresent()) {
      ActiveConfig.Entity e = a.entities.get(servedEntity.get());
      if (e == null) {
        throw KeelException.notFound(
            "Serving endpoint '"
                + endpoint
                + "' has no served entity '"
                + servedEntity.get()
                + "'.");
      }
      return e;
    }
    return a.entities.get(a.split.pick(random.getAsDouble()));
  }

  private static KeelException notReady(String name) {
    return new KeelException(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        "Serving endpoint '" + name + "' is not ready: no config has been loaded yet.");
  }
}
