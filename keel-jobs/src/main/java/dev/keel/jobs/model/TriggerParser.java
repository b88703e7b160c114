package dev.keel.jobs.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.jobs.trigger.JobEvent;
import dev.keel.jobs.trigger.TriggerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Parses a job's {@code trigger} into {@link TriggerSettings}; 400 naming the field at fault. */
final class TriggerParser {
  private TriggerParser() {}

  static Optional<TriggerSettings> parse(JsonNode t) {
    if (t.isMissingNode() || t.isNull()) {
      return Optional.empty();
    }
    if (!t.isObject()) {
      throw SettingsParser.invalid("trigger", "must be an object.");
    }
    if (t.has("file_arrival") || t.has("sql_condition")) {
      throw SettingsParser.invalid(
          "trigger." + (t.has("file_arrival") ? "file_arrival" : "sql_condition"),
          "Keel does not support this trigger; it has periodic, table_update and model.");
    }
    boolean paused = SettingsParser.paused(t, "trigger");
    int kinds =
        (t.has("periodic") ? 1 : 0) + (t.has("table_update") ? 1 : 0) + (t.has("model") ? 1 : 0);
    if (kinds != 1) {
      throw SettingsParser.invalid(
          "trigger", "give exactly one of periodic, table_update and model.");
    }
    if (t.has("periodic")) {
      JsonNode p = t.get("periodic");
      int interval =
          SettingsParser.integer(p, "interval", 0, 1, Integer.MAX_VALUE, "trigger.periodic");
      String unit = p.path("unit").asText("");
      TriggerSettings.Periodic.Unit u;
      try {
        u = TriggerSettings.Periodic.Unit.valueOf(unit);
      } catch (IllegalArgumentException e) {
        throw SettingsParser.invalid(
            "trigger.periodic.unit", "must be MINUTES, HOURS, DAYS or WEEKS.");
      }
      if (interval == 0) {
        throw SettingsParser.invalid("trigger.periodic.interval", "is required (at least 1).");
      }
      return Optional.of(
          new TriggerSettings(paused, new TriggerSettings.Periodic(interval, u), null, null));
    }
    if (t.has("table_update")) {
      JsonNode u = t.get("table_update");
      List<String> names = strings(u.path("table_names"), "trigger.table_update.table_names");
      if (names.isEmpty()) {
        throw SettingsParser.invalid(
            "trigger.table_update.table_names", "name at least one table.");
      }
      String c = u.path("condition").asText("ANY_UPDATED");
      if (!c.equals("ANY_UPDATED") && !c.equals("ALL_UPDATED")) {
        throw SettingsParser.invalid(
            "trigger.table_update.condition", "must be ANY_UPDATED or ALL_UPDATED.");
      }
      return Optional.of(
          new TriggerSettings(
              paused,
              null,
              new TriggerSettings.TableUpdate(
                  names,
                  c.equals("ALL_UPDATED"),
                  seconds(u, "min_time_between_triggers_seconds", "trigger.table_update"),
                  seconds(u, "wait_after_last_change_seconds", "trigger.table_update")),
              null));
    }
    JsonNode m = t.get("model");
    JobEvent.ModelChange change;
    try {
      change = JobEvent.ModelChange.valueOf(m.path("condition").asText(""));
    } catch (IllegalArgumentException e) {
      throw SettingsParser.invalid(
          "trigger.model.condition",
          "must be MODEL_CREATED, MODEL_VERSION_READY or MODEL_ALIAS_SET.");
    }
    return Optional.of(
        new TriggerSettings(
            paused,
            null,
            null,
            new TriggerSettings.ModelTrigger(
                change,
                m.path("securable_name").asText(""),
                strings(m.path("aliases"), "trigger.model.aliases"),
                seconds(m, "min_time_between_triggers_seconds", "trigger.model"),
                seconds(m, "wait_after_last_change_seconds", "trigger.model"))));
  }

  private static int seconds(JsonNode n, String field, String at) {
    return SettingsParser.integer(n, field, 0, 0, Integer.MAX_VALUE, at);
  }

  private static List<String> strings(JsonNode a, String field) {
    List<String> out = new ArrayList<>();
    if (a.isMissingNode() || a.isNull()) {
      return out;
    }
    if (!a.isArray()) {
      throw SettingsParser.invalid(field, "must be a list of strings.");
    }
    for (JsonNode x : a) {
      if (!x.isTextual()) {
        throw SettingsParser.invalid(field, "must be a list of strings.");
      }
      out.add(x.asText());
    }
    return out;
  }
}
