package dev.keel.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The wire JSON of this package's records (MLflow's for tracking, Unity Catalog's for catalogs and
 * schemas), in both directions (reading per capability in {@link TrackingJson}, {@link CatalogJson}
 * and {@link RegistryJson}): snake_case names, int64 as JSON numbers, enums by name, unset optional
 * fields and empty lists left out (as the server writes them). Reading is lenient the way MLflow's
 * clients are: int64 as number or string, doubles as numbers or {@code "NaN"} / {@code "Infinity"},
 * missing fields read as empty.
 */
public final class KeelJson {
  static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final DefaultPrettyPrinter PRETTY = prettyPrinter();

  private KeelJson() {}

  /** A new empty JSON object. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** A new empty JSON array. */
  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** The JSON text of {@code node}, pretty-printed when {@code pretty}. */
  public static String write(JsonNode node, boolean pretty) {
    try {
      return pretty
          ? MAPPER.writer(PRETTY).writeValueAsString(node)
          : MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot happen for a JSON tree", e);
    }
  }

  /** Two-space indentation, {@code "key": value}, one array element per line. */
  private static DefaultPrettyPrinter prettyPrinter() {
    DefaultPrettyPrinter p =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""));
    p.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    return p;
  }

  /** An experiment as the server writes it. */
  public static ObjectNode toJson(Experiment e) {
    ObjectNode n = object();
    n.put("experiment_id", e.experimentId());
    n.put("name", e.name());
    n.put("artifact_location", e.artifactLocation());
    n.put("lifecycle_stage", e.lifecycleStage().wire());
    n.put("last_update_time", e.lastUpdateTime());
    n.put("creation_time", e.creationTime());
    if (!e.tags().isEmpty()) {
      n.set("tags", tags(e.tags()));
    }
    return n;
  }

  /** A run ({@code info}, {@code data}, {@code inputs}) as the server writes it. */
  public static ObjectNode toJson(Run r) {
    ObjectNode n = object();
    n.set("info", toJson(r.info()));
    ObjectNode data = n.putObject("data");
    if (!r.metrics().isEmpty()) {
      data.set("metrics", list(r.metrics(), KeelJson::toJson));
    }
    if (!r.params().isEmpty()) {
      data.set("params", list(r.params(), KeelJson::toJson));
    }
    if (!r.tags().isEmpty()) {
      data.set("tags", tags(r.tags()));
    }
    ObjectNode inputs = n.putObject("inputs");
    if (!r.inputs().isEmpty()) {
      inputs.set("dataset_inputs", list(r.inputs(), KeelJson::toJson));
    }
    return n;
  }

  /** Run attributes as the server writes them ({@code run_uuid} duplicates {@code run_id}). */
  public static ObjectNode toJson(RunInfo i) {
    ObjectNode n = object();
    n.put("run_id", i.runId());
    n.put("run_uuid", i.runId());
    n.put("run_name", i.runName());
    n.put("experiment_id", i.experimentId());
    n.put("user_id", i.userId());
    n.put("status", i.status().name());
    n.put("start_time", i.startTime());
    i.endTime().ifPresent(t -> n.put("end_time", t));
    n.put("artifact_uri", i.artifactUri());
    n.put("lifecycle_stage", i.lifecycleStage().wire());
    return n;
  }

  /** A metric point. */
  public static ObjectNode toJson(Metric m) {
    ObjectNode n = object();
    n.put("key", m.key());
    n.put("value", m.value());
    n.put("timestamp", m.timestamp());
    n.put("step", m.step());
    return n;
  }

  /** A parameter. */
  public static ObjectNode toJson(Param p) {
    return object().put("key", p.key()).put("value", p.value());
  }

  /** A tag. */
  public static ObjectNode toJson(Tag t) {
    return object().put("key", t.key()).put("value", t.value());
  }

  /** A dataset input. */
  public static ObjectNode toJson(DatasetInput in) {
    ObjectNode n = object();
    if (!in.tags().isEmpty()) {
      n.set("tags", tags(in.tags()));
    }
    ObjectNode d = n.putObject("dataset");
    Dataset ds = in.dataset();
    d.put("name", ds.name());
    d.put("digest", ds.digest());
    d.put("source_type", ds.sourceType());
    d.put("source", ds.source());
    ds.schema().ifPresent(s -> d.put("schema", s));
    ds.profile().ifPresent(s -> d.put("profile", s));
    return n;
  }

  /** An artifact listing entry ({@code file_size} left out for directories). */
  public static ObjectNode toJson(FileInfo f) {
    ObjectNode n = object();
    n.put("path", f.path());
    n.put("is_dir", f.isDir());
    f.fileSize().ifPresent(s -> n.put("file_size", s));
    return n;
  }

  /** A catalog as the Unity Catalog API writes it ({@code comment} left out when empty). */
  public static ObjectNode toJson(Catalog c) {
    ObjectNode n = object();
    n.put("name", c.name());
    if (!c.comment().isEmpty()) {
      n.put("comment", c.comment());
    }
    n.set("properties", properties(c.properties()));
    n.put("owner", c.owner());
    n.put("created_at", c.createdAt());
    n.put("created_by", c.createdBy());
    n.put("updated_at", c.updatedAt());
    n.put("updated_by", c.updatedBy());
    n.put("id", c.id());
    return n;
  }

  /** A schema as the Unity Catalog API writes it ({@code comment} left out when empty). */
  public static ObjectNode toJson(Schema s) {
    ObjectNode n = object();
    n.put("name", s.name());
    n.put("catalog_name", s.catalogName());
    if (!s.comment().isEmpty()) {
      n.put("comment", s.comment());
    }
    n.set("properties", properties(s.properties()));
    n.put("full_name", s.fullName());
    n.put("owner", s.owner());
    n.put("created_at", s.createdAt());
    n.put("created_by", s.createdBy());
    n.put("updated_at", s.updatedAt());
    n.put("updated_by", s.updatedBy());
    n.put("schema_id", s.schemaId());
    return n;
  }

  /**
   * A registered model as the Unity Catalog API writes it ({@code comment} left out when empty,
   * {@code aliases} as objects with {@code alias_name} and {@code version_num}).
   */
  public static ObjectNode toJson(RegisteredModel m) {
    ObjectNode n = object();
    n.put("name", m.name());
    n.put("catalog_name", m.catalogName());
    n.put("schema_name", m.schemaName());
    n.put("storage_location", m.storageLocation());
    n.put("full_name", m.fullName());
    if (!m.comment().isEmpty()) {
      n.put("comment", m.comment());
    }
    n.put("owner", m.owner());
    n.put("created_at", m.createdAt());
    n.put("created_by", m.createdBy());
    n.put("updated_at", m.updatedAt());
    n.put("updated_by", m.updatedBy());
    n.put("id", m.id());
    ArrayNode a = n.putArray("aliases");
    m.aliases()
        .forEach(
            (k, v) -> a.add(alias(m.catalogName(), m.schemaName(), m.name(), k, v.longValue())));
    return n;
  }

  /** A model version as the Unity Catalog API writes it (empty optional fields left out). */
  public static ObjectNode toJson(ModelVersion v) {
    ObjectNode n = object();
    n.put("model_name", v.modelName());
    n.put("catalog_name", v.catalogName());
    n.put("schema_name", v.schemaName());
    n.put("version", v.version());
    n.put("source", v.source());
    if (!v.runId().isEmpty()) {
      n.put("run_id", v.runId());
    }
    n.put("status", v.status().name());
    n.put("storage_location", v.storageLocation());
    if (!v.comment().isEmpty()) {
      n.put("comment", v.comment());
    }
    n.put("created_at", v.createdAt());
    n.put("created_by", v.createdBy());
    n.put("updated_at", v.updatedAt());
    n.put("updated_by", v.updatedBy());
    n.put("id", v.id());
    if (!v.statusMessage().isEmpty()) {
      n.put("status_message", v.statusMessage());
    }
    ArrayNode a = n.putArray("aliases");
    v.aliases()
        .forEach(
            al -> a.add(alias(v.catalogName(), v.schemaName(), v.modelName(), al, v.version())));
    return n;
  }

  /** An alias move as Keel's alias history writes it. */
  public static ObjectNode toJson(AliasMove m) {
    ObjectNode n = object();
    n.put("alias_name", m.alias());
    m.fromVersion().ifPresent(v -> n.put("from_version_num", v));
    m.toVersion().ifPresent(v -> n.put("to_version_num", v));
    n.put("moved_by", m.movedBy());
    n.put("moved_at", m.movedAt());
    return n;
  }

  /**
   * A version's lineage as the Unity Catalog lineage endpoints write it: {@code full_name}, {@code
   * catalog_name}, {@code schema_name}, {@code model_name}, {@code version}, {@code status}, {@code
   * source}, {@code created_at}, {@code aliases}, {@code run}, {@code captured_at}, {@code
   * datasets}.
   */
  public static ObjectNode toJson(VersionLineage l) {
    ObjectNode n = object();
    n.put("full_name", l.modelFullName());
    n.put("catalog_name", l.catalogName());
    n.put("schema_name", l.schemaName());
    n.put("model_name", l.modelName());
    n.put("version", l.version());
    n.put("status", l.status().name());
    n.put("source", l.source());
    n.put("created_at", l.createdAt());
    ArrayNode al = n.putArray("aliases");
    l.aliases().forEach(al::add);
    l.run()
        .ifPresent(
            r -> {
              ObjectNode run = n.putObject("run");
              run.put("run_id", r.runId());
              if (!r.experimentId().isEmpty()) {
                run.put("experiment_id", r.experimentId());
              }
              if (!r.codeVersion().isEmpty()) {
                run.put("code_version", r.codeVersion());
              }
            });
    l.capturedAt().ifPresent(t -> n.put("captured_at", t));
    ArrayNode ds = n.putArray("datasets");
    for (LineageDataset d : l.datasets()) {
      ObjectNode o = ds.addObject();
      o.put("name", d.name());
      o.put("digest", d.digest());
      o.put("source_type", d.sourceType());
      o.put("source", d.source());
      if (!d.context().isEmpty()) {
        o.put("context", d.context());
      }
    }
    return n;
  }

  /** A version named by a run, as {@code GET /lineage/runs/{run_id}} writes it. */
  public static ObjectNode toJson(RunModelVersion v) {
    ObjectNode n = object();
    n.put("full_name", v.modelFullName());
    n.put("catalog_name", v.catalogName());
    n.put("schema_name", v.schemaName());
    n.put("model_name", v.modelName());
    n.put("version", v.version());
    n.put("status", v.status().name());
    n.put("created_at", v.createdAt());
    ArrayNode al = n.putArray("aliases");
    v.aliases().forEach(al::add);
    return n;
  }

  private static ObjectNode alias(
      String catalog, String schema, String model, String alias, long version) {
    ObjectNode n = object();
    n.put("alias_name", alias);
    n.put("version_num", version);
    n.put("catalog_name", catalog);
    n.put("schema_name", schema);
    n.put("model_name", model);
    return n;
  }

  static ObjectNode properties(Map<String, String> props) {
    ObjectNode p = object();
    props.forEach(p::put);
    return p;
  }

  /** A JSON array of the given items, each converted with {@code toJson}. */
  public static <T> ArrayNode list(List<T> items, Function<T, ? extends JsonNode> toJson) {
    ArrayNode a = array();
    items.forEach(i -> a.add(toJson.apply(i)));
    return a;
  }

  static ArrayNode tags(List<Tag> tags) {
    return list(tags, KeelJson::toJson);
  }

  static Map<String, String> propertyMap(JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n.isObject()) {
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        if (e.getValue().isValueNode() && !e.getValue().isNull()) {
          out.put(e.getKey(), e.getValue().asText());
        }
      }
    }
    return out;
  }

  /** A text field; empty when it is absent, null or {@code ""}. */
  static Optional<String> nonEmptyText(JsonNode n, String field) {
    return Optional.of(text(n, field)).filter(s -> !s.isEmpty());
  }

  static List<Tag> tagList(JsonNode array) {
    List<Tag> out = new ArrayList<>();
    array.forEach(t -> out.add(new Tag(text(t, "key"), text(t, "value"))));
    return out;
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isValueNode() && !v.isNull() ? v.asText() : "";
  }

  static Optional<String> optionalText(JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return Optional.empty();
    }
    return Optional.of(v.isValueNode() ? v.asText() : write(v, false));
  }

  static OptionalLong int64(JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isIntegralNumber()) {
      return OptionalLong.of(v.asLong());
    }
    if (v.isNumber()) {
      return OptionalLong.of((long) v.asDouble());
    }
    if (v.isTextual() && !v.asText().isBlank()) {
      try {
        return OptionalLong.of(Long.parseLong(v.asText().trim()));
      } catch (NumberFormatException e) {
        throw KeelClientException.local(
            KeelClientException.INVALID_RESPONSE,
            "field '" + field + "' is not an integer: " + v.asText());
      }
    }
    return OptionalLong.empty();
  }

  static double dbl(JsonNode v) {
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isTextual()) {
      String s = v.asText().trim();
      return switch (s) {
        case "NaN" -> Double.NaN;
        case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> {
          try {
            yield Double.parseDouble(s);
          } catch (NumberFormatException e) {
            throw KeelClientException.local(
                KeelClientException.INVALID_RESPONSE, "metric value is not a number: " + s);
          }
        }
      };
    }
    return v instanceof MissingNode ? 0.0 : v.asDouble();
  }
}
