package dev.keel.catalog.lineage;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Walks the lineage graph from one securable over every {@link LineageSource}: breadth first,
 * upstream, downstream or both, to a bounded depth. A model (or alias) reached through an edge that
 * names a version is followed only along the edges of that version, so the lineage of an endpoint
 * serving version 3 leads to the run of version 3, not to those of every version. Thread-safe when
 * its sources are. What one caller may see of it is decided by {@link LineageView}.
 */
public final class LineageService {
  /** Depth when the caller gives none. */
  public static final int DEFAULT_DEPTH = 3;

  /** Deepest walk allowed. */
  public static final int MAX_DEPTH = 10;

  /** Most objects in one graph; a walk that reaches more stops and says it was truncated. */
  public static final int MAX_NODES = 1000;

  /** Which way to walk. */
  public enum Direction {
    /** Towards what the securable was built from. */
    UPSTREAM,
    /** Towards what was built from the securable. */
    DOWNSTREAM,
    /** Both ways (each walked separately from the root). */
    BOTH;

    /** Parses {@code upstream}, {@code downstream} or {@code both} (any case); 400 otherwise. */
    public static Direction parse(String field, String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw KeelException.invalid(
            "Invalid '"
                + field
                + "' '"
                + abbreviate(value)
                + "': use upstream, downstream or both.");
      }
    }
  }

  private final List<LineageSource> sources;

  /** A service over {@code sources} (each capability's links). */
  public LineageService(List<LineageSource> sources) {
    this.sources = List.copyOf(sources);
  }

  /**
   * The object {@code securable} names.
   *
   * @param type the kind of object meant, to tell apart a table and a model of the same name
   * @throws KeelException INVALID_PARAMETER_VALUE when the name is blank or names several objects
   *     and no type says which; NOT_FOUND when nothing has that name
   */
  public LineageSource.Root resolve(String securable, Optional<LineageNode.Type> type) {
    if (securable == null || securable.isBlank()) {
      throw KeelException.missing("securable");
    }
    int colon = securable.indexOf(':');
    if (type.isEmpty() && colon > 0) { // a node id, TYPE:name, as graphs name their nodes
      for (LineageNode.Type t : LineageNode.Type.values()) {
        if (t != LineageNode.Type.RESTRICTED && t.name().equals(securable.substring(0, colon))) {
          return resolve(securable.substring(colon + 1), Optional.of(t));
        }
      }
    }
    Map<LineageNode, LineageSource.Root> found = new LinkedHashMap<>();
    for (LineageSource s : sources) {
      s.resolve(securable)
          .filter(r -> type.isEmpty() || r.node().type() == type.get())
          .ifPresent(r -> found.putIfAbsent(r.node(), r));
    }
    if (found.isEmpty()) {
      throw KeelException.notFound(
          "No "
              + type.map(t -> t.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                  .orElse("table, registered model, alias, run or serving endpoint")
              + " named '"
              + abbreviate(securable)
              + "'.");
    }
    if (found.size() > 1) {
      throw KeelException.invalid(
          "'securable' '"
              + abbreviate(securable)
              + "' names several objects ("
              + String.join(", ", found.keySet().stream().map(n -> n.type().name()).toList())
              + "): pass 'securable_type' to say which.");
    }
    return found.values().iterator().next();
  }

  /**
   * Whether the caller {@code viewer} decides for may see {@code root} (see {@link LineageView}):
   * what its lineage needs.
   */
  public boolean visible(LineageSource.Root root, LineageView.Viewer viewer) {
    Optional<Boolean> governed = LineageView.governed(root.node(), viewer);
    if (governed.isPresent()) {
      return governed.get();
    }
    Set<LineageEdge> edges = new LinkedHashSet<>();
    walk(root, true, 1, edges, false);
    walk(root, false, 1, edges, false);
    return LineageView.decide(List.of(root.node()), edges, viewer).get(root.node());
  }

  /**
   * The lineage graph of {@code securable}, as {@code viewer}'s caller may see it: every node it
   * may not see replaced by an opaque restricted node (see {@link LineageView}).
   *
   * @param depth the most edges to walk from it, 1 to {@link #MAX_DEPTH}
   * @throws KeelException PERMISSION_DENIED when the caller may not see the securable itself
   */
  public LineageGraph graph(
      String securable,
      Optional<LineageNode.Type> type,
      Direction direction,
      int depth,
      LineageView.Viewer viewer) {
    if (depth < 1 || depth > MAX_DEPTH) {
      throw KeelException.invalid(
          "Invalid 'depth' " + depth + ": use a number from 1 to " + MAX_DEPTH + ".");
    }
    LineageSource.Root root = resolve(securable, type);
    Set<LineageEdge> edges = new LinkedHashSet<>();
    boolean truncated = false;
    if (direction != Direction.DOWNSTREAM) {
      truncated |= walk(root, true, depth, edges, false);
    }
    if (direction != Direction.UPSTREAM) {
      truncated |= walk(root, false, depth, edges, false);
    }
    requireVisible(root, viewer);
    Set<LineageNode> reached = new LinkedHashSet<>();
    edges.forEach(e -> reached.addAll(List.of(e.from(), e.to())));
    Map<LineageNode, Boolean> seen = LineageView.decide(reached, edges, viewer);
    seen.put(root.node(), true);
    List<LineageEdge> shown = LineageView.mask(edges, seen);
    return new LineageGraph(root, direction, depth, nodes(root, shown), shown, truncated);
  }

  /**
   * Table lineage in Unity Catalog's terms: the nearest tables upstream and downstream of a table
   * (walking through training sets, runs, models and endpoints, never past a table, up to {@link
   * #MAX_DEPTH} edges) and the objects directly linked to it.
   *
   * <p>Only what {@code viewer}'s caller may see is listed.
   *
   * @throws KeelException NOT_FOUND when no table has that name, PERMISSION_DENIED when the caller
   *     may not see it
   */
  public TableLineage tableLineage(String tableName, LineageView.Viewer viewer) {
    LineageSource.Root root = resolve(tableName, Optional.of(LineageNode.Type.TABLE));
    requireVisible(root, viewer);
    return new TableLineage(
        root.node(),
        side(root, true, viewer),
        side(root, false, viewer),
        neighbours(root, true, viewer),
        neighbours(root, false, viewer));
  }

  private void requireVisible(LineageSource.Root root, LineageView.Viewer viewer) {
    if (!visible(root, viewer)) {
      throw new KeelException(
          ErrorCode.PERMISSION_DENIED,
          "The caller may not see "
              + root.node().type().name()
              + " "
              + abbreviate(root.node().name())
              + ", so not its lineage.");
    }
  }

  /**
   * The lineage of one table, as {@code /lineage-tracking/table-lineage} returns it.
   *
   * @param table the table asked about
   * @param upstreams the nearest tables it was built from, with when the latest link was recorded
   * @param downstreams the nearest tables built from it
   * @param upstreamEntities the edges into the table from objects that are not tables
   * @param downstreamEntities the edges out of the table to objects that are not tables
   */
  public record TableLineage(
      LineageNode table,
      Map<LineageNode, OptionalLong> upstreams,
      Map<LineageNode, OptionalLong> downstreams,
      List<LineageEdge> upstreamEntities,
      List<LineageEdge> downstreamEntities) {}

  private Map<LineageNode, OptionalLong> side(
      LineageSource.Root root, boolean up, LineageView.Viewer viewer) {
    Set<LineageEdge> edges = new LinkedHashSet<>();
    walk(root, up, MAX_DEPTH, edges, true);
    Set<LineageNode> found = new LinkedHashSet<>();
    for (LineageEdge e : edges) {
      LineageNode n = up ? e.from() : e.to();
      if (n.type() == LineageNode.Type.TABLE && !n.equals(root.node())) {
        found.add(n);
      }
    }
    Map<LineageNode, Boolean> seen = LineageView.decide(found, edges, viewer);
    Map<LineageNode, OptionalLong> tables = new LinkedHashMap<>();
    for (LineageEdge e : edges) {
      LineageNode n = up ? e.from() : e.to();
      if (seen.getOrDefault(n, false)) {
        OptionalLong before = tables.getOrDefault(n, OptionalLong.empty());
        OptionalLong t = e.timestamp();
        tables.put(
            n,
            before.isPresent() && (t.isEmpty() || before.getAsLong() >= t.getAsLong())
                ? before
                : t);
      }
    }
    return tables;
  }

  private List<LineageEdge> neighbours(
      LineageSource.Root root, boolean up, LineageView.Viewer viewer) {
    Set<LineageEdge> edges = new LinkedHashSet<>();
    walk(root, up, 1, edges, true);
    List<LineageNode> others =
        edges.stream()
            .map(e -> up ? e.from() : e.to())
            .filter(n -> n.type() != LineageNode.Type.TABLE)
            .toList();
    Map<LineageNode, Boolean> seen = LineageView.decide(others, edges, viewer);
    return edges.stream().filter(e -> seen.getOrDefault(up ? e.from() : e.to(), false)).toList();
  }

  /** A node pinned to a version, as the walk visits it. */
  private record Visit(LineageNode node, OptionalLong version, int distance) {}

  /**
   * Walks one way from the root, adding edges; true when it stopped at {@link #MAX_NODES}.
   *
   * @param stopAtTables whether tables other than the root end the walk
   */
  private boolean walk(
      LineageSource.Root root,
      boolean up,
      int depth,
      Set<LineageEdge> edges,
      boolean stopAtTables) {
    Deque<Visit> queue = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    Set<LineageNode> reached = new HashSet<>();
    queue.add(new Visit(root.node(), root.version(), 0));
    seen.add(key(root.node(), root.version()));
    reached.add(root.node());
    while (!queue.isEmpty()) {
      Visit v = queue.poll();
      if (v.distance() >= depth) {
        continue;
      }
      for (LineageSource s : sources) {
        List<LineageEdge> found =
            up ? s.upstream(v.node(), v.version()) : s.downstream(v.node(), v.version());
        for (LineageEdge e : found) {
          if (v.version().isPresent()
              && e.version().isPresent()
              && e.version().getAsLong() != v.version().getAsLong()) {
            continue; // an edge of another version of this model
          }
          LineageNode next = up ? e.from() : e.to();
          if (!reached.contains(next) && reached.size() >= MAX_NODES) {
            return true;
          }
          edges.add(e);
          reached.add(next);
          OptionalLong pin = pinsVersion(next) ? e.version() : OptionalLong.empty();
          if (stopAtTables && next.type() == LineageNode.Type.TABLE) {
            continue;
          }
          if (seen.add(key(next, pin))) {
            queue.add(new Visit(next, pin, v.distance() + 1));
          }
        }
      }
    }
    return false;
  }

  private static boolean pinsVersion(LineageNode n) {
    return n.type() == LineageNode.Type.REGISTERED_MODEL
        || n.type() == LineageNode.Type.MODEL_ALIAS;
  }

  private static String key(LineageNode n, OptionalLong version) {
    return n.id() + (version.isPresent() ? "/" + version.getAsLong() : "");
  }

  private static List<LineageGraph.Node> nodes(LineageSource.Root root, List<LineageEdge> edges) {
    Map<LineageNode, TreeSet<Long>> snapshots = new LinkedHashMap<>();
    Map<LineageNode, TreeSet<Long>> versions = new LinkedHashMap<>();
    snapshots.put(root.node(), new TreeSet<>());
    versions.put(root.node(), new TreeSet<>());
    root.version().ifPresent(versions.get(root.node())::add);
    for (LineageEdge e : edges) {
      for (LineageNode n : List.of(e.from(), e.to())) {
        TreeSet<Long> s = snapshots.computeIfAbsent(n, x -> new TreeSet<>());
        TreeSet<Long> ver = versions.computeIfAbsent(n, x -> new TreeSet<>());
        if (n.type() == LineageNode.Type.TABLE && n.equals(e.from())) {
          e.snapshotId().ifPresent(s::add);
        }
        if (pinsVersion(n)) {
          e.version().ifPresent(ver::add);
        }
      }
    }
    List<LineageGraph.Node> out = new ArrayList<>();
    for (LineageNode n : snapshots.keySet()) {
      out.add(
          new LineageGraph.Node(n, List.copyOf(snapshots.get(n)), List.copyOf(versions.get(n))));
    }
    return out;
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
