package dev.keel.registry;

import static dev.keel.registry.RegistryNames.abbreviate;

import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.Validate;
import dev.keel.tracking.Run;
import dev.keel.tracking.TrackingService;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Owns lineage: what a version records about its run, and reading it back by model, version, run.
 */
final class LineageOps {
  private final RegistryStore store;
  private final TrackingService tracking;
  private final VersionOps versions;

  LineageOps(RegistryStore store, TrackingService tracking, VersionOps versions) {
    this.store = store;
    this.tracking = tracking;
    this.versions = versions;
  }

  /** What a version created from {@code run} records about where it came from. */
  static VersionLineage captureLineage(Run run, long now) {
    Map<String, String> tags = new HashMap<>();
    run.tags().forEach(t -> tags.put(t.key(), t.value()));
    Optional<String> code =
        Optional.ofNullable(tags.get(RegistryService.GIT_COMMIT_TAG))
            .filter(x -> !x.isEmpty())
            .or(
                () ->
                    Optional.ofNullable(tags.get(RegistryService.SOURCE_VERSION_TAG))
                        .filter(x -> !x.isEmpty()));
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
                            .filter(t -> t.key().equals(RegistryService.DATASET_CONTEXT_TAG))
                            .map(dev.keel.tracking.Tag::value)
                            .findFirst()))
            .toList();
    return new VersionLineage(run.info().runId(), run.info().experimentId(), code, datasets, now);
  }

  Page<ModelVersionLineage> modelLineage(
      String fullName, OptionalLong maxResults, Optional<String> pageToken) {
    Page<ModelVersion> page = versions.listVersions(fullName, maxResults, pageToken);
    return new Page<>(withLineage(page.items()), page.nextPageToken());
  }

  ModelVersionLineage versionLineage(String fullName, long version) {
    return withLineage(List.of(versions.getVersion(fullName, version))).get(0);
  }

  List<ModelVersion> versionsFromRun(String runId) {
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
            RegistryService.MLFLOW_MAX_VERSIONS);
    if (rows.isEmpty()) {
      tracking.getRun(runId);
    }
    return rows.stream()
        .sorted(
            Comparator.comparing(ModelVersion::modelFullName)
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
}
