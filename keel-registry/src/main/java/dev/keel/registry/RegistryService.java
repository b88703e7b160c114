package dev.keel.registry;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Viewer;
import dev.keel.core.Page;
import dev.keel.mlmodel.Flavor;
import dev.keel.registry.modelpackage.ModelPackageReader;
import dev.keel.tracking.Run;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import dev.keel.tracking.artifacts.ArtifactWriteGuard;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Registry rules in front of a {@link RegistryStore}: three-level names checked with the catalog's
 * rules inside an existing schema, alias rules, the version lifecycle (create → upload → finalize),
 * and the rule that a version's {@code source} lies inside Keel's managed artifact storage. Every
 * check runs before anything is written. Thread-safe.
 *
 * <p>A version's files live at {@code mlflow-artifacts:/models/<catalog>/<schema>/<model>/<v>}
 * (store path {@code models/...}). Finalize copies a run's model directory there when the source is
 * a run's artifact path and the location is still empty, then checks the package with {@link
 * #checkPackage}.
 *
 * <p>A facade: names in {@code RegistryNames}, models in {@code ModelOps}, versions in {@code
 * VersionOps} (their files in {@code VersionFiles}), finalize and package checks in {@code
 * VersionRegistration}, aliases in {@code AliasOps}, model URIs in {@code ModelUris} and lineage in
 * {@code LineageOps}.
 */
public final class RegistryService {
  /** The principal recorded until authentication exists (same as the catalog's). */
  public static final String PRINCIPAL = CatalogService.PRINCIPAL;

  /** Unity Catalog's page cap. */
  public static final int UC_MAX_PAGE = 100;

  public static final int MLFLOW_DEFAULT_MODELS = 100;
  public static final int MLFLOW_MAX_MODELS = 1000;
  public static final int MLFLOW_DEFAULT_VERSIONS = 1000;
  public static final int MLFLOW_MAX_VERSIONS = 200_000;
  public static final int MAX_TAG_VALUE = 5000;

  /**
   * Version tags fixed once a version is READY (set or delete them before finalizing, or at
   * create): {@code keel.feature_spec}, the feature spec a served version looks its features up
   * with.
   */
  public static final java.util.Set<String> FROZEN_VERSION_TAGS =
      java.util.Set.of("keel.feature_spec");

  public static final int MAX_SOURCE = 4096;
  public static final int MAX_ALIAS = 255;

  /** The scheme of Keel's artifact proxy. */
  public static final String ARTIFACTS_SCHEME = "mlflow-artifacts:";

  /** The run tag holding the commit of the code that produced a run (MLflow's git tag). */
  public static final String GIT_COMMIT_TAG = "mlflow.source.git.commit";

  /** Fallback code version tag when there is no git commit. */
  public static final String SOURCE_VERSION_TAG = "mlflow.source.version";

  /** The dataset input tag naming how a run used a dataset ({@code training}, {@code eval}...). */
  public static final String DATASET_CONTEXT_TAG = "mlflow.data.context";

  /**
   * The version tag Keel writes when a version becomes READY: the flavor Keel serves it with
   * ({@code onnx} or {@code xgboost}), or {@code false} when Keel cannot serve it (the model is
   * still registered, as MLflow and Unity Catalog register any model). Clients cannot set it.
   */
  public static final String SERVABLE_TAG = "keel.servable";

  /** When {@link #SERVABLE_TAG} is {@code false}: why, naming the flavors Keel serves. */
  public static final String SERVABLE_REASON_TAG = "keel.servable_reason";

  /** The version tags only Keel writes. */
  public static final Set<String> SYSTEM_TAGS = Set.of(SERVABLE_TAG, SERVABLE_REASON_TAG);

  /** The flavors Keel serves, in the order it prefers them. */
  public static final List<String> SERVABLE_FLAVORS = List.of(Flavor.ONNX, Flavor.XGBOOST);

  /** The scheme of model URIs. */
  public static final String MODELS_SCHEME = "models:/";

  private final VersionFiles files;
  private final ModelOps models;
  private final VersionOps versions;
  private final VersionRegistration registration;
  private final AliasOps aliases;
  private final ModelUris uris;
  private final LineageOps lineage;
  private final RegistryStore store;
  private final RegistryListeners listeners = new RegistryListeners();

  public RegistryService(
      RegistryStore store,
      CatalogService catalog,
      TrackingService tracking,
      ArtifactStore artifacts,
      Clock clock) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(tracking, "tracking");
    Objects.requireNonNull(artifacts, "artifacts");
    Objects.requireNonNull(clock, "clock");
    this.files = new VersionFiles(tracking, artifacts, store);
    this.store = store;
    this.models = new ModelOps(store, catalog, files, clock, listeners);
    this.versions = new VersionOps(store, tracking, models, files, clock);
    this.registration =
        new VersionRegistration(store, versions, files, artifacts, clock, listeners);
    this.aliases = new AliasOps(store, models, versions, clock, listeners);
    this.uris = new ModelUris(versions, aliases);
    this.lineage = new LineageOps(store, tracking, versions);
  }

  // ---------------------------------------------------------------- names

  /**
   * Splits and checks {@code catalog.schema.model}; each part follows the catalog's name rules and
   * is lower-cased.
   */
  public static String[] fullName(String field, String fullName) {
    return RegistryNames.fullName(field, fullName);
  }

  /** Checks an alias name: {@code ^[\w\-]*$}, at most 255 characters, not reserved. */
  public static String alias(String alias) {
    return RegistryNames.alias(alias);
  }

  // ---------------------------------------------------------------- models

  /** Creates a model in an existing schema. */
  public RegisteredModel createModel(
      String catalogName,
      String schemaName,
      String name,
      Optional<String> comment,
      Map<String, String> tags) {
    return createModel(catalogName, schemaName, name, comment, tags, PRINCIPAL);
  }

  /** Creates a model owned by its creator {@code owner}. */
  public RegisteredModel createModel(
      String catalogName,
      String schemaName,
      String name,
      Optional<String> comment,
      Map<String, String> tags,
      String owner) {
    return models.createModel(catalogName, schemaName, name, comment, tags, owner);
  }

  /** Creates a model from its full name {@code catalog.schema.model}. */
  public RegisteredModel createModel(
      String fullName, Optional<String> comment, Map<String, String> tags) {
    return createModel(fullName, comment, tags, PRINCIPAL);
  }

  /** Creates a model from its full name, owned by its creator {@code owner}. */
  public RegisteredModel createModel(
      String fullName, Optional<String> comment, Map<String, String> tags, String owner) {
    return models.createModel(fullName, comment, tags, owner);
  }

  public RegisteredModel getModel(String fullName) {
    return models.getModel(fullName);
  }

  /** Unity Catalog listing: optionally one catalog/schema, ordered by full name. */
  public Page<RegisteredModel> listModels(
      Optional<String> catalogName,
      Optional<String> schemaName,
      OptionalLong maxResults,
      Optional<String> pageToken) {
    return listModels(catalogName, schemaName, maxResults, pageToken, Viewer.ALL);
  }

  /** As above, only the models {@code viewer} may see. */
  public Page<RegisteredModel> listModels(
      Optional<String> catalogName,
      Optional<String> schemaName,
      OptionalLong maxResults,
      Optional<String> pageToken,
      Viewer viewer) {
    return models.listModels(catalogName, schemaName, maxResults, pageToken, viewer);
  }

  /** MLflow search: filter, order_by, offset paging. */
  public Page<RegisteredModel> searchModels(
      Optional<String> filter,
      OptionalLong maxResults,
      List<String> orderBy,
      Optional<String> pageToken) {
    return searchModels(filter, maxResults, orderBy, pageToken, Viewer.ALL);
  }

  /** As above, only the models {@code viewer} may see. */
  public Page<RegisteredModel> searchModels(
      Optional<String> filter,
      OptionalLong maxResults,
      List<String> orderBy,
      Optional<String> pageToken,
      Viewer viewer) {
    return models.searchModels(filter, maxResults, orderBy, pageToken, viewer);
  }

  /** Renames (to another full name, in an existing schema) and/or changes the comment. */
  public RegisteredModel updateModel(
      String fullName, Optional<String> newName, Optional<String> comment) {
    return models.updateModel(fullName, newName, comment);
  }

  /**
   * Deletes a model with all its versions (MLflow's hard delete) and the files in the versions'
   * storage locations. With {@code requireEmpty}, a model that still has versions is refused with
   * {@code FAILED_PRECONDITION} (Unity Catalog without {@code force}).
   */
  public void deleteModel(String fullName, boolean requireEmpty) {
    models.deleteModel(fullName, requireEmpty);
  }

  /** Hands a model to another owner (a user, service principal or group), as {@code principal}. */
  public RegisteredModel setModelOwner(String fullName, String owner, String principal) {
    return models.setModelOwner(fullName, CatalogService.checkOwner(owner), principal);
  }

  public void deleteModel(String fullName) {
    models.deleteModel(fullName, false);
  }

  public void setModelTag(String fullName, String key, String value) {
    models.setModelTag(fullName, key, value);
  }

  public void deleteModelTag(String fullName, String key) {
    models.deleteModelTag(fullName, key);
  }

  // ---------------------------------------------------------------- versions

  /**
   * Creates a version in {@code PENDING_REGISTRATION} with its own storage location. {@code source}
   * must be {@code runs:/<run_id>/<path>} or {@code mlflow-artifacts:/<path>}; anything else is a
   * 400 and nothing is written.
   */
  public ModelVersion createVersion(
      String fullName,
      String source,
      Optional<String> runId,
      Optional<String> comment,
      Map<String, String> tags) {
    return versions.createVersion(fullName, source, runId, comment, tags, Optional.empty());
  }

  /**
   * MLflow's create: creates the version and, when the source or the storage location already holds
   * an {@code MLmodel}, finalizes it at once (the OSS server answers READY); otherwise it stays
   * pending until finalized.
   */
  public ModelVersion createVersionMlflow(
      String fullName,
      String source,
      Optional<String> runId,
      Optional<String> comment,
      Map<String, String> tags) {
    return registration.createVersionMlflow(fullName, source, runId, comment, tags);
  }

  public ModelVersion getVersion(String fullName, long version) {
    return versions.getVersion(fullName, version);
  }

  /** Unity Catalog listing of one model's versions, by version number. */
  public Page<ModelVersion> listVersions(
      String fullName, OptionalLong maxResults, Optional<String> pageToken) {
    return versions.listVersions(fullName, maxResults, pageToken);
  }

  /** MLflow search over all versions. */
  public Page<ModelVersion> searchVersions(
      Optional<String> filter,
      OptionalLong maxResults,
      List<String> orderBy,
      Optional<String> pageToken) {
    return versions.searchVersions(filter, maxResults, orderBy, pageToken);
  }

  /** The latest READY version (MLflow's stage {@code None}); empty when there is none. */
  public List<ModelVersion> latestVersions(String fullName) {
    return versions.latestVersions(fullName);
  }

  /** The latest READY version of each model, read at once for a page of models. */
  public Map<String, ModelVersion> latestVersions(List<RegisteredModel> models) {
    return versions.latestVersions(models);
  }

  public ModelVersion updateVersion(String fullName, long version, String comment) {
    return versions.updateVersion(fullName, version, comment);
  }

  /** Deletes a version, its aliases (recorded as moves) and the files in its storage location. */
  public void deleteVersion(String fullName, long version) {
    versions.deleteVersion(fullName, version);
  }

  public void setVersionTag(String fullName, long version, String key, String value) {
    versions.setVersionTag(fullName, version, key, value);
  }

  public void deleteVersionTag(String fullName, long version, String key) {
    versions.deleteVersionTag(fullName, version, key);
  }

  // ---------------------------------------------------------------- registration

  /**
   * Finalizes a pending version: copies the source run's model directory into the version's storage
   * location when the location holds no {@code MLmodel} yet, then checks the package. READY (with
   * {@value #SERVABLE_TAG}) when {@link #checkPackage} finds nothing wrong, FAILED_REGISTRATION
   * with its reason otherwise. A finalized version (READY or FAILED_REGISTRATION) is returned
   * unchanged, and so is a version another live server is registering.
   */
  public ModelVersion finalizeVersion(String fullName, long version) {
    return registration.finalizeVersion(fullName, version);
  }

  /**
   * The model-package check run at finalize: empty when {@code dir} (a path in the artifact store)
   * holds a well-formed model package, else the reason it does not (written to {@code
   * status_message}): an {@code MLmodel} that {@link ModelPackageReader} accepts (it parses, every
   * path it names stays inside the package and exists, the signature is valid, and the files of the
   * flavors Keel serves, onnx and xgboost, parse). Packages of other flavors (scikit-learn,
   * PyTorch, pyfunc...) are well-formed too: they become READY with {@value #SERVABLE_TAG} {@code
   * false}.
   */
  public Optional<String> checkPackage(ArtifactPath dir) {
    return registration.checkPackage(dir).problem();
  }

  /**
   * Starts renewing this server's registrations in progress and taking over interrupted ones (whose
   * server stopped mid-copy): each is registered again from its source, READY or
   * FAILED_REGISTRATION with the reason. Close it when the server stops.
   */
  public RegistrationRecovery startRegistrationRecovery() {
    return new RegistrationRecovery(registration);
  }

  /**
   * The rule the artifact proxy applies before a write or delete: the files of a finalized version
   * (READY or FAILED_REGISTRATION) are immutable, so a path that is such a version's storage
   * location, lies inside one or contains one is refused with PERMISSION_DENIED. Files of a pending
   * version can be uploaded until it is finalized.
   */
  public ArtifactWriteGuard artifactWriteGuard() {
    return files::checkWrite;
  }

  /** One sweep of {@link RegistrationRecovery}, run in the caller's thread (for tests). */
  int recoverAbandonedRegistrations() {
    return registration.recoverAbandoned();
  }

  /** The URI to download a READY version's files from; other statuses are refused. */
  public String downloadUri(String fullName, long version) {
    return registration.downloadUri(fullName, version);
  }

  /** Refuses versions that are not READY (only READY versions can be loaded). */
  public static ModelVersion requireReady(ModelVersion v) {
    return VersionRegistration.requireReady(v);
  }

  // ---------------------------------------------------------------- lineage

  /** What a version created from {@code run} records about where it came from. */
  static VersionLineage captureLineage(Run run, long now) {
    return LineageOps.captureLineage(run, now);
  }

  /** A model's versions with their lineage, by version number, paged as Unity Catalog pages. */
  public Page<ModelVersionLineage> modelLineage(
      String fullName, OptionalLong maxResults, Optional<String> pageToken) {
    return lineage.modelLineage(fullName, maxResults, pageToken);
  }

  /** One version with its lineage. */
  public ModelVersionLineage versionLineage(String fullName, long version) {
    return lineage.versionLineage(fullName, version);
  }

  /**
   * The model versions registered from a run, by full name and version; 404 when the run is unknown
   * and no version names it.
   */
  public List<ModelVersion> versionsFromRun(String runId) {
    return lineage.versionsFromRun(runId);
  }

  // ---------------------------------------------------------------- URIs

  /**
   * Resolves {@code models:/catalog.schema.model/<version>} or {@code
   * models:/catalog.schema.model@<alias>} to the READY version it names. Other forms ({@code
   * latest}, stages, two-level names, other schemes) are a 400; an unknown model, version or alias
   * a 404; a version that is not READY a 400.
   */
  public ModelVersion resolve(String uri) {
    return uris.resolve(uri);
  }

  // ---------------------------------------------------------------- aliases

  public void setAlias(String fullName, String alias, long version) {
    aliases.setAlias(fullName, alias, version);
  }

  public void deleteAlias(String fullName, String alias) {
    aliases.deleteAlias(fullName, alias);
  }

  /** The version an alias points at; 404 when the alias is not set. */
  public ModelVersion versionByAlias(String fullName, String alias) {
    return aliases.versionByAlias(fullName, alias);
  }

  /** Every move of an alias, oldest first (empty when it was never set). */
  public List<AliasMove> aliasHistory(String fullName, String alias) {
    return aliases.aliasHistory(fullName, alias);
  }

  // ---------------------------------------------------------------- events

  /**
   * Calls {@code listener} after each model creation, version READY and alias set this server
   * commits (on the committing thread; a failing listener is logged, the change stands).
   */
  public void addListener(RegistryListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Runs {@code onChange} when another server sharing the database commits a registry change (and
   * whenever such announcements may have been missed); never on SQLite. Closed with the database.
   */
  public dev.keel.store.Subscription subscribeToChanges(Runnable onChange) {
    return store.subscribe(onChange);
  }

  /**
   * Models created, versions that became READY and aliases set at or after {@code since}, oldest
   * first, at most {@code limit} (1 to 10,000), read from the registry's durable records (model
   * creation times, READY times, alias history), so changes made by any server or while nobody
   * listened are all there. Models deleted since are gone with their events.
   */
  public List<RegistryEvent> eventsSince(java.time.Instant since, int limit) {
    if (limit < 1 || limit > 10_000) {
      throw dev.keel.core.KeelException.invalid("limit: must be 1 to 10000, got " + limit + ".");
    }
    return store.eventsSince(since.toEpochMilli(), limit);
  }
}
