package dev.keel.jobs.trigger;

import dev.keel.core.KeelException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks a job's {@code schedule}, {@code trigger} and {@code continuous} before anything is saved.
 * Each failure is INVALID_PARAMETER_VALUE (400) naming the field by its path in the request (the
 * caller's {@code path} plus the wire field, e.g. {@code settings.schedule.quartz_cron_expression})
 * and saying why.
 */
public final class TriggerValidation {
  private static final Pattern THREE_PART = Pattern.compile("[^.\\s]+\\.[^.\\s]+\\.[^.\\s]+");
  private static final Pattern TWO_OR_THREE_PART =
      Pattern.compile("[^.\\s]+\\.[^.\\s]+(\\.[^.\\s]+)?");

  private TriggerValidation() {}

  /** The zone of a schedule: its {@code timezone_id}, UTC when absent. */
  public static ZoneId zone(Schedule s) {
    return s.timezoneId() == null || s.timezoneId().isBlank()
        ? ZoneId.of("UTC")
        : ZoneId.of(s.timezoneId());
  }

  /** Checks a {@code schedule}: a Quartz expression that parses, a known time zone. */
  public static void validate(Schedule s, String path) {
    if (s.quartzCronExpression() == null) {
      throw KeelException.invalid(path + ".quartz_cron_expression: required.");
    }
    try {
      QuartzCron.check(s.quartzCronExpression());
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid(
          path
              + ".quartz_cron_expression: '"
              + s.quartzCronExpression()
              + "' is not a valid Quartz cron expression: "
              + e.getMessage());
    }
    try {
      zone(s);
    } catch (DateTimeException e) {
      throw KeelException.invalid(
          path
              + ".timezone_id: unknown time zone '"
              + s.timezoneId()
              + "'; use a Java time-zone id such as 'Europe/Amsterdam' or 'UTC'.");
    }
  }

  /** Checks a {@code trigger} without looking tables up (see the overload). */
  public static void validate(TriggerSettings t, String path) {
    validate(t, path, name -> true);
  }

  /**
   * Checks a {@code trigger}: exactly one kind; {@code periodic.interval} ≥ 1 with a unit; {@code
   * table_update} with at least one three-part table name, each of which {@code tableExists}
   * (Databricks checks at save); {@code model} with a condition, a model / schema / empty
   * securable, aliases only for MODEL_ALIAS_SET; waits and minimum times ≥ 0.
   */
  public static void validate(TriggerSettings t, String path, Predicate<String> tableExists) {
    int kinds =
        (t.periodic() != null ? 1 : 0)
            + (t.tableUpdate() != null ? 1 : 0)
            + (t.model() != null ? 1 : 0);
    if (kinds != 1) {
      throw KeelException.invalid(
          path + ": exactly one of periodic, table_update, model must be set (" + kinds + " are).");
    }
    if (t.periodic() != null) {
      if (t.periodic().interval() < 1) {
        throw KeelException.invalid(
            path + ".periodic.interval: must be at least 1, got " + t.periodic().interval() + ".");
      }
      if (t.periodic().unit() == null) {
        throw KeelException.invalid(
            path + ".periodic.unit: required (MINUTES, HOURS, DAYS or WEEKS).");
      }
    }
    if (t.tableUpdate() != null) {
      validateTables(t.tableUpdate(), path + ".table_update", tableExists);
    }
    if (t.model() != null) {
      validateModel(t.model(), path + ".model");
    }
  }

  /** Checks a {@code continuous}: nothing beyond its shape (its pause status is a boolean). */
  public static void validate(Continuous c, String path) {
    if (c == null) {
      throw KeelException.invalid(path + ": required.");
    }
  }

  /**
   * Checks that at most one of {@code schedule}, {@code trigger} and {@code continuous} is set
   * (Databricks: a job has one trigger; {@code continuous} excludes {@code schedule}); each may be
   * null.
   *
   * @param path the settings' path, e.g. {@code settings}
   */
  public static void exclusive(
      Schedule schedule, TriggerSettings trigger, Continuous continuous, String path) {
    List<String> set =
        java.util.stream.Stream.of(
                schedule != null ? "schedule" : null,
                trigger != null ? "trigger" : null,
                continuous != null ? "continuous" : null)
            .filter(java.util.Objects::nonNull)
            .toList();
    if (set.size() > 1) {
      throw KeelException.invalid(
          path
              + ": "
              + String.join(" and ", set)
              + " are mutually exclusive; a job has at most one of schedule, trigger, continuous.");
    }
  }

  private static void validateTables(
      TriggerSettings.TableUpdate u, String path, Predicate<String> tableExists) {
    if (u.tableNames().isEmpty()) {
      throw KeelException.invalid(path + ".table_names: at least one table is required.");
    }
    for (int i = 0; i < u.tableNames().size(); i++) {
      String name = u.tableNames().get(i);
      String field = path + ".table_names[" + i + "]";
      if (name == null || !THREE_PART.matcher(name).matches()) {
        throw KeelException.invalid(
            field + ": '" + name + "' is not a full table name catalog.schema.table.");
      }
      if (!tableExists.test(name)) {
        throw KeelException.invalid(field + ": table '" + name + "' does not exist.");
      }
    }
    nonNegative(u.minTimeBetweenTriggersSeconds(), path + ".min_time_between_triggers_seconds");
    nonNegative(u.waitAfterLastChangeSeconds(), path + ".wait_after_last_change_seconds");
  }

  private static void validateModel(TriggerSettings.ModelTrigger m, String path) {
    if (m.condition() == null) {
      throw KeelException.invalid(
          path + ".condition: required (MODEL_CREATED, MODEL_VERSION_READY or MODEL_ALIAS_SET).");
    }
    String s = m.securableName();
    if (s != null && !s.isEmpty() && !TWO_OR_THREE_PART.matcher(s).matches()) {
      throw KeelException.invalid(
          path
              + ".securable_name: '"
              + s
              + "' is neither a model catalog.schema.model nor a schema catalog.schema (empty"
              + " watches every model).");
    }
    if (!m.aliases().isEmpty() && m.condition() != JobEvent.ModelChange.MODEL_ALIAS_SET) {
      throw KeelException.invalid(
          path
              + ".aliases: only allowed with condition MODEL_ALIAS_SET, not "
              + m.condition()
              + ".");
    }
    for (int i = 0; i < m.aliases().size(); i++) {
      String a = m.aliases().get(i);
      if (a == null || a.isBlank()) {
        throw KeelException.invalid(path + ".aliases[" + i + "]: must not be empty.");
      }
    }
    nonNegative(m.minTimeBetweenTriggersSeconds(), path + ".min_time_between_triggers_seconds");
    nonNegative(m.waitAfterLastChangeSeconds(), path + ".wait_after_last_change_seconds");
  }

  private static void nonNegative(int value, String field) {
    if (value < 0) {
      throw KeelException.invalid(field + ": must be 0 or more, got " + value + ".");
    }
  }
}
