package dev.keel.registry;

import static dev.keel.registry.RegistryNames.joined;
import static dev.keel.registry.RegistryService.ARTIFACTS_SCHEME;
import static dev.keel.registry.RegistryService.PRINCIPAL;
import static dev.keel.registry.RegistryService.UC_MAX_PAGE;

import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.PageToken;
import dev.keel.core.Validate;
import dev.keel.tracking.TrackingService;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Owns model versions: create, get, list, search, latest, update, delete and their tags. */
final class VersionOps {
  private final RegistryStore store;
  private final TrackingService tracking;
  private final ModelOps models;
  private final VersionFiles files;
  private final Clock clock;

  VersionOps(
      RegistryStore store,
      TrackingService tracking,
      ModelOps models,
      VersionFiles files,
      Clock clock) {
    this.store = store;
    this.tracking = tracking;
    this.models = models;
    this.files = files;
    this.clock = clock;
  }

  ModelVersion createVersion(
      String fullName,
      String source,
      Optional<String> runId,
      Optional<String> comment,
      Map<String, String> tags,
      Optional<String> registrationOwner) {
    String n = joined("name", fullName);
    Validate.required("source", source);
    Validate.maxLength("source", source, RegistryService.MAX_SOURCE);
    VersionFiles.Resolved r = files.resolveSource(source);
    VersionFiles.requireOutsideRegistry(r, source, n);
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
    comment.ifPresent(RegistryRules::checkComment);
    tags.forEach(RegistryRules::checkUserTag);
    models.getModel(n);
    String[] p = n.split("\\.");
    Optional<String> fromRun = run.or(r::runId);
    Optional<VersionLineage> lineage =
        fromRun.map(id -> LineageOps.captureLineage(tracking.getRun(id), clock.millis()));
    return store.createVersion(
        n,
        new VersionDraft(source, fromRun, comment.filter(x -> !x.isEmpty()), tags, lineage),
        v -> ARTIFACTS_SCHEME + "/" + files.freshLocation(VersionFiles.storagePath(p, v)),
        registrationOwner,
        clock.millis(),
        PRINCIPAL);
  }

  ModelVersion getVersion(String fullName, long version) {
    String n = joined("name", fullName);
    return store
        .getVersion(n, version)
        .orElseThrow(() -> JdbcRegistryStore.versionNotFound(n, version));
  }

  Page<ModelVersion> listVersions(
      String fullName, OptionalLong maxResults, Optional<String> pageToken) {
    String n = joined("full_name", fullName);
    models.getModel(n);
    int limit = RegistryRules.size(maxResults, UC_MAX_PAGE, UC_MAX_PAGE);
    long offset = PageToken.offset(pageToken);
    List<ModelVersion> rows =
        store.searchVersions(
            Optional.of(n),
            Optional.empty(),
            List.of(),
            new SortOrder("version_number", true),
            offset,
            limit + 1);
    return RegistryRules.page(rows, limit, offset);
  }

  Page<ModelVersion> searchVersions(
      Optional<String> filter,
      OptionalLong maxResults,
      List<String> orderBy,
      Optional<String> pageToken) {
    List<Clause> clauses = RegistryFilter.versions(filter.orElse(""));
    int limit =
        RegistryRules.size(
            maxResults,
            RegistryService.MLFLOW_DEFAULT_VERSIONS,
            RegistryService.MLFLOW_MAX_VERSIONS);
    long offset = PageToken.offset(pageToken);
    List<ModelVersion> rows =
        store.searchVersions(
            Optional.empty(),
            Optional.empty(),
            clauses,
            RegistryRules.order(orderBy, true),
            offset,
            limit + 1);
    return RegistryRules.page(rows, limit, offset);
  }

  List<ModelVersion> latestVersions(String fullName) {
    String n = joined("name", fullName);
    models.getModel(n);
    return store.searchVersions(
        Optional.of(n),
        Optional.of(ModelVersionStatus.READY),
        List.of(),
        new SortOrder("version_number", false),
        0,
        1);
  }

  Map<String, ModelVersion> latestVersions(List<RegisteredModel> models) {
    return store.latestReadyVersions(models.stream().map(RegisteredModel::fullName).toList());
  }

  ModelVersion updateVersion(String fullName, long version, String comment) {
    RegistryRules.checkComment(comment);
    return store.updateVersionComment(
        joined("name", fullName), version, comment, clock.millis(), PRINCIPAL);
  }

  void deleteVersion(String fullName, long version) {
    ModelVersion v = getVersion(fullName, version);
    store.deleteVersion(v.modelFullName(), version, clock.millis(), PRINCIPAL);
    files.deleteFiles(v);
  }

  void setVersionTag(String fullName, long version, String key, String value) {
    RegistryRules.checkUserTag(key, value);
    // Tags that decide how a version is served are fixed once it is READY, so that what a served
    // version does never depends on when it was loaded; the store checks under the row lock.
    store.setVersionTag(
        joined("name", fullName), version, key, value, frozen(key), clock.millis(), PRINCIPAL);
  }

  void deleteVersionTag(String fullName, long version, String key) {
    Validate.key("key", key);
    RegistryRules.checkNotReserved(key);
    store.deleteVersionTag(
        joined("name", fullName), version, key, frozen(key), clock.millis(), PRINCIPAL);
  }

  private static boolean frozen(String key) {
    return RegistryService.FROZEN_VERSION_TAGS.contains(key);
  }
}
