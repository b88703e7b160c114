package dev.keel.registry.modelpackage;

import dev.keel.mlmodel.Flavor;
import dev.keel.mlmodel.MLmodel;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.tracking.artifacts.ArtifactPath;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model package that {@link ModelPackageReader} read from the artifact store and checked: its
 * {@link MLmodel} plus the store paths the MLmodel names, resolved under the package directory.
 *
 * @param dir the package directory in the artifact store
 * @param formatVersion the Keel model-package format version the package was read as ({@link
 *     MLmodel#FORMAT_VERSION})
 * @param mlmodel the MLmodel file's contents
 * @param data the store path of each flavor's data file or directory, by flavor name (flavors that
 *     name none are absent)
 * @param inputExample the store path of the input example file, if the MLmodel declares one
 */
public record CheckedModelPackage(
    ArtifactPath dir,
    int formatVersion,
    MLmodel mlmodel,
    Map<String, ArtifactPath> data,
    Optional<ArtifactPath> inputExample) {

  /** Checks for nulls and copies the paths. */
  public CheckedModelPackage {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(mlmodel, "mlmodel");
    data = Map.copyOf(data);
    Objects.requireNonNull(inputExample, "inputExample");
  }

  /** The flavors by name, in MLmodel order. */
  public Map<String, Flavor> flavors() {
    return mlmodel.flavors();
  }

  /** The store path of a flavor's data file (or directory); empty if it names none. */
  public Optional<ArtifactPath> dataPath(Flavor flavor) {
    return Optional.ofNullable(data.get(flavor.name()));
  }

  /** The signature, if the MLmodel declares one. */
  public Optional<ModelSignature> signature() {
    return mlmodel.signature();
  }

  /** See {@link MLmodel#servableFlavor()}. */
  public Optional<Flavor> servableFlavor() {
    return mlmodel.servableFlavor();
  }

  /** The {@code mlflow_version} that wrote the package. */
  public Optional<String> mlflowVersion() {
    return mlmodel.mlflowVersion();
  }

  /** The {@code model_uuid}. */
  public Optional<String> modelUuid() {
    return mlmodel.modelUuid();
  }

  /** The producing run's id ({@code run_id}). */
  public Optional<String> runId() {
    return mlmodel.runId();
  }

  /** The {@code utc_time_created} timestamp as written. */
  public Optional<String> utcTimeCreated() {
    return mlmodel.utcTimeCreated();
  }
}
