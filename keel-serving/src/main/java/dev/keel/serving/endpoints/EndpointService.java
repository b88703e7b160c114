package dev.keel.serving.endpoints;

import dev.keel.mlmodel.ModelSignature;
import dev.keel.registry.RegistryService;
import dev.keel.serving.InputBatch;
import dev.keel.serving.LoadedModel;
import dev.keel.serving.ModelLoader;
import dev.keel.serving.Predictions;
import dev.keel.serving.ScoringLimits;
import dev.keel.tracking.artifacts.ArtifactStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Serving endpoints: the facade over the control plane ({@link EndpointControl}: create, update
 * config, get, list, delete; kept in an {@link EndpointStore}), the {@link AliasWatcher} and the
 * data plane ({@link EndpointRouter}: route a request to a served entity and predict).
 *
 * <p>Config updates are asynchronous: {@link #create} and {@link #updateConfig} store the new
 * config as pending with {@link ConfigUpdateState#IN_PROGRESS} and return; a background task
 * ({@link ConfigDeployer}) resolves each served entity to a READY model version, loads and warms it
 * ({@link ModelLoader}), then swaps the active config in one atomic step. Requests keep using the
 * old config until the swap and finish on it; its models are released once the last such request is
 * done. A failed load leaves the old config serving and the endpoint in {@link
 * ConfigUpdateState#UPDATE_FAILED} with the reason. One update at a time per endpoint: a second is
 * RESOURCE_CONFLICT.
 *
 * <p>Models are shared: one loaded model per (model, version) however many entities use it;
 * unloaded when no active config uses it. Entities on {@code @alias} follow the alias: a watcher
 * polls {@link RegistryService#versionByAlias} (a cache hit) and, when the alias has moved, loads
 * the new version and swaps with the same mechanism (bumping {@code config_version}).
 *
 * <p>{@link #start} rebuilds every endpoint from the store (after a restart). Thread-safe.
 */
public final class EndpointService implements AutoCloseable {

  /** The creator recorded when none is given (a server without authentication's user). */
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
   * @param input what the model was fed (the request parsed against the signature, features looked
   *     up included)
   */
  public record Invocation(
      String servedEntity,
      String modelName,
      long modelVersion,
      Predictions predictions,
      long modelNanos,
      InputBatch input) {}

  /**
   * The served entity routing picked for one request, known before the request is parsed: an answer
   * names it whether or not the request then succeeds.
   *
   * @param servedEntity the served entity's name
   * @param modelName the registered model, {@code catalog.schema.model}
   * @param modelVersion the model version the entity serves now (its alias resolved)
   */
  public record Routed(String servedEntity, String modelName, long modelVersion) {}

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

  private final ModelCache models;
  private final LiveEndpoints live = new LiveEndpoints();
  private final ConfigDeployer deployer;
  private final EndpointControl control;
  private final AliasWatcher watcher;
  private final EndpointRouter router;
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
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(features, "features");
    this.models = new ModelCache(artifacts, loader, options.workDir().toAbsolutePath().normalize());
    this.deployer = new ConfigDeployer(store, registry, models, live, clock);
    this.control = new EndpointControl(store, live, deployer, clock);
    this.watcher = new AliasWatcher(live, registry, deployer, options.aliasPoll());
    this.router = new EndpointRouter(live, features, options.limits(), random);
  }

  /** Loads every stored endpoint in the background and starts the alias watcher. */
  public void start() {
    control.loadStored();
    watcher.start();
  }

  // ---------------------------------------------------------------- control plane

  /**
   * Creates an endpoint and starts loading its config; returns at once with IN_PROGRESS.
   *
   * @throws dev.keel.core.KeelException INVALID_PARAMETER_VALUE for a bad name or a version that is
   *     not READY, NOT_FOUND for an unknown model, version or alias, ALREADY_EXISTS for a taken
   *     name
   */
  public EndpointStatus create(
      String name,
      Optional<String> description,
      Map<String, String> tags,
      EndpointConfig config,
      Optional<InferenceTableConfig> inferenceTable) {
    return create(name, description, tags, config, inferenceTable, PRINCIPAL);
  }

  /**
   * As {@link #create(String, Optional, Map, EndpointConfig, Optional)}, recording {@code creator}
   * (the principal creating it, its owner) as the endpoint's creator.
   */
  public EndpointStatus create(
      String name,
      Optional<String> description,
      Map<String, String> tags,
      EndpointConfig config,
      Optional<InferenceTableConfig> inferenceTable,
      String creator) {
    return control.create(name, description, tags, config, inferenceTable, creator);
  }

  /** The id of endpoint {@code name}; NOT_FOUND if there is none. */
  public String idOf(String name) {
    return control.idOf(name);
  }

  /** The name of the endpoint with id {@code id}; NOT_FOUND if there is none. */
  public String nameOfId(String id) {
    return control.nameOfId(id);
  }

  /**
   * Replaces an endpoint's served entities and traffic; returns at once with IN_PROGRESS while the
   * old config keeps serving.
   *
   * @throws dev.keel.core.KeelException NOT_FOUND for an unknown endpoint, RESOURCE_CONFLICT while
   *     another update is in progress, INVALID_PARAMETER_VALUE or NOT_FOUND for bad entities
   */
  public EndpointStatus updateConfig(String name, EndpointConfig config) {
    return control.updateConfig(name, config);
  }

  /**
   * Replaces where an endpoint logs its requests (Databricks' {@code PUT .../ai-gateway}); empty
   * stops logging. Serving and config updates are not affected.
   *
   * @throws dev.keel.core.KeelException NOT_FOUND for an unknown endpoint
   */
  public EndpointStatus setInferenceTable(String name, Optional<InferenceTableConfig> table) {
    return control.setInferenceTable(name, table);
  }

  /** An endpoint with its runtime state; NOT_FOUND if there is none. */
  public EndpointStatus get(String name) {
    return control.get(name);
  }

  /** Every endpoint, by name. */
  public List<EndpointStatus> list() {
    return control.list();
  }

  /** Deletes an endpoint; its models are released once its requests in flight finish. */
  public void delete(String name) {
    control.delete(name);
  }

  /** The versions an active config serves, by served entity (for tests and the CLI). */
  public Map<String, Long> servedVersions(String name) {
    return live.servedVersions(name);
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
   * @throws dev.keel.core.KeelException NOT_FOUND for an unknown endpoint or entity,
   *     TEMPORARILY_UNAVAILABLE while the endpoint has no loaded config, INVALID_PARAMETER_VALUE
   *     naming the column for input that does not fit
   */
  public Invocation invoke(
      String endpoint, Optional<String> servedEntity, String contentType, byte[] body) {
    return router.invoke(endpoint, servedEntity, contentType, body, r -> {});
  }

  /**
   * As {@link #invoke(String, Optional, String, byte[])}, telling {@code routed} which entity the
   * request went to as soon as it is picked, before the body is parsed: a request refused after
   * routing (bad input, a feature lookup that fails) is still attributed to its entity.
   */
  public Invocation invoke(
      String endpoint,
      Optional<String> servedEntity,
      String contentType,
      byte[] body,
      Consumer<Routed> routed) {
    return router.invoke(endpoint, servedEntity, contentType, body, routed);
  }

  /** The model a request to this endpoint (or entity) reaches, for metadata. */
  public ServedModel servedModel(String endpoint, Optional<String> servedEntity) {
    return router.servedModel(endpoint, servedEntity);
  }

  /**
   * The signatures the {@code MLmodel}s of {@code config}'s served entities declare (empty for an
   * entity without one), in entity order, each entity resolved to the version it serves now (its
   * alias resolved).
   *
   * @throws dev.keel.core.KeelException as {@link #create} for entities that do not resolve
   */
  public List<Optional<ModelSignature>> declaredSignatures(EndpointConfig config) {
    List<Optional<ModelSignature>> out = new java.util.ArrayList<>();
    for (EndpointConfig.ServedEntity s : config.servedEntities()) {
      out.add(models.declaredSignature(deployer.resolve(s)));
    }
    return out;
  }

  /** Whether the endpoint exists and has a loaded config. */
  public boolean ready(String endpoint) {
    return router.ready(endpoint);
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
    watcher.close();
    deployer.close();
    live.releaseAll();
    models.close();
  }
}
