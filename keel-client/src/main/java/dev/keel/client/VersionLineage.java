package dev.keel.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a model version came from: its run (with experiment and code version) and the run's dataset
 * inputs, captured when the version was created.
 *
 * @param catalogName the model's catalog
 * @param schemaName the model's schema
 * @param modelName the model's own name
 * @param version the version number
 * @param status its state
 * @param source its source ({@code runs:/...} or {@code mlflow-artifacts:/...})
 * @param createdAt when it was created, ms since the epoch
 * @param aliases the aliases pointing at it
 * @param run the run it came from; empty when it was not created from a run
 * @param capturedAt when the lineage was recorded (ms); empty when none was
 * @param datasets the run's dataset inputs; empty when none
 */
public record VersionLineage(
    String catalogName,
    String schemaName,
    String modelName,
    long version,
    ModelVersionStatus status,
    String source,
    long createdAt,
    List<String> aliases,
    Optional<LineageRun> run,
    OptionalLong capturedAt,
    List<LineageDataset> datasets) {
  /** Checks for nulls and copies the lists. */
  public VersionLineage {
    Objects.requireNonNull(catalogName, "catalogName");
    Objects.requireNonNull(schemaName, "schemaName");
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(capturedAt, "capturedAt");
    aliases = List.copyOf(aliases);
    datasets = List.copyOf(datasets);
  }

  /** The model's {@code catalog.schema.model}. */
  public String modelFullName() {
    return catalogName + "." + schemaName + "." + modelName;
  }

  /** This version's URI, {@code models:/catalog.schema.model/N}. */
  public String uri() {
    return ModelUri.ofVersion(modelFullName(), version).toString();
  }
}
