package dev.keel.serving.endpoints;

import dev.keel.core.KeelException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The served entities of an endpoint and the traffic split between them, as Databricks models them:
 * {@code served_entities} and {@code traffic_config.routes}. The wire JSON is read and written at
 * the edge ({@code dev.keel.serving.http.EndpointConfigJson}); the stored form by {@link
 * EndpointConfigCodec}.
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

  /** Whether {@code name} is a valid served entity or endpoint name. */
  public static boolean isName(String name) {
    return NAME.matcher(name).matches();
  }

  /** Whether {@code version} is a version number such as {@code 3} or an {@code @alias}. */
  public static boolean isEntityVersion(String version) {
    return VERSION.matcher(version).matches() || ALIAS.matcher(version).matches();
  }
}
