package dev.keel.serving.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The served entities of an endpoint and the traffic split between them, in Databricks' shape:
 * {@code {"served_entities": [...], "traffic_config": {"routes": [...]}}}.
 *
 * @param servedEntities the entities, in request order (at least one, names unique)
 * @param routes one route per served entity, percentages summing to 100
 */
public record EndpointConfig(List<ServedEntity> servedEntities, List<Route> routes) {

  /** Most served entities per endpoint (Databricks' limit). */
  public static final int MAX_ENTITIES = 10;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,63}");
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");
  private static final Pattern ALIAS = Pattern.compile("@[A-Za-z0-9_-]{1,255}");

  /**
   * One served model version, or an alias the endpoint follows.
   *
   * @param name the entity's name within the endpoint ({@code [A-Za-z0-9_-]})
   * @param entityName the registered model, {@code catalog.schema.model}
   * @param entityVersion a version number such as {@code 3}, or {@code @alias} (Keel extension) to
   *     follow the alias
   */
  public record ServedEntity(String name, String entityName, String entityVersion) {
    /** Checks for nulls. */
    public ServedEntity {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(entityName, "entityName");
      Objects.requireNonNull(entityVersion, "entityVersion");
    }

    /** The alias followed, when {@link #entityVersion()} is {@code @alias}. */
    public Optional<String> alias() {
      return entityVersion.startsWith("@")
          ? Optional.of(entityVersion.substring(1))
          : Optional.empty();
    }
  }

  /**
   * A traffic route.
   *
   * @param servedEntityName the served entity this route sends requests to
   * @param trafficPercentage the share of requests, 0 to 100
   */
  public record Route(String servedEntityName, int trafficPercentage) {
    /** Checks for nulls. */
    public Route {
      Objects.requireNonNull(servedEntityName, "servedEntityName");
    }
  }

  /** Copies the lists. */
  public EndpointConfig {
    servedEntities = List.copyOf(servedEntities);
    routes = List.copyOf(routes);
  }

  /** The entity with this name, if any. */
  public Optional<ServedEntity> entity(String name) {
    return servedEntities.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** The percentage routed to the entity with this name (0 if it has no route). */
  public int percentage(String entityName) {
    return routes.stream()
        .filter(r -> r.servedEntityName().equals(entityName))
        .mapToInt(Route::trafficPercentage)
        .sum();
  }

  /** Checks an endpoint name: letters, digits, {@code -} and {@code _}, 1 to 63 characters. */
  public static String endpointName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw KeelException.invalid(
          "Invalid endpoint 'name' '" + name + "': use 1 to 63 letters, digits, '-' or '_'.");
    }
    return name;
  }

  /**
   * Reads and checks a config in Databricks' JSON shape. Served entities take {@code name}, {@code
   * entity_name} and {@code entity_version} (or the legacy {@code served_models} with {@code
   * model_name} and {@code model_version}); without {@code traffic_config} a single entity gets
   * 100%.
   *
   * @throws KeelException INVALID_PARAMETER_VALUE naming the field and the problem
   */
  public static EndpointConfig parse(JsonNode config) {
    if (config == null || !config.isObject()) {
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
    if (entities.size() > MAX_ENTITIES) {
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
      if (!VERSION.matcher(version).matches() && !ALIAS.matcher(version).matches()) {
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
      if (!NAME.matcher(name).matches()) {
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
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    ArrayNode es = n.putArray("served_entities");
    for (ServedEntity e : servedEntities) {
      es.addObject()
          .put("name", e.name())
          .put("entity_name", e.entityName())
          .put("entity_version", e.entityVersion());
    }
    ArrayNode rs = n.putObject("traffic_config").putArray("routes");
    for (Route r : routes) {
      rs.addObject()
          .put("served_entity_name", r.servedEntityName())
          .put("traffic_percentage", r.trafficPercentage());
    }
    return n;
  }
}
