package dev.keel.tracking;

import dev.keel.core.KeelException;
import java.util.Locale;

/** Run status, with MLflow's names. */
public enum RunStatus {
  RUNNING,
  SCHEDULED,
  FINISHED,
  FAILED,
  KILLED;

  /** Parses a wire value; unknown values are a 400 naming the field. */
  public static RunStatus parse(String field, String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid(
          "Invalid value '"
              + value
              + "' for parameter '"
              + field
              + "': must be one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED.");
    }
  }
}
