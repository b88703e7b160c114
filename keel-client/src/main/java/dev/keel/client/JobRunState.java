package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of a job run or of a task run, as Databricks' {@code state} object carries it.
 *
 * @param lifeCycleState {@code QUEUED}, {@code PENDING}, {@code RUNNING}, {@code TERMINATING},
 *     {@code TERMINATED}, {@code SKIPPED}, {@code INTERNAL_ERROR}, {@code BLOCKED} or {@code
 *     WAITING_FOR_RETRY}
 * @param resultState once ended: {@code SUCCESS}, {@code FAILED}, {@code TIMEDOUT}, {@code
 *     CANCELED}, {@code EXCLUDED}, {@code UPSTREAM_FAILED}, {@code UPSTREAM_CANCELED}, {@code
 *     SUCCESS_WITH_FAILURES}, {@code MAXIMUM_CONCURRENT_RUNS_REACHED} or {@code DISABLED}
 * @param stateMessage why the run is in this state (e.g. a failed task's error); may be empty
 * @param userCancelledOrTimedout whether the run ended because it was cancelled or timed out
 */
public record JobRunState(
    String lifeCycleState,
    Optional<String> resultState,
    String stateMessage,
    boolean userCancelledOrTimedout) {

  /** Checks for nulls. */
  public JobRunState {
    Objects.requireNonNull(lifeCycleState, "lifeCycleState");
    Objects.requireNonNull(resultState, "resultState");
    Objects.requireNonNull(stateMessage, "stateMessage");
  }

  /** Whether the run has ended: {@code TERMINATED}, {@code SKIPPED} or {@code INTERNAL_ERROR}. */
  public boolean terminal() {
    return lifeCycleState.equals("TERMINATED")
        || lifeCycleState.equals("SKIPPED")
        || lifeCycleState.equals("INTERNAL_ERROR");
  }

  /** Whether the run has ended with {@code SUCCESS}. */
  public boolean succeeded() {
    return terminal() && resultState.filter("SUCCESS"::equals).isPresent();
  }

  /** The result state, else the life cycle state: what a person wants to see in one word. */
  public String summary() {
    return resultState.orElse(lifeCycleState);
  }

  static JobRunState from(JsonNode state) {
    return new JobRunState(
        KeelJson.text(state, "life_cycle_state"),
        KeelJson.optionalText(state, "result_state").filter(s -> !s.isEmpty()),
        KeelJson.text(state, "state_message"),
        state.path("user_cancelled_or_timedout").asBoolean(false));
  }
}
