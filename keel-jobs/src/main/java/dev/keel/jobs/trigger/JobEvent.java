package dev.keel.jobs.trigger;

import java.time.Instant;

/** Something that happened elsewhere in Keel that a job's trigger may wait for. */
public sealed interface JobEvent {
  /** When it happened (the commit's time). */
  Instant at();

  /** A Keel table committed a new snapshot. */
  record TableUpdated(String tableFullName, long snapshotId, Instant at) implements JobEvent {}

  /**
   * A registry change.
   *
   * @param change which kind
   * @param modelFullName {@code catalog.schema.model}
   * @param version the version concerned (null for MODEL_CREATED)
   * @param alias the alias set (MODEL_ALIAS_SET only, else null)
   */
  record ModelEvent(
      ModelChange change, String modelFullName, Long version, String alias, Instant at)
      implements JobEvent {}

  /** The registry events Databricks' model trigger knows ({@code condition}). */
  enum ModelChange {
    MODEL_CREATED,
    MODEL_VERSION_READY,
    MODEL_ALIAS_SET
  }
}
