package dev.keel.registry.modelpackage;

import dev.keel.tracking.artifacts.ArtifactPath;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model package that {@link ModelPackageReader} read and checked: MLflow's MLmodel directory
 * layout, as understood by Keel format version {@value #FORMAT_VERSION}.
 *
 * <p>MLmodel files carry no format version of their own; {@code formatVersion} records the version
 * of Keel's reading of them, so that a later Keel that understands more (complex column types,
 * external ONNX data, ...) can tell what an earlier check covered.
 *
 * @param dir the package directory in the artifact store
 * @param formatVersion the Keel model-package format version the package was read as
 * @param flavors the flavors by name, in MLmodel order
 * @param signature the signature, if the MLmodel declares one
 * @param inputExample the store path of the input example file, if the MLmodel declares one
 * @param mlflowVersion the {@code mlflow_version} that wrote the package
 * @param modelUuid the {@code model_uuid}
 * @param runId the producing run's id ({@code run_id})
 * @param utcTimeCreated the {@code utc_time_created} timestamp as written (naive UTC, such as
 *     {@code 2024-01-15 10:30:45.123456})
 */
public record ModelPackage(
    ArtifactPath dir,
    int formatVersion,
    Map<String, Flavor> flavors,
    Optional<Signature> signature,
    Optional<ArtifactPath> inputExample,
    Optional<String> mlflowVersion,
    Optional<String> modelUuid,
    Optional<String> runId,
    Optional<String> utcTimeCreated) {

  /** The model-package format version this Keel reads and writes. */
  public static final int FORMAT_VERSION = 1;

  /** Checks for nulls and copies the flavors, keeping their order. */
  public ModelPackage {
    Objects.requireNonNull(dir, "dir");
    flavors = Collections.unmodifiableMap(new LinkedHashMap<>(flavors));
    flavors.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "flavor name");
          Objects.requireNonNull(v, "flavor");
        });
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(inputExample, "inputExample");
    Objects.requireNonNull(mlflowVersion, "mlflowVersion");
    Objects.requireNonNull(modelUuid, "modelUuid");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(utcTimeCreated, "utcTimeCreated");
  }

  /**
   * The flavor Keel would serve this package with: {@code onnx} if present, else {@code xgboost};
   * empty if the package has neither (it is then readable and registrable, but not servable by
   * Keel).
   */
  public Optional<Flavor> servableFlavor() {
    Flavor onnx = flavors.get(Flavor.ONNX);
    if (onnx != null) {
      return Optional.of(onnx);
    }
    return Optional.ofNullable(flavors.get(Flavor.XGBOOST));
  }
}
