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
    for (FeatureLookup l : spec.lookups()) {
      ObjectNode o = lookups.addObject();
      o.put("table", l.table());
      strings(o.putArray("featureNames"), l.featureNames());
      strings(o.putArray("lookupKeys"), l.lookupKeys());
      l.timestampLookupKey().ifPresent(t -> o.put("timestampLookupKey", t));
      l.lookbackWindow().ifPresent(w -> o.put("lookbackWindow", w.toString()));
      ObjectNode ren = o.putObject("renameOutputs");
      new java.util.TreeMap<>(l.renameOutputs()).forEach(ren::put);
      ObjectNode def = o.putObject("defaultValues");
      new java.util.TreeMap<>(l.defaultValues()).forEach((k, v) -> def.set(k, valueNode(v)));
    }
    ArrayNode od = root.putArray("onDemand");
    for (OnDemandFeature f : spec.onDemand()) {
      ObjectNode o = od.addObject();
      o.put("function", f.function());
      ObjectNode b = o.putObject("inputBindings");
      new java.util.TreeMap<>(f.inputBindings()).forEach(b::put);
      o.put("outputName", f.outputName());
    }
    strings(root.putArray("excludeColumns"), spec.excludeColumns());
    root.put("availabilityFilter", spec.availabilityFilter());
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
    int i = 0;
    for (JsonNode l : array(root, "lookups", "lookups")) {
      String p = "lookups[" + i++ + "]";
      Map<String, String> ren = new LinkedHashMap<>();
      if (l.has("renameOutputs")) {
        l.get("renameOutputs")
            .properties()
            .forEach(e -> ren.put(e.getKey(), e.getValue().asText()));
      }
      Map<String, Object> def = new LinkedHashMap<>();
      if (l.has("defaultValues")) {
        l.get("defaultValues").properties().forEach(e -> def.put(e.getKey(), scalar(e.getValue())));
      }
      Optional<Duration> window = Optional.empty();
      if (l.hasNonNull("lookbackWindow")) {
        try {
          window = Optional.of(Duration.parse(l.get("lookbackWindow").asText()));
        } catch (java.time.format.DateTimeParseException e) {
          throw KeelException.invalid(p + ".lookbackWindow: not an ISO-8601 duration");
        }
      }
      lookups.add(
          new FeatureLookup(
              text(l, "table", p + ".table"),
              l.has("featureNames")
                  ? stringList(l, "featureNames", p + ".featureNames")
                  : List.of(),
              stringList(l, "lookupKeys", p + ".lookupKeys"),
              l.hasNonNull("timestampLookupKey")
                  ? Optional.of(l.get("timestampLookupKey").asText())
                  : Optional.empty(),
              window,
              ren,
              def));
    }
    List<OnDemandFeature> od = new ArrayList<>();
    if (root.has("onDemand")) {
      for (JsonNode f : array(root, "onDemand", "onDemand")) {
        Map<String, String> b = new LinkedHashMap<>();
        if (f.has("inputBindings")) {
          f.get("inputBindings")
              .properties()
              .forEach(e -> b.put(e.getKey(), e.getValue().asText()));
        }
        od.add(
            new OnDemandFeature(
                text(f, "function", "onDemand.function"),
                b,
                text(f, "outputName", "onDemand.outputName")));
      }
    }
    return new TrainingSetSpec(
        spine,
        lookups,
        od,
        root.has("excludeColumns")
            ? stringList(root, "excludeColumns", "excludeColumns")
            : List.of(),
        root.path("availabilityFilter").asBoolean(false),
        root.path("indicators").asBoolean(false));
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
