package dev.keel.jobs.model;

import java.util.Collection;

/**
 * A task's {@code run_if}: when it runs, given how its dependencies ended (Databricks' semantics).
 * An EXCLUDED dependency (a branch not taken, a run_if not met) counts as succeeded unless every
 * dependency is excluded, in which case the task is excluded too.
 */
public enum RunIf {
  /** Every dependency succeeded (the default); else UPSTREAM_FAILED or UPSTREAM_CANCELED. */
  ALL_SUCCESS,
  /** At least one dependency succeeded; else UPSTREAM_FAILED or UPSTREAM_CANCELED. */
  AT_LEAST_ONE_SUCCESS,
  /** No dependency failed and at least one ran; else UPSTREAM_FAILED. */
  NONE_FAILED,
  /** Every dependency is done, however it ended. */
  ALL_DONE,
  /** At least one dependency failed; else EXCLUDED. */
  AT_LEAST_ONE_FAILED,
  /** Every dependency failed; else EXCLUDED. */
  ALL_FAILED;

  /** How one dependency ended, as run_if sees it. */
  public enum Upstream {
    SUCCEEDED,
    FAILED,
    CANCELED,
    EXCLUDED,
    DISABLED
  }

  /**
   * The result state a task whose dependencies ended as {@code deps} takes without running, or null
   * when it runs.
   */
  public ResultState decide(Collection<Upstream> deps) {
    if (deps.isEmpty()) {
      return null;
    }
    if (deps.stream().allMatch(d -> d == Upstream.EXCLUDED)) {
      return ResultState.EXCLUDED;
    }
    long ok = count(deps, Upstream.SUCCEEDED) + count(deps, Upstream.EXCLUDED);
    long failed = count(deps, Upstream.FAILED);
    long canceled = count(deps, Upstream.CANCELED);
    long disabled = count(deps, Upstream.DISABLED);
    long considered = deps.size() - count(deps, Upstream.EXCLUDED);
    boolean run =
        switch (this) {
          case ALL_SUCCESS -> ok == deps.size();
          case AT_LEAST_ONE_SUCCESS -> count(deps, Upstream.SUCCEEDED) > 0;
          case NONE_FAILED -> failed == 0 && canceled == 0 && count(deps, Upstream.SUCCEEDED) > 0;
          case ALL_DONE -> true;
          case AT_LEAST_ONE_FAILED -> failed > 0;
          case ALL_FAILED -> failed > 0 && failed == considered;
        };
    if (run) {
      return null;
    }
    return switch (this) {
      case AT_LEAST_ONE_FAILED, ALL_FAILED -> ResultState.EXCLUDED;
      default ->
          failed > 0
              ? ResultState.UPSTREAM_FAILED
              : canceled > 0
                  ? ResultState.UPSTREAM_CANCELED
                  : disabled > 0 ? ResultState.DISABLED : ResultState.EXCLUDED;
    };
  }

  private static long count(Collection<Upstream> deps, Upstream u) {
    return deps.stream().filter(d -> d == u).count();
  }
}
