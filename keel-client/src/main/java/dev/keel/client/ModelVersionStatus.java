package dev.keel.client;

/** Where a model version is in its lifecycle. */
public enum ModelVersionStatus {
  /** Created; its files are being uploaded and it has not been finalized yet. */
  PENDING_REGISTRATION,
  /** Finalize found the model package unusable; the reason is in the status message. */
  FAILED_REGISTRATION,
  /** Finalized and loadable. */
  READY
}
