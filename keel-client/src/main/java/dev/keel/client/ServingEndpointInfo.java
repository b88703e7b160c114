package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A serving endpoint as the server describes it (Databricks' {@code ServingEndpointDetailed}).
 *
 * @param name the endpoint's name
 * @param ready {@code READY} or {@code NOT_READY}
 * @param configUpdate {@code NOT_UPDATING}, {@code IN_PROGRESS} or {@code UPDATE_FAILED}
 * @param updateMessage why the last update failed, when it did
 * @param configVersion the active config's version (0 before the first)
 * @param servedEntities the active config's entities
 * @param traffic served entity name to traffic percentage, of the active config
 * @param json the server's full answer
 */
public record ServingEndpointInfo(
    String name,
    String ready,
    String configUpdate,
    Optional<String> updateMessage,
    long configVersion,
    List<ServedEntitySpec> servedEntities,
    Map<String, Integer> traffic,
    JsonNode json) {

  /** Checks for nulls and copies the collections. */
  public ServingEndpointInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(ready, "ready");
    Objects.requireNonNull(configUpdate, "configUpdate");
    Objects.requireNonNull(updateMessage, "updateMessage");
    servedEntities = List.copyOf(servedEntities);
    traffic = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(traffic));
    Objects.requireNonNull(json, "json");
  }

  static ServingEndpointInfo from(JsonNode n) {
    List<ServedEntitySpec> entities = new ArrayList<>();
    for (JsonNode e : n.at("/config/served_entities")) {
      entities.add(
          new ServedEntitySpec(
              e.path("name").asText(),
              e.path("entity_name").asText(),
              e.path("entity_version").asText()));
    }
    Map<String, Integer> traffic = new LinkedHashMap<>();
    for (JsonNode r : n.at("/config/traffic_config/routes")) {
      traffic.put(r.path("served_entity_name").asText(), r.path("traffic_percentage").asInt());
    }
    JsonNode msg = n.at("/state/config_update_message");
    return new ServingEndpointInfo(
        n.path("name").asText(),
        n.at("/state/ready").asText(),
        n.at("/state/config_update").asText(),
        msg.isTextual() ? Optional.of(msg.asText()) : Optional.empty(),
        n.at("/config/config_version").asLong(0),
        entities,
        traffic,
        n);
  }

  /**
   * Where the endpoint logs its requests, as {@code catalog.schema.prefix} (the table is {@code
   * <prefix>_payload}); empty when it has no enabled inference table.
   */
  public Optional<String> inferenceTable() {
    return inferenceTable(json.path("ai_gateway"));
  }

  /** The enabled {@code inference_table_config} of an {@code ai_gateway} object. */
  static Optional<String> inferenceTable(JsonNode aiGateway) {
    return tablePrefix(aiGateway.path("inference_table_config"));
  }

  /**
   * The {@code catalog.schema.prefix} of an enabled inference table config ({@code
   * ai_gateway.inference_table_config} or the legacy {@code config.auto_capture_config}).
   */
  static Optional<String> tablePrefix(JsonNode t) {
    if (!t.path("enabled").asBoolean(false)) {
      return Optional.empty();
    }
    return Optional.of(
        t.path("catalog_name").asText()
            + "."
            + t.path("schema_name").asText()
            + "."
            + t.path("table_name_prefix").asText());
  }
}
