package dev.keel.jobs.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import dev.keel.jobs.spi.TaskType;
import dev.keel.jobs.trigger.Continuous;
import dev.keel.jobs.trigger.Schedule;
import dev.keel.jobs.trigger.TriggerSettings;
import dev.keel.jobs.trigger.TriggerValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks Databricks {@code JobSettings} JSON and parses it into a {@link JobSpec}: every problem is
 * a 400 naming the field ({@code tasks[2].depends_on[0].task_key}) and why. Defaults are written
 * into the settings it returns ({@code max_concurrent_runs} 1, {@code queue.enabled}, {@code
 * format} MULTI_TASK), so a {@code get} answers what the scheduler uses. Thread-safe.
 */
public final class SettingsParser {
  /** Most tasks in a job. */
  public static final int MAX_TASKS = 1000;

  /** Most tags on a job. */
  public static final int MAX_TAGS = 25;

  /** Largest {@code max_concurrent_runs}. */
  public static final int MAX_CONCURRENT_RUNS = 1000;

  /** The payloads the scheduler itself runs. */
  public static final Set<String> CONTROL_TASKS =
      Set.of("condition_task", "run_job_task", "for_each_task");

  /** Databricks payloads Keel does not run: named in the refusal. */
  private static final Set<String> OTHER_PAYLOADS =
      Set.of(
          "notebook_task",
          "spark_python_task",
          "python_wheel_task",
          "spark_jar_task",
          "spark_submit_task",
          "sql_task",
          "dbt_task",
          "pipeline_task",
          "python_operator_task",
          "dashboard_task",
          "alert_task",
          "power_bi_task",
          "clean_rooms_notebook_task",
          "dbt_cloud_task",
          "dbt_platform_task",
          "gen_ai_compute_task",
          "ai_runtime_task",
          "keel_task");

  private static final Pattern TASK_KEY = Pattern.compile("[A-Za-z0-9_-]{1,100}");
  private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
  private static final Set<String> OPS =
      Set.of(
          "EQUAL_TO",
          "NOT_EQUAL",
          "GREATER_THAN",
          "GREATER_THAN_OR_EQUAL",
          "LESS_THAN",
          "LESS_THAN_OR_EQUAL");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, TaskType> types;

  /** A parser that knows these task types (besides the control tasks). */
  public SettingsParser(List<TaskType> types) {
    Map<String, TaskType> m = new LinkedHashMap<>();
    for (TaskType t : types) {
      m.put(t.field(), t);
    }
    this.types = Map.copyOf(m);
  }

  /** The task type for a payload field, if Keel has one. */
  public Optional<TaskType> type(String field) {
    return Optional.ofNullable(types.get(field));
  }

  /**
   * Settings checked and completed, and what they mean.
   *
   * @param settings the settings to store, defaults written in
   * @param spec their parsed form
   */
  public record Parsed(ObjectNode settings, JobSpec spec) {}

  /**
   * Checks {@code settings} (a create, reset or the result of an update).
   *
   * @param queueDefault whether queueing is on when {@code queue} is absent (API 2.2: yes)
   * @throws KeelException 400 naming the field at fault
   */
  public Parsed check(ObjectNode settings, boolean queueDefault) {
    ObjectNode s = settings.deepCopy();
    text(s, "name", "");
    if (!s.hasNonNull("name")) {
      s.put("name", "Untitled");
    }
    JsonNode tags = s.path("tags");
    if (!tags.isMissingNode() && !tags.isNull()) {
      if (!tags.isObject()) {
        throw invalid("tags", "must be an object of string values.");
      }
      if (tags.size() > MAX_TAGS) {
        throw invalid("tags", "at most " + MAX_TAGS + " tags, got " + tags.size() + ".");
      }
      tags.fields()
          .forEachRemaining(
              e -> {
                if (!e.getValue().isTextual()) {
                  throw invalid("tags." + e.getKey(), "must be a string.");
                }
              });
    }
    int max = integer(s, "max_concurrent_runs", 1, 0, MAX_CONCURRENT_RUNS);
    s.put("max_concurrent_runs", max);
    JsonNode queue = s.path("queue");
    if (queue.isMissingNode() || queue.isNull()) {
      s.putObject("queue").put("enabled", queueDefault);
    } else if (!queue.isObject() || !queue.path("enabled").isBoolean()) {
      throw invalid("queue.enabled", "is required (true or false).");
    }
    long timeout = integer(s, "timeout_seconds", 0, 0, Integer.MAX_VALUE);
    s.put("timeout_seconds", timeout);
    enumeration(s, "edit_mode", Set.of("UI_LOCKED", "EDITABLE"));
    enumeration(s, "format", Set.of("SINGLE_TASK", "MULTI_TASK"));
    if (!s.hasNonNull("format")) {
      s.put("format", "MULTI_TASK");
    }
    Optional<String> runAs = runAs(s.path("run_as"));
    Map<String, String> params = parameters(s.path("parameters"));
    Map<String, Map<String, Object>> envs = environments(s.path("environments"));
    Optional<Schedule> schedule = schedule(s.path("schedule"));
    Optional<Continuous> continuous =
        s.path("continuous").isObject()
            ? Optional.of(new Continuous(paused(s.path("continuous"), "continuous")))
            : Optional.empty();
    Optional<TriggerSettings> trigger = TriggerParser.parse(s.path("trigger"));
    schedule.ifPresent(x -> TriggerValidation.validate(x, "schedule"));
    trigger.ifPresent(x -> TriggerValidation.validate(x, "trigger"));
    continuous.ifPresent(x -> TriggerValidation.validate(x, "continuous"));
    TriggerValidation.exclusive(
        schedule.orElse(null), trigger.orElse(null), continuous.orElse(null), "job");
    List<TaskSpec> tasks = tasks(s.path("tasks"), params.keySet(), envs.keySet());
    JobSpec spec =
        new JobSpec(
            s.get("name").asText(),
            tasks,
            params,
            envs,
            max,
            s.path("queue").path("enabled").asBoolean(),
            timeout,
            runAs,
            schedule,
            trigger,
            continuous);
    return new Parsed(s, spec);
  }

  private List<TaskSpec> tasks(JsonNode tasks, Set<String> params, Set<String> envs) {
    if (tasks.isMissingNode() || tasks.isNull()) {
      return List.of();
    }
    if (!tasks.isArray()) {
      throw invalid("tasks", "must be a list of tasks.");
    }
    if (tasks.size() > MAX_TASKS) {
      throw invalid("tasks", "at most " + MAX_TASKS + " tasks per job, got " + tasks.size() + ".");
    }
    Map<String, Integer> keys = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      JsonNode t = tasks.get(i);
      if (!t.isObject()) {
        throw invalid("tasks[" + i + "]", "must be an object.");
      }
      String key = taskKey(t, "tasks[" + i + "]");
      if (keys.putIfAbsent(key, i) != null) {
        throw invalid(
            "tasks[" + i + "].task_key",
            "'" + key + "' is also the key of tasks[" + keys.get(key) + "]; task keys are unique.");
      }
    }
    References.Scope scope = new References.Scope(keys.keySet(), params, false);
    List<TaskSpec> out = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      out.add(task((ObjectNode) tasks.get(i), "tasks[" + i + "]", keys, scope, envs));
    }
    Cycles.check(out);
    for (int i = 0; i < out.size(); i++) {
      List<TaskSpec.Dependency> deps = out.get(i).dependsOn();
      for (int j = 0; j < deps.size(); j++) {
        TaskSpec parent = out.get(keys.get(deps.get(j).taskKey()));
        boolean condition = parent.payloadField().equals("condition_task");
        String outcome = deps.get(j).outcome();
        if (!outcome.isEmpty() && !condition) {
          throw invalid(
              "tasks[" + i + "].depends_on[" + j + "].outcome",
              "only a dependency on a condition_task has an outcome.");
        }
      }
    }
    return out;
  }

  private TaskSpec task(
      ObjectNode t,
      String at,
      Map<String, Integer> keys,
      References.Scope scope,
      Set<String> envs) {
    String key = taskKey(t, at);
    List<TaskSpec.Dependency> deps = new ArrayList<>();
    JsonNode d = t.path("depends_on");
    if (!d.isMissingNode() && !d.isNull()) {
      if (!d.isArray()) {
        throw invalid(at + ".depends_on", "must be a list of {task_key, outcome}.");
      }
      Set<String> seen = new HashSet<>();
      for (int j = 0; j < d.size(); j++) {
        String f = at + ".depends_on[" + j + "]";
        JsonNode dep = d.get(j);
        if (!dep.path("task_key").isTextual()) {
          throw invalid(f + ".task_key", "is required (a string).");
        }
        String parent = dep.get("task_key").asText();
        if (keys != null && !keys.containsKey(parent)) {
          throw invalid(f + ".task_key", "the job has no task '" + parent + "'.");
        }
        if (parent.equals(key)) {
          throw invalid(f + ".task_key", "a task cannot depend on itself.");
        }
        if (!seen.add(parent)) {
          throw invalid(f + ".task_key", "'" + parent + "' is listed twice.");
        }
        String outcome = dep.path("outcome").asText("");
        if (!outcome.isEmpty() && !outcome.equals("true") && !outcome.equals("false")) {
          throw invalid(f + ".outcome", "must be \"true\" or \"false\", got '" + outcome + "'.");
        }
        deps.add(new TaskSpec.Dependency(parent, outcome));
      }
    }
    enumeration(t, "run_if", enumNames(RunIf.values()), at);
    RunIf runIf =
        t.hasNonNull("run_if") ? RunIf.valueOf(t.get("run_if").asText()) : RunIf.ALL_SUCCESS;
    int maxRetries = integer(t, "max_retries", 0, -1, Integer.MAX_VALUE, at);
    long minRetry = integer(t, "min_retry_interval_millis", 0, 0, Integer.MAX_VALUE, at);
    long timeout = integer(t, "timeout_seconds", 0, 0, Integer.MAX_VALUE, at);
    boolean disabled = bool(t, "disabled", at);
    boolean retryOnTimeout = bool(t, "retry_on_timeout", at);
    String env = t.path("environment_key").asText("");
    if (!env.isEmpty() && !envs.contains(env)) {
      throw invalid(at + ".environment_key", "the job has no environment '" + env + "'.");
    }
    List<String> payloads = new ArrayList<>();
    t.fieldNames()
        .forEachRemaining(
            f -> {
              if (f.endsWith("_task") && !t.get(f).isNull()) {
                payloads.add(f);
              }
            });
    if (payloads.size() != 1) {
      throw invalid(
          at,
          payloads.isEmpty()
              ? "a task needs exactly one payload (" + runnable() + "), it has none."
              : "a task has exactly one payload, it has " + payloads + ".");
    }
    String field = payloads.get(0);
    if (!CONTROL_TASKS.contains(field) && !types.containsKey(field)) {
      throw invalid(
          at + "." + field,
          (OTHER_PAYLOADS.contains(field) ? "Keel does not run " : "unknown payload ")
              + field
              + "; the task types Keel runs are "
              + runnable()
              + ".");
    }
    JsonNode payloadNode = t.get(field);
    if (!payloadNode.isObject()) {
      throw invalid(at + "." + field, "must be an object.");
    }
    Map<String, Object> payload =
        JSON.convertValue(payloadNode, new TypeReference<Map<String, Object>>() {});
    String pat = at + "." + field;
    switch (field) {
      case "condition_task" -> condition(payloadNode, pat);
      case "run_job_task" -> runJob(payloadNode, pat);
      case "for_each_task" -> forEach(payloadNode, pat, scope, envs);
      default -> types.get(field).validate(payload, pat);
    }
    if (!field.equals("for_each_task")) {
      References.checkAll(payload, pat, scope);
    }
    List<Map<String, Object>> libraries = new ArrayList<>();
    JsonNode libs = t.path("libraries");
    if (libs.isArray()) {
      libraries.addAll(JSON.convertValue(libs, new TypeReference<List<Map<String, Object>>>() {}));
    } else if (!libs.isMissingNode() && !libs.isNull()) {
      throw invalid(at + ".libraries", "must be a list.");
    }
    return new TaskSpec(
        key,
        deps,
        runIf,
        disabled,
        maxRetries,
        minRetry,
        retryOnTimeout,
        timeout,
        env,
        field,
        payload,
        libraries);
  }

  /** Parses the task nested in a {@code for_each_task} (already checked when the job was saved). */
  public TaskSpec nested(Map<String, Object> forEachPayload, Set<String> envs) {
    ObjectNode t = JSON.valueToTree(forEachPayload.get("task"));
    return task(
        t, "for_each_task.task", null, new References.Scope(Set.of(), Set.of(), true), envs);
  }

  private void forEach(JsonNode p, String at, References.Scope scope, Set<String> envs) {
    JsonNode inputs = p.path("inputs");
    if (!inputs.isTextual()) {
      throw invalid(at + ".inputs", "is required: a JSON array or a reference to one.");
    }
    String in = inputs.asText().trim();
    if (!in.startsWith("{{")) {
      try {
        if (!JSON.readTree(in).isArray()) {
          throw invalid(at + ".inputs", "must be a JSON array.");
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw invalid(at + ".inputs", "is neither a JSON array nor a reference.");
      }
    }
    References.check(in, at + ".inputs", scope);
    integer(p, "concurrency", 1, 1, 100, at);
    JsonNode task = p.path("task");
    if (!task.isObject()) {
      throw invalid(at + ".task", "is required: the task to run for each input.");
    }
    if (task.has("for_each_task")) {
      throw invalid(at + ".task.for_each_task", "a for_each_task cannot nest another.");
    }
    if (task.has("depends_on") && task.get("depends_on").size() > 0) {
      throw invalid(at + ".task.depends_on", "the nested task has no dependencies.");
    }
    task((ObjectNode) task, at + ".task", null, withInput(scope), envs);
  }

  private static References.Scope withInput(References.Scope s) {
    return new References.Scope(s.taskKeys(), s.parameters(), true);
  }

  private static void condition(JsonNode p, String at) {
    if (!p.path("op").isTextual() || !OPS.contains(p.get("op").asText())) {
      throw invalid(at + ".op", "must be one of " + new TreeSet<>(OPS) + ".");
    }
    for (String side : List.of("left", "right")) {
      if (!p.path(side).isTextual()) {
        throw invalid(at + "." + side, "is required (a string).");
      }
    }
  }

  private static void runJob(JsonNode p, String at) {
    if (!p.path("job_id").canConvertToLong()) {
      throw invalid(at + ".job_id", "is required (a job id).");
    }
    JsonNode jp = p.path("job_parameters");
    if (!jp.isMissingNode() && !jp.isNull() && !jp.isObject()) {
      throw invalid(at + ".job_parameters", "must be an object of strings.");
    }
  }

  private String runnable() {
    List<String> all = new ArrayList<>(types.keySet());
    all.addAll(new TreeSet<>(CONTROL_TASKS));
    return String.join(", ", all);
  }

  private static String taskKey(JsonNode t, String at) {
    JsonNode k = t.path("task_key");
    if (!k.isTextual() || !TASK_KEY.matcher(k.asText()).matches()) {
      throw invalid(at + ".task_key", "is required: 1 to 100 of A-Z, a-z, 0-9, _ and -.");
    }
    return k.asText();
  }

  private static Optional<String> runAs(JsonNode r) {
    if (r.isMissingNode() || r.isNull()) {
      return Optional.empty();
    }
    String user = r.path("user_name").asText("");
    String sp = r.path("service_principal_name").asText("");
    if (user.isEmpty() == sp.isEmpty()) {
      throw invalid("run_as", "give exactly one of user_name and service_principal_name.");
    }
    return Optional.of(user.isEmpty() ? sp : user);
  }

  private static Map<String, String> parameters(JsonNode p) {
    Map<String, String> out = new LinkedHashMap<>();
    if (p.isMissingNode() || p.isNull()) {
      return out;
    }
    if (!p.isArray()) {
      throw invalid("parameters", "must be a list of {name, default}.");
    }
    for (int i = 0; i < p.size(); i++) {
      String name = p.get(i).path("name").asText("");
      if (!PARAM_NAME.matcher(name).matches()) {
        throw invalid("parameters[" + i + "].name", "is required: A-Z, a-z, 0-9, _, . and -.");
      }
      if (!p.get(i).path("default").isValueNode() || p.get(i).path("default").isNull()) {
        throw invalid("parameters[" + i + "].default", "is required (a string).");
      }
      if (out.put(name, p.get(i).get("default").asText()) != null) {
        throw invalid("parameters[" + i + "].name", "'" + name + "' is defined twice.");
      }
    }
    return out;
  }

  private static Map<String, Map<String, Object>> environments(JsonNode e) {
    Map<String, Map<String, Object>> out = new HashMap<>();
    if (e.isMissingNode() || e.isNull()) {
      return out;
    }
    if (!e.isArray()) {
      throw invalid("environments", "must be a list of {environment_key, spec}.");
    }
    for (int i = 0; i < e.size(); i++) {
      String key = e.get(i).path("environment_key").asText("");
      if (key.isEmpty()) {
        throw invalid("environments[" + i + "].environment_key", "is required.");
      }
      JsonNode spec = e.get(i).path("spec");
      out.put(
          key,
          spec.isObject()
              ? JSON.convertValue(spec, new TypeReference<Map<String, Object>>() {})
              : Map.of());
    }
    return out;
  }

  private static Optional<Schedule> schedule(JsonNode s) {
    if (s.isMissingNode() || s.isNull()) {
      return Optional.empty();
    }
    if (!s.path("quartz_cron_expression").isTextual()) {
      throw invalid("schedule.quartz_cron_expression", "is required.");
    }
    String tz = s.path("timezone_id").asText("UTC");
    try {
      java.time.ZoneId.of(tz);
    } catch (java.time.DateTimeException e) {
      throw invalid("schedule.timezone_id", "'" + tz + "' is not a time-zone id.");
    }
    return Optional.of(
        new Schedule(s.get("quartz_cron_expression").asText(), tz, paused(s, "schedule")));
  }

  static boolean paused(JsonNode n, String at) {
    String p = n.path("pause_status").asText("UNPAUSED");
    if (!p.equals("PAUSED") && !p.equals("UNPAUSED")) {
      throw invalid(at + ".pause_status", "must be PAUSED or UNPAUSED.");
    }
    return p.equals("PAUSED");
  }

  static KeelException invalid(String field, String why) {
    return KeelException.invalid("Invalid '" + field + "': " + why);
  }

  private static void text(JsonNode n, String field, String at) {
    if (n.has(field) && !n.get(field).isNull() && !n.get(field).isTextual()) {
      throw invalid(at + field, "must be a string.");
    }
  }

  private static boolean bool(JsonNode n, String field, String at) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw invalid(at + "." + field, "must be true or false.");
    }
    return v.asBoolean();
  }

  private static int integer(JsonNode n, String field, int dflt, long min, long max) {
    return integer(n, field, dflt, min, max, "");
  }

  static int integer(JsonNode n, String field, int dflt, long min, long max, String at) {
    JsonNode v = n.path(field);
    String f = at.isEmpty() ? field : at + "." + field;
    if (v.isMissingNode() || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw invalid(f, "must be an integer.");
    }
    long x = v.asLong();
    if (x < min || x > max) {
      throw invalid(f, "must be between " + min + " and " + max + ", got " + x + ".");
    }
    return (int) x;
  }

  private static void enumeration(JsonNode n, String field, Set<String> allowed) {
    enumeration(n, field, allowed, "");
  }

  private static void enumeration(JsonNode n, String field, Set<String> allowed, String at) {
    JsonNode v = n.path(field);
    if (!v.isMissingNode() && !v.isNull() && !allowed.contains(v.asText())) {
      throw invalid(
          (at.isEmpty() ? "" : at + ".") + field,
          "must be one of " + new TreeSet<>(allowed) + ", got '" + v.asText() + "'.");
    }
  }

  private static Set<String> enumNames(Enum<?>[] values) {
    Set<String> s = new HashSet<>();
    for (Enum<?> e : values) {
      s.add(e.name());
    }
    return s;
  }
}
