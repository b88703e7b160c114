package dev.keel.features.http;

import static dev.keel.core.Privilege.CREATE;
import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.SCHEMA;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.features.FeatureSpecInfo;
import dev.keel.features.FeatureStore;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import io.javalin.http.Context;

/**
 * Feature specs under {@code /api/2.0/feature-store/feature-specs}: named feature lookups an
 * endpoint or an online lookup can serve (create, list, get, delete).
 */
public final class FeatureSpecRoutes implements ApiModule {
  public static final String PREFIX = FeatureTableRoutes.PREFIX;

  private final FeatureStore store;

  public FeatureSpecRoutes(FeatureStore store) {
    this.store = store;
  }

  @Override
  public void routes(Routes r) {
    r.dialect(PREFIX, Dialect.DATABRICKS);
    String specs = PREFIX + "/feature-specs";
    // a feature spec is a function in its schema (Databricks keeps them as UC functions): creating
    // one needs CREATE FUNCTION on the schema, reading it USE SCHEMA, deleting it MANAGE
    Access.Resource inBody = ctx -> schemaOf(Request.of(ctx).required("name"));
    Access.Resource inPath = ctx -> schemaOf(ctx.pathParam("name"));
    Access.Resource inQuery =
        ctx ->
            Request.of(ctx).required("catalog_name")
                + "."
                + Request.of(ctx).required("schema_name");
    r.add(POST, specs, Access.of(SCHEMA, CREATE).on(inBody), this::createSpec);
    r.add(GET, specs, Access.of(SCHEMA, READ).on(inQuery), this::listSpecs);
    r.add(GET, specs + "/{name}", Access.of(SCHEMA, READ).on(inPath), this::getSpec);
    r.add(DELETE, specs + "/{name}", Access.of(SCHEMA, MANAGE).on(inPath), this::deleteSpec);
  }

  /** {@code catalog.schema} of a spec's full name {@code catalog.schema.spec}. */
  private static String schemaOf(String fullName) {
    String[] p = dev.keel.catalog.Names.checkFullName("name", fullName, 3);
    return p[0] + "." + p[1];
  }

  private void createSpec(Context ctx) {
    Request r = Request.of(ctx);
    Json.write(
        ctx,
        specJson(
            store.createFeatureSpec(
                r.required("name"), FeatureJson.lookups(r), r.string("comment"))));
  }

  private void listSpecs(Context ctx) {
    Request r = Request.of(ctx);
    ObjectNode out = Json.object();
    ArrayNode a = out.putArray("feature_specs");
    store
        .listFeatureSpecs(r.required("catalog_name"), r.required("schema_name"))
        .forEach(s -> a.add(specJson(s)));
    Json.write(ctx, out);
  }

  private void getSpec(Context ctx) {
    Json.write(ctx, specJson(store.getFeatureSpec(ctx.pathParam("name"))));
  }

  private void deleteSpec(Context ctx) {
    store.deleteFeatureSpec(ctx.pathParam("name"));
    Json.write(ctx, Json.object());
  }

  private static ObjectNode specJson(FeatureSpecInfo s) {
    ObjectNode n = Json.object();
    n.put("name", s.fullName());
    n.put("catalog_name", s.catalogName());
    n.put("schema_name", s.schemaName());
    ArrayNode ls = n.putArray("lookups");
    s.lookups().forEach(l -> ls.add(l.toJson()));
    s.comment().ifPresent(c -> n.put("comment", c));
    n.put("owner", s.owner());
    n.put("created_at", s.createdAt());
    n.put("created_by", s.createdBy());
    return n;
  }
}
