package dev.keel.catalog.permissions;

/**
 * A Databricks permission level on an object, with its rank: a higher rank includes every lower one
 * of the same object type ({@code CAN_MANAGE} includes {@code CAN_EDIT} includes {@code CAN_READ};
 * {@code CAN_MANAGE} includes {@code CAN_QUERY} includes {@code CAN_VIEW}). Which levels apply to
 * which type is {@link ObjectType#levels()}.
 */
public enum PermissionLevel {
  /** Experiments: read the experiment, its runs, metrics and artifacts. */
  CAN_READ(1),
  /** Serving endpoints: see the endpoint and its configuration. */
  CAN_VIEW(1),
  /** Experiments: also create runs, log to them and edit them, tag the experiment. */
  CAN_EDIT(2),
  /** Serving endpoints: also send scoring requests. */
  CAN_QUERY(2),
  /** Jobs: also run, cancel and repair runs. */
  CAN_MANAGE_RUN(2),
  /** Everything: rename, delete, restore, change the configuration and the permissions. */
  CAN_MANAGE(3),
  /** Jobs: the owner, who holds everything {@code CAN_MANAGE} does. */
  IS_OWNER(4);

  private final int rank;

  PermissionLevel(int rank) {
    this.rank = rank;
  }

  /** 1 for reading, 2 for using, 3 for managing. */
  public int rank() {
    return rank;
  }

  /** True when this level includes {@code other} (same object type assumed). */
  public boolean includes(PermissionLevel other) {
    return rank >= other.rank;
  }
}
