package dev.keel.registry;

/** Where a model version is in its registration lifecycle (MLflow and Unity Catalog names). */
public enum ModelVersionStatus {
  /** Created; files may still be uploading to its storage location. */
  PENDING_REGISTRATION,
  /** Finalize found no valid model package; the reason is in the status message. */
  FAILED_REGISTRATION,
  /** Finalized with a valid model package: the only status that can be loaded or served. */
  READY
}
