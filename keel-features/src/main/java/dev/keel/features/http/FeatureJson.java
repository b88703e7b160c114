package dev.keel.features.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import dev.keel.features.Feature;
import dev.keel.features.FeatureMetadata;
import dev.keel.features.FeatureTable;
import dev.keel.features.training.FeatureLookup;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.tables.http.TableJson;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wire JSON shared by the feature store's routes: a feature table as JSON, feature metadata and
 * durations read from a request, scalar values read and written, and feature lookups read.
 */
final class FeatureJson {
  private FeatureJson() {}

  /** A feature table's metadata from a body: description, tags, max ages, per-feature metadata. */
  static FeatureMetadata metadata(Request r) {
    Map<String, String> tags = new LinkedHashMap<>();
    r.json("tags")
        .ifPresent(
            t -> {
              if (!t.isObject()) {
                throw KeelException.invalid("tags: expected an object of strings");
              }
              t.properties()
                  .forEach(
                      e -> {
                        if (!e.getValue().isTextual()) {
                          throw KeelException.invalid("tags." + e.getKey() + ": expected a string");
                        }
                        tags.put(e.getKey(), e.getValue().asText());
                      });
            });
    Map<String, String> descriptions = new LinkedHashMap<>();
    Map<String, Duration> ages = new LinkedHashMap<>();
    r.json("features")
        .ifPresent(
            fs -> {
              if (!fs.isObject()) {
                throw KeelException.invalid(
                    "features: expected an object of feature name -> {description, max_age_seconds}");
              }
              fs.properties()
                  .forEach(
                      e -> {
                        Request f = Request.ofNode(e.getValue(), "features." + e.getKey());
                        f.string("description").ifPresent(d -> descriptions.put(e.getKey(), d));
                        seconds(f, "max_age_seconds", "features." + e.getKey() + ".max_age_seconds")
                            .ifPresent(a -> ages.put(e.getKey(), a));
                      });
            });
    return new FeatureMetadata(
        r.string("description"),
        tags,
        seconds(r, "max_age_seconds", "max_age_seconds"),
        descriptions,
        ages);
  }

  /** An optional positive number of seconds; {@code label} names the field in errors. */
  static Optional<Duration> seconds(Request r, String field, String label) {
    var v = r.int64(field);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.getAsLong() <= 0) {
      throw KeelException.invalid(label + ": must be a positive number of seconds");
    }
    return Optional.of(Duration.ofSeconds(v.getAsLong()));
  }

  /** A feature table on the wire, with its metadata and the table it is. */
  static ObjectNode featureTableJson(FeatureTable t) {
    ObjectNode n = Json.object();
    n.put("name", t.fullName());
    ArrayNode keys = n.putArray("entity_keys");
    t.entityKeys().forEach(keys::add);
    ArrayNode pks = n.putArray("primary_keys");
    t.table().primaryKeys().forEach(pks::add);
    t.table().timeseriesKey().ifPresent(k -> n.put("timeseries_key", k));
    t.creationTimeColumn().ifPresent(c -> n.put("creation_time_column", c));
    ArrayNode fs = n.putArray("features");
    for (Feature f : t.features()) {
      ObjectNode o = fs.addObject();
      o.put("name", f.name());
      o.put("type_name", f.type().typeName());
      o.put("type_text", f.type().typeText());
      f.description().ifPresent(d -> o.put("description", d));
      f.maxAge().ifPresent(a -> o.put("max_age_seconds", a.toSeconds()));
    }
    t.description().ifPresent(d -> n.put("description", d));
    ObjectNode tags = n.putObject("tags");
    new java.util.TreeMap<>(t.tags()).forEach(tags::put);
    t.maxAge().ifPresent(a -> n.put("max_age_seconds", a.toSeconds()));
    n.put("owner", t.owner());
    n.put("created_at", t.createdAt());
    n.put("created_by", t.createdBy());
    n.put("updated_at", t.updatedAt());
    n.put("updated_by", t.updatedBy());
    n.set("table", TableJson.table(t.table()));
    return n;
  }

  /** A JSON scalar as a Java value: null, Boolean, Long, Double or String. */
  static Object scalar(JsonNode v, String field) {
    if (v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    throw KeelException.invalid(field + ": expected a string, number or boolean");
  }

  /** Writes a value; NaN and infinities as strings, binary as base64. */
  static void writeValue(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Boolean b -> g.writeBoolean(b);
      case Integer i -> g.writeNumber(i);
      case Long l -> g.writeNumber(l);
      case Float f -> g.writeNumber(f);
      case Double d -> {
        if (d.isNaN() || d.isInfinite()) {
          g.writeString(d.toString());
        } else {
          g.writeNumber(d);
        }
      }
      case java.math.BigDecimal d -> g.writeNumber(d);
      case byte[] b -> g.writeString(java.util.Base64.getEncoder().encodeToString(b));
      default -> g.writeString(v.toString());
    }
  }

  /** The optional {@code lookups} array as feature lookups. */
  static List<FeatureLookup> lookups(Request r) {
    JsonNode ls = array(r, "lookups");
    List<FeatureLookup> out = new ArrayList<>(ls.size());
    for (int i = 0; i < ls.size(); i++) {
      out.add(FeatureLookup.fromJson(ls.get(i), "lookups[" + i + "]"));
    }
    return out;
  }

  /** An optional array field; absent is empty. */
  static JsonNode array(Request r, String field) {
    JsonNode a = r.json(field).orElse(Json.MAPPER.createArrayNode());
    if (!a.isArray()) {
      throw KeelException.invalid(field + ": expected an array");
    }
    return a;
  }
}
