package dev.keel.catalog.http;

import static dev.keel.core.Privilege.READ;
import static io.javalin.http.HandlerType.GET;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.lineage.LineageEdge;
import dev.keel.catalog.lineage.LineageGraph;
import dev.keel.catalog.lineage.LineageNode;
import dev.keel.catalog.lineage.LineageService;
import dev.keel.catalog.lineage.LineageView;
import dev.keel.core.KeelException;
import dev.keel.core.SecurableType;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The lineage API under {@code /api/2.0/lineage-tracking}: Keel's graph of any securable ({@code
 * /graph}) and Databricks' table lineage ({@code /table-lineage}) over the same links, in
 * Databricks' error dialect.
 */
public final class LineageRoutes implements ApiModule {
  /** The lineage API prefix (Databricks'). */
  public static final String PREFIX = "/api/2.0/lineage-tracking";

  private static final DateTimeFormatter LINEAGE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.S").withZone(ZoneOffset.UTC);

  private final LineageService lineage;

  public LineageRoutes(LineageService lineage) {
    this.lineage = lineage;
  }

  @Override
  public void routes(Routes r) {
    r.dialect(PREFIX, Dialect.DATABRICKS);
    // Whoever may see the securable may read its lineage; the graph shows the rest node by node.
    r.add(
        GET,
        PREFIX + "/graph",
        Access.of(SecurableType.LINEAGE, READ).on(LineageRoutes::root),
        this::graph);
    r.add(
        GET,
        PREFIX + "/table-lineage",
        Access.of(SecurableType.LINEAGE, READ)
            .on(ctx -> LineageNode.table(Request.of(ctx).required("table_name")).id()),
        this::tableLineage);
  }

  /** The securable a graph starts from, as a node id when {@code securable_type} says which. */
  private static String root(Context ctx) {
    Request req = Request.of(ctx);
    String securable = req.required("securable");
    return req.string("securable_type")
        .map(t -> new LineageNode(nodeType(t), securable).id())
        .orElse(securable);
  }

  /** What the caller may see, as the authorization guard decides. */
  private static LineageView.Viewer viewer(Context ctx) {
    return (type, name, privilege) -> Caller.may(ctx, type, name, privilege);
  }

  private void graph(Context ctx) {
    Request req = onlyParameters(ctx, List.of("securable", "securable_type", "direction", "depth"));
    String securable = req.required("securable");
    Optional<LineageNode.Type> type = req.string("securable_type").map(LineageRoutes::nodeType);
    LineageService.Direction direction =
        req.string("direction")
            .map(d -> LineageService.Direction.parse("direction", d))
            .orElse(LineageService.Direction.BOTH);
    OptionalLong depth = req.int64("depth");
    if (depth.isPresent()
        && (depth.getAsLong() < 1 || depth.getAsLong() > LineageService.MAX_DEPTH)) {
      throw KeelException.invalid(
          "Invalid 'depth' "
              + depth.getAsLong()
              + ": use a number from 1 to "
              + LineageService.MAX_DEPTH
              + ".");
    }
    LineageGraph g =
        lineage.graph(
            securable,
            type,
            direction,
            (int) depth.orElse(LineageService.DEFAULT_DEPTH),
            viewer(ctx));
    Json.write(ctx, graphJson(g));
  }

  /**
   * The request (query string, or a JSON body as Databricks clients send on GET), refusing
   * parameters other than {@code accepted} with a 400 naming them.
   */
  private static Request onlyParameters(Context ctx, List<String> accepted) {
    List<String> unknown =
        ctx.queryParamMap().keySet().stream().filter(k -> !accepted.contains(k)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw KeelException.invalid(
          "Unknown parameter"
              + (unknown.size() == 1 ? " '" : "s '")
              + String.join("', '", unknown)
              + "': accepted are "
              + String.join(", ", accepted)
              + ".");
    }
    return Request.of(ctx).onlyFields(accepted);
  }

  private static LineageNode.Type nodeType(String value) {
    try {
      LineageNode.Type t = LineageNode.Type.valueOf(value.trim().toUpperCase(Locale.ROOT));
      if (t == LineageNode.Type.RESTRICTED) {
        throw new IllegalArgumentException("not a securable's type");
      }
      return t;
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid(
          "Invalid 'securable_type' '"
              + (value.length() > 100 ? value.substring(0, 100) + "..." : value)
              + "': use one of "
              + String.join(
                  ", ",
                  List.of(LineageNode.Type.values()).stream()
                      .filter(t -> t != LineageNode.Type.RESTRICTED)
                      .map(Enum::name)
                      .toList())
              + ".");
    }
  }

  static ObjectNode graphJson(LineageGraph g) {
    ObjectNode out = Json.object();
    ObjectNode root = out.putObject("root");
    root.put("id", g.root().node().id());
    root.put("type", g.root().node().type().name());
    root.put("name", g.root().node().name());
    g.root().version().ifPresent(v -> root.put("version", v));
    out.put("direction", g.direction().name());
    out.put("depth", g.depth());
    ArrayNode nodes = out.putArray("nodes");
    for (LineageGraph.Node n : g.nodes()) {
      ObjectNode o = nodes.addObject();
      o.put("id", n.node().id());
      o.put("type", n.node().type().name());
      if (n.node().type() != LineageNode.Type.RESTRICTED) {
        o.put("name", n.node().name());
      }
      if (n.node().type() == LineageNode.Type.TABLE) {
        ArrayNode ids = o.putArray("snapshot_ids");
        n.snapshotIds().forEach(ids::add);
      }
      if (n.node().type() == LineageNode.Type.REGISTERED_MODEL
          || n.node().type() == LineageNode.Type.MODEL_ALIAS) {
        ArrayNode vs = o.putArray("versions");
        n.versions().forEach(vs::add);
      }
    }
    ArrayNode edges = out.putArray("edges");
    for (LineageEdge e : g.edges()) {
      ObjectNode o = edges.addObject();
      o.put("from", e.from().id());
      o.put("to", e.to().id());
      o.put("kind", e.kind().name());
      e.snapshotId().ifPresent(v -> o.put("snapshot_id", v));
      e.version().ifPresent(v -> o.put("version", v));
      e.timestamp().ifPresent(v -> o.put("timestamp", v));
    }
    out.put("truncated", g.truncated());
    return out;
  }

  private void tableLineage(Context ctx) {
    Request req = onlyParameters(ctx, List.of("table_name", "include_entity_lineage"));
    String table = req.required("table_name");
    boolean entities = req.bool("include_entity_lineage").orElse(false);
    LineageService.TableLineage t = lineage.tableLineage(table, viewer(ctx));
    ObjectNode out = Json.object();
    ArrayNode up = out.putArray("upstreams");
    tables(up, t.upstreams());
    if (entities) {
      t.upstreamEntities().forEach(e -> entity(up.addObject(), e.from(), e));
    }
    ArrayNode down = out.putArray("downstreams");
    tables(down, t.downstreams());
    if (entities) {
      t.downstreamEntities().forEach(e -> entity(down.addObject(), e.to(), e));
    }
    Json.write(ctx, out);
  }

  private static void tables(ArrayNode into, Map<LineageNode, OptionalLong> tables) {
    tables.forEach(
        (n, at) -> {
          ObjectNode info = into.addObject().putObject("tableInfo");
          String[] parts = n.name().split("\\.", 3);
          info.put("name", parts.length == 3 ? parts[2] : n.name());
          if (parts.length == 3) {
            info.put("catalog_name", parts[0]);
            info.put("schema_name", parts[1]);
          }
          info.put("table_type", "TABLE");
          at.ifPresent(
              ms -> info.put("lineage_timestamp", LINEAGE_TIME.format(Instant.ofEpochMilli(ms))));
        });
  }

  /** An entry for a linked object that is not a table: Keel's {@code *Infos} (extensions). */
  private static void entity(ObjectNode entry, LineageNode n, LineageEdge e) {
    ObjectNode info;
    switch (n.type()) {
      case RUN -> info = entry.putArray("runInfos").addObject().put("run_id", n.name());
      case TRAINING_SET ->
          info = entry.putArray("trainingSetInfos").addObject().put("run_id", n.name());
      case DATASET -> info = entry.putArray("datasetInfos").addObject().put("name", n.name());
      case SERVING_ENDPOINT ->
          info = entry.putArray("servingEndpointInfos").addObject().put("name", n.name());
      case REGISTERED_MODEL ->
          info = entry.putArray("modelVersionInfos").addObject().put("model_name", n.name());
      case MODEL_ALIAS ->
          info = entry.putArray("modelAliasInfos").addObject().put("name", n.name());
      default -> info = entry.putObject("tableInfo").put("name", n.name());
    }
    e.snapshotId().ifPresent(v -> info.put("snapshot_id", v));
    e.version().ifPresent(v -> info.put("version", v));
    e.timestamp()
        .ifPresent(
            ms -> info.put("lineage_timestamp", LINEAGE_TIME.format(Instant.ofEpochMilli(ms))));
  }
}
