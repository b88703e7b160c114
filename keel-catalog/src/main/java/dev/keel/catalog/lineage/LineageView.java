package dev.keel.catalog.lineage;

import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one caller may see of the lineage graph. Each node is decided by the authorizer of the
 * securable that governs it, for {@link Privilege#BROWSE}: a table by its Unity Catalog grants
 * ({@code BROWSE} or {@code SELECT}), a model and its aliases by the model's ({@code BROWSE} or
 * {@code EXECUTE}), a run and the training set logged to it by the run's experiment ({@code
 * CAN_READ}), an endpoint by its object permissions ({@code CAN_VIEW}). A node that no securable
 * governs (a dataset, a table Keel does not hold that a run logged as an input, an inference table
 * not written yet) is seen when an object it is linked to is seen: the run or endpoint that
 * recorded it. As Databricks' lineage masks what a user may not see, a node the caller may not see
 * is replaced by an opaque {@link LineageNode.Type#RESTRICTED} node without a name, and the edges
 * touching it carry neither snapshot, version nor time.
 */
public final class LineageView {
  /** Decides for one caller whether it has a privilege on a securable. */
  @FunctionalInterface
  public interface Viewer {
    /** Whether the caller has it; empty when no such securable exists. */
    Optional<Boolean> may(SecurableType type, String name, Privilege privilege);
  }

  /** Sees everything: administrators and servers without authentication. */
  public static final Viewer ALL = (type, name, privilege) -> Optional.of(true);

  private LineageView() {}

  /** Whether the caller may see {@code node}; empty when no securable governs it. */
  static Optional<Boolean> governed(LineageNode node, Viewer viewer) {
    String name = node.name();
    return switch (node.type()) {
      case TABLE -> viewer.may(SecurableType.TABLE, name, Privilege.BROWSE);
      case REGISTERED_MODEL -> viewer.may(SecurableType.REGISTERED_MODEL, name, Privilege.BROWSE);
      case MODEL_ALIAS ->
          name.lastIndexOf('@') < 0
              ? Optional.empty()
              : viewer.may(
                  SecurableType.REGISTERED_MODEL,
                  name.substring(0, name.lastIndexOf('@')),
                  Privilege.BROWSE);
      case RUN, TRAINING_SET -> viewer.may(SecurableType.RUN, name, Privilege.BROWSE);
      case SERVING_ENDPOINT -> viewer.may(SecurableType.SERVING_ENDPOINT, name, Privilege.BROWSE);
      case DATASET, RESTRICTED -> Optional.empty();
    };
  }

  /**
   * Which of {@code nodes} the caller may see: governed nodes as their authorizer says, the others
   * when an edge links them to a governed node the caller may see.
   */
  static Map<LineageNode, Boolean> decide(
      Collection<LineageNode> nodes, Collection<LineageEdge> edges, Viewer viewer) {
    Map<LineageNode, Optional<Boolean>> governed = new HashMap<>();
    for (LineageNode n : nodes) {
      governed.put(n, governed(n, viewer));
    }
    for (LineageEdge e : edges) {
      for (LineageNode n : List.of(e.from(), e.to())) {
        governed.computeIfAbsent(n, x -> governed(x, viewer));
      }
    }
    Map<LineageNode, Boolean> seen = new LinkedHashMap<>();
    for (LineageNode n : nodes) {
      Optional<Boolean> g = governed.get(n);
      seen.put(
          n,
          g.orElseGet(
              () ->
                  edges.stream()
                      .filter(e -> e.from().equals(n) || e.to().equals(n))
                      .map(e -> e.from().equals(n) ? e.to() : e.from())
                      .anyMatch(other -> governed.get(other).orElse(false))));
    }
    return seen;
  }

  /**
   * The edges with every node the caller may not see replaced by a numbered {@link
   * LineageNode.Type#RESTRICTED} node (the same node the same number), stripped of what they say
   * about it.
   */
  static List<LineageEdge> mask(Collection<LineageEdge> edges, Map<LineageNode, Boolean> seen) {
    Map<LineageNode, LineageNode> masks = new HashMap<>();
    List<LineageEdge> out = new ArrayList<>(edges.size());
    for (LineageEdge e : edges) {
      boolean from = seen.getOrDefault(e.from(), false);
      boolean to = seen.getOrDefault(e.to(), false);
      if (from && to) {
        out.add(e);
        continue;
      }
      out.add(
          LineageEdge.of(
              from ? e.from() : masks.computeIfAbsent(e.from(), x -> restricted(masks.size())),
              to ? e.to() : masks.computeIfAbsent(e.to(), x -> restricted(masks.size())),
              e.kind(),
              OptionalLong.empty()));
    }
    return out;
  }

  private static LineageNode restricted(int index) {
    return new LineageNode(LineageNode.Type.RESTRICTED, Integer.toString(index + 1));
  }
}
