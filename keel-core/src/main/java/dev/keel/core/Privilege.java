package dev.keel.core;

/** What a route needs on its securable. Enforced by the governance layer. */
public enum Privilege {
  /** Anyone, no credentials (health probes). */
  NONE,
  /** Read metadata or data. */
  READ,
  /** Change existing objects or add data to them. */
  EDIT,
  /** Create objects inside the securable. */
  CREATE,
  /** Delete, restore, rename or change permissions. */
  MANAGE
}
