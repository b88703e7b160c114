package dev.keel.catalog.lineage;

import java.util.List;
import java.util.Objects;

/**
 * The lineage of one securable: the objects reached from it and the edges between them.
 *
 * @param root the securable asked about
 * @param direction which way the graph was walked
 * @param depth the most edges walked from the root
 * @param nodes every object reached, the root first
 * @param edges every edge walked, upstream to downstream
 * @param truncated true when the walk stopped at {@link LineageService#MAX_NODES} objects
 */
public record LineageGraph(
    LineageSource.Root root,
    LineageService.Direction direction,
    int depth,
    List<Node> nodes,
    List<LineageEdge> edges,
    boolean truncated) {

  public LineageGraph {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(direction, "direction");
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /**
   * An object of the graph with what its edges pin.
   *
   * @param node the object
   * @param snapshotIds for tables: the snapshot ids its edges name, ascending
   * @param versions for models and aliases: the versions its edges (or the root) name, ascending
   */
  public record Node(LineageNode node, List<Long> snapshotIds, List<Long> versions) {
    public Node {
      Objects.requireNonNull(node, "node");
      snapshotIds = List.copyOf(snapshotIds);
      versions = List.copyOf(versions);
    }
  }
}
