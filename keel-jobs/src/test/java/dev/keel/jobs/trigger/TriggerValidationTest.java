package dev.keel.jobs.trigger;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.jobs.trigger.JobEvent.ModelChange;
import dev.keel.jobs.trigger.TriggerSettings.ModelTrigger;
import dev.keel.jobs.trigger.TriggerSettings.Periodic;
import dev.keel.jobs.trigger.TriggerSettings.TableUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerValidationTest {
  private static void invalid(Runnable r, String message) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            KeelException.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.code())
                    .isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining(message);
  }

  @Test
  void a_bad_cron_expression_names_the_field_and_where() {
    invalid(
        () ->
            TriggerValidation.validate(
                new Schedule("0 0 25 * * ?", "UTC", false), "settings.schedule"),
        "settings.schedule.quartz_cron_expression: '0 0 25 * * ?' is not a valid Quartz cron"
            + " expression: field 3 (hours) '25' at position 5");
  }

  @Test
  void an_unknown_time_zone_is_refused() {
    invalid(
        () ->
            TriggerValidation.validate(
                new Schedule("0 0 9 * * ?", "Mars/Olympus", false), "schedule"),
        "schedule.timezone_id: unknown time zone 'Mars/Olympus'");
  }

  @Test
  void a_good_schedule_passes() {
    assertThatCode(
            () ->
                TriggerValidation.validate(
                    new Schedule("0 0 9 ? * MON-FRI", "Europe/Amsterdam", false), "s"))
        .doesNotThrowAnyException();
  }

  @Test
  void periodic_interval_must_be_positive() {
    invalid(
        () ->
            TriggerValidation.validate(
                new TriggerSettings(false, new Periodic(0, Periodic.Unit.HOURS), null, null),
                "trigger"),
        "trigger.periodic.interval: must be at least 1, got 0");
  }

  @Test
  void exactly_one_trigger_kind() {
    invalid(
        () -> TriggerValidation.validate(new TriggerSettings(false, null, null, null), "trigger"),
        "trigger: exactly one of periodic, table_update, model must be set (0 are)");
  }

  @Test
  void table_update_needs_existing_tables_and_non_negative_waits() {
    invalid(
        () ->
            TriggerValidation.validate(
                new TriggerSettings(false, null, new TableUpdate(List.of(), false, 0, 0), null),
                "trigger"),
        "trigger.table_update.table_names: at least one table is required");
    invalid(
        () ->
            TriggerValidation.validate(
                new TriggerSettings(
                    false, null, new TableUpdate(List.of("a.b"), false, 0, 0), null),
                "t"),
        "t.table_update.table_names[0]: 'a.b' is not a full table name");
    invalid(
        () ->
            TriggerValidation.validate(
                new TriggerSettings(
                    false, null, new TableUpdate(List.of("c.s.t"), false, 0, 0), null),
                "t",
                name -> false),
        "t.table_update.table_names[0]: table 'c.s.t' does not exist");
    invalid(
        () ->
            TriggerValidation.validate(
                new TriggerSettings(
                    false, null, new TableUpdate(List.of("c.s.t"), true, -1, 0), null),
                "t"),
        "t.table_update.min_time_between_triggers_seconds: must be 0 or more, got -1");
  }

  @Test
  void model_trigger_rules() {
    invalid(
        () ->
            TriggerValidation.validate(
                new TriggerSettings(false, null, null, new ModelTrigger(null, "", List.of(), 0, 0)),
                "t"),
        "t.model.condition: required");
    invalid(
        () ->
            TriggerValidation.validate(
                new TriggerSettings(
                    false,
                    null,
                    null,
                    new ModelTrigger(ModelChange.MODEL_CREATED, "c", List.of(), 0, 0)),
                "t"),
        "t.model.securable_name: 'c' is neither a model");
    invalid(
        () ->
            TriggerValidation.validate(
                new TriggerSettings(
                    false,
                    null,
                    null,
                    new ModelTrigger(
                        ModelChange.MODEL_VERSION_READY, "c.s.m", List.of("champion"), 0, 0)),
                "t"),
        "t.model.aliases: only allowed with condition MODEL_ALIAS_SET");
    invalid(
        () ->
            TriggerValidation.validate(
                new TriggerSettings(
                    false,
                    null,
                    null,
                    new ModelTrigger(ModelChange.MODEL_ALIAS_SET, "c.s", List.of(), 0, -5)),
                "t"),
        "t.model.wait_after_last_change_seconds: must be 0 or more, got -5");
  }

  @Test
  void schedule_trigger_and_continuous_are_mutually_exclusive() {
    invalid(
        () ->
            TriggerValidation.exclusive(
                new Schedule("0 0 9 * * ?", "UTC", false), null, new Continuous(false), "settings"),
        "settings: schedule and continuous are mutually exclusive");
    assertThatCode(() -> TriggerValidation.exclusive(null, null, new Continuous(false), "settings"))
        .doesNotThrowAnyException();
  }
}
