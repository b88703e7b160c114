package dev.keel.jobs.trigger;

/**
 * The run {@code trigger} types the trigger service starts runs with (Databricks' {@code
 * TriggerType}; the Java SDK up to 0.141 lacks MODEL and reads it as null, which its deserializer
 * allows).
 */
public final class RunTriggers {
  /** A {@code schedule} or a {@code trigger.periodic}. */
  public static final String PERIODIC = "PERIODIC";

  /** A {@code trigger.table_update}. */
  public static final String TABLE = "TABLE";

  /** A {@code trigger.model}. */
  public static final String MODEL = "MODEL";

  /** {@code continuous}. */
  public static final String CONTINUOUS = "CONTINUOUS";

  private RunTriggers() {}
}
