package dev.keel.client;

/** Which way {@link LineageClient#graph} walks from the securable. */
public enum LineageDirection {
  /** Towards what it was built from (tables, training sets, runs). */
  UPSTREAM,
  /** Towards what was built from it (models, aliases, endpoints, inference tables). */
  DOWNSTREAM,
  /** Both ways. */
  BOTH
}
