package dev.keel.serving.endpoints;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.RegistryService;
import dev.keel.serving.InputBatch;
import dev.keel.serving.LoadedModel;
import dev.keel.serving.ModelLoader;
import dev.keel.serving.Predictions;
import dev.keel.serving.ScoringInput;
import dev.keel.serving.ScoringLimits;
import dev.keel.tracking.artifacts.ArtifactStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving endpoints: the control plane (create, update config, get, list, delete; kept in an {@link
 * EndpointStore}) and the data plane (route a request to a served entity and predict).
 *
 * <p>Config updates are asynchronous: {@link #create} and {@link #updateConfig} store the new
 * config as pending with {@link ConfigUpdateState#IN_PROGRESS} and return; a background task
 * resolves each served entity to a READY model version, loads and warms it ({@link ModelLoader}),
 * then swaps the active config in one atomic step. Requests keep using the old config until the
 * swap and finish on it; its models are released once the last such request is done. A failed load
 * leaves the old config serving and the endpoint in {@link ConfigUpdateState#UPDATE_FAILED} with
 * the reason. One update at a time per endpoint: a second is RESOURCE_CONFLICT.
 *
 * <p>Models are shared: one loaded model per (model, version) however many entities use it;
 * unloaded when no active config uses it. Entities on {@code @alias} follow the alias: a watcher
 * polls {@link RegistryService#versionByAlias} (a cache hit) and, when the alias has moved, loads
 * the new version and swaps with the same mechanism (bumping {@code config_version}).
 *
 * <p>{@link #start} rebuilds every endpoint from the store (after a restart). Thread-safe.
 */
public final class EndpointService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointService.class);

  /** The principal recorded as creator until governance lands. */
  public static final String PRINCIPAL = RegistryService.PRINCIPAL;

  /**
   * Settings.
   *
   * @param workDir where model files are copied to before loading (private to this service)
   * @param limits parse limits for scoring requests
   * @param aliasPoll how often alias-following entities check their alias
   */
  public record Options(Path workDir, ScoringLimits limits, Duration aliasPoll) {
    /** Checks for nulls. */
    public Options {
      Objects.requireNonNull(workDir, "workDir");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(aliasPoll, "aliasPoll");
    }

    /** Default limits, alias polled every second. */
    public static Options of(Path workDir) {
      return new Options(workDir, ScoringLimits.DEFAULT, Duration.ofSeconds(1));
    }
  }

  /**
   * The runtime state of one served entity.
   *
   * @param name the served entity's name
   * @param deployment Databricks' deployment state: {@code DEPLOYMENT_CREATING}, {@code
   *     DEPLOYMENT_READY} or {@code DEPLOYMENT_FAILED}
   * @param message what happened, in words
   * @param version the model version loaded, when it is
   */
  public record EntityStatus(
      String name, String deployment, String message, OptionalLong version) {}

  /**
   * An endpoint with its runtime state.
   *
   * @param endpoint the stored endpoint
   * @param ready whether the active config is loaded and serving
   * @param active the state of the active config's entities
   * @param pending the state of the pending config's entities (empty without an update)
   */
  public record EndpointStatus(
      ServingEndpoint endpoint,
      boolean ready,
      List<EntityStatus> active,
      List<EntityStatus> pending) {}

  /**
   * The result of one scoring request.
   *
   * @param servedEntity the served entity that answered
   * @param modelName the registered model, {@code catalog.schema.model}
   * @param modelVersion the model version that answered
   * @param predictions the predictions
   * @param modelNanos time spent in {@link LoadedModel#predict} alone
   */
  public record Invocation(
      String servedEntity,
      String modelName,
      long modelVersion,
      Predictions predictions,
      long modelNanos) {}

  /**
   * A served model as seen by the Open Inference Protocol: the entity a request would most likely
   * reach.
   *
   * @param servedEntity the served entity
   * @param modelName the registered model
   * @param modelVersion the loaded version
   * @param flavor the runtime flavor
   * @param signature the signature requests are parsed against
   */
  public record ServedModel(
      String servedEntity,
      String modelName,
      long modelVersion,
      String flavor,
      ModelSignature signature) {}

  /** One loaded entity of an active config. */
  private record LiveEntity(EndpointConfig.ServedEntity spec, ModelCache.Handle handle) {}

  /** An active config: immutable apart from its in-flight count. */
  private final class Active {
    final long configVersion;
    final EndpointConfig config;
    final Map<String, LiveEntity> entities;
    final TrafficSplit split;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicBoolean released = new AtomicBoolean();
    volatile boolean retired;

    Active(long configVersion, EndpointConfig config, Map<String, LiveEntity> entities) {
      this.configVersion = configVersion;
      this.config = config;
      this.entities = Map.copyOf(entities);
      this.split = new TrafficSplit(config.routes());
    }

    void exit() {
      if (inFlight.decrementAndGet() == 0 && retired) {
        releaseModels();
      }
    }

    void retire() {
      retired = true;
      if (inFlight.get() == 0) {
        releaseModels();
      }
    }

    void releaseModels() {
      if (released.compareAndSet(false, true)) {
        for (LiveEntity e : entities.values()) {
          models.release(e.handle());
        }
      }
    }
  }

  /** What kind of change a background apply makes. */
  private enum Kind {
    UPDATE,
    RELOAD,
    ALIAS
  }

  /** One endpoint's runtime. */
  private final class Live {
    final String name;
    final AtomicReference<Active> active = new AtomicReference<>();
    final AtomicBoolean updating = new AtomicBoolean();
    volatile List<EntityStatus> pendingStatus = List.of();
    volatile List<EntityStatus> failedStatus = List.of();
    volatile boolean deleted;

    Live(String name) {
      this.name = name;
    }

    /** Enters the active config for one request; empty when nothing is loaded yet. */
    Optional<Active> enter() {
      while (true) {
        Active a = active.get();
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

    void swap(Active next) {
      Active old = active.getAndSet(next);
      if (old != null) {
        old.retire();
      }
    }
  }

  private final EndpointStore store;
  private final RegistryService registry;
  private final ModelCache models;
  private final Options options;
  private final Clock clock;
  private final DoubleSupplier random;
  private final FeatureSource features;
  private final Map<String, Live> live = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  private final ExecutorService updates = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService watcher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "keel-alias-watcher");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A service; call {@link #start} to load the stored endpoints.
   *
   * @param store where endpoints are kept
   * @param registry the model registry versions and aliases are resolved in
   * @param artifacts the artifact store holding the versions' files
   * @param loader loads model packages
   * @param options settings
   * @param clock the clock for timestamps
   * @param random uniform numbers in [0, 1) for the traffic split (a seam for tests)
   * @param features online features for versions tagged {@value FeatureSource#FEATURE_SPEC_TAG}
   */
  public EndpointService(
      EndpointStore store,
      RegistryService registry,
      ArtifactStore artifacts,
      ModelLoader loader,
      Options options,
      Clock clock,
      DoubleSupplier random,
      FeatureSource features) {
    this.store = Objects.requireNonNull(store, "store");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.features = Objects.requireNonNull(features, "features");
    this.models = new ModelCache(artifacts, loader, options.workDir().toAbsolutePath().normalize());
  }

  /** Loads every stored endpoint in the background and starts the alias watcher. */
  public void start() {
    for (ServingEndpoint e : store.list()) {
      Live l = new Live(e.name());
      live.put(e.name(), l);
      if (e.pendingConfig().isPresent()) {
        l.updating.set(true);
        submit(l, e.pendingConfig().get(), Kind.UPDATE);
      } else if (e.config().isPresent()) {
        l.updating.set(true);
        submit(l, e.config().get(), Kind.RELOAD);
      }
    }
    long ms = Math.max(10, options.aliasPoll().toMillis());
    watcher.scheduleWithFixedDelay(this::checkAliases, ms, ms, TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------- control plane

  /**
   * Creates an endpoint and starts loading its config; returns at once with IN_PROGRESS.
   *
   * @throws KeelException INVALID_PARAMETER_VALUE for a bad name or a version that is not READY,
   *     NOT_FOUND for an unknown model, version or alias, ALREADY_EXISTS for a taken name
   */
  public EndpointStatus create(
      String name,
      Optional<String> description,
      Map<String, String> tags,
      EndpointConfig config,
      Optional<InferenceTableConfig> inferenceTable) {
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
            PRINCIPAL,
            now);
    synchronized (lifecycle) {
      store.insert(e);
      Live l = new Live(name);
      l.updating.set(true);
      live.put(name, l);
      // The answer is the state the request was accepted in (IN_PROGRESS), also when a cached
      // model makes the update finish before this method returns.
      EndpointStatus accepted = get(name);
      submit(l, config, Kind.UPDATE);
      return accepted;
    }
  }

  /**
   * Replaces an endpoint's served entities and traffic; returns at once with IN_PROGRESS while the
   * old config keeps serving.
   *
   * @throws KeelException NOT_FOUND for an unknown endpoint, RESOURCE_CONFLICT while another update
   *     is in progress, INVALID_PARAMETER_VALUE or NOT_FOUND for bad entities
   */
  public EndpointStatus updateConfig(String name, EndpointConfig config) {
    Live l = liveOf(name);
    checkEntities(config);
    if (!l.updating.compareAndSet(false, true)) {
      throw new KeelException(
          ErrorCode.RESOURCE_CONFLICT,
          "Serving endpoint '"
              + name
              + "' has a config update in progress; wait until it is NOT_UPDATING.");
    }
    try {
      ServingEndpoint e = require(name);
      store.update(e.updating(config, clock.millis()));
    } catch (RuntimeException ex) {
      l.updating.set(false);
      throw ex;
    }
    EndpointStatus accepted = get(name); // IN_PROGRESS, however fast the update then runs
    submit(l, config, Kind.UPDATE);
    return accepted;
  }

  /** An endpoint with its runtime state; NOT_FOUND if there is none. */
  public EndpointStatus get(String name) {
    ServingEndpoint e = require(name);
    return status(e);
  }

  /** Every endpoint, by name. */
  public List<EndpointStatus> list() {
    return store.list().stream().map(this::status).toList();
  }

  /** Deletes an endpoint; its models are released once its requests in flight finish. */
  public void delete(String name) {
    synchronized (lifecycle) {
      if (!store.delete(name)) {
        throw notFound(name);
      }
      Live l = live.remove(name);
      if (l != null) {
        l.deleted = true;
        l.swap(null);
      }
    }
  }

  private EndpointStatus status(ServingEndpoint e) {
    Live l = live.get(e.name());
    Active a = l == null ? null : l.active.get();
    List<EntityStatus> active = new ArrayList<>();
    if (a != null) {
      for (EndpointConfig.ServedEntity s : a.config.servedEntities()) {
        LiveEntity le = a.entities.get(s.name());
        active.add(
            new EntityStatus(
                s.name(),
                "DEPLOYMENT_READY",
                "Served entity is ready (model version " + le.handle().version + ").",
                OptionalLong.of(le.handle().version)));
      }
    } else if (l != null) {
      active.addAll(l.failedStatus);
    }
    List<EntityStatus> pending =
        l == null || e.pendingConfig().isEmpty() ? List.of() : l.pendingStatus;
    return new EndpointStatus(e, a != null, active, pending);
  }

  /** The versions an active config serves, by served entity (for tests and the CLI). */
  public Map<String, Long> servedVersions(String name) {
    Active a = liveOf(name).active.get();
    Map<String, Long> m = new LinkedHashMap<>();
    if (a != null) {
      for (EndpointConfig.ServedEntity s : a.config.servedEntities()) {
        m.put(s.name(), a.entities.get(s.name()).handle().version);
      }
    }
    return m;
  }

  private void checkEntities(EndpointConfig config) {
    for (EndpointConfig.ServedEntity s : config.servedEntities()) {
      resolve(s);
    }
  }

  private ModelVersion resolve(EndpointConfig.ServedEntity s) {
    ModelVersion v =
        s.alias().isPresent()
            ? registry.versionByAlias(s.entityName(), s.alias().get())
            : registry.getVersion(s.entityName(), Long.parseLong(s.entityVersion()));
    return RegistryService.requireReady(v);
  }

  // ---------------------------------------------------------------- updates

  private void submit(Live l, EndpointConfig config, Kind kind) {
    updates.execute(() -> apply(l, config, kind));
  }

  /** Loads {@code config}, swaps it in, records the result; {@code l.updating} is held. */
  private void apply(Live l, EndpointConfig config, Kind kind) {
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
      Map<String, LiveEntity> entities = new LinkedHashMap<>();
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
        entities.put(s.name(), new LiveEntity(s, h));
        states.put(
            s.name(),
            new EntityStatus(
                s.name(),
                "DEPLOYMENT_READY",
                "Served entity is ready (model version " + h.version + ").",
                OptionalLong.of(h.version)));
        l.pendingStatus = List.copyOf(states.values());
      }
      synchronized (lifecycle) {
        Optional<ServingEndpoint> stored = store.get(l.name);
        if (l.deleted || stored.isEmpty()) {
          acquired.forEach(models::release);
          return;
        }
        ServingEndpoint e = stored.get();
        long version = kind == Kind.RELOAD ? e.configVersion() : e.configVersion() + 1;
        Active next = new Active(version, config, entities);
        // Swap first: once the store says NOT_UPDATING, every new request sees the new config.
        l.swap(next);
        l.failedStatus = List.of();
        if (kind != Kind.RELOAD) {
          store.update(e.activated(config, version, clock.millis()));
        }
      }
      LOG.info("Serving endpoint {} now serves config version {}", l.name, servedVersions(l.name));
    } catch (RuntimeException ex) {
      acquired.forEach(models::release);
      String reason = ex instanceof LoadFailure ? ex.getMessage() : message(ex);
      LOG.warn("Config update of serving endpoint {} failed: {}", l.name, reason);
      synchronized (lifecycle) {
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

  private static String message(Throwable ex) {
    return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
  }

  /** Swaps in new versions for entities whose alias moved. */
  private void checkAliases() {
    try {
      for (Live l : live.values()) {
        Active a = l.active.get();
        if (a == null || l.deleted) {
          continue;
        }
        boolean moved = false;
        for (LiveEntity e : a.entities.values()) {
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
          Active current = l.active.get();
          if (current == null) {
            l.updating.set(false);
            continue;
          }
          submit(l, current.config, Kind.ALIAS);
        }
      }
    } catch (RuntimeException ex) {
      LOG.warn("Alias check failed", ex);
    }
  }

  // ---------------------------------------------------------------- data plane

  /**
   * Scores one request: picks a served entity by the traffic split (or uses {@code servedEntity}),
   * parses the body against its signature and predicts.
   *
   * @param endpoint the endpoint name
   * @param servedEntity a served entity to call directly, bypassing the split; empty to route
   * @param contentType the request's content type
   * @param body the request body
   * @throws KeelException NOT_FOUND for an unknown endpoint or entity, TEMPORARILY_UNAVAILABLE
   *     while the endpoint has no loaded config, INVALID_PARAMETER_VALUE naming the column for
   *     input that does not fit
   */
  public Invocation invoke(
      String endpoint, Optional<String> servedEntity, String contentType, byte[] body) {
    Live l = liveOf(endpoint);
    Active a = l.enter().orElseThrow(() -> notReady(endpoint));
    try {
      LiveEntity e = pick(a, endpoint, servedEntity);
      LoadedModel model = e.handle().model;
      String spec = e.handle().tags.get(FeatureSource.FEATURE_SPEC_TAG);
      InputBatch batch =
          spec == null
              ? ScoringInput.parse(contentType, body, model.signature(), options.limits())
              : FeatureInput.parse(
                  features, spec, model.signature(), contentType, body, options.limits());
      long t0 = System.nanoTime();
      Predictions p = model.predict(batch);
      long nanos = System.nanoTime() - t0;
      return new Invocation(e.spec().name(), e.spec().entityName(), e.handle().version, p, nanos);
    } finally {
      a.exit();
    }
  }

  /** The model a request to this endpoint (or entity) reaches, for metadata. */
  public ServedModel servedModel(String endpoint, Optional<String> servedEntity) {
    Live l = liveOf(endpoint);
    Active a = l.enter().orElseThrow(() -> notReady(endpoint));
    try {
      LiveEntity e;
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

  /** Whether the endpoint exists and has a loaded config. */
  public boolean ready(String endpoint) {
    Live l = live.get(endpoint);
    return l != null && l.active.get() != null;
  }

  private LiveEntity pick(Active a, String endpoint, Optional<String> servedEntity) {
    if (servedEntity.isPresent()) {
      LiveEntity e = a.entities.get(servedEntity.get());
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

  private Live liveOf(String name) {
    Live l = live.get(name);
    if (l == null) {
      throw notFound(name);
    }
    return l;
  }

  private ServingEndpoint require(String name) {
    return store.get(name).orElseThrow(() -> notFound(name));
  }

  private static KeelException notFound(String name) {
    return KeelException.notFound("Serving endpoint '" + name + "' does not exist.");
  }

  private static KeelException notReady(String name) {
    return new KeelException(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        "Serving endpoint '" + name + "' is not ready: no config has been loaded yet.");
  }

  /** The number of distinct model versions loaded now. */
  public int loadedModels() {
    return models.loaded();
  }

  /** Stops the watcher and updates, and unloads every model. Call after requests have drained. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watcher.shutdownNow();
    updates.shutdownNow();
    try {
      updates.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    for (Live l : live.values()) {
      Active a = l.active.getAndSet(null);
      if (a != null) {
        a.releaseModels();
      }
    }
    live.clear();
    models.close();
  }
}
