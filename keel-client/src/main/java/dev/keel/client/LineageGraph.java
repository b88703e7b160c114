package dev.keel.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The lineage graph of one securable, as {@code GET /api/2.0/lineage-tracking/graph} answers.
 *
 * @param root the securable asked about ({@link Node#versions()} holds the version it pins, if any)
 * @param direction {@code UPSTREAM}, {@code DOWNSTREAM} or {@code BOTH}
 * @param depth the most edges walked from the root
 * @param nodes every object reached, the root first
 * @param edges every edge walked, from upstream to downstream
 * @param truncated true when the server stopped at its cap of objects
 */
public record LineageGraph(
    Node root,
    LineageDirection direction,
    int depth,
    List<Node> nodes,
    List<Edge> edges,
    boolean truncated) {

  public LineageGraph {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(direction, "direction");
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /**
   * An object of the graph.
   *
   * @param id {@code TYPE:name}, as edges name it
   * @param type {@code TABLE}, {@code DATASET}, {@code TRAINING_SET}, {@code RUN}, {@code
   *     REGISTERED_MODEL}, {@code MODEL_ALIAS} or {@code SERVING_ENDPOINT}
   * @param name full name, id or name (a training set is named by its run's id); empty for a {@code
   *     RESTRICTED} node, an object the caller may not see
   * @param snapshotIds tables: the snapshot ids the graph's edges read
   * @param versions models and aliases: the versions the graph's edges concern
   */
  public record Node(
      String id, String type, String name, List<Long> snapshotIds, List<Long> versions) {
    public Node {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(name, "name");
      snapshotIds = List.copyOf(snapshotIds);
      versions = List.copyOf(versions);
    }
  }

  /**
   * A link from an upstream object to a downstream one.
   *
   * @param from the upstream node's id
   * @param to the downstream node's id
   * @param kind {@code SPINE}, {@code FEATURES}, {@code TRAINING_SET}, {@code DATASET_INPUT},
   *     {@code MODEL_VERSION}, {@code ALIAS}, {@code SERVES} or {@code INFERENCE_LOG}
   * @param snapshotId the table snapshot read, when recorded
   * @param version the model version concerned, when any
   * @param timestamp when the link was recorded (ms since the epoch), when known
   */
  public record Edge(
      String from,
      String to,
      String kind,
      OptionalLong snapshotId,
      OptionalLong version,
      OptionalLong timestamp) {
    public Edge {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(snapshotId, "snapshotId");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(timestamp, "timestamp");
    }
  }

  /** The node with this id, if the graph has it. */
  public Optional<Node> node(String id) {
    return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
  }
}
