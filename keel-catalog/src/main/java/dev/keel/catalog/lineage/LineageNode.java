package dev.keel.catalog.lineage;

import java.util.Objects;

/**
 * One object in the lineage graph, identified by its type and its name (or id).
 *
 * @param type what kind of object it is
 * @param name its full name ({@code catalog.schema.table}, {@code catalog.schema.model}, {@code
 *     catalog.schema.model@alias}), id (runs, training sets logged to a run) or name (endpoints,
 *     datasets)
 */
public record LineageNode(Type type, String name) {
  /** The kinds of object lineage links. */
  public enum Type {
    /** A Keel table (also an inference table); edges carry the snapshot ids read. */
    TABLE,
    /** A dataset logged to a run that is not a Keel table ({@code name@digest}). */
    DATASET,
    /** The training set logged to a run, named by the run's id. */
    TRAINING_SET,
    /** A tracking run, by id. */
    RUN,
    /** A registered model; edges carry the version they concern. */
    REGISTERED_MODEL,
    /** An alias of a registered model, {@code catalog.schema.model@alias}. */
    MODEL_ALIAS,
    /** A model serving endpoint, by name. */
    SERVING_ENDPOINT,
    /**
     * An object the caller may not see (see {@link LineageView}): named by a number valid in one
     * answer only.
     */
    RESTRICTED
  }

  public LineageNode {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
  }

  /** A table node. */
  public static LineageNode table(String fullName) {
    return new LineageNode(Type.TABLE, fullName);
  }

  /** A run node. */
  public static LineageNode run(String runId) {
    return new LineageNode(Type.RUN, runId);
  }

  /** A registered model node. */
  public static LineageNode model(String fullName) {
    return new LineageNode(Type.REGISTERED_MODEL, fullName);
  }

  /** An alias node, {@code catalog.schema.model@alias}. */
  public static LineageNode alias(String modelFullName, String alias) {
    return new LineageNode(Type.MODEL_ALIAS, modelFullName + "@" + alias);
  }

  /** An endpoint node. */
  public static LineageNode endpoint(String name) {
    return new LineageNode(Type.SERVING_ENDPOINT, name);
  }

  /** The node's id in a graph: {@code TYPE:name}. */
  public String id() {
    return type + ":" + name;
  }
}
