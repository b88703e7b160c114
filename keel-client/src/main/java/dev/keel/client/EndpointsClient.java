package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Model serving endpoints: Databricks' {@code /api/2.0/serving-endpoints} API and {@code
 * /serving-endpoints/{name}/invocations}. Get one from {@link KeelClient#endpoints()}.
 *
 * <pre>{@code
 * EndpointsClient endpoints = keel.endpoints();
 * endpoints.create("churn", List.of(ServedEntitySpec.of("main.default.churn", "@champion")), Map.of());
 * endpoints.awaitNotUpdating("churn", Duration.ofMinutes(2));
 * EndpointQueryResult r = endpoints.query("churn", new ObjectMapper().readTree(
 *     "{\"dataframe_records\": [{\"f0\": 1.0, \"f1\": 2.0}]}"));
 * }</pre>
 *
 * <p>Config changes are asynchronous: create and update return while the new config loads ({@code
 * config_update} {@code IN_PROGRESS}); {@link #awaitNotUpdating} waits for the outcome. Every call
 * throws {@link KeelClientException} with the server's error code and message on failure.
 */
public final class EndpointsClient {
  private static final String API = "/api/2.0/serving-endpoints";

  private final KeelClient client;
  private final Transport http;

  EndpointsClient(KeelClient client) {
    this.client = client;
    this.http = new Transport(client);
  }

  /**
   * Creates an endpoint; it starts loading at once.
   *
   * @param traffic served entity name to percentage (summing to 100); empty for one entity
   */
  public ServingEndpointInfo create(
      String name, List<ServedEntitySpec> entities, Map<String, Integer> traffic) {
    ObjectNode b = KeelJson.object();
    b.put("name", name);
    b.set("config", config(entities, traffic));
    return ServingEndpointInfo.from(http.json("POST", API, Map.of(), b, false));
  }

  /**
   * Creates an endpoint that logs its requests to an inference table; it starts loading at once.
   *
   * @param traffic served entity name to percentage (summing to 100); empty for one entity
   * @param inferenceTable {@code catalog.schema.prefix}: requests are logged to {@code
   *     catalog.schema.prefix_payload} (created if missing); empty for none
   */
  public ServingEndpointInfo create(
      String name,
      List<ServedEntitySpec> entities,
      Map<String, Integer> traffic,
      Optional<String> inferenceTable) {
    ObjectNode b = KeelJson.object();
    b.put("name", name);
    b.set("config", config(entities, traffic));
    inferenceTable.ifPresent(t -> b.set("ai_gateway", aiGateway(Optional.of(t))));
    return ServingEndpointInfo.from(http.json("POST", API, Map.of(), b, false));
  }

  /**
   * Turns an existing endpoint's inference table on, to another table, or off (Databricks' {@code
   * PUT .../ai-gateway}); serving is not interrupted.
   *
   * @param inferenceTable {@code catalog.schema.prefix} to log to {@code
   *     catalog.schema.prefix_payload}; empty to stop logging
   * @return the endpoint's inference table now, as {@code catalog.schema.prefix}
   */
  public Optional<String> setInferenceTable(String name, Optional<String> inferenceTable) {
    JsonNode n =
        http.json(
            "PUT",
            API + "/" + Transport.segment(name, "name") + "/ai-gateway",
            Map.of(),
            aiGateway(inferenceTable),
            false);
    return ServingEndpointInfo.inferenceTable(n);
  }

  private static ObjectNode aiGateway(Optional<String> table) {
    ObjectNode g = KeelJson.object();
    if (table.isPresent()) {
      String[] p = table.get().split("\\.", -1);
      if (p.length != 3 || p[0].isEmpty() || p[1].isEmpty() || p[2].isEmpty()) {
        throw new IllegalArgumentException(
            "inference table '" + table.get() + "': expected catalog.schema.prefix");
      }
      g.putObject("inference_table_config")
          .put("catalog_name", p[0])
          .put("schema_name", p[1])
          .put("table_name_prefix", p[2])
          .put("enabled", true);
    }
    return g;
  }

  /** Replaces an endpoint's served entities and traffic; the old config serves until the swap. */
  public ServingEndpointInfo updateConfig(
      String name, List<ServedEntitySpec> entities, Map<String, Integer> traffic) {
    return ServingEndpointInfo.from(
        http.json(
            "PUT",
            API + "/" + Transport.segment(name, "name") + "/config",
            Map.of(),
            config(entities, traffic),
            false));
  }

  /** One endpoint. */
  public ServingEndpointInfo get(String name) {
    return ServingEndpointInfo.from(
        http.json("GET", API + "/" + Transport.segment(name, "name"), Map.of(), null, true));
  }

  /** Every endpoint. */
  public List<ServingEndpointInfo> list() {
    List<ServingEndpointInfo> out = new ArrayList<>();
    for (JsonNode n : http.json("GET", API, Map.of(), null, true).path("endpoints")) {
      out.add(ServingEndpointInfo.from(n));
    }
    return out;
  }

  /** Deletes an endpoint. */
  public void delete(String name) {
    http.json("DELETE", API + "/" + Transport.segment(name, "name"), Map.of(), null, true);
  }

  /**
   * Polls every 200 ms until the endpoint is not {@code IN_PROGRESS}; returns its state (check
   * {@link ServingEndpointInfo#configUpdate()} for {@code UPDATE_FAILED}).
   *
   * @throws KeelClientException TIMEOUT if it is still updating after {@code timeout}
   */
  public ServingEndpointInfo awaitNotUpdating(String name, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ServingEndpointInfo e = get(name);
      if (!e.configUpdate().equals("IN_PROGRESS")) {
        return e;
      }
      if (System.nanoTime() > deadline) {
        throw KeelClientException.local(
            "TIMEOUT", "Serving endpoint '" + name + "' is still updating after " + timeout);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw KeelClientException.local("INTERRUPTED", "interrupted while waiting", ex);
      }
    }
  }

  /** Scores a JSON request ({@code dataframe_split}, {@code dataframe_records}, ...). */
  public EndpointQueryResult query(String name, JsonNode body) {
    Objects.requireNonNull(body, "body");
    return query(
        name,
        "application/json",
        KeelJson.write(body, false).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Scores a raw request body of this content type (JSON or {@code text/csv}). */
  public EndpointQueryResult query(String name, String contentType, byte[] body) {
    HttpRequest req =
        client
            .request(
                client.uri(
                    "/serving-endpoints/" + Transport.segment(name, "name") + "/invocations",
                    Map.of()))
            .timeout(client.requestTimeout)
            .header("Content-Type", contentType)
            .POST(BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<byte[]> resp = client.send(req, BodyHandlers.ofByteArray(), false, true);
    KeelClient.ensureOk(req, resp.statusCode(), resp.body());
    try {
      return new EndpointQueryResult(
          resp.headers().firstValue("served-model-name").orElse(""),
          KeelJson.MAPPER.readTree(resp.body()));
    } catch (IOException e) {
      throw KeelClientException.local(
          KeelClientException.INVALID_RESPONSE, "the scoring answer is not JSON", e);
    }
  }

  private static ObjectNode config(List<ServedEntitySpec> entities, Map<String, Integer> traffic) {
    ObjectNode c = KeelJson.object();
    ArrayNode es = c.putArray("served_entities");
    for (ServedEntitySpec e : entities) {
      ObjectNode o = es.addObject();
      if (!e.name().isEmpty()) {
        o.put("name", e.name());
      }
      o.put("entity_name", e.entityName());
      o.put("entity_version", e.entityVersion());
    }
    if (!traffic.isEmpty()) {
      ArrayNode rs = c.putObject("traffic_config").putArray("routes");
      traffic.forEach(
          (k, v) -> rs.addObject().put("served_entity_name", k).put("traffic_percentage", v));
    }
    return c;
  }
}
