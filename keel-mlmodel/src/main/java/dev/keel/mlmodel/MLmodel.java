package dev.keel.mlmodel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The contents of an {@code MLmodel} file, as {@link MLmodelReader} reads them: Keel format version
 * {@value #FORMAT_VERSION}. Paths are as written, relative to the package directory; whoever opens
 * the files (the registry, the serving runtime) resolves them against its storage.
 *
 * <p>MLmodel files carry no format version of their own; {@link #FORMAT_VERSION} records the
 * version of Keel's reading of them, so that a later Keel that understands more (complex column
 * types, external ONNX data, ...) can tell what an earlier check covered.
 *
 * @param flavors the flavors by name, in MLmodel order (never empty)
 * @param signature the signature, if the MLmodel declares one
 * @param inputExample the {@code saved_input_example_info}, if the MLmodel declares one
 * @param artifactPath the run-relative {@code artifact_path}
 * @param mlflowVersion the {@code mlflow_version} that wrote the package
 * @param modelUuid the {@code model_uuid}
 * @param runId the producing run's id ({@code run_id})
 * @param utcTimeCreated the {@code utc_time_created} timestamp as written (naive UTC, such as
 *     {@code 2024-01-15 10:30:45.123456})
 */
public record MLmodel(
    Map<String, Flavor> flavors,
    Optional<ModelSignature> signature,
    Optional<InputExampleInfo> inputExample,
    Optional<String> artifactPath,
    Optional<String> mlflowVersion,
    Optional<String> modelUuid,
    Optional<String> runId,
    Optional<String> utcTimeCreated) {

  /** The model-package format version this Keel reads and writes. */
  public static final int FORMAT_VERSION = 1;

  /** The file name of an MLmodel file in a package directory. */
  public static final String FILE_NAME = "MLmodel";

  /** Checks for nulls and copies the flavors, keeping their order. */
  public MLmodel {
    flavors = Collections.unmodifiableMap(new LinkedHashMap<>(flavors));
    flavors.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "flavor name");
          Objects.requireNonNull(v, "flavor");
        });
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(inputExample, "inputExample");
    Objects.requireNonNull(artifactPath, "artifactPath");
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

  /** Whether every flavor would be loaded from a pickle ({@link Flavor#pickleBased()}). */
  public boolean onlyPickleBased() {
    return flavors.values().stream().allMatch(Flavor::pickleBased);
  }
}
