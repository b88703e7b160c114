package dev.keel.jobs.engine;

import dev.keel.jobs.model.ResultState;
import dev.keel.jobs.model.TaskSpec;
import dev.keel.jobs.store.TaskRun;
import java.util.List;
import java.util.Map;

/**
 * A run's result state from its tasks', as Databricks assigns it: the leaf tasks decide (a failed,
 * timed-out or cancelled leaf fails, times out or cancels the run); when the leaves succeeded but
 * some task failed on the way, the run is SUCCESS_WITH_FAILURES.
 */
final class RunOutcome {
  private RunOutcome() {}

  static ResultState of(
      Map<String, TaskSpec> tasks,
      Map<String, List<String>> dependents,
      Map<String, TaskRun> current,
      Attempt.Stop stopped) {
    if (stopped == Attempt.Stop.TIMEDOUT) {
      return ResultState.TIMEDOUT;
    }
    if (stopped == Attempt.Stop.CANCELED) {
      return ResultState.CANCELED;
    }
    boolean failed = false;
    boolean timedOut = false;
    boolean canceled = false;
    boolean anyFailure = false;
    boolean allDisabled = !tasks.isEmpty();
    for (String key : tasks.keySet()) {
      ResultState r = current.get(key).resultState().orElse(ResultState.FAILED);
      allDisabled &= r == ResultState.DISABLED;
      anyFailure |= r == ResultState.FAILED || r == ResultState.TIMEDOUT;
      if (!dependents.getOrDefault(key, List.of()).isEmpty()) {
        continue; // not a leaf
      }
      switch (r) {
        case FAILED, UPSTREAM_FAILED, MAXIMUM_CONCURRENT_RUNS_REACHED -> failed = true;
        case TIMEDOUT -> timedOut = true;
        case CANCELED, UPSTREAM_CANCELED -> canceled = true;
        default -> {}
      }
    }
    if (failed) {
      return ResultState.FAILED;
    }
    if (timedOut) {
      return ResultState.TIMEDOUT;
    }
    if (canceled) {
      return ResultState.CANCELED;
    }
    if (allDisabled) {
      return ResultState.DISABLED;
    }
    return anyFailure ? ResultState.SUCCESS_WITH_FAILURES : ResultState.SUCCESS;
  }

  static String message(ResultState r) {
    return switch (r) {
      case SUCCESS -> "";
      case SUCCESS_WITH_FAILURES -> "The leaf tasks succeeded; some other tasks failed.";
      case TIMEDOUT -> "The run timed out.";
      case CANCELED -> "The run was cancelled.";
      case DISABLED -> "Every task is disabled.";
      default -> "A task failed.";
    };
  }
}
