package dev.keel.tables;

/** How a write combines its rows with the table's current rows. */
public enum WriteMode {
  /** Adds the rows. */
  APPEND,
  /** Replaces all rows with the new ones. */
  OVERWRITE,
  /**
   * Replaces the rows whose primary key matches an incoming row and adds the others (copy-on-write:
   * the data files holding those keys are rewritten in the same commit).
   */
  UPSERT
}
