package dev.keel.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import dev.keel.http.Json;
import dev.keel.serving.endpoints.EndpointConfig;
import dev.keel.serving.endpoints.EndpointConfig.Route;
import dev.keel.serving.endpoints.EndpointConfig.ServedEntity;
import dev.keel.serving.endpoints.InferenceTableConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The wire JSON of endpoint configs in Databricks' shape: {@code {"served_entities": [...],
 * "traffic_config": {"routes": [...]}}}, and of {@code ai_gateway.inference_table_config}. Reading
 * checks everything and names the wire field in every 400. Stateless.
 */
public final class EndpointConfigJson {
  private EndpointConfigJson() {}

  /**
   * Reads and checks a config in Databricks' JSON shape. Served entities take {@code name}, {@code
   * entity_name} and {@code entity_version} (or the legacy {@code served_models} with {@code
   * model_name} and {@code model_version}); without {@code traffic_config} a single entity gets
   * 100%.
   *
   * @param config the {@code config} object (a missing node is refused like any non-object)
   * @throws KeelException INVALID_PARAMETER_VALUE naming the field and the problem
   */
  public static EndpointConfig parse(JsonNode config) {
    if (!config.isObject()) {
      throw KeelException.invalid("'config' must be an object with 'served_entities'.");
    }
    JsonNode entities = config.path("served_entities");
    boolean legacy = false;
    if (entities.isMissingNode() || entities.isNull()) {
      entities = config.path("served_models");
      legacy = true;
    }
    if (!entities.isArray() || entities.isEmpty()) {
      throw KeelException.invalid("'config.served_entities' must be a non-empty list.");
    }
    if (entities.size() > EndpointConfig.MAX_ENTITIES) {
      throw KeelException.invalid(
          "'config.served_entities' has " + entities.size() + " entities; at most 10.");
    }
    List<ServedEntity> list = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entities.size(); i++) {
      String at = "config.served_entities[" + i + "]";
      JsonNode e = entities.get(i);
      if (!e.isObject()) {
        throw KeelException.invalid("'" + at + "' must be an object.");
      }
      if (e.hasNonNull("external_model")) {
        throw KeelException.invalid(
            "'" + at + ".external_model' is not supported: Keel serves registered models.");
      }
      String entityName = text(e, legacy ? "model_name" : "entity_name", at);
      String[] parts = entityName.split("\\.", -1);
      if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
        throw KeelException.invalid(
            "Invalid '"
                + at
                + ".entity_name' '"
                + entityName
                + "': name a registered model as catalog.schema.model.");
      }
      String version = versionText(e, legacy ? "model_version" : "entity_version", at);
      if (!EndpointConfig.isEntityVersion(version)) {
        throw KeelException.invalid(
            "Invalid '"
                + at
                + ".entity_version' '"
                + version
                + "': use a version number such as 3, or @alias such as @champion.");
      }
      String name =
          e.hasNonNull("name")
              ? e.get("name").asText()
              : parts[2] + "-" + (version.startsWith("@") ? version.substring(1) : version);
      if (!EndpointConfig.isName(name)) {
        throw KeelException.invalid(
            "Invalid '" + at + ".name' '" + name + "': use 1 to 63 letters, digits, '-' or '_'.");
      }
      if (!names.add(name)) {
        throw KeelException.invalid(
            "'" + at + ".name' '" + name + "' is used by two served entities.");
      }
      list.add(new ServedEntity(name, entityName, version));
    }
    JsonNode traffic = config.path("traffic_config");
    List<Route> routes = new ArrayList<>();
    if (traffic.isMissingNode() || traffic.isNull()) {
      if (list.size() > 1) {
        throw KeelException.invalid(
            "'config.traffic_config' is required when there are several served entities.");
      }
      routes.add(new Route(list.get(0).name(), 100));
      return new EndpointConfig(list, routes);
    }
    JsonNode rs = traffic.path("routes");
    if (!rs.isArray() || rs.isEmpty()) {
      throw KeelException.invalid("'config.traffic_config.routes' must be a non-empty list.");
    }
    Map<String, Integer> seen = new LinkedHashMap<>();
    int sum = 0;
    for (int i = 0; i < rs.size(); i++) {
      String at = "config.traffic_config.routes[" + i + "]";
      JsonNode r = rs.get(i);
      String target =
          r.hasNonNull("served_entity_name")
              ? r.get("served_entity_name").asText()
              : r.hasNonNull("served_model_name") ? r.get("served_model_name").asText() : null;
      if (target == null) {
        throw KeelException.invalid("'" + at + ".served_entity_name' is required.");
      }
      if (!names.contains(target)) {
        throw KeelException.invalid(
            "'"
                + at
                + ".served_entity_name' '"
                + target
                + "' is not a served entity of this config.");
      }
      JsonNode p = r.path("traffic_percentage");
      if (!p.canConvertToExactIntegral() || p.asLong() < 0 || p.asLong() > 100) {
        throw KeelException.invalid(
            "'" + at + ".traffic_percentage' must be an integer from 0 to 100.");
      }
      if (seen.put(target, p.asInt()) != null) {
        throw KeelException.invalid(
            "'" + at + ".served_entity_name' '" + target + "' has two routes.");
      }
      sum += p.asInt();
      routes.add(new Route(target, p.asInt()));
    }
    if (sum != 100) {
      throw KeelException.invalid(
          "'config.traffic_config.routes' percentages sum to " + sum + "; they must sum to 100.");
    }
    return new EndpointConfig(list, routes);
  }

  private static String text(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || !v.isTextual() || v.asText().isEmpty()) {
      throw KeelException.invalid("'" + at + "." + field + "' is required (a string).");
    }
    return v.asText();
  }

  private static String versionText(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v != null && v.isIntegralNumber()) {
      return v.asText();
    }
    return text(n, field, at);
  }

  /** The config in Databricks' JSON shape (what {@link #parse} reads). */
  public static ObjectNode write(EndpointConfig config) {
    ObjectNode n = Json.object();
    ArrayNode es = n.putArray("served_entities");
    for (ServedEntity e : config.servedEntities()) {
      es.addObject()
          .put("name", e.name())
          .put("entity_name", e.entityName())
          .put("entity_version", e.entityVersion());
    }
    ArrayNode rs = n.putObject("traffic_config").putArray("routes");
    for (Route r : config.routes()) {
      rs.addObject()
          .put("served_entity_name", r.servedEntityName())
          .put("traffic_percentage", r.trafficPercentage());
    }
    return n;
  }

  /**
   * Reads {@code ai_gateway} (may be missing) and its {@code inference_table_config}.
   *
   * @param aiGateway the {@code ai_gateway} field (a missing node when absent)
   * @throws KeelException INVALID_PARAMETER_VALUE naming the field
   */
  public static Optional<InferenceTableConfig> aiGateway(JsonNode aiGateway) {
    if (aiGateway.isMissingNode() || aiGateway.isNull()) {
      return Optional.empty();
    }
    return aiGateway(aiGateway, "ai_gateway.");
  }

  /**
   * Reads an {@code AiGatewayConfig} object (the {@code ai_gateway} of a create, or the body of
   * {@code PUT .../ai-gateway}): its {@code inference_table_config}, empty when it has none. The
   * gateway features Keel does not have ({@code rate_limits}, {@code guardrails}, {@code
   * usage_tracking_config} and {@code fallback_config} enabled) are refused rather than ignored.
   *
   * @param gateway the object
   * @param at how its fields are named in errors ({@code "ai_gateway."} or {@code ""})
   * @throws KeelException INVALID_PARAMETER_VALUE naming the field
   */
  public static Optional<InferenceTableConfig> aiGateway(JsonNode gateway, String at) {
    if (!gateway.isObject()) {
      throw KeelException.invalid(
          "'"
              + (at.isEmpty() ? "body" : at.substring(0, at.length() - 1))
              + "' must be an object.");
    }
    JsonNode limits = gateway.path("rate_limits");
    if (!limits.isMissingNode() && !limits.isNull() && !(limits.isArray() && limits.isEmpty())) {
      throw unsupported(at + "rate_limits");
    }
    if (gateway.hasNonNull("guardrails")) {
      throw unsupported(at + "guardrails");
    }
    for (String f : List.of("usage_tracking_config", "fallback_config")) {
      if (gateway.path(f).path("enabled").asBoolean(false)) {
        throw unsupported(at + f + ".enabled");
      }
    }
    JsonNode t = gateway.path("inference_table_config");
    if (t.isMissingNode() || t.isNull()) {
      return Optional.empty();
    }
    String where = at + "inference_table_config";
    if (!t.isObject()) {
      throw KeelException.invalid("'" + where + "' must be an object.");
    }
    boolean enabled = flag(t, "enabled", where, false);
    String catalog = part(t, "catalog_name", where);
    String schema = part(t, "schema_name", where);
    String prefix = part(t, "table_name_prefix", where);
    return Optional.of(new InferenceTableConfig(catalog, schema, prefix, enabled));
  }

  /**
   * Reads Databricks' legacy {@code config.auto_capture_config} ({@code catalog_name}, {@code
   * schema_name}, {@code table_name_prefix}, {@code enabled}) as the inference table it sets: the
   * prefix defaults to the endpoint name ({@code -} as {@code _}), {@code enabled} to true, and
   * {@code {"enabled": false}} alone turns the current table off. Empty when the config has no
   * {@code auto_capture_config}.
   *
   * @param config the {@code config} object
   * @param endpoint the endpoint's name
   * @param current the endpoint's inference table now (empty on create)
   * @throws KeelException INVALID_PARAMETER_VALUE naming the field
   */
  public static Optional<Optional<InferenceTableConfig>> autoCapture(
      JsonNode config, String endpoint, Optional<InferenceTableConfig> current) {
    JsonNode a = config.path("auto_capture_config");
    if (a.isMissingNode() || a.isNull()) {
      return Optional.empty();
    }
    String at = "config.auto_capture_config";
    if (!a.isObject()) {
      throw KeelException.invalid("'" + at + "' must be an object.");
    }
    boolean enabled = flag(a, "enabled", at, true);
    boolean named = a.hasNonNull("catalog_name") || a.hasNonNull("schema_name");
    if (!enabled && !named) {
      return Optional.of(
          current.map(
              c ->
                  new InferenceTableConfig(
                      c.catalogName(), c.schemaName(), c.tableNamePrefix(), false)));
    }
    String catalog = part(a, "catalog_name", at);
    String schema = part(a, "schema_name", at);
    String prefix =
        a.hasNonNull("table_name_prefix")
            ? part(a, "table_name_prefix", at)
            : endpoint.replace('-', '_');
    return Optional.of(Optional.of(new InferenceTableConfig(catalog, schema, prefix, enabled)));
  }

  private static boolean flag(JsonNode n, String field, String at, boolean dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw KeelException.invalid("'" + at + "." + field + "' must be true or false.");
    }
    return v.booleanValue();
  }

  private static KeelException unsupported(String field) {
    return KeelException.invalid(
        "'" + field + "' is not supported by Keel: its AI gateway logs to inference tables only.");
  }

  private static String part(JsonNode n, String field, String at) {
    String v = n.path(field).asText("");
    if (!InferenceTableConfig.isNamePart(v)) {
      throw KeelException.invalid(
          "Invalid '" + at + "." + field + "' '" + v + "': use letters, digits and '_'.");
    }
    return v;
  }

  /** {@code {"inference_table_config": {...}}} as Databricks writes {@code ai_gateway}. */
  public static ObjectNode aiGatewayJson(InferenceTableConfig t) {
    ObjectNode n = Json.object();
    n.putObject("inference_table_config")
        .put("catalog_name", t.catalogName())
        .put("schema_name", t.schemaName())
        .put("table_name_prefix", t.tableNamePrefix())
        .put("enabled", t.enabled());
    return n;
  }
}
