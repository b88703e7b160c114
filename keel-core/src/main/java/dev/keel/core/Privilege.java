package dev.keel.core;

/** What a route needs on its securable. Enforced by the governance layer. */
public enum Privilege {
  /** Anyone, no credentials (health probes). */
  NONE,
  /**
   * See that an object exists and read its metadata (its name in lineage, in search), not its
   * contents: Unity Catalog's {@code BROWSE} or the object's read right, the lowest level of an
   * object permission ({@code CAN_READ}, {@code CAN_VIEW}).
   */
  BROWSE,
  /** Read metadata or data. */
  READ,
  /** Change existing objects or add data to them. */
  EDIT,
  /** Create objects inside the securable. */
  CREATE,
  /** Delete, restore, rename or change permissions. */
  MANAGE
}
