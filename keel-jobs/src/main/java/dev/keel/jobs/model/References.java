package dev.keel.jobs.model;

import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Databricks' dynamic value references: {@code {{job.run_id}}}, {@code {{tasks.train.values.uri}}},
 * {@code {{input}}}... They are substituted as strings, never evaluated; names with other than
 * letters, digits and {@code _} go in backticks ({@code {{tasks.`my-task`.run_id}}}).
 */
public final class References {
  private static final Pattern REF = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

  /** The formats of {@code {{job.start_time.<format>}}} (UTC). */
  public static final Set<String> TIME_FORMATS =
      Set.of(
          "iso_date",
          "iso_datetime",
          "is_weekday",
          "year",
          "month",
          "day",
          "hour",
          "minute",
          "second",
          "timestamp_ms");

  private static final Set<String> JOB_FIELDS = Set.of("id", "name", "run_id", "repair_count");
  private static final Set<String> TASK_FIELDS = Set.of("name", "run_id", "execution_count");
  private static final Set<String> TASKS_FIELDS =
      Set.of("run_id", "result_state", "error_code", "execution_count");

  private References() {}

  /**
   * What a reference may name where it is used.
   *
   * @param taskKeys the job's task keys ({@code tasks.<key>})
   * @param parameters the job's parameter names ({@code job.parameters.<name>})
   * @param input whether {@code {{input}}} is defined (inside a for-each task)
   */
  public record Scope(Set<String> taskKeys, Set<String> parameters, boolean input) {}

  /**
   * Checks every reference in {@code text}.
   *
   * @throws KeelException 400 naming {@code field} and the reference
   */
  public static void check(String text, String field, Scope scope) {
    Matcher m = REF.matcher(text);
    while (m.find()) {
      String expr = m.group(1);
      List<String> path = path(expr);
      String why = problem(path, scope);
      if (why != null) {
        throw KeelException.invalid(
            "Invalid '" + field + "': unknown dynamic value reference {{" + expr + "}}: " + why);
      }
    }
  }

  private static String problem(List<String> p, Scope s) {
    if (p.isEmpty()) {
      return "it is empty.";
    }
    switch (p.get(0)) {
      case "job":
        if (p.size() == 2 && JOB_FIELDS.contains(p.get(1))) {
          return null;
        }
        if (p.size() == 3 && p.get(1).equals("start_time")) {
          return TIME_FORMATS.contains(p.get(2)) ? null : "the time formats are " + TIME_FORMATS;
        }
        if (p.size() == 3 && p.get(1).equals("trigger") && p.get(2).equals("type")) {
          return null;
        }
        if (p.size() == 4 && p.get(1).equals("trigger") && p.get(2).equals("file_arrival")) {
          return p.get(3).equals("location") ? null : "file_arrival has only 'location'.";
        }
        if (p.size() == 3 && p.get(1).equals("parameters")) {
          return s.parameters().contains(p.get(2))
              ? null
              : "the job has no parameter '" + p.get(2) + "'.";
        }
        return "the job fields are "
            + JOB_FIELDS
            + ", start_time.<format>, trigger.type and"
            + " parameters.<name>.";
      case "task":
        return p.size() == 2 && TASK_FIELDS.contains(p.get(1))
            ? null
            : "the task fields are " + TASK_FIELDS + ".";
      case "tasks":
        if (p.size() < 3) {
          return "write tasks.<task_key>.<field>.";
        }
        if (!s.taskKeys().contains(p.get(1))) {
          return "the job has no task '" + p.get(1) + "'.";
        }
        if (p.size() == 3 && TASKS_FIELDS.contains(p.get(2))) {
          return null;
        }
        if (p.size() == 4 && p.get(2).equals("values")) {
          return null;
        }
        return "the fields of tasks.<task_key> are " + TASKS_FIELDS + " and values.<name>.";
      case "input":
        return s.input() ? null : "{{input}} is defined only in a for_each_task's task.";
      default:
        return "the namespaces are job, task, tasks and input.";
    }
  }

  /** Splits {@code expr} at the dots outside backticks, removing the backticks. */
  public static List<String> path(String expr) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '`') {
        quoted = !quoted;
      } else if (c == '.' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out.stream().anyMatch(String::isEmpty) ? List.of() : out;
  }

  /**
   * Replaces every reference in {@code text} with what {@code lookup} gives for its path; a
   * reference it has no value for is left as written.
   */
  public static String resolve(String text, Function<List<String>, Optional<String>> lookup) {
    if (text.indexOf("{{") < 0) {
      return text;
    }
    Matcher m = REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = lookup.apply(path(m.group(1))).orElse(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Applies {@link #resolve} to every string in a JSON value (maps, lists, strings). */
  @SuppressWarnings("unchecked")
  public static Object resolveAll(Object json, Function<List<String>, Optional<String>> lookup) {
    if (json instanceof String s) {
      return resolve(s, lookup);
    }
    if (json instanceof Map<?, ?> m) {
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      ((Map<String, Object>) m).forEach((k, v) -> out.put(k, resolveAll(v, lookup)));
      return out;
    }
    if (json instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(resolveAll(v, lookup)));
      return out;
    }
    return json;
  }

  /** Calls {@code check} on every string in a JSON value, naming its place under {@code field}. */
  public static void checkAll(Object json, String field, Scope scope) {
    if (json instanceof String s) {
      check(s, field, scope);
    } else if (json instanceof Map<?, ?> m) {
      m.forEach((k, v) -> checkAll(v, field + "." + k, scope));
    } else if (json instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        checkAll(l.get(i), field + "[" + i + "]", scope);
      }
    }
  }
}
