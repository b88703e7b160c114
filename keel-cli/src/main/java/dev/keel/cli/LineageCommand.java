package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import dev.keel.client.LineageDirection;
import dev.keel.client.LineageGraph;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keel lineage NAME}: the lineage graph of a table, model, version, alias, run or endpoint,
 * printed as a tree (upstream: what it was built from; downstream: what was built from it).
 */
@Command(
    name = "lineage",
    description = {
      "Show where a table, model (catalog.schema.model, .../3 for one version, @alias for an"
          + " alias), run or serving endpoint came from and what was built from it, as a tree:"
          + " table snapshot -> training set -> run -> model version -> alias -> endpoint ->"
          + " inference table.",
      "--json (or -o json) prints the server's graph."
    },
    mixinStandardHelpOptions = true)
final class LineageCommand implements Callable<Integer> {
  @Mixin ClientOptions opts;

  @Parameters(paramLabel = "NAME", description = "Full name, run id or endpoint name.")
  String name;

  static final class Way {
    @Option(names = "--upstream", description = "Only what NAME was built from.")
    boolean upstream;

    @Option(names = "--downstream", description = "Only what was built from NAME.")
    boolean downstream;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Way way;

  @Option(
      names = "--depth",
      paramLabel = "N",
      description = "Most links to follow from NAME, 1 to 10 (default: the server's, 3).")
  Integer depth;

  @Option(names = "--json", description = "Print the graph as JSON (same as -o json).")
  boolean json;

  @Override
  public Integer call() {
    LineageDirection direction =
        way == null
            ? LineageDirection.BOTH
            : way.upstream ? LineageDirection.UPSTREAM : LineageDirection.DOWNSTREAM;
    try (KeelClient client = opts.client()) {
      LineageGraph g = client.lineage().graph(name, direction, depth == null ? 0 : depth);
      if (json) {
        opts.output = Output.Format.json;
      }
      Output out = opts.out();
      out.print(json(g), () -> out.tree(tree(g)));
    }
    return 0;
  }

  /** The graph as the server wrote it. */
  static ObjectNode json(LineageGraph g) {
    ObjectNode o = KeelJson.object();
    ObjectNode root = o.putObject("root");
    root.put("id", g.root().id()).put("type", g.root().type()).put("name", g.root().name());
    g.root().versions().forEach(v -> root.put("version", v));
    o.put("direction", g.direction().name());
    o.put("depth", g.depth());
    ArrayNode nodes = o.putArray("nodes");
    for (LineageGraph.Node n : g.nodes()) {
      ObjectNode j =
          nodes.addObject().put("id", n.id()).put("type", n.type()).put("name", n.name());
      if (n.type().equals("TABLE")) {
        ArrayNode a = j.putArray("snapshot_ids");
        n.snapshotIds().forEach(a::add);
      }
      if (n.type().equals("REGISTERED_MODEL") || n.type().equals("MODEL_ALIAS")) {
        ArrayNode a = j.putArray("versions");
        n.versions().forEach(a::add);
      }
    }
    ArrayNode edges = o.putArray("edges");
    for (LineageGraph.Edge e : g.edges()) {
      ObjectNode j =
          edges.addObject().put("from", e.from()).put("to", e.to()).put("kind", e.kind());
      e.snapshotId().ifPresent(v -> j.put("snapshot_id", v));
      e.version().ifPresent(v -> j.put("version", v));
      e.timestamp().ifPresent(v -> j.put("timestamp", v));
    }
    o.put("truncated", g.truncated());
    return o;
  }

  /** The root, then an {@code upstream} and/or a {@code downstream} branch. */
  static Output.Node tree(LineageGraph g) {
    OptionalLong pin =
        g.root().versions().isEmpty()
            ? OptionalLong.empty()
            : OptionalLong.of(g.root().versions().getFirst());
    List<Output.Node> sides = new ArrayList<>();
    if (g.direction() != LineageDirection.DOWNSTREAM) {
      sides.add(side(g, "upstream", true, pin));
    }
    if (g.direction() != LineageDirection.UPSTREAM) {
      sides.add(side(g, "downstream", false, pin));
    }
    String root = g.root().type() + " " + g.root().name();
    if (pin.isPresent()) {
      root += "  version " + pin.getAsLong();
    }
    if (g.truncated()) {
      root += "  (truncated: too many objects)";
    }
    return new Output.Node(root, sides);
  }

  private static Output.Node side(LineageGraph g, String label, boolean up, OptionalLong pin) {
    Set<String> onPath = new HashSet<>();
    onPath.add(g.root().id());
    List<Output.Node> children = children(g, g.root().id(), up, pin, onPath, g.depth());
    if (children.isEmpty()) {
      children = List.of(Output.Node.leaf("(nothing recorded)"));
    }
    return new Output.Node(label, children);
  }

  private static List<Output.Node> children(
      LineageGraph g, String id, boolean up, OptionalLong pin, Set<String> onPath, int left) {
    List<Output.Node> out = new ArrayList<>();
    if (left == 0) {
      return out;
    }
    for (LineageGraph.Edge e : g.edges()) {
      if (!(up ? e.to() : e.from()).equals(id)) {
        continue;
      }
      if (pin.isPresent()
          && e.version().isPresent()
          && e.version().getAsLong() != pin.getAsLong()) {
        continue; // another version of this model than the one followed here
      }
      String next = up ? e.from() : e.to();
      if (onPath.contains(next)) {
        continue;
      }
      LineageGraph.Node n = g.node(next).orElseThrow();
      boolean model = n.type().equals("REGISTERED_MODEL") || n.type().equals("MODEL_ALIAS");
      onPath.add(next);
      out.add(
          new Output.Node(
              line(n, e),
              children(g, next, up, model ? e.version() : OptionalLong.empty(), onPath, left - 1)));
      onPath.remove(next);
    }
    return out;
  }

  private static String line(LineageGraph.Node n, LineageGraph.Edge e) {
    StringBuilder sb = new StringBuilder(n.type()).append(' ').append(n.name());
    sb.append("  [").append(e.kind());
    e.snapshotId().ifPresent(s -> sb.append(", snapshot ").append(s));
    e.version().ifPresent(v -> sb.append(", version ").append(v));
    return sb.append(']').toString();
  }
}
