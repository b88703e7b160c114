package dev.keel.serving.endpoints;

/** Databricks' {@code state.config_update} of a serving endpoint. */
public enum ConfigUpdateState {
  /** No update running; the last one (if any) succeeded. */
  NOT_UPDATING,
  /** A config update is loading its served entities. */
  IN_PROGRESS,
  /** The last update failed; the config before it keeps serving. */
  UPDATE_FAILED
}
