package dev.keel.registry.http;

import static dev.keel.core.Privilege.CREATE;
import static dev.keel.core.Privilege.EDIT;
import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.METASTORE;
import static dev.keel.core.SecurableType.REGISTERED_MODEL;
import static dev.keel.core.SecurableType.RUN;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Principals;
import dev.keel.catalog.Viewer;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import dev.keel.registry.ModelVersion;
import dev.keel.registry.ModelVersionLineage;
import dev.keel.registry.RegisteredModel;
import dev.keel.registry.RegistryService;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/**
 * Unity Catalog REST for registered models and model versions under {@code
 * /api/2.1/unity-catalog/models} (databricks.md §1.2–§1.3), plus hosted Databricks' aliases ({@code
 * PUT/GET/DELETE .../aliases/{alias}}) and Keel's alias history ({@code GET
 * .../aliases/{alias}/history}). Errors use UC's codes.
 */
public final class UcModelRoutes implements ApiModule {
  public static final String PREFIX = "/api/2.1/unity-catalog";

  private final RegistryService registry;
  private final Principals principals;

  /**
   * Routes over {@code registry}.
   *
   * @param principals who a new {@code owner} may name
   */
  public UcModelRoutes(RegistryService registry, Principals principals) {
    this.registry = registry;
    this.principals = principals;
  }

  @Override
  public void routes(Routes r) {
    r.dialect(PREFIX, Dialect.UNITY_CATALOG);
    String models = PREFIX + "/models";
    String model = models + "/{full_name}";
    String version = model + "/versions/{version}";
    String alias = model + "/aliases/{alias}";
    Access.Resource named = ctx -> ctx.pathParam("full_name");
    Access read = Access.of(REGISTERED_MODEL, READ).on(named);
    Access edit = Access.of(REGISTERED_MODEL, EDIT).on(named);
    Access manage = Access.of(REGISTERED_MODEL, MANAGE).on(named);

    // before {full_name}, which would otherwise take "resolve" as a model name
    r.add(
        GET,
        models + "/resolve",
        Access.of(REGISTERED_MODEL, READ).on(UcModelRoutes::modelOfUri),
        this::resolve);
    r.add(
        POST,
        models,
        Access.of(REGISTERED_MODEL, CREATE).on(ctx -> inBody(ctx, "name")),
        this::createModel);
    // lists show what the caller may see
    r.add(GET, models, Access.of(METASTORE, READ).on(ctx -> "metastore"), this::listModels);
    r.add(GET, model, read, this::getModel);
    r.add(PATCH, model, manage, this::updateModel);
    r.add(DELETE, model, manage, this::deleteModel);

    r.add(
        POST,
        models + "/versions",
        Access.of(REGISTERED_MODEL, EDIT).on(ctx -> inBody(ctx, "model_name")),
        this::createVersion);
    r.add(POST, model + "/versions", edit, this::createVersion);
    r.add(GET, model + "/versions", read, this::listVersions);
    r.add(GET, version, read, this::getVersion);
    r.add(PATCH, version, edit, this::updateVersion);
    r.add(DELETE, version, manage, this::deleteVersion);
    r.add(PATCH, version + "/finalize", edit, this::finalizeVersion);

    r.add(PUT, alias, edit, this::setAlias);
    r.add(GET, alias, read, this::getByAlias);
    r.add(DELETE, alias, edit, this::deleteAlias);
    r.add(GET, alias + "/history", read, this::aliasHistory);

    r.add(GET, model + "/lineage", read, this::modelLineage);
    r.add(GET, version + "/lineage", read, this::versionLineage);
    r.add(
        GET,
        PREFIX + "/lineage/runs/{run_id}",
        Access.of(RUN, READ).on(ctx -> ctx.pathParam("run_id")),
        this::runLineage);
  }

  // ---------------------------------------------------------------- models

  private void createModel(Context ctx) {
    Request req = body(ctx);
    RegisteredModel m =
        registry.createModel(
            req.string("catalog_name").orElse(""),
            req.string("schema_name").orElse(""),
            req.string("name").orElse(""),
            req.string("comment"),
            Map.of(),
            Caller.get(ctx).name());
    Json.write(ctx, RegistryJson.ucModel(m, true));
  }

  private void listModels(Context ctx) {
    Page<RegisteredModel> page =
        registry.listModels(
            Optional.ofNullable(ctx.queryParam("catalog_name")),
            Optional.ofNullable(ctx.queryParam("schema_name")),
            query(ctx).int64("max_results"),
            Optional.ofNullable(ctx.queryParam("page_token")),
            Viewer.of(Caller.get(ctx)));
    boolean aliases = includeAliases(ctx);
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("registered_models");
    page.items().forEach(m -> a.add(RegistryJson.ucModel(m, aliases)));
    page.nextPageToken().ifPresent(t -> n.put("next_page_token", t));
    Json.write(ctx, n);
  }

  private void getModel(Context ctx) {
    Json.write(
        ctx,
        RegistryJson.ucModel(registry.getModel(ctx.pathParam("full_name")), includeAliases(ctx)));
  }

  private void updateModel(Context ctx) {
    Request req = body(ctx);
    RegisteredModel current = registry.getModel(ctx.pathParam("full_name"));
    Optional<String> newName =
        req.string("new_name")
            .filter(s -> !s.isEmpty())
            .map(
                s ->
                    s.contains(".")
                        ? s
                        : current.catalogName() + "." + current.schemaName() + "." + s);
    newName.ifPresent(n -> requireCreateIfMoved(ctx, current.fullName(), n));
    // The new owner is checked before anything changes; stored as the identity spells it.
    Optional<String> owner =
        req.string("owner")
            .map(o -> principals.require("owner", CatalogService.checkOwner(o)).name());
    RegisteredModel m = registry.updateModel(current.fullName(), newName, req.string("comment"));
    if (owner.isPresent()) {
      m = registry.setModelOwner(m.fullName(), owner.get(), Caller.get(ctx).name());
    }
    Json.write(ctx, RegistryJson.ucModel(m, true));
  }

  private void deleteModel(Context ctx) {
    registry.deleteModel(ctx.pathParam("full_name"), !force(ctx));
    Json.write(ctx, Json.object());
  }

  // ---------------------------------------------------------------- versions

  private void createVersion(Context ctx) {
    Request req = body(ctx);
    String fullName =
        ctx.pathParamMap().containsKey("full_name")
            ? ctx.pathParam("full_name")
            : req.string("catalog_name").orElse("")
                + "."
                + req.string("schema_name").orElse("")
                + "."
                + req.string("model_name").orElse("");
    SourceAccess.requireReadable(ctx, req.string("source").orElse(""), req.string("run_id"));
    ModelVersion v =
        registry.createVersion(
            fullName,
            req.string("source").orElse(""),
            req.string("run_id"),
            req.string("comment"),
            Map.of());
    Json.write(ctx, RegistryJson.ucVersion(v, true));
  }

  private void listVersions(Context ctx) {
    Page<ModelVersion> page =
        registry.listVersions(
            ctx.pathParam("full_name"),
            query(ctx).int64("max_results"),
            Optional.ofNullable(ctx.queryParam("page_token")));
    boolean aliases = includeAliases(ctx);
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("model_versions");
    page.items().forEach(v -> a.add(RegistryJson.ucVersion(v, aliases)));
    page.nextPageToken().ifPresent(t -> n.put("next_page_token", t));
    Json.write(ctx, n);
  }

  private void getVersion(Context ctx) {
    ModelVersion v = registry.getVersion(ctx.pathParam("full_name"), version(ctx));
    Json.write(ctx, RegistryJson.ucVersion(v, includeAliases(ctx)));
  }

  private void updateVersion(Context ctx) {
    Request req = body(ctx);
    ModelVersion v =
        req.string("comment").isPresent()
            ? registry.updateVersion(
                ctx.pathParam("full_name"), version(ctx), req.string("comment").get())
            : registry.getVersion(ctx.pathParam("full_name"), version(ctx));
    Json.write(ctx, RegistryJson.ucVersion(v, true));
  }

  private void deleteVersion(Context ctx) {
    registry.deleteVersion(ctx.pathParam("full_name"), version(ctx));
    Json.write(ctx, Json.object());
  }

  private void finalizeVersion(Context ctx) {
    body(ctx);
    ModelVersion v = registry.finalizeVersion(ctx.pathParam("full_name"), version(ctx));
    Json.write(ctx, RegistryJson.ucVersion(v, true));
  }

  // ---------------------------------------------------------------- aliases

  private void setAlias(Context ctx) {
    Request req = body(ctx);
    long v = req.requiredInt64("version_num");
    String fullName = ctx.pathParam("full_name");
    registry.setAlias(fullName, ctx.pathParam("alias"), v);
    ModelVersion mv = registry.versionByAlias(fullName, ctx.pathParam("alias"));
    Json.write(
        ctx,
        RegistryJson.ucAlias(
            mv.catalogName(),
            mv.schemaName(),
            mv.modelName(),
            RegistryService.alias(ctx.pathParam("alias")),
            mv.version()));
  }

  private void getByAlias(Context ctx) {
    ModelVersion v = registry.versionByAlias(ctx.pathParam("full_name"), ctx.pathParam("alias"));
    Json.write(ctx, RegistryJson.ucVersion(v, true));
  }

  private void deleteAlias(Context ctx) {
    registry.deleteAlias(ctx.pathParam("full_name"), ctx.pathParam("alias"));
    Json.write(ctx, Json.object());
  }

  private void aliasHistory(Context ctx) {
    String alias = RegistryService.alias(ctx.pathParam("alias"));
    ObjectNode n = Json.object();
    n.put("alias_name", alias);
    ArrayNode a = n.putArray("history");
    registry
        .aliasHistory(ctx.pathParam("full_name"), alias)
        .forEach(m -> a.add(RegistryJson.ucMove(m)));
    Json.write(ctx, n);
  }

  // ---------------------------------------------------------------- lineage and URIs

  private void modelLineage(Context ctx) {
    RegisteredModel m = registry.getModel(ctx.pathParam("full_name"));
    Page<ModelVersionLineage> page =
        registry.modelLineage(
            m.fullName(),
            query(ctx).int64("max_results"),
            Optional.ofNullable(ctx.queryParam("page_token")));
    ObjectNode n = Json.object();
    n.put("full_name", m.fullName());
    n.put("catalog_name", m.catalogName());
    n.put("schema_name", m.schemaName());
    n.put("name", m.name());
    ArrayNode a = n.putArray("model_versions");
    page.items().forEach(l -> a.add(RegistryJson.ucLineage(l)));
    page.nextPageToken().ifPresent(t -> n.put("next_page_token", t));
    Json.write(ctx, n);
  }

  private void versionLineage(Context ctx) {
    ModelVersionLineage l = registry.versionLineage(ctx.pathParam("full_name"), version(ctx));
    ObjectNode n = RegistryJson.ucLineage(l);
    n.put("full_name", l.version().modelFullName());
    n.put("catalog_name", l.version().catalogName());
    n.put("schema_name", l.version().schemaName());
    n.put("model_name", l.version().modelName());
    Json.write(ctx, n);
  }

  private void runLineage(Context ctx) {
    String runId = ctx.pathParam("run_id");
    ObjectNode n = Json.object();
    n.put("run_id", runId);
    ArrayNode a = n.putArray("model_versions");
    for (ModelVersion v : registry.versionsFromRun(runId)) {
      ObjectNode o = a.addObject();
      o.put("full_name", v.modelFullName());
      o.put("catalog_name", v.catalogName());
      o.put("schema_name", v.schemaName());
      o.put("model_name", v.modelName());
      o.put("version", v.version());
      o.put("status", v.status().name());
      o.put("created_at", v.createdAt());
      ArrayNode al = o.putArray("aliases");
      v.aliases().forEach(al::add);
    }
    Json.write(ctx, n);
  }

  private void resolve(Context ctx) {
    String uri = ctx.queryParam("uri");
    if (uri == null || uri.isEmpty()) {
      throw new KeelException(ErrorCode.INVALID_ARGUMENT, "Missing required parameter 'uri'.");
    }
    Json.write(ctx, RegistryJson.ucVersion(registry.resolve(uri), true));
  }

  // ---------------------------------------------------------------- parsing

  /**
   * Moving a model to another schema creates it there: the caller needs CREATE MODEL in the target
   * schema too (renaming within its schema needs only the model's MANAGE).
   */
  static void requireCreateIfMoved(Context ctx, String from, String to) {
    int f = from.lastIndexOf('.');
    int t = to.lastIndexOf('.');
    if (t < 0 || !from.substring(0, f).equalsIgnoreCase(to.substring(0, t))) {
      Caller.require(ctx, REGISTERED_MODEL, to, CREATE);
    }
  }

  /**
   * {@code catalog_name.schema_name.<field>} from the body: the model a request creates or uses.
   */
  private static String inBody(Context ctx, String field) {
    Request req = body(ctx);
    return req.string("catalog_name").orElse("")
        + "."
        + req.string("schema_name").orElse("")
        + "."
        + req.string(field).orElse("");
  }

  /** The model of {@code ?uri=models:/catalog.schema.model/1} (or {@code @alias}). */
  private static String modelOfUri(Context ctx) {
    String uri = ctx.queryParam("uri");
    if (uri == null || uri.isEmpty()) {
      throw new KeelException(ErrorCode.INVALID_ARGUMENT, "Missing required parameter 'uri'.");
    }
    String rest = uri.startsWith("models:/") ? uri.substring("models:/".length()) : uri;
    int end = rest.length();
    for (char c : new char[] {'/', '@'}) {
      int i = rest.indexOf(c);
      if (i >= 0) {
        end = Math.min(end, i);
      }
    }
    return rest.substring(0, end);
  }

  private static Request body(Context ctx) {
    return Request.ofNode(
        Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE), "body");
  }

  private static Request query(Context ctx) {
    return Request.of(ctx);
  }

  /** {@code ?force=true|false}, case-insensitive; absent is false. */
  private static boolean force(Context ctx) {
    String v = ctx.queryParam("force");
    if (v == null || v.isEmpty() || v.equalsIgnoreCase("false")) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    throw new KeelException(
        ErrorCode.INVALID_ARGUMENT, "Invalid value for 'force': expected true or false.");
  }

  private static boolean includeAliases(Context ctx) {
    return "true".equalsIgnoreCase(ctx.queryParam("include_aliases"));
  }

  private static long version(Context ctx) {
    String s = ctx.pathParam("version");
    try {
      long v = Long.parseLong(s);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new KeelException(
        ErrorCode.INVALID_ARGUMENT, "'version' must be a positive integer (got '" + s + "').");
  }
}
