package dev.keel.core;

/** The kinds of object a route can act on. */
public enum SecurableType {
  /** The server itself: health, version, metrics. */
  SERVER,
  /** An experiment (and, through it, its runs). */
  EXPERIMENT,
  /** A run, whose experiment is its parent securable. */
  RUN,
  /** Artifacts, addressed by path under an experiment. */
  ARTIFACT,
  /** The whole catalog namespace (creating and listing catalogs). */
  METASTORE,
  /** A Unity Catalog catalog. */
  CATALOG,
  /** A schema, whose catalog is its parent securable. */
  SCHEMA,
  /** A registered model (and its versions and aliases), whose schema is its parent securable. */
  REGISTERED_MODEL,
  /** A lakehouse table (its rows, files and history), whose schema is its parent securable. */
  TABLE,
  /** A model serving endpoint (its config and its invocations). */
  SERVING_ENDPOINT,
  /** A job (its settings and runs), by job id; the empty name is the collection. */
  JOB,
  /**
   * The lineage graph of a securable (its name, or a lineage node id {@code TYPE:name}): decided on
   * the securable it starts from, which the caller must at least browse.
   */
  LINEAGE,
  /**
   * A user, group or service principal, and its tokens: administrators manage them; a caller may
   * read itself and manage its own tokens.
   */
  PRINCIPAL
}
