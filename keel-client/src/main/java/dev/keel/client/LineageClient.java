package dev.keel.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The lineage graph ({@code /api/2.0/lineage-tracking/graph}): where a table, model, version,
 * alias, run or serving endpoint came from and what was built from it. Get one from {@link
 * KeelClient#lineage()}.
 *
 * <pre>{@code
 * LineageGraph g = keel.lineage().graph("main.ml.churn@champion", LineageDirection.UPSTREAM, 6);
 * g.edges().forEach(e -> System.out.println(e.from() + " -" + e.kind() + "-> " + e.to()));
 * }</pre>
 *
 * <p>Every call throws {@link KeelClientException} on failure. Instances are thread-safe views over
 * their {@link KeelClient}.
 */
public final class LineageClient {
  /** The deepest walk the server allows. */
  public static final int MAX_DEPTH = 10;

  private final KeelClient client;

  LineageClient(KeelClient client) {
    this.client = client;
  }

  /** The graph both ways, to the server's default depth (3). */
  public LineageGraph graph(String securable) {
    return graph(securable, LineageDirection.BOTH, 0);
  }

  /**
   * The lineage graph of a securable.
   *
   * @param securable a table's or model's full name, {@code catalog.schema.model/3} (one version),
   *     {@code catalog.schema.model@alias}, a run id or an endpoint name
   * @param direction which way to walk
   * @param depth the most edges to walk, 1 to {@value #MAX_DEPTH}; 0 for the server's default
   * @throws KeelClientException {@code RESOURCE_DOES_NOT_EXIST} (404) when nothing has that name,
   *     {@code INVALID_PARAMETER_VALUE} (400) for a bad depth or a name that a table and a model
   *     share
   */
  public LineageGraph graph(String securable, LineageDirection direction, int depth) {
    Objects.requireNonNull(securable, "securable");
    Objects.requireNonNull(direction, "direction");
    Map<String, List<String>> query = new java.util.LinkedHashMap<>();
    query.put("securable", List.of(securable));
    query.put("direction", List.of(direction.name().toLowerCase(Locale.ROOT)));
    if (depth != 0) {
      query.put("depth", List.of(Integer.toString(depth)));
    }
    JsonNode resp =
        client.call(
            client
                .request(client.uri("/api/2.0/lineage-tracking/graph", query))
                .timeout(client.requestTimeout)
                .GET(),
            true,
            true);
    return graph(resp);
  }

  static LineageGraph graph(JsonNode j) {
    JsonNode r = j.path("root");
    LineageGraph.Node root =
        new LineageGraph.Node(
            r.path("id").asText(),
            r.path("type").asText(),
            r.path("name").asText(),
            List.of(),
            r.has("version") ? List.of(r.path("version").asLong()) : List.of());
    List<LineageGraph.Node> nodes = new ArrayList<>();
    for (JsonNode n : j.path("nodes")) {
      nodes.add(
          new LineageGraph.Node(
              n.path("id").asText(),
              n.path("type").asText(),
              n.path("name").asText(),
              longs(n.path("snapshot_ids")),
              longs(n.path("versions"))));
    }
    List<LineageGraph.Edge> edges = new ArrayList<>();
    for (JsonNode e : j.path("edges")) {
      edges.add(
          new LineageGraph.Edge(
              e.path("from").asText(),
              e.path("to").asText(),
              e.path("kind").asText(),
              optionalLong(e, "snapshot_id"),
              optionalLong(e, "version"),
              optionalLong(e, "timestamp")));
    }
    return new LineageGraph(
        root,
        LineageDirection.valueOf(j.path("direction").asText("BOTH")),
        j.path("depth").asInt(),
        nodes,
        edges,
        j.path("truncated").asBoolean());
  }

  private static List<Long> longs(JsonNode a) {
    List<Long> out = new ArrayList<>();
    a.forEach(x -> out.add(x.asLong()));
    return out;
  }

  private static OptionalLong optionalLong(JsonNode o, String field) {
    return o.hasNonNull(field) ? OptionalLong.of(o.path(field).asLong()) : OptionalLong.empty();
  }
}
