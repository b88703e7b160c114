package dev.keel.monitoring.alerts;

/**
 * An alert's state after its latest evaluation. {@code OK → TRIGGERED} (and {@code UNKNOWN →
 * TRIGGERED}) fires once; an alert that stays {@code TRIGGERED} does not fire again until an
 * evaluation finds it {@code OK} (it re-arms).
 */
public enum AlertState {
  /** Not evaluated yet, or no metric rows matched the rule (or they could not be read). */
  UNKNOWN,
  /** Evaluated and not violated. */
  OK,
  /** Evaluated and violated. */
  TRIGGERED
}
