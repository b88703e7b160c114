package dev.keel.mlmodel;

import java.util.List;
import java.util.Objects;

/**
 * A model package written by {@link ModelPackage#save} or logged to a run by keel-client's {@code
 * TrackingClient.logModel}, as MLflow's {@code ModelInfo} describes it.
 *
 * @param runId the run it was logged to; {@code ""} when saved without one
 * @param artifactPath its path under the run's artifacts (the MLmodel's {@code artifact_path});
 *     {@code ""} when none
 * @param modelUri {@code runs:/<run_id>/<artifact_path>} when logged to a run, else the local
 *     directory's {@code file:} URI ({@link ModelPackage#save})
 * @param modelUuid the MLmodel's {@code model_uuid} (32 hex digits)
 * @param utcTimeCreated the MLmodel's {@code utc_time_created}
 * @param flavors the flavors in the MLmodel, e.g. {@code [onnx, python_function]}
 * @param files the package's files, relative to its directory, sorted
 */
public record ModelInfo(
    String runId,
    String artifactPath,
    String modelUri,
    String modelUuid,
    String utcTimeCreated,
    List<String> flavors,
    List<String> files) {
  /** Checks for nulls and copies the lists. */
  public ModelInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(artifactPath, "artifactPath");
    Objects.requireNonNull(modelUri, "modelUri");
    Objects.requireNonNull(modelUuid, "modelUuid");
    Objects.requireNonNull(utcTimeCreated, "utcTimeCreated");
    flavors = List.copyOf(flavors);
    files = List.copyOf(files);
  }

  /** This model as logged to {@code runs:/<run_id>/<artifact_path>}. */
  public ModelInfo loggedToRun() {
    return new ModelInfo(
        runId,
        artifactPath,
        "runs:/" + runId + "/" + artifactPath,
        modelUuid,
        utcTimeCreated,
        flavors,
        files);
  }
}
