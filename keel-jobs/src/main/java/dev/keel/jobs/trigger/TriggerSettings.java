package dev.keel.jobs.trigger;

import java.util.List;

/**
 * A job's {@code trigger}: exactly one of the kinds is set.
 *
 * @param paused {@code pause_status} PAUSED
 * @param periodic {@code periodic}, or null
 * @param tableUpdate {@code table_update}, or null
 * @param model {@code model}, or null
 */
public record TriggerSettings(
    boolean paused, Periodic periodic, TableUpdate tableUpdate, ModelTrigger model) {

  /** {@code periodic{interval, unit}}: every {@code interval} units after the last trigger. */
  public record Periodic(int interval, Unit unit) {
    /** {@code unit}. */
    public enum Unit {
      MINUTES,
      HOURS,
      DAYS,
      WEEKS
    }
  }

  /**
   * {@code table_update}: runs when Keel tables change.
   *
   * @param tableNames full names of the watched tables
   * @param allUpdated {@code condition} ALL_UPDATED (else ANY_UPDATED)
   * @param minTimeBetweenTriggersSeconds 0 when absent
   * @param waitAfterLastChangeSeconds 0 when absent
   */
  public record TableUpdate(
      List<String> tableNames,
      boolean allUpdated,
      int minTimeBetweenTriggersSeconds,
      int waitAfterLastChangeSeconds) {
    public TableUpdate {
      tableNames = List.copyOf(tableNames);
    }
  }

  /**
   * {@code model}: runs on registry events.
   *
   * @param condition which event
   * @param securableName a model ({@code c.s.m}), a schema ({@code c.s}) or empty for all
   * @param aliases for MODEL_ALIAS_SET: the aliases that count (empty = any)
   * @param minTimeBetweenTriggersSeconds 0 when absent
   * @param waitAfterLastChangeSeconds 0 when absent
   */
  public record ModelTrigger(
      JobEvent.ModelChange condition,
      String securableName,
      List<String> aliases,
      int minTimeBetweenTriggersSeconds,
      int waitAfterLastChangeSeconds) {
    public ModelTrigger {
      aliases = List.copyOf(aliases);
    }
  }
}
