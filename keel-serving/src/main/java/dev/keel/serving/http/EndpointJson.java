package dev.keel.serving.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.http.Json;
import dev.keel.serving.endpoints.EndpointConfig;
import dev.keel.serving.endpoints.EndpointService.EndpointStatus;
import dev.keel.serving.endpoints.EndpointService.EntityStatus;
import dev.keel.serving.endpoints.ServingEndpoint;
import java.util.List;
import java.util.Map;

/** Serving endpoints in Databricks' JSON shapes ({@code ServingEndpointDetailed}). */
final class EndpointJson {
  private EndpointJson() {}

  /**
   * {@code ServingEndpointDetailed}: config, pending_config, state, tags, ai_gateway, and the
   * caller's {@code permission_level} on it.
   */
  static ObjectNode detailed(EndpointStatus s, String permissionLevel) {
    ServingEndpoint e = s.endpoint();
    ObjectNode n = Json.object();
    n.put("name", e.name());
    n.put("id", e.id());
    n.put("creator", e.createdBy());
    n.put("creation_timestamp", e.createdAt());
    n.put("last_updated_timestamp", e.updatedAt());
    e.description().ifPresent(d -> n.put("description", d));
    n.put("permission_level", permissionLevel);
    n.put("route_optimized", false);
    ArrayNode tags = n.putArray("tags");
    for (Map.Entry<String, String> t : e.tags().entrySet()) {
      tags.addObject().put("key", t.getKey()).put("value", t.getValue());
    }
    e.config()
        .ifPresent(
            c -> {
              ObjectNode config = config(c, s.active(), e);
              config.put("config_version", e.configVersion());
              n.set("config", config);
            });
    e.pendingConfig()
        .ifPresent(
            c -> {
              ObjectNode p = config(c, s.pending(), e);
              p.put("config_version", e.configVersion() + 1);
              p.put("start_time", e.updatedAt());
              n.set("pending_config", p);
            });
    ObjectNode state = n.putObject("state");
    state.put("ready", s.ready() ? "READY" : "NOT_READY");
    state.put("config_update", e.configUpdate().name());
    e.updateMessage().ifPresent(m -> state.put("config_update_message", m));
    e.inferenceTable().ifPresent(t -> n.set("ai_gateway", EndpointConfigJson.aiGatewayJson(t)));
    return n;
  }

  private static ObjectNode config(EndpointConfig c, List<EntityStatus> states, ServingEndpoint e) {
    ObjectNode n = Json.object();
    ArrayNode entities = n.putArray("served_entities");
    ArrayNode models = n.putArray("served_models");
    for (EndpointConfig.ServedEntity s : c.servedEntities()) {
      EntityStatus st =
          states.stream().filter(x -> x.name().equals(s.name())).findFirst().orElse(null);
      ObjectNode en = entities.addObject();
      en.put("name", s.name());
      en.put("entity_name", s.entityName());
      en.put("entity_version", s.entityVersion());
      en.put("creator", e.createdBy());
      en.put("creation_timestamp", e.updatedAt());
      en.put("scale_to_zero_enabled", false);
      if (st != null) {
        en.putObject("state")
            .put("deployment", st.deployment())
            .put("deployment_state_message", st.message());
        st.version().ifPresent(v -> en.put("keel_loaded_version", v));
      }
      ObjectNode mn = models.addObject();
      mn.put("name", s.name());
      mn.put("model_name", s.entityName());
      mn.put("model_version", s.entityVersion());
      if (st != null) {
        mn.putObject("state")
            .put("deployment", st.deployment())
            .put("deployment_state_message", st.message());
      }
    }
    ArrayNode routes = n.putObject("traffic_config").putArray("routes");
    for (EndpointConfig.Route r : c.routes()) {
      routes
          .addObject()
          .put("served_entity_name", r.servedEntityName())
          .put("served_model_name", r.servedEntityName())
          .put("traffic_percentage", r.trafficPercentage());
    }
    return n;
  }
}
