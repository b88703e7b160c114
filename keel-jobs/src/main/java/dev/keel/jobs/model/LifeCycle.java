package dev.keel.jobs.model;

/** Databricks' {@code state.life_cycle_state} of a run or a task run. */
public enum LifeCycle {
  QUEUED,
  PENDING,
  RUNNING,
  TERMINATING,
  TERMINATED,
  SKIPPED,
  INTERNAL_ERROR,
  BLOCKED,
  WAITING_FOR_RETRY;

  /** True for the end states (TERMINATED, SKIPPED, INTERNAL_ERROR). */
  public boolean terminal() {
    return this == TERMINATED || this == SKIPPED || this == INTERNAL_ERROR;
  }

  /** The newer {@code status.state} for this state. */
  public String statusState() {
    return switch (this) {
      case SKIPPED, INTERNAL_ERROR, TERMINATED -> "TERMINATED";
      case WAITING_FOR_RETRY -> "WAITING";
      default -> name();
    };
  }
}
