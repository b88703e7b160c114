package dev.keel.serving.endpoints;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.FormatVersion;
import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.List;

/**
 * The persisted form of an {@link EndpointConfig} (the {@code config} and {@code pending_config}
 * columns of {@code serving_endpoints}), versioned on its own so that the wire shape read by {@code
 * dev.keel.serving.http.EndpointConfigJson} can change without touching stored rows.
 *
 * <p>Format version {@value #FORMAT_VERSION}:
 *
 * <pre>{@code
 * {"format_version": 1,
 *  "served_entities": [{"name": "a", "entity_name": "cat.sch.model", "entity_version": "3"}],
 *  "traffic_config": {"routes": [{"served_entity_name": "a", "traffic_percentage": 100}]}}
 * }</pre>
 *
 * <p>{@code entity_version} is a version number or {@code @alias}, always a string. Rows written
 * before the format was versioned have the same shape without {@code format_version} and read as
 * version 1. A row of a newer version (written by a newer Keel) is refused with INTERNAL_ERROR
 * naming its version. Stateless and thread-safe.
 */
public final class EndpointConfigCodec {

  /** The format version written. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private EndpointConfigCodec() {}

  /** The stored text of {@code config}, in format version {@value #FORMAT_VERSION}. */
  public static String write(EndpointConfig config) {
    ObjectNode n = JSON.createObjectNode();
    FormatVersion.write(n, FORMAT_VERSION);
    ArrayNode es = n.putArray("served_entities");
    for (EndpointConfig.ServedEntity e : config.servedEntities()) {
      es.addObject()
          .put("name", e.name())
          .put("entity_name", e.entityName())
          .put("entity_version", e.entityVersion());
    }
    ArrayNode rs = n.putObject("traffic_config").putArray("routes");
    for (EndpointConfig.Route r : config.routes()) {
      rs.addObject()
          .put("served_entity_name", r.servedEntityName())
          .put("traffic_percentage", r.trafficPercentage());
    }
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * The config stored as {@code text} (any format version up to {@value #FORMAT_VERSION}; none
   * means 1).
   *
   * @throws KeelException INTERNAL_ERROR naming the version for a newer format, or saying what is
   *     wrong with an unreadable one
   */
  public static EndpointConfig read(String text) {
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (JsonProcessingException ex) {
      throw unreadable("it is not JSON", ex);
    }
    if (n == null || !n.isObject()) {
      throw unreadable("it is not a JSON object", null);
    }
    FormatVersion.read(
        n, FORMAT_VERSION, "Stored serving endpoint config", ErrorCode.INTERNAL_ERROR);
    return readV1(n);
  }

  private static EndpointConfig readV1(JsonNode n) {
    JsonNode es = n.path("served_entities");
    if (!es.isArray() || es.isEmpty()) {
      throw unreadable("'served_entities' is not a non-empty list", null);
    }
    List<EndpointConfig.ServedEntity> entities = new ArrayList<>();
    for (int i = 0; i < es.size(); i++) {
      String at = "served_entities[" + i + "]";
      JsonNode e = es.get(i);
      JsonNode version = e.path("entity_version");
      entities.add(
          new EndpointConfig.ServedEntity(
              text(e, "name", at),
              text(e, "entity_name", at),
              version.isIntegralNumber() ? version.asText() : text(e, "entity_version", at)));
    }
    JsonNode rs = n.path("traffic_config").path("routes");
    if (!rs.isArray() || rs.isEmpty()) {
      throw unreadable("'traffic_config.routes' is not a non-empty list", null);
    }
    List<EndpointConfig.Route> routes = new ArrayList<>();
    for (int i = 0; i < rs.size(); i++) {
      String at = "traffic_config.routes[" + i + "]";
      JsonNode r = rs.get(i);
      JsonNode p = r.path("traffic_percentage");
      if (!p.canConvertToExactIntegral() || !p.canConvertToInt()) {
        throw unreadable("'" + at + ".traffic_percentage' is not an integer", null);
      }
      routes.add(new EndpointConfig.Route(text(r, "served_entity_name", at), p.asInt()));
    }
    return new EndpointConfig(entities, routes);
  }

  private static String text(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw unreadable("'" + at + "." + field + "' is not a non-empty string", null);
    }
    return v.asText();
  }

  private static KeelException unreadable(String why, Throwable cause) {
    return new KeelException(
        ErrorCode.INTERNAL_ERROR,
        "Stored serving endpoint config is unreadable: " + why + ".",
        cause);
  }
}
