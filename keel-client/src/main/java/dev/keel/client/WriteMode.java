package dev.keel.client;

/** How a write changes a table. */
public enum WriteMode {
  /** Add the rows. */
  APPEND,
  /** Replace every row with the given ones. */
  OVERWRITE,
  /** Replace rows with the same primary key, add the others (needs primary keys). */
  UPSERT
}
