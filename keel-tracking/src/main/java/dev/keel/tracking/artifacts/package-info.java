/**
 * Artifact storage behind MLflow's artifact proxy ({@code /api/2.0/mlflow-artifacts}): validated
 * relative paths ({@link dev.keel.tracking.artifacts.ArtifactPath}) that refuse traversal in every
 * known encoding, the {@link dev.keel.tracking.artifacts.ArtifactStore} contract, and a local file
 * system implementation with atomic, durable, streaming writes that never follows a symbolic link
 * out of its root.
 */
package dev.keel.tracking.artifacts;
