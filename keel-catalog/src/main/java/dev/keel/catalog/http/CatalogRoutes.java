package dev.keel.catalog.http;

import static dev.keel.core.Privilege.CREATE;
import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.CATALOG;
import static dev.keel.core.SecurableType.METASTORE;
import static dev.keel.core.SecurableType.SCHEMA;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.Catalog;
import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Changes;
import dev.keel.catalog.GrantService;
import dev.keel.catalog.Names;
import dev.keel.catalog.Principals;
import dev.keel.catalog.Schema;
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
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Unity Catalog REST for catalogs and schemas under {@code /api/2.1/unity-catalog}: create, get,
 * list (paged), update and delete, in UC's JSON shapes. Errors use UC's codes: Keel's generic input
 * errors become {@code INVALID_ARGUMENT} and unknown objects {@code NOT_FOUND}.
 */
public final class CatalogRoutes implements ApiModule {
  /** The Unity Catalog API prefix. */
  public static final String PREFIX = "/api/2.1/unity-catalog";

  private final CatalogService catalogs;
  private final Principals principals;

  /**
   * Routes over {@code catalogs}.
   *
   * @param principals who a new {@code owner} may name
   */
  public CatalogRoutes(CatalogService catalogs, Principals principals) {
    this.catalogs = catalogs;
    this.principals = principals;
  }

  @Override
  public void routes(Routes r) {
    r.dialect(PREFIX, Dialect.UNITY_CATALOG);
    Access.Resource metastore = ctx -> GrantService.METASTORE;
    Access.Resource catalog = ctx -> ctx.pathParam("name");
    Access.Resource schema = ctx -> ctx.pathParam("full_name");
    String catalogs = PREFIX + "/catalogs";
    String schemas = PREFIX + "/schemas";
    r.add(POST, catalogs, Access.of(METASTORE, CREATE).on(metastore), this::createCatalog);
    r.add(GET, catalogs, Access.of(METASTORE, READ).on(metastore), this::listCatalogs);
    r.add(GET, catalogs + "/{name}", Access.of(CATALOG, READ).on(catalog), this::getCatalog);
    r.add(PATCH, catalogs + "/{name}", Access.of(CATALOG, MANAGE).on(catalog), this::updateCatalog);
    r.add(
        DELETE, catalogs + "/{name}", Access.of(CATALOG, MANAGE).on(catalog), this::deleteCatalog);

    Access.Resource inBody =
        ctx -> Names.check("catalog_name", body(ctx).path("catalog_name").asText(""));
    Access.Resource inQuery =
        ctx ->
            Names.check(
                "catalog_name", Optional.ofNullable(ctx.queryParam("catalog_name")).orElse(""));
    r.add(POST, schemas, Access.of(CATALOG, CREATE).on(inBody), this::createSchema);
    r.add(GET, schemas, Access.of(CATALOG, READ).on(inQuery), this::listSchemas);
    r.add(GET, schemas + "/{full_name}", Access.of(SCHEMA, READ).on(schema), this::getSchema);
    r.add(
        PATCH, schemas + "/{full_name}", Access.of(SCHEMA, MANAGE).on(schema), this::updateSchema);
    r.add(
        DELETE, schemas + "/{full_name}", Access.of(SCHEMA, MANAGE).on(schema), this::deleteSchema);
  }

  // ---------------------------------------------------------------- catalogs

  private void createCatalog(Context ctx) {
    ObjectNode body = body(ctx);
    Request req = Request.ofNode(body, "body");
    noStorageRoot(req);
    Catalog c =
        catalogs.createCatalog(
            req.string("name").orElse(""),
            req.string("comment"),
            properties(body),
            Caller.get(ctx).name());
    Json.write(ctx, catalog(c));
  }

  private void getCatalog(Context ctx) {
    Json.write(ctx, catalog(catalogs.getCatalog(ctx.pathParam("name"))));
  }

  private void listCatalogs(Context ctx) {
    Request req = Request.of(ctx);
    Page<Catalog> page =
        catalogs.listCatalogs(
            req.int64("max_results"), req.string("page_token"), Viewer.of(Caller.get(ctx)));
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("catalogs");
    page.items().forEach(c -> a.add(catalog(c)));
    page.nextPageToken().ifPresent(t -> n.put("next_page_token", t));
    Json.write(ctx, n);
  }

  private void updateCatalog(Context ctx) {
    Json.write(
        ctx,
        catalog(
            catalogs.updateCatalog(ctx.pathParam("name"), changes(ctx), Caller.get(ctx).name())));
  }

  private void deleteCatalog(Context ctx) {
    catalogs.deleteCatalog(ctx.pathParam("name"), force(ctx));
    Json.write(ctx, Json.object());
  }

  // ---------------------------------------------------------------- schemas

  private void createSchema(Context ctx) {
    ObjectNode body = body(ctx);
    Request req = Request.ofNode(body, "body");
    noStorageRoot(req);
    Schema s =
        catalogs.createSchema(
            req.string("catalog_name").orElse(""),
            req.string("name").orElse(""),
            req.string("comment"),
            properties(body),
            Caller.get(ctx).name());
    Json.write(ctx, schema(s));
  }

  private void getSchema(Context ctx) {
    Json.write(ctx, schema(catalogs.getSchema(ctx.pathParam("full_name"))));
  }

  private void listSchemas(Context ctx) {
    Request req = Request.of(ctx);
    Page<Schema> page =
        catalogs.listSchemas(
            req.string("catalog_name").orElse(""),
            req.int64("max_results"),
            req.string("page_token"),
            Viewer.of(Caller.get(ctx)));
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("schemas");
    page.items().forEach(s -> a.add(schema(s)));
    page.nextPageToken().ifPresent(t -> n.put("next_page_token", t));
    Json.write(ctx, n);
  }

  private void updateSchema(Context ctx) {
    Json.write(
        ctx,
        schema(
            catalogs.updateSchema(
                ctx.pathParam("full_name"), changes(ctx), Caller.get(ctx).name())));
  }

  private void deleteSchema(Context ctx) {
    catalogs.deleteSchema(ctx.pathParam("full_name"), force(ctx));
    Json.write(ctx, Json.object());
  }

  // ---------------------------------------------------------------- parsing

  private static ObjectNode body(Context ctx) {
    return Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
  }

  /** The changes of a PATCH; a new {@code owner} must name a principal, spelled canonically. */
  private Changes changes(Context ctx) {
    ObjectNode body = body(ctx);
    Request req = Request.ofNode(body, "body");
    return new Changes(req.string("new_name"), req.string("comment"), properties(body), owner(req));
  }

  private Optional<String> owner(Request req) {
    return req.string("owner")
        .map(o -> principals.require("owner", CatalogService.checkOwner(o)).name());
  }

  /** {@code properties}: a JSON object of strings; absent or null is empty. */
  private static Map<String, String> properties(ObjectNode body) {
    JsonNode n = body.get("properties");
    if (n == null || n.isNull()) {
      return Map.of();
    }
    if (!n.isObject()) {
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT, "'properties' must be a JSON object of strings.");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new KeelException(
            ErrorCode.INVALID_ARGUMENT,
            "'properties' value of '" + e.getKey() + "' must be a string.");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** {@code ?force=true|false}, case-insensitive as UC's server reads it; absent is false. */
  private static boolean force(Context ctx) {
    String v = ctx.queryParam("force");
    if (v == null || v.isEmpty()) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new KeelException(
        ErrorCode.INVALID_ARGUMENT, "Invalid value for 'force': expected true or false.");
  }

  private static void noStorageRoot(Request req) {
    if (req.string("storage_root").filter(s -> !s.isEmpty()).isPresent()) {
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT,
          "'storage_root' is not supported: Keel manages the storage of catalogs and schemas.");
    }
  }

  // ---------------------------------------------------------------- JSON

  static ObjectNode catalog(Catalog c) {
    ObjectNode n = Json.object();
    n.put("name", c.name());
    c.comment().ifPresent(v -> n.put("comment", v));
    properties(n, c.properties());
    n.put("owner", c.owner());
    n.put("created_at", c.createdAt());
    n.put("created_by", c.createdBy());
    n.put("updated_at", c.updatedAt());
    n.put("updated_by", c.updatedBy());
    n.put("id", c.id());
    return n;
  }

  static ObjectNode schema(Schema s) {
    ObjectNode n = Json.object();
    n.put("name", s.name());
    n.put("catalog_name", s.catalogName());
    s.comment().ifPresent(v -> n.put("comment", v));
    properties(n, s.properties());
    n.put("full_name", s.fullName());
    n.put("owner", s.owner());
    n.put("created_at", s.createdAt());
    n.put("created_by", s.createdBy());
    n.put("updated_at", s.updatedAt());
    n.put("updated_by", s.updatedBy());
    n.put("schema_id", s.id());
    return n;
  }

  private static void properties(ObjectNode n, Map<String, String> props) {
    ObjectNode p = n.putObject("properties");
    props.forEach(p::put);
  }
}
