package dev.keel.registry;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Names;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.PageToken;
import dev.keel.core.Validate;
import dev.keel.registry.modelpackage.CheckedModelPackage;
import dev.keel.registry.modelpackage.ModelPackageReader;
import dev.keel.tracking.Run;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.ArtifactStore;
import dev.keel.tracking.artifacts.FileInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

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
  public static final int MAX_SOURCE = 4096;
  public static final int MAX_ALIAS = 255;

  /** The scheme of Keel's artifact proxy. */
  public static final String ARTIFACTS_SCHEME = "mlflow-artifacts:";

  private static final Pattern ALIAS = Pattern.compile("^[\\w\\-]*$");
  private static final Pattern VERSION_ALIAS = Pattern.compile("^[vV]\\d+$");

  private final RegistryStore store;
  private final CatalogService catalog;
  private final TrackingService tracking;
  private final ArtifactStore artifacts;
  private final Clock clock;

  public RegistryService(
      RegistryStore store,
      CatalogService catalog,
      TrackingService tracking,
      ArtifactStore artifacts,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.tracking = Objects.requireNonNull(tracking, "tracking");
    this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---------------------------------------------------------------- names

  /**
   * Splits and checks {@code catalog.schema.model}; each part follows the catalog's name rules and
   * is lower-cased.
   */
  public static String[] fullName(String field, String fullName) {
    if (fullName == null || fullName.isEmpty()) {
      throw KeelException.missing(field);
    }
    if (fullName.split("\\.", -1).length != 3) {
      throw KeelException.invalid(
          "'"
              + field
              + "' must be a three-level name catalog.schema.model (for example"
              + " main.default.my_model); got '"
              + abbreviate(fullName)
              + "'.");
    }
    return Names.checkFullName(field, fullName, 3);
  }

  private static String joined(String field, String name) {
    return String.join(".", fullName(field, name));
  }

  /** Checks an alias name: {@code ^[\w\-]*$}, at most 255 characters, not reserved. */
  public static String alias(String alias) {
    Validate.required("alias", alias);
    if (alias.length() > MAX_ALIAS) {
      throw KeelException.invalid(
          "'alias' is too long: at most "
              + MAX_ALIAS
              + " characters (got "
              + alias.length()
              + ").");
    }
    if (!ALIAS.matcher(alias).matches()) {
      throw KeelException.invalid(
          "Invalid alias '"
              + abbreviate(alias)
              + "': aliases may only contain letters, digits, underscores (_) and hyphens (-).");
    }
    if (alias.equalsIgnoreCase("latest")) {
      throw KeelException.invalid("'latest' is a reserved alias name.");
    }
    if (VERSION_ALIAS.matcher(alias).matches()) {
      throw KeelException.invalid(
          "Alias '" + alias + "' is reserved: v<digits> names a version number.");
    }
    return alias.toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------- models

  /** Creates a model in an existing schema. */
  public RegisteredModel createModel(
      String catalogName,
      String schemaName,
      String name,
      Optional<String> comment,
      Map<String, String> tags) {
    String c = Names.check("catalog_name", catalogName);
    String s = Names.check("schema_name", schemaName);
    String n = Names.check("name", name);
    comment.ifPresent(RegistryService::checkComment);
    tags.forEach(RegistryService::checkTag);
    requireSchema(c, s);
    long now = clock.millis();
    RegisteredModel m =
        new RegisteredModel(
            UUID.randomUUID().toString(),
            c,
            s,
            n,
            comment.filter(x -> !x.isEmpty()),
            PRINCIPAL,
            now,
            PRINCIPAL,
            now,
            PRINCIPAL,
            tags,
            Map.of());
    store.createModel(m);
    return m;
  }

  /** Creates a model from its full name {@code catalog.schema.model}. */
  public RegisteredModel createModel(
      String fullName, Optional<String> comment, Map<String, String> tags) {
    String[] p = fullName("name", fullName);
    return createModel(p[0], p[1], p[2], comment, tags);
  }

  public RegisteredModel getModel(String fullName) {
    String n = joined("name", fullName);
    return store.getModel(n).orElseThrow(() -> JdbcRegistryStore.modelNotFound(n));
  }

  /** Unity Catalog listing: optionally one catalog/schema, ordered by full name. */
  public Page<RegisteredModel> listModels(
      Optional<String> catalogName,
      Optional<String> schemaName,
      OptionalLong maxResults,
      Optional<String> pageToken) {
    Optional<String> c =
        catalogName.filter(x -> !x.isEmpty()).map(x -> Names.check("catalog_name", x));
    Optional<String> s =
        schemaName.filter(x -> !x.isEmpty()).map(x -> Names.check("schema_name", x));
    if (s.isPresent() && c.isEmpty()) {
      throw KeelException.invalid("'schema_name' needs 'catalog_name' too.");
    }
    c.ifPresent(x -> s.ifPresent(y -> requireSchema(x, y)));
    int limit = size(maxResults, UC_MAX_PAGE, UC_MAX_PAGE);
    long offset = PageToken.offset(pageToken);
    List<RegisteredModel> rows =
        store.searchModels(c, s, List.of(), SortOrder.byName(), offset, limit + 1);
    return page(rows, limit, offset);
  }

  /** MLflow search: filter, order_by, offset paging. */
  public Page<RegisteredModel> searchModels(
      Optional<String> filter,
      OptionalLong maxResults,
      List<String> orderBy,
      Optional<String> pageToken) {
    List<Clause> clauses = RegistryFilter.models(filter.orElse(""));
    int limit = size(maxResults, MLFLOW_DEFAULT_MODELS, MLFLOW_MAX_MODELS);
    long offset = PageToken.offset(pageToken);
    List<RegisteredModel> rows =
        store.searchModels(
            Optional.empty(), Optional.empty(), clauses, order(orderBy, false), offset, limit + 1);
    return page(rows, limit, offset);
  }

  /** Renames (to another full name, in an existing schema) and/or changes the comment. */
  public RegisteredModel updateModel(
      String fullName, Optional<String> newName, Optional<String> comment) {
    String n = joined("name", fullName);
    Optional<String[]> target = newName.filter(x -> !x.isEmpty()).map(x -> fullName("new_name", x));
    comment.ifPresent(RegistryService::checkComment);
    target.ifPresent(t -> requireSchema(t[0], t[1]));
    if (target.isEmpty() && comment.isEmpty()) {
      return getModel(n);
    }
    return store.updateModel(n, target, comment, clock.millis(), PRINCIPAL);
  }

  /**
   * Deletes a model with all its versions (MLflow's hard delete) and the files in the versions'
   * storage locations. With {@code requireEmpty}, a model that still has versions is refused with
   * {@code FAILED_PRECONDITION} (Unity Catalog without {@code force}).
   */
  public void deleteModel(String fullName, boolean requireEmpty) {
    String n = joined("name", fullName);
    getModel(n);
    List<ModelVersion> versions = new ArrayList<>();
    long offset = 0;
    while (true) {
      List<ModelVersion> page =
          store.searchVersions(
              Optional.of(n),
              Optional.empty(),
              List.of(),
              new SortOrder("version_number", true),
              offset,
              1000);
      versions.addAll(page);
      if (page.size() < 1000) {
        break;
      }
      offset += page.size();
    }
    if (requireEmpty && !versions.isEmpty()) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION,
          "Registered model '"
              + n
              + "' still has "
              + versions.size()
              + " version(s); delete them first or pass force=true.");
    }
    store.deleteModel(n);
    versions.forEach(this::deleteFiles);
  }

  public void deleteModel(String fullName) {
    deleteModel(fullName, false);
  }

  public void setModelTag(String fullName, String key, String value) {
    checkTag(key, value);
    store.setModelTag(joined("name", fullName), key, value, clock.millis(), PRINCIPAL);
  }

  public void deleteModelTag(String fullName, String key) {
    Validate.key("key", key);
    store.deleteModelTag(joined("name", fullName), key, clock.millis(), PRINCIPAL);
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
    String n = joined("name", fullName);
    Validate.required("source", source);
    Validate.maxLength("source", source, MAX_SOURCE);
    Resolved r = resolveSource(source);
    Optional<String> run = runId.filter(x -> !x.isEmpty());
    if (run.isPresent() && r.runId().isPresent() && !run.get().equals(r.runId().get())) {
      throw KeelException.invalid(
          "'run_id' "
              + run.get()
              + " does not match the run in 'source' ("
              + r.runId().get()
              + ").");
    }
    if (run.isPresent() && r.runId().isEmpty()) {
      tracking.getRun(run.get());
    }
    comment.ifPresent(RegistryService::checkComment);
    tags.forEach(RegistryService::checkTag);
    getModel(n);
    String[] p = n.split("\\.");
    Optional<String> fromRun = run.or(r::runId);
    Optional<VersionLineage> lineage =
        fromRun.map(id -> captureLineage(tracking.getRun(id), clock.millis()));
    return store.createVersion(
        n,
        new VersionDraft(source, fromRun, comment.filter(x -> !x.isEmpty()), tags, lineage),
        v -> ARTIFACTS_SCHEME + "/" + freshLocation(storagePath(p, v)),
        clock.millis(),
        PRINCIPAL);
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
    ModelVersion v = createVersion(fullName, source, runId, comment, tags);
    ArtifactPath src = resolveSource(v.source()).path();
    if (hasMlmodel(src) || hasMlmodel(storagePath(v))) {
      return finalizeVersion(v.modelFullName(), v.version());
    }
    return v;
  }

  public ModelVersion getVersion(String fullName, long version) {
    String n = joined("name", fullName);
    return store
        .getVersion(n, version)
        .orElseThrow(() -> JdbcRegistryStore.versionNotFound(n, version));
  }

  /** Unity Catalog listing of one model's versions, by version number. */
  public Page<ModelVersion> listVersions(
      String fullName, OptionalLong maxResults, Optional<String> pageToken) {
    String n = joined("full_name", fullName);
    getModel(n);
    int limit = size(maxResults, UC_MAX_PAGE, UC_MAX_PAGE);
    long offset = PageToken.offset(pageToken);
    List<ModelVersion> rows =
        store.searchVersions(
            Optional.of(n),
            Optional.empty(),
            List.of(),
            new SortOrder("version_number", true),
            offset,
            limit + 1);
    return page(rows, limit, offset);
  }

  /** MLflow search over all versions. */
  public Page<ModelVersion> searchVersions(
      Optional<String> filter,
      OptionalLong maxResults,
      List<String> orderBy,
      Optional<String> pageToken) {
    List<Clause> clauses = RegistryFilter.versions(filter.orElse(""));
    int limit = size(maxResults, MLFLOW_DEFAULT_VERSIONS, MLFLOW_MAX_VERSIONS);
    long offset = PageToken.offset(pageToken);
    List<ModelVersion> rows =
        store.searchVersions(
            Optional.empty(), Optional.empty(), clauses, order(orderBy, true), offset, limit + 1);
    return page(rows, limit, offset);
  }

  /** The latest READY version (MLflow's stage {@code None}); empty when there is none. */
  public List<ModelVersion> latestVersions(String fullName) {
    String n = joined("name", fullName);
    getModel(n);
    return store.searchVersions(
        Optional.of(n),
        Optional.of(ModelVersionStatus.READY),
        List.of(),
        new SortOrder("version_number", false),
        0,
        1);
  }

  /** The latest READY version of each model, read at once for a page of models. */
  public Map<String, ModelVersion> latestVersions(List<RegisteredModel> models) {
    return store.latestReadyVersions(models.stream().map(RegisteredModel::fullName).toList());
  }

  public ModelVersion updateVersion(String fullName, long version, String comment) {
    checkComment(comment);
    return store.updateVersionComment(
        joined("name", fullName), version, comment, clock.millis(), PRINCIPAL);
  }

  /** Deletes a version, its aliases (recorded as moves) and the files in its storage location. */
  public void deleteVersion(String fullName, long version) {
    ModelVersion v = getVersion(fullName, version);
    store.deleteVersion(v.modelFullName(), version, clock.millis(), PRINCIPAL);
    deleteFiles(v);
  }

  /** Removes a deleted version's own files (best effort: metadata is already gone). */
  private void deleteFiles(ModelVersion v) {
    try {
      ArtifactPath dir = storagePath(v);
      if (dir.value().startsWith("models/") && !artifacts.list(dir).isEmpty()) {
        artifacts.delete(dir);
      }
    } catch (IOException | RuntimeException e) {
      // the version is gone either way; a new version never reuses a non-empty location
    }
  }

  /**
   * {@code path} when nothing is stored there yet; otherwise (files left by a deleted or renamed
   * model of the same name) a unique sibling, so a new version never sees another's files.
   */
  private String freshLocation(String path) {
    try {
      if (artifacts.list(ArtifactPath.parse("path", path, false)).isEmpty()) {
        return path;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the artifact store", e);
    }
    return path + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public void setVersionTag(String fullName, long version, String key, String value) {
    checkTag(key, value);
    store.setVersionTag(joined("name", fullName), version, key, value, clock.millis(), PRINCIPAL);
  }

  public void deleteVersionTag(String fullName, long version, String key) {
    Validate.key("key", key);
    store.deleteVersionTag(joined("name", fullName), version, key, clock.millis(), PRINCIPAL);
  }

  /**
   * Finalizes a pending version: copies the source run's model directory into the version's storage
   * location when the location holds no {@code MLmodel} yet, then checks the package. READY when
   * {@link #checkPackage} finds nothing wrong, FAILED_REGISTRATION with its reason otherwise. A
   * READY version is returned unchanged.
   */
  public ModelVersion finalizeVersion(String fullName, long version) {
    ModelVersion v = getVersion(fullName, version);
    if (v.status() == ModelVersionStatus.READY) {
      return v;
    }
    ArtifactPath dir = storagePath(v);
    ArtifactPath src = resolveSource(v.source()).path();
    try {
      if (!hasMlmodel(dir) && !src.equals(dir) && hasMlmodel(src)) {
        copyTree(src, dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not copy the model files of version " + version, e);
    }
    Optional<String> problem = checkPackage(dir);
    return store.setVersionStatus(
        v.modelFullName(),
        version,
        problem.isEmpty() ? ModelVersionStatus.READY : ModelVersionStatus.FAILED_REGISTRATION,
        problem,
        clock.millis(),
        PRINCIPAL);
  }

  /**
   * The model-package check run at finalize: empty when {@code dir} (a path in the artifact store)
   * holds a loadable model package, else the reason it does not (written to {@code
   * status_message}): an {@code MLmodel} that {@link ModelPackageReader} accepts (flavors,
   * signature, data files present and parseable, no pickle-only packages) with a flavor Keel can
   * load (onnx or xgboost).
   */
  public Optional<String> checkPackage(ArtifactPath dir) {
    if (!hasMlmodel(dir)) {
      return Optional.of(
          "No MLmodel file at "
              + ARTIFACTS_SCHEME
              + "/"
              + dir
              + ": upload the model directory (MLmodel and its files) before finalizing.");
    }
    try {
      CheckedModelPackage pkg = ModelPackageReader.read(artifacts, dir);
      if (pkg.servableFlavor().isEmpty()) {
        return Optional.of(
            "The model package at "
                + ARTIFACTS_SCHEME
                + "/"
                + dir
                + " has no flavor Keel can load (onnx or xgboost); flavors: "
                + String.join(", ", pkg.flavors().keySet()));
      }
      return Optional.empty();
    } catch (KeelException e) {
      return Optional.of(e.getMessage());
    } catch (IOException e) {
      return Optional.of(
          "The model package at " + ARTIFACTS_SCHEME + "/" + dir + " could not be read.");
    }
  }

  /** The URI to download a READY version's files from; other statuses are refused. */
  public String downloadUri(String fullName, long version) {
    return requireReady(getVersion(fullName, version)).storageLocation();
  }

  /** Refuses versions that are not READY (only READY versions can be loaded). */
  public static ModelVersion requireReady(ModelVersion v) {
    if (v.status() != ModelVersionStatus.READY) {
      throw KeelException.invalid(
          "Model version "
              + v.version()
              + " of '"
              + v.modelFullName()
              + "' is "
              + v.status()
              + ", not READY: only READY versions can be loaded.");
    }
    return v;
  }

  // ---------------------------------------------------------------- lineage

  /** The run tag holding the commit of the code that produced a run (MLflow's git tag). */
  public static final String GIT_COMMIT_TAG = "mlflow.source.git.commit";

  /** Fallback code version tag when there is no git commit. */
  public static final String SOURCE_VERSION_TAG = "mlflow.source.version";

  /** The dataset input tag naming how a run used a dataset ({@code training}, {@code eval}...). */
  public static final String DATASET_CONTEXT_TAG = "mlflow.data.context";

  /** What a version created from {@code run} records about where it came from. */
  static VersionLineage captureLineage(Run run, long now) {
    Map<String, String> tags = new java.util.HashMap<>();
    run.tags().forEach(t -> tags.put(t.key(), t.value()));
    Optional<String> code =
        Optional.ofNullable(tags.get(GIT_COMMIT_TAG))
            .filter(x -> !x.isEmpty())
            .or(() -> Optional.ofNullable(tags.get(SOURCE_VERSION_TAG)).filter(x -> !x.isEmpty()));
    List<VersionLineage.LineageDataset> datasets =
        run.inputs().stream()
            .map(
                in ->
                    new VersionLineage.LineageDataset(
                        in.dataset().name(),
                        in.dataset().digest(),
                        in.dataset().sourceType(),
                        in.dataset().source(),
                        in.tags().stream()
                            .filter(t -> t.key().equals(DATASET_CONTEXT_TAG))
                            .map(dev.keel.tracking.Tag::value)
                            .findFirst()))
            .toList();
    return new VersionLineage(run.info().runId(), run.info().experimentId(), code, datasets, now);
  }

  /** A model's versions with their lineage, by version number, paged as Unity Catalog pages. */
  public Page<ModelVersionLineage> modelLineage(
      String fullName, OptionalLong maxResults, Optional<String> pageToken) {
    Page<ModelVersion> page = listVersions(fullName, maxResults, pageToken);
    return new Page<>(withLineage(page.items()), page.nextPageToken());
  }

  /** One version with its lineage. */
  public ModelVersionLineage versionLineage(String fullName, long version) {
    return withLineage(List.of(getVersion(fullName, version))).get(0);
  }

  /**
   * The model versions registered from a run, by full name and version; 404 when the run is unknown
   * and no version names it.
   */
  public List<ModelVersion> versionsFromRun(String runId) {
    Validate.required("run_id", runId);
    if (!runId.matches("[A-Za-z0-9_\\-]{1,64}")) {
      throw KeelException.invalid("Invalid 'run_id' '" + abbreviate(runId) + "'.");
    }
    List<ModelVersion> rows =
        store.searchVersions(
            Optional.empty(),
            Optional.empty(),
            List.of(new Clause("run_id", "=", List.of(runId))),
            new SortOrder("name", true),
            0,
            MLFLOW_MAX_VERSIONS);
    if (rows.isEmpty()) {
      tracking.getRun(runId);
    }
    return rows.stream()
        .sorted(
            java.util.Comparator.comparing(ModelVersion::modelFullName)
                .thenComparingLong(ModelVersion::version))
        .toList();
  }

  private List<ModelVersionLineage> withLineage(List<ModelVersion> versions) {
    Map<String, VersionLineage> l =
        store.lineages(versions.stream().map(ModelVersion::id).toList());
    return versions.stream()
        .map(v -> new ModelVersionLineage(v, Optional.ofNullable(l.get(v.id()))))
        .toList();
  }

  // ---------------------------------------------------------------- URIs

  /** The scheme of model URIs. */
  public static final String MODELS_SCHEME = "models:/";

  private static final Pattern VERSION_NUMBER = Pattern.compile("[1-9][0-9]{0,17}");

  /**
   * Resolves {@code models:/catalog.schema.model/<version>} or {@code
   * models:/catalog.schema.model@<alias>} to the READY version it names. Other forms ({@code
   * latest}, stages, two-level names, other schemes) are a 400; an unknown model, version or alias
   * a 404; a version that is not READY a 400.
   */
  public ModelVersion resolve(String uri) {
    Validate.required("uri", uri);
    if (!uri.startsWith(MODELS_SCHEME) || uri.startsWith(MODELS_SCHEME + "/")) {
      throw badUri(uri);
    }
    String rest = uri.substring(MODELS_SCHEME.length());
    int at = rest.indexOf('@');
    ModelVersion v;
    if (at >= 0) {
      String name = rest.substring(0, at);
      String alias = rest.substring(at + 1);
      if (name.isEmpty() || alias.isEmpty() || name.contains("/")) {
        throw badUri(uri);
      }
      joined("name", name);
      v = versionByAlias(name, alias);
    } else {
      int slash = rest.indexOf('/');
      if (slash <= 0 || slash != rest.lastIndexOf('/')) {
        throw badUri(uri);
      }
      String name = rest.substring(0, slash);
      String version = rest.substring(slash + 1);
      if (!VERSION_NUMBER.matcher(version).matches()) {
        throw KeelException.invalid(
            "Invalid model URI '"
                + abbreviate(uri)
                + "': '"
                + abbreviate(version)
                + "' is not a version number (Keel resolves models:/<name>/<version> and"
                + " models:/<name>@<alias>; not 'latest' or stages).");
      }
      v = getVersion(name, Long.parseLong(version));
    }
    return requireReady(v);
  }

  private static KeelException badUri(String uri) {
    return KeelException.invalid(
        "Invalid model URI '"
            + abbreviate(uri)
            + "': expected models:/<catalog>.<schema>.<model>/<version> or"
            + " models:/<catalog>.<schema>.<model>@<alias>.");
  }

  // ---------------------------------------------------------------- aliases

  public void setAlias(String fullName, String alias, long version) {
    String a = alias(alias);
    String n = joined("name", fullName);
    getVersion(n, version);
    store.setAlias(n, a, version, clock.millis(), PRINCIPAL);
  }

  public void deleteAlias(String fullName, String alias) {
    String a = alias(alias);
    String n = joined("name", fullName);
    getModel(n);
    store.deleteAlias(n, a, clock.millis(), PRINCIPAL);
  }

  /** The version an alias points at; 404 when the alias is not set. */
  public ModelVersion versionByAlias(String fullName, String alias) {
    String a = alias(alias);
    String n = joined("name", fullName);
    return store
        .versionByAlias(n, a)
        .orElseThrow(
            () -> KeelException.notFound("Registered model '" + n + "' has no alias '" + a + "'."));
  }

  /** Every move of an alias, oldest first (empty when it was never set). */
  public List<AliasMove> aliasHistory(String fullName, String alias) {
    String a = alias(alias);
    String n = joined("name", fullName);
    getModel(n);
    return store.aliasHistory(n, a);
  }

  // ---------------------------------------------------------------- sources

  /** A source resolved to a path in the artifact store. */
  record Resolved(ArtifactPath path, Optional<String> runId) {}

  /**
   * Resolves {@code runs:/<run_id>/<path>} through the run's artifact URI and {@code
   * mlflow-artifacts:/<path>} directly; refuses every other form (other schemes, hosts, plain or
   * relative paths, {@code ..}).
   */
  Resolved resolveSource(String source) {
    if (source.startsWith("runs:/")) {
      String rest = source.substring("runs:/".length());
      int slash = rest.indexOf('/');
      String runId = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : rest.substring(slash + 1);
      if (runId.isEmpty() || !runId.matches("[A-Za-z0-9_\\-]{1,64}")) {
        throw outside(source);
      }
      Run run = tracking.getRun(runId);
      ArtifactPath root = artifactPath(run.info().artifactUri(), source);
      return new Resolved(
          path.isEmpty() ? root : root.resolve(safe(path, source).value()), Optional.of(runId));
    }
    if (source.startsWith(ARTIFACTS_SCHEME)) {
      return new Resolved(artifactPath(source, source), Optional.empty());
    }
    throw outside(source);
  }

  private static ArtifactPath artifactPath(String uri, String source) {
    if (!uri.startsWith(ARTIFACTS_SCHEME + "/") || uri.startsWith(ARTIFACTS_SCHEME + "//")) {
      throw outside(source);
    }
    return safe(uri.substring(ARTIFACTS_SCHEME.length() + 1), source);
  }

  private static ArtifactPath safe(String path, String source) {
    try {
      return ArtifactPath.parse("source", path, false);
    } catch (KeelException e) {
      throw KeelException.invalid(
          "Invalid 'source' '" + abbreviate(source) + "': " + e.getMessage());
    }
  }

  private static KeelException outside(String source) {
    return KeelException.invalid(
        "Invalid 'source' '"
            + abbreviate(source)
            + "': it must lie inside Keel's managed artifact storage, as runs:/<run_id>/<path> or"
            + " mlflow-artifacts:/<path>.");
  }

  private static String storagePath(String[] model, long version) {
    return "models/" + model[0] + "/" + model[1] + "/" + model[2] + "/" + version;
  }

  private static ArtifactPath storagePath(ModelVersion v) {
    return artifactPath(v.storageLocation(), v.storageLocation());
  }

  private boolean hasMlmodel(ArtifactPath dir) {
    return artifacts.size(dir.resolve("MLmodel")).isPresent();
  }

  private void copyTree(ArtifactPath from, ArtifactPath to) throws IOException {
    for (FileInfo f : artifacts.list(from)) {
      ArtifactPath child = ArtifactPath.parse("path", f.path(), false);
      ArtifactPath target = to.resolve(child.name());
      if (f.isDir()) {
        copyTree(child, target);
      } else {
        try (InputStream in = artifacts.open(child)) {
          artifacts.put(target, in);
        }
      }
    }
  }

  // ---------------------------------------------------------------- rules

  private void requireSchema(String catalogName, String schemaName) {
    try {
      catalog.getSchema(catalogName + "." + schemaName);
    } catch (KeelException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        throw KeelException.notFound(
            "Schema '" + catalogName + "." + schemaName + "' does not exist.");
      }
      throw e;
    }
  }

  private static void checkComment(String comment) {
    Validate.maxLength("description", comment, CatalogService.MAX_COMMENT);
  }

  private static void checkTag(String key, String value) {
    Validate.key("key", key);
    if (value == null) {
      throw KeelException.missing("value");
    }
    Validate.maxLength("value", value, MAX_TAG_VALUE);
  }

  private static int size(OptionalLong maxResults, int dflt, int max) {
    if (maxResults.isEmpty() || maxResults.getAsLong() == 0) {
      return dflt;
    }
    long m = maxResults.getAsLong();
    if (m < 0 || m > max) {
      throw KeelException.invalid(
          "Invalid value " + m + " for parameter 'max_results': it must be 1 to " + max + ".");
    }
    return (int) m;
  }

  private static SortOrder order(List<String> orderBy, boolean versions) {
    if (orderBy.isEmpty()) {
      return versions ? new SortOrder("name", true) : SortOrder.byName();
    }
    if (orderBy.size() > 1) {
      throw KeelException.invalid("'order_by' supports one column.");
    }
    String[] p = orderBy.get(0).trim().split("\\s+");
    String col = p[0].toLowerCase(Locale.ROOT);
    if (col.startsWith("attribute.")) {
      col = col.substring("attribute.".length());
    }
    if (col.equals("timestamp")) {
      col = "creation_timestamp";
    }
    List<String> allowed =
        versions
            ? List.of("name", "version_number", "creation_timestamp", "last_updated_timestamp")
            : List.of("name", "creation_timestamp", "last_updated_timestamp");
    if (!allowed.contains(col) || p.length > 2) {
      throw KeelException.invalid(
          "Invalid order_by '" + orderBy.get(0) + "': order by one of " + allowed + ".");
    }
    boolean asc = true;
    if (p.length == 2) {
      if (p[1].equalsIgnoreCase("DESC")) {
        asc = false;
      } else if (!p[1].equalsIgnoreCase("ASC")) {
        throw KeelException.invalid("Invalid order_by direction '" + p[1] + "'.");
      }
    }
    return new SortOrder(col, asc);
  }

  private static <T> Page<T> page(List<T> rows, int limit, long offset) {
    if (rows.size() <= limit) {
      return new Page<>(rows, Optional.empty());
    }
    return new Page<>(
        new ArrayList<>(rows.subList(0, limit)), Optional.of(PageToken.ofOffset(offset + limit)));
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
