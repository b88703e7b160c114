package dev.keel.tracking;

/** Soft-delete state of experiments and runs; wire names are lower case. */
public enum LifecycleStage {
  ACTIVE("active"),
  DELETED("deleted");

  private final String wire;

  LifecycleStage(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static LifecycleStage ofWire(String value) {
    return "deleted".equals(value) ? DELETED : ACTIVE;
  }
}
