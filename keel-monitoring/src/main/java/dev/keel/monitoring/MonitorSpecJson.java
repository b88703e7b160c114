package dev.keel.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@link MonitorSpec} as JSON: Databricks' {@code CreateMonitor} / {@code MonitorInfo} field
 * names (legacy {@code *_col}), used on the wire and, with {@code format_version}, in the store.
 * Decoding checks shapes and names the field of every error; checks that need the tables are the
 * service's.
 */
public final class MonitorSpecJson {
  /** The stored format's version. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS =
      Set.of(
          "table_name",
          "output_schema_name",
          "assets_dir",
          "snapshot",
          "time_series",
          "inference_log",
          "baseline_table_name",
          "slicing_exprs",
          "custom_metrics",
          "schedule",
          "notifications",
          "data_classification_config",
          "skip_builtin_dashboard",
          "warehouse_id",
          "label_join",
          "refresh_on_data_change",
          "dashboard_id",
          "latest_monitor_failure_msg",
          "format_version");
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Pattern FULL_NAME =
      Pattern.compile("[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+");
  private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+");

  private MonitorSpecJson() {}

  /**
   * Decodes a create or update body for the monitor of {@code tableName}.
   *
   * @throws KeelException INVALID_ARGUMENT naming the field
   */
  public static MonitorSpec decode(String tableName, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw KeelException.invalid("the body must be a JSON object");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                throw KeelException.invalid(f + ": unknown field");
              }
            });
    unsupported(body);
    String output = requiredText(body, "output_schema_name").toLowerCase(Locale.ROOT);
    if (!SCHEMA_NAME.matcher(output).matches()) {
      throw KeelException.invalid(
          "output_schema_name: must be catalog.schema, got '" + output + "'");
    }
    List<ProfileType> profiles = new ArrayList<>();
    if (present(body, "snapshot")) {
      object(body, "snapshot");
      profiles.add(new ProfileType.Snapshot());
    }
    if (present(body, "time_series")) {
      JsonNode ts = object(body, "time_series");
      only(ts, "time_series", Set.of("timestamp_col", "granularities"));
      profiles.add(
          new ProfileType.TimeSeries(
              column(ts, "time_series.timestamp_col"),
              granularities(ts, "time_series.granularities")));
    }
    if (present(body, "inference_log")) {
      profiles.add(inferenceLog(object(body, "inference_log")));
    }
    if (profiles.size() != 1) {
      throw KeelException.invalid(
          profiles.isEmpty()
              ? "snapshot, time_series, inference_log: exactly one profile type is required"
              : "snapshot, time_series, inference_log: exactly one profile type may be given, got "
                  + profiles.size());
    }
    Optional<String> baseline =
        optionalText(body, "baseline_table_name").map(n -> fullName("baseline_table_name", n));
    List<String> slices = new ArrayList<>();
    JsonNode se = body.get("slicing_exprs");
    if (se != null && !se.isNull()) {
      if (!se.isArray()) {
        throw KeelException.invalid("slicing_exprs: must be an array of SQL expressions");
      }
      for (int i = 0; i < se.size(); i++) {
        if (!se.get(i).isTextual() || se.get(i).asText().isBlank()) {
          throw KeelException.invalid("slicing_exprs[" + i + "]: must be a non-empty string");
        }
        slices.add(se.get(i).asText().strip());
      }
    }
    List<CustomMetric> metrics = customMetrics(body.get("custom_metrics"));
    Optional<MonitorSchedule> schedule =
        present(body, "schedule")
            ? Optional.of(schedule(object(body, "schedule")))
            : Optional.empty();
    Optional<LabelJoin> labels = Optional.empty();
    if (present(body, "label_join")) {
      JsonNode lj = object(body, "label_join");
      only(lj, "label_join", Set.of("table_name", "key_col"));
      labels =
          Optional.of(
              new LabelJoin(
                  fullName("label_join.table_name", requiredText(lj, "label_join.table_name")),
                  column(lj, "label_join.key_col")));
      if (!(profiles.get(0) instanceof ProfileType.InferenceLog il) || il.labelCol().isEmpty()) {
        throw KeelException.invalid(
            "label_join: needs an inference_log profile with label_col (the label table's column)");
      }
    }
    boolean onChange = false;
    JsonNode oc = body.get("refresh_on_data_change");
    if (oc != null && !oc.isNull()) {
      if (!oc.isBoolean()) {
        throw KeelException.invalid("refresh_on_data_change: must be true or false");
      }
      onChange = oc.booleanValue();
    }
    return new MonitorSpec(
        tableName,
        output,
        optionalText(body, "assets_dir"),
        profiles.get(0),
        baseline,
        slices,
        metrics,
        schedule,
        labels,
        onChange);
  }

  private static ProfileType.InferenceLog inferenceLog(JsonNode il) {
    only(
        il,
        "inference_log",
        Set.of(
            "problem_type",
            "timestamp_col",
            "granularities",
            "prediction_col",
            "model_id_col",
            "label_col",
            "prediction_proba_col"));
    String pt = requiredText(il, "inference_log.problem_type");
    ProfileType.ProblemType type;
    try {
      type = ProfileType.ProblemType.valueOf(pt);
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid(
          "inference_log.problem_type: must be PROBLEM_TYPE_CLASSIFICATION or"
              + " PROBLEM_TYPE_REGRESSION, got '"
              + pt
              + "'");
    }
    return new ProfileType.InferenceLog(
        type,
        column(il, "inference_log.timestamp_col"),
        granularities(il, "inference_log.granularities"),
        column(il, "inference_log.prediction_col"),
        column(il, "inference_log.model_id_col"),
        optionalColumn(il, "inference_log.label_col"),
        optionalColumn(il, "inference_log.prediction_proba_col"));
  }

  private static List<Granularity> granularities(JsonNode parent, String field) {
    JsonNode g = parent.get(leaf(field));
    if (g == null || !g.isArray() || g.isEmpty()) {
      throw KeelException.invalid(field + ": at least one granularity is required, e.g. \"1 day\"");
    }
    List<Granularity> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < g.size(); i++) {
      Granularity gr = Granularity.parse(field + "[" + i + "]", g.get(i).asText(null));
      if (!seen.add(gr.text())) {
        throw KeelException.invalid(field + "[" + i + "]: '" + gr.text() + "' is given twice");
      }
      out.add(gr);
    }
    return out;
  }

  private static List<CustomMetric> customMetrics(JsonNode cm) {
    List<CustomMetric> out = new ArrayList<>();
    if (cm == null || cm.isNull()) {
      return out;
    }
    if (!cm.isArray()) {
      throw KeelException.invalid("custom_metrics: must be an array");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < cm.size(); i++) {
      String f = "custom_metrics[" + i + "]";
      JsonNode m = cm.get(i);
      if (!m.isObject()) {
        throw KeelException.invalid(f + ": must be an object");
      }
      only(m, f, Set.of("name", "type", "input_columns", "definition", "output_data_type"));
      String name = requiredText(m, f + ".name");
      if (!NAME.matcher(name).matches()) {
        throw KeelException.invalid(
            f + ".name: a lower-case letter or '_', then letters, digits, '_'; got '" + name + "'");
      }
      if (!names.add(name)) {
        throw KeelException.invalid(f + ".name: '" + name + "' is given twice");
      }
      String t = requiredText(m, f + ".type");
      CustomMetric.Type type;
      try {
        type = CustomMetric.Type.valueOf(t);
      } catch (IllegalArgumentException e) {
        throw KeelException.invalid(
            f
                + ".type: must be one of "
                + List.of(CustomMetric.Type.values())
                + ", got '"
                + t
                + "'");
      }
      JsonNode ic = m.get("input_columns");
      if (ic == null || !ic.isArray() || ic.isEmpty()) {
        throw KeelException.invalid(
            f + ".input_columns: at least one column (or \":table\") is required");
      }
      List<String> cols = new ArrayList<>();
      ic.forEach(c -> cols.add(c.asText()));
      JsonNode odt = m.get("output_data_type");
      if (odt == null || odt.isNull()) {
        throw KeelException.missing(f + ".output_data_type");
      }
      String odtText = odt.isTextual() ? odt.asText() : odt.toString();
      out.add(new CustomMetric(name, type, cols, requiredText(m, f + ".definition"), odtText));
    }
    return out;
  }

  private static MonitorSchedule schedule(JsonNode s) {
    only(s, "schedule", Set.of("quartz_cron_expression", "timezone_id", "pause_status"));
    String cron = requiredText(s, "schedule.quartz_cron_expression");
    String tz = requiredText(s, "schedule.timezone_id");
    try {
      ZoneId.of(tz);
    } catch (DateTimeException e) {
      throw KeelException.invalid("schedule.timezone_id: unknown time zone '" + tz + "'");
    }
    String pause = optionalText(s, "schedule.pause_status").orElse("UNPAUSED");
    if (!pause.equals("PAUSED") && !pause.equals("UNPAUSED")) {
      throw KeelException.invalid(
          "schedule.pause_status: must be PAUSED or UNPAUSED, got '" + pause + "'");
    }
    return new MonitorSchedule(cron, tz, pause.equals("PAUSED"));
  }

  /** The spec as wire JSON (the configuration part of {@code MonitorInfo}). */
  public static ObjectNode encode(MonitorSpec s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("table_name", s.tableName());
    o.put("output_schema_name", s.outputSchemaName());
    s.assetsDir().ifPresent(a -> o.put("assets_dir", a));
    switch (s.profile()) {
      case ProfileType.Snapshot sn -> o.putObject("snapshot");
      case ProfileType.TimeSeries ts -> {
        ObjectNode t = o.putObject("time_series");
        t.put("timestamp_col", ts.timestampCol());
        ArrayNode g = t.putArray("granularities");
        ts.granularities().forEach(x -> g.add(x.text()));
      }
      case ProfileType.InferenceLog il -> {
        ObjectNode t = o.putObject("inference_log");
        t.put("problem_type", il.problemType().name());
        t.put("timestamp_col", il.timestampCol());
        ArrayNode g = t.putArray("granularities");
        il.granularities().forEach(x -> g.add(x.text()));
        t.put("prediction_col", il.predictionCol());
        t.put("model_id_col", il.modelIdCol());
        il.labelCol().ifPresent(l -> t.put("label_col", l));
        il.predictionProbaCol().ifPresent(p -> t.put("prediction_proba_col", p));
      }
    }
    s.baselineTableName().ifPresent(b -> o.put("baseline_table_name", b));
    if (!s.slicingExprs().isEmpty()) {
      ArrayNode a = o.putArray("slicing_exprs");
      s.slicingExprs().forEach(a::add);
    }
    if (!s.customMetrics().isEmpty()) {
      ArrayNode a = o.putArray("custom_metrics");
      for (CustomMetric m : s.customMetrics()) {
        ObjectNode mo = a.addObject();
        mo.put("name", m.name());
        mo.put("type", m.type().name());
        ArrayNode ic = mo.putArray("input_columns");
        m.inputColumns().forEach(ic::add);
        mo.put("definition", m.definition());
        mo.put("output_data_type", m.outputDataType());
      }
    }
    s.schedule()
        .ifPresent(
            sc -> {
              ObjectNode so = o.putObject("schedule");
              so.put("quartz_cron_expression", sc.quartzCronExpression());
              so.put("timezone_id", sc.timezoneId());
              so.put("pause_status", sc.paused() ? "PAUSED" : "UNPAUSED");
            });
    s.labels()
        .ifPresent(
            l -> {
              ObjectNode lo = o.putObject("label_join");
              lo.put("table_name", l.tableName());
              lo.put("key_col", l.keyCol());
            });
    if (s.refreshOnDataChange()) {
      o.put("refresh_on_data_change", true);
    }
    return o;
  }

  /** The stored form: {@link #encode} plus {@code format_version}. */
  public static String store(MonitorSpec s) {
    ObjectNode o = encode(s);
    o.put("format_version", FORMAT_VERSION);
    return o.toString();
  }

  /** Reads the stored form back. */
  public static MonitorSpec load(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      int v = n.path("format_version").asInt(0);
      if (v != FORMAT_VERSION) {
        throw new IllegalStateException("unknown monitor spec format_version " + v);
      }
      return decode(n.path("table_name").asText(), n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("unreadable stored monitor spec", e);
    }
  }

  /** Databricks fields Keel has no use for: accepted when they ask for nothing. */
  private static void unsupported(JsonNode body) {
    JsonNode n = body.get("notifications");
    if (n != null && !n.isNull() && !(n.isObject() && n.isEmpty())) {
      boolean any = false;
      for (JsonNode d : n) {
        any |= !d.isNull() && !d.path("email_addresses").isEmpty();
      }
      if (any) {
        throw KeelException.invalid(
            "notifications: Keel sends no monitor e-mails; use an alert (POST"
                + " /api/2.0/keel/alerts) with a webhook");
      }
    }
    if (body.path("data_classification_config").path("enabled").asBoolean(false)) {
      throw KeelException.invalid(
          "data_classification_config.enabled: data classification is not supported");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static boolean present(JsonNode body, String f) {
    JsonNode n = body.get(f);
    return n != null && !n.isNull();
  }

  private static JsonNode object(JsonNode body, String f) {
    JsonNode n = body.get(f);
    if (!n.isObject()) {
      throw KeelException.invalid(f + ": must be an object");
    }
    return n;
  }

  private static void only(JsonNode o, String path, Set<String> fields) {
    o.fieldNames()
        .forEachRemaining(
            f -> {
              if (!fields.contains(f)) {
                throw KeelException.invalid(path + "." + f + ": unknown field");
              }
            });
  }

  private static String leaf(String field) {
    return field.substring(field.lastIndexOf('.') + 1);
  }

  private static Optional<String> optionalText(JsonNode parent, String field) {
    JsonNode n = parent.get(leaf(field));
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw KeelException.invalid(field + ": must be a string");
    }
    return n.asText().isBlank() ? Optional.empty() : Optional.of(n.asText());
  }

  private static String requiredText(JsonNode parent, String field) {
    return optionalText(parent, field).orElseThrow(() -> KeelException.missing(field));
  }

  private static String column(JsonNode parent, String field) {
    return requiredText(parent, field).toLowerCase(Locale.ROOT);
  }

  private static Optional<String> optionalColumn(JsonNode parent, String field) {
    return optionalText(parent, field).map(s -> s.toLowerCase(Locale.ROOT));
  }

  private static String fullName(String field, String name) {
    if (!FULL_NAME.matcher(name).matches()) {
      throw KeelException.invalid(field + ": must be catalog.schema.table, got '" + name + "'");
    }
    return name.toLowerCase(Locale.ROOT);
  }
}
