package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Row values between Java and JSON, for tables and the feature store. */
final class Values {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Values() {}

  /**
   * A Java value as JSON; times as ISO-8601 text, bytes as base64, a {@code Map} (a STRUCT or MAP
   * column's value) as an object with its keys as text, a {@code List} (an ARRAY's) as an array.
   */
  static JsonNode toJson(Object v, String field) {
    return switch (v) {
      case null -> NODES.nullNode();
      case Boolean b -> NODES.booleanNode(b);
      case Integer i -> NODES.numberNode(i);
      case Long l -> NODES.numberNode(l);
      case Short s -> NODES.numberNode(s);
      case Byte b -> NODES.numberNode(b);
      case Float f -> NODES.numberNode(f);
      case Double d -> NODES.numberNode(d);
      case BigDecimal d -> NODES.numberNode(d);
      case BigInteger i -> NODES.numberNode(i);
      case String s -> NODES.textNode(s);
      case Instant t -> NODES.textNode(t.toString());
      case OffsetDateTime t -> NODES.textNode(t.toString());
      case ZonedDateTime t -> NODES.textNode(t.toOffsetDateTime().toString());
      case LocalDate d -> NODES.textNode(d.toString());
      case byte[] b -> NODES.textNode(Base64.getEncoder().encodeToString(b));
      case JsonNode n -> n;
      case Map<?, ?> m -> { // a STRUCT (field -> value) or MAP value
        com.fasterxml.jackson.databind.node.ObjectNode o = NODES.objectNode();
        m.forEach((k, x) -> o.set(String.valueOf(k), toJson(x, field + "." + k)));
        yield o;
      }
      case List<?> l -> { // an ARRAY value
        com.fasterxml.jackson.databind.node.ArrayNode a = NODES.arrayNode();
        for (int i = 0; i < l.size(); i++) {
          a.add(toJson(l.get(i), field + "[" + i + "]"));
        }
        yield a;
      }
      default ->
          throw new IllegalArgumentException(
              field
                  + ": cannot send a "
                  + v.getClass().getName()
                  + " (use a number, string, boolean, Instant, LocalDate, byte[], or a Map or"
                  + " List of those for a nested column)");
    };
  }

  /** A JSON value as Java: Long (or BigInteger), Double (or BigDecimal), Boolean, String, null. */
  static Object fromJson(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue();
    }
    if (v.isBigDecimal()) {
      return v.decimalValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    return v;
  }

  /** A JSON array of values as an unmodifiable list that may hold nulls. */
  static List<Object> row(JsonNode array) {
    List<Object> out = new ArrayList<>(array.size());
    array.forEach(x -> out.add(fromJson(x)));
    return Collections.unmodifiableList(out);
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return List.copyOf(out);
  }

  static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return Collections.unmodifiableMap(out);
  }

  static Optional<String> text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isValueNode() && !v.isNull() ? Optional.of(v.asText()) : Optional.empty();
  }

  static Optional<Duration> seconds(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isNumber() ? Optional.of(Duration.ofSeconds(v.asLong())) : Optional.empty();
  }

  static ColumnInfo column(JsonNode c) {
    String text = KeelJson.text(c, "type_text");
    String name = KeelJson.text(c, "type_name");
    return new ColumnInfo(
        KeelJson.text(c, "name"),
        text.isEmpty() ? name : text,
        name.isEmpty() ? text : name,
        !c.has("nullable") || c.path("nullable").asBoolean(true),
        text(c, "comment"));
  }

  static List<ColumnInfo> columns(JsonNode array) {
    List<ColumnInfo> out = new ArrayList<>();
    array.forEach(c -> out.add(column(c)));
    return List.copyOf(out);
  }

  static TableInfo table(JsonNode n) {
    return new TableInfo(
        KeelJson.text(n, "name"),
        KeelJson.text(n, "catalog_name"),
        KeelJson.text(n, "schema_name"),
        KeelJson.text(n, "full_name"),
        columns(n.path("columns")),
        KeelJson.text(n, "table_type"),
        KeelJson.text(n, "data_source_format"),
        KeelJson.text(n, "storage_location"),
        KeelJson.text(n, "table_id"),
        KeelJson.text(n, "owner"),
        KeelJson.text(n, "comment"),
        stringMap(n.path("properties")),
        n.path("created_at").asLong(),
        KeelJson.text(n, "created_by"),
        n.path("updated_at").asLong(),
        KeelJson.text(n, "updated_by"),
        strings(n.path("primary_keys")),
        text(n, "timeseries_key"),
        n.path("ingestion_time").asBoolean(false));
  }

  static WriteResult writeResult(JsonNode n) {
    return new WriteResult(
        n.path("snapshot_id").asLong(),
        n.path("rows_added").asLong(),
        n.path("rows_deleted").asLong());
  }
}
