package dev.keel.monitoring.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.monitoring.alerts.AlertSpec.DriftType;
import dev.keel.monitoring.alerts.AlertSpec.Evaluation;
import dev.keel.monitoring.alerts.AlertSpec.MetricTable;
import dev.keel.monitoring.alerts.AlertSpec.RunJob;
import dev.keel.monitoring.alerts.AlertSpec.Webhook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** The stored JSON of an alert's spec (format version 1, with secrets) and of window values. */
final class SpecCodec {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final int FORMAT_VERSION = 1;

  private SpecCodec() {}

  static String write(AlertSpec s) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("name", s.name());
    n.put("table_name", s.tableName());
    n.put("metric", s.metric());
    n.put("table", s.table().name());
    n.put("column_name", s.columnName());
    s.sliceKey().ifPresent(v -> n.put("slice_key", v));
    s.sliceValue().ifPresent(v -> n.put("slice_value", v));
    n.put("model_id", s.modelId());
    s.granularity().ifPresent(v -> n.put("granularity", v));
    s.driftType().ifPresent(v -> n.put("drift_type", v.name()));
    n.put("op", s.op().name());
    n.put("threshold", s.threshold());
    n.putObject("evaluation")
        .put("violations", s.evaluation().violations())
        .put("windows", s.evaluation().windows());
    ArrayNode hooks = n.putArray("webhooks");
    for (Webhook w : s.webhooks()) {
      ObjectNode h = hooks.addObject().put("url", w.url());
      w.secret().ifPresent(v -> h.put("secret", v));
    }
    s.runJob()
        .ifPresent(
            r -> {
              ObjectNode j = n.putObject("run_job").put("job_id", r.jobId());
              ObjectNode p = j.putObject("job_parameters");
              new java.util.TreeMap<>(r.jobParameters()).forEach(p::put);
            });
    return n.toString();
  }

  static AlertSpec read(String json) {
    JsonNode n = tree(json);
    List<Webhook> hooks = new ArrayList<>();
    for (JsonNode h : n.path("webhooks")) {
      hooks.add(new Webhook(h.path("url").asText(), text(h, "secret")));
    }
    Optional<RunJob> run = Optional.empty();
    if (n.has("run_job")) {
      Map<String, String> params = new LinkedHashMap<>();
      n.path("run_job")
          .path("job_parameters")
          .properties()
          .forEach(e -> params.put(e.getKey(), e.getValue().asText()));
      run = Optional.of(new RunJob(n.path("run_job").path("job_id").asLong(), params));
    }
    return new AlertSpec(
        n.path("name").asText(),
        n.path("table_name").asText(),
        n.path("metric").asText(),
        MetricTable.valueOf(n.path("table").asText()),
        n.path("column_name").asText(),
        text(n, "slice_key"),
        text(n, "slice_value"),
        n.path("model_id").asText(),
        text(n, "granularity"),
        text(n, "drift_type").map(DriftType::valueOf),
        Op.valueOf(n.path("op").asText()),
        n.path("threshold").asDouble(),
        new Evaluation(
            n.path("evaluation").path("violations").asInt(),
            n.path("evaluation").path("windows").asInt()),
        hooks,
        run);
  }

  static String writeValues(List<WindowValue> values) {
    ArrayNode a = MAPPER.createArrayNode();
    for (WindowValue v : values) {
      ObjectNode o = a.addObject().put("start", v.startMs()).put("end", v.endMs());
      if (v.value().isPresent()) {
        o.put("value", v.value().getAsDouble());
      } else {
        o.putNull("value");
      }
    }
    return a.toString();
  }

  static List<WindowValue> readValues(String json) {
    List<WindowValue> out = new ArrayList<>();
    for (JsonNode o : tree(json)) {
      JsonNode v = o.path("value");
      out.add(
          new WindowValue(
              o.path("start").asLong(),
              o.path("end").asLong(),
              v.isNumber() ? OptionalDouble.of(v.asDouble()) : OptionalDouble.empty()));
    }
    return out;
  }

  static String writeParams(Map<String, String> params) {
    ObjectNode p = MAPPER.createObjectNode();
    new java.util.TreeMap<>(params).forEach(p::put);
    return p.toString();
  }

  static Map<String, String> readParams(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    tree(json).properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static Optional<String> text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
  }

  private static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "stored alert JSON is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
