package dev.keel.jobs.spi;

import java.util.Objects;

/**
 * How one attempt of a task ended, as its task type saw it.
 *
 * @param succeeded true when the work succeeded (a process exited 0)
 * @param error a one-line reason when it did not (Databricks' run output {@code error}); null on
 *     success
 * @param errorTrace the longer story (a stack trace, the last lines of stderr); may be null
 */
public record TaskResult(boolean succeeded, String error, String errorTrace) {
  public TaskResult {
    if (!succeeded) {
      Objects.requireNonNull(error, "error");
    }
  }

  /** The attempt succeeded. */
  public static TaskResult success() {
    return new TaskResult(true, null, null);
  }

  /** The attempt failed for {@code error}; {@code errorTrace} may be null. */
  public static TaskResult failed(String error, String errorTrace) {
    return new TaskResult(false, error, errorTrace);
  }
}
