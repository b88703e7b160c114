package dev.keel.catalog.lineage;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A link from an upstream object to a downstream one, with what pins it: the table snapshot read or
 * the model version concerned.
 *
 * @param from the upstream object (what was read, trained on, served)
 * @param to the downstream object
 * @param kind how they are linked
 * @param snapshotId the snapshot of the table on this edge that was read, when one was recorded
 * @param version the model version on this edge, when it concerns one
 * @param timestamp when the link was recorded (ms since the epoch), when known
 */
public record LineageEdge(
    LineageNode from,
    LineageNode to,
    Kind kind,
    OptionalLong snapshotId,
    OptionalLong version,
    OptionalLong timestamp) {

  /** How two objects are linked. */
  public enum Kind {
    /** A table snapshot was the spine of a training set. */
    SPINE,
    /** A feature table snapshot was looked up by a training set. */
    FEATURES,
    /** A training set was logged to a run. */
    TRAINING_SET,
    /** A table or dataset was logged as an input of a run ({@code runs/log-inputs}). */
    DATASET_INPUT,
    /** A model version was created from a run. */
    MODEL_VERSION,
    /** An alias points at a model version. */
    ALIAS,
    /** An endpoint serves a model version (directly, or by following an alias). */
    SERVES,
    /** An endpoint logs its requests to an inference table. */
    INFERENCE_LOG
  }

  public LineageEdge {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(snapshotId, "snapshotId");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /** An edge with neither snapshot nor version. */
  public static LineageEdge of(
      LineageNode from, LineageNode to, Kind kind, OptionalLong timestamp) {
    return new LineageEdge(from, to, kind, OptionalLong.empty(), OptionalLong.empty(), timestamp);
  }

  /** An edge pinned to a table snapshot. */
  public static LineageEdge snapshot(
      LineageNode from,
      LineageNode to,
      Kind kind,
      OptionalLong snapshotId,
      OptionalLong timestamp) {
    return new LineageEdge(from, to, kind, snapshotId, OptionalLong.empty(), timestamp);
  }

  /** An edge pinned to a model version. */
  public static LineageEdge version(
      LineageNode from, LineageNode to, Kind kind, long version, OptionalLong timestamp) {
    return new LineageEdge(
        from, to, kind, OptionalLong.empty(), OptionalLong.of(version), timestamp);
  }
}
