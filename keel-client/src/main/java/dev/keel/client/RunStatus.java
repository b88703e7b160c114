package dev.keel.client;

/** The status of a run, with MLflow's wire names. */
public enum RunStatus {
  /** The run is in progress. */
  RUNNING,
  /** The run is scheduled and has not started. */
  SCHEDULED,
  /** The run ended successfully. */
  FINISHED,
  /** The run ended with an error. */
  FAILED,
  /** The run was stopped. */
  KILLED;

  /** Whether the run has ended. */
  public boolean isTerminal() {
    return this == FINISHED || this == FAILED || this == KILLED;
  }
}
