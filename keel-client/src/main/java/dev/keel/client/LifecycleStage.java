package dev.keel.client;

import java.util.Locale;

/** Soft-delete state of an experiment or a run. The wire values are lower case. */
public enum LifecycleStage {
  /** Visible in default searches. */
  ACTIVE,
  /** Soft-deleted; can be restored. */
  DELETED;

  /** The wire value, {@code active} or {@code deleted}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire value; anything but {@code deleted} is active. */
  public static LifecycleStage ofWire(String value) {
    return "deleted".equalsIgnoreCase(value) ? DELETED : ACTIVE;
  }
}
