package dev.keel.jobs.model;

/** Databricks' {@code result_state} of a run or a task run, set once it is terminal. */
public enum ResultState {
  SUCCESS,
  FAILED,
  TIMEDOUT,
  CANCELED,
  EXCLUDED,
  UPSTREAM_FAILED,
  UPSTREAM_CANCELED,
  SUCCESS_WITH_FAILURES,
  MAXIMUM_CONCURRENT_RUNS_REACHED,
  DISABLED;

  /** How a dependency that ended in this state counts for its dependents' {@code run_if}. */
  public RunIf.Upstream upstream() {
    return switch (this) {
      case SUCCESS, SUCCESS_WITH_FAILURES -> RunIf.Upstream.SUCCEEDED;
      case FAILED, TIMEDOUT, UPSTREAM_FAILED, MAXIMUM_CONCURRENT_RUNS_REACHED ->
          RunIf.Upstream.FAILED;
      case CANCELED, UPSTREAM_CANCELED -> RunIf.Upstream.CANCELED;
      case EXCLUDED -> RunIf.Upstream.EXCLUDED;
      case DISABLED -> RunIf.Upstream.DISABLED;
    };
  }

  /** The {@code status.termination_details.code} of a run or task that ended so. */
  public String terminationCode() {
    return switch (this) {
      case SUCCESS -> "SUCCESS";
      case SUCCESS_WITH_FAILURES -> "SUCCESS_WITH_FAILURES";
      case FAILED, UPSTREAM_FAILED -> "RUN_EXECUTION_ERROR";
      case TIMEDOUT -> "RUN_EXECUTION_ERROR";
      case CANCELED, UPSTREAM_CANCELED -> "CANCELED";
      case EXCLUDED -> "SKIPPED";
      case MAXIMUM_CONCURRENT_RUNS_REACHED -> "MAX_CONCURRENT_RUNS_EXCEEDED";
      case DISABLED -> "DISABLED";
    };
  }

  /** The {@code status.termination_details.type}. */
  public String terminationType() {
    return switch (this) {
      case SUCCESS, SUCCESS_WITH_FAILURES, EXCLUDED, DISABLED, CANCELED, UPSTREAM_CANCELED ->
          "SUCCESS";
      default -> "CLIENT_ERROR";
    };
  }
}
