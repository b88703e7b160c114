package dev.keel.features.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON form of a {@link TrainingSetSpec}, written and read by hand so it stays stable. */
final class SpecJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SpecJson() {}

  static String write(TrainingSetSpec spec) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode spine = root.putObject("spine");
    switch (spec.spine()) {
      case Spine.ParquetFiles p -> {
        spine.put("type", "parquet");
        ArrayNode files = spine.putArray("files");
        p.files().forEach(f -> files.add(f.toString()));
      }
      case Spine.Rows r -> {
        spine.put("type", "rows");
        ArrayNode cols = spine.putArray("columns");
        for (Spine.Column c : r.columns()) {
          cols.addObject().put("name", c.name()).put("type", c.type().name());
        }
        ArrayNode rows = spine.putArray("rows");
        for (List<Object> row : r.rows()) {
          ArrayNode a = rows.addArray();
          row.forEach(v -> addValue(a, v));
        }
      }
    }
    ArrayNode lookups = root.putArray("lookups");
    spec.lookups().forEach(l -> lookups.add(lookup(l)));
    ArrayNode od = root.putArray("on_demand");
    spec.onDemand().forEach(f -> od.add(onDemand(f)));
    strings(root.putArray("exclude_columns"), spec.excludeColumns());
    root.put("availability_filter", spec.availabilityFilter());
    root.put("indicators", spec.indicators());
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static TrainingSetSpec read(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw KeelException.invalid("spec: not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw KeelException.invalid("spec: expected a JSON object");
    }
    JsonNode s = required(root, "spine", "spine");
    Spine spine =
        switch (text(s, "type", "spine.type")) {
          case "parquet" -> {
            List<Path> files = new ArrayList<>();
            for (String f : stringList(s, "files", "spine.files")) {
              files.add(Path.of(f));
            }
            yield Spine.parquet(files);
          }
          case "rows" -> {
            List<Spine.Column> cols = new ArrayList<>();
            for (JsonNode c : array(s, "columns", "spine.columns")) {
              cols.add(
                  new Spine.Column(
                      text(c, "name", "spine.columns.name"),
                      ColumnType.parse(
                          "spine.columns.type", text(c, "type", "spine.columns.type"))));
            }
            List<List<Object>> rows = new ArrayList<>();
            for (JsonNode r : array(s, "rows", "spine.rows")) {
              List<Object> row = new ArrayList<>();
              int j = 0;
              for (JsonNode v : r) {
                ColumnType t = j < cols.size() ? cols.get(j).type() : ColumnType.VARCHAR;
                row.add(fromNode(v, t));
                j++;
              }
              rows.add(row);
            }
            yield Spine.rows(cols, rows);
          }
          default -> throw KeelException.invalid("spine.type: expected 'parquet' or 'rows'");
        };
    List<FeatureLookup> lookups = new ArrayList<>();
    JsonNode ls = array(root, "lookups", "lookups");
    for (int i = 0; i < ls.size(); i++) {
      lookups.add(lookup(ls.get(i), "lookups[" + i + "]"));
    }
    List<OnDemandFeature> od = new ArrayList<>();
    if (root.hasNonNull("on_demand")) {
      JsonNode fs = array(root, "on_demand", "on_demand");
      for (int i = 0; i < fs.size(); i++) {
        od.add(onDemand(fs.get(i), "on_demand[" + i + "]"));
      }
    }
    return new TrainingSetSpec(
        spine,
        lookups,
        od,
        root.hasNonNull("exclude_columns")
            ? stringList(root, "exclude_columns", "exclude_columns")
            : List.of(),
        root.path("availability_filter").asBoolean(false),
        root.path("indicators").asBoolean(false));
  }

  /** A lookup in Databricks' {@code FeatureLookup} field names. */
  static ObjectNode lookup(FeatureLookup l) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("table_name", l.table());
    strings(o.putArray("feature_names"), l.featureNames());
    strings(o.putArray("lookup_key"), l.lookupKeys());
    l.timestampLookupKey().ifPresent(t -> o.put("timestamp_lookup_key", t));
    l.lookbackWindow().ifPresent(w -> o.put("lookback_window", w.toString()));
    ObjectNode ren = o.putObject("rename_outputs");
    new java.util.TreeMap<>(l.renameOutputs()).forEach(ren::put);
    ObjectNode def = o.putObject("default_values");
    new java.util.TreeMap<>(l.defaultValues()).forEach((k, v) -> def.set(k, valueNode(v)));
    return o;
  }

  /**
   * Reads a lookup: {@code lookup_key} is a column or a list of columns, {@code lookback_window} an
   * ISO-8601 duration ({@code PT2H}) or a number of seconds.
   */
  static FeatureLookup lookup(JsonNode l, String p) {
    if (l == null || !l.isObject()) {
      throw KeelException.invalid(p + ": expected an object");
    }
    Map<String, String> ren = new LinkedHashMap<>();
    if (l.hasNonNull("rename_outputs")) {
      object(l, "rename_outputs", p)
          .properties()
          .forEach(e -> ren.put(e.getKey(), e.getValue().asText()));
    }
    Map<String, Object> def = new LinkedHashMap<>();
    if (l.hasNonNull("default_values")) {
      object(l, "default_values", p)
          .properties()
          .forEach(e -> def.put(e.getKey(), scalar(e.getValue())));
    }
    Optional<Duration> window = Optional.empty();
    JsonNode w = l.get("lookback_window");
    if (w != null && !w.isNull()) {
      if (w.isNumber()) {
        window = Optional.of(Duration.ofMillis(Math.round(w.asDouble() * 1000)));
      } else {
        try {
          window = Optional.of(Duration.parse(w.asText()));
        } catch (java.time.format.DateTimeParseException e) {
          throw KeelException.invalid(
              p + ".lookback_window: expected seconds or an ISO-8601 duration such as PT2H");
        }
      }
    }
    JsonNode keys = required(l, "lookup_key", p + ".lookup_key");
    List<String> lookupKeys =
        keys.isTextual() ? List.of(keys.asText()) : stringList(l, "lookup_key", p + ".lookup_key");
    return new FeatureLookup(
        text(l, "table_name", p + ".table_name"),
        l.hasNonNull("feature_names")
            ? stringList(l, "feature_names", p + ".feature_names")
            : List.of(),
        lookupKeys,
        l.hasNonNull("timestamp_lookup_key")
            ? Optional.of(text(l, "timestamp_lookup_key", p + ".timestamp_lookup_key"))
            : Optional.empty(),
        window,
        ren,
        def);
  }

  /** An on-demand feature in Databricks' {@code FeatureFunction} field names. */
  static ObjectNode onDemand(OnDemandFeature f) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("udf_name", f.function());
    ObjectNode b = o.putObject("input_bindings");
    new java.util.TreeMap<>(f.inputBindings()).forEach(b::put);
    o.put("output_name", f.outputName());
    return o;
  }

  static OnDemandFeature onDemand(JsonNode f, String p) {
    if (f == null || !f.isObject()) {
      throw KeelException.invalid(p + ": expected an object");
    }
    Map<String, String> b = new LinkedHashMap<>();
    if (f.hasNonNull("input_bindings")) {
      object(f, "input_bindings", p)
          .properties()
          .forEach(e -> b.put(e.getKey(), e.getValue().asText()));
    }
    return new OnDemandFeature(
        text(f, "udf_name", p + ".udf_name"), b, text(f, "output_name", p + ".output_name"));
  }

  private static JsonNode object(JsonNode n, String name, String p) {
    JsonNode v = n.get(name);
    if (!v.isObject()) {
      throw KeelException.invalid(p + "." + name + ": expected an object");
    }
    return v;
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  private static void addValue(ArrayNode a, Object v) {
    a.add(valueNode(v));
  }

  private static JsonNode valueNode(Object v) {
    return switch (v) {
      case null -> MAPPER.nullNode();
      case Instant i -> MAPPER.getNodeFactory().textNode(i.toString());
      case Boolean b -> MAPPER.getNodeFactory().booleanNode(b);
      case Integer n -> MAPPER.getNodeFactory().numberNode(n);
      case Long n -> MAPPER.getNodeFactory().numberNode(n);
      case Double n -> MAPPER.getNodeFactory().numberNode(n);
      case Number n -> MAPPER.getNodeFactory().numberNode(n.doubleValue());
      default -> MAPPER.getNodeFactory().textNode(v.toString());
    };
  }

  private static Object fromNode(JsonNode v, ColumnType t) {
    if (v == null || v.isNull()) {
      return null;
    }
    return switch (t) {
      case TIMESTAMPTZ -> v.isTextual() ? Instant.parse(v.asText()) : v.asText();
      default -> scalar(v);
    };
  }

  private static Object scalar(JsonNode v) {
    if (v.getNodeType() == JsonNodeType.BOOLEAN) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isNull()) {
      return null;
    }
    return v.asText();
  }

  private static JsonNode required(JsonNode n, String name, String field) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) {
      throw KeelException.missing(field);
    }
    return v;
  }

  private static String text(JsonNode n, String name, String field) {
    JsonNode v = required(n, name, field);
    if (!v.isTextual()) {
      throw KeelException.invalid(field + ": expected a string");
    }
    return v.asText();
  }

  private static JsonNode array(JsonNode n, String name, String field) {
    JsonNode v = required(n, name, field);
    if (!v.isArray()) {
      throw KeelException.invalid(field + ": expected an array");
    }
    return v;
  }

  private static List<String> stringList(JsonNode n, String name, String field) {
    List<String> out = new ArrayList<>();
    for (JsonNode v : array(n, name, field)) {
      out.add(v.asText());
    }
    return out;
  }
}
