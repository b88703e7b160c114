package dev.keel.jobs.engine;

/** The rules task values follow, wherever they are set from. */
public final class TaskValues {
  private TaskValues() {}

  /**
   * Checks a task value's name and size.
   *
   * @throws dev.keel.core.KeelException 400 naming the problem
   */
  public static void check(String name, String json) {
    Attempt.checkValue(name, json);
  }
}
