package dev.keel.catalog.http;

import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.METASTORE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.Grant;
import dev.keel.catalog.GrantChange;
import dev.keel.catalog.GrantService;
import dev.keel.catalog.UcPrivilege;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.RequestListener;
import dev.keel.http.Routes;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Unity Catalog grants: {@code GET|PATCH /api/2.1/unity-catalog/permissions/{securable_type}/
 * {full_name}} and {@code GET /api/2.1/unity-catalog/effective-permissions/...}, in the shapes of
 * UC's and Databricks' grants APIs. Privileges are read in either spelling and answered with spaces
 * ({@code USE CATALOG}, as the Unity Catalog OSS client reads them) unless the client is a
 * Databricks SDK or CLI (its {@code User-Agent}), which reads underscores ({@code USE_CATALOG}).
 * Who may see and change grants is the {@link GrantService}'s decision, so the routes themselves
 * are open to every authenticated caller.
 */
public final class GrantRoutes implements ApiModule {
  private final GrantService grants;

  public GrantRoutes(GrantService grants) {
    this.grants = grants;
  }

  @Override
  public void routes(Routes r) {
    String prefix = CatalogRoutes.PREFIX;
    r.dialect(prefix, Dialect.UNITY_CATALOG);
    Access anyone = Access.of(METASTORE, READ).on(ctx -> GrantService.METASTORE);
    r.add(GET, prefix + "/permissions/{securable_type}/{full_name}", anyone, this::get);
    r.add(PATCH, prefix + "/permissions/{securable_type}/{full_name}", anyone, this::update);
    r.add(
        GET,
        prefix + "/effective-permissions/{securable_type}/{full_name}",
        anyone,
        this::effective);
  }

  /**
   * Empties the decision caches (this server's and, through the database, the others') after every
   * successful create, update, rename, owner change or delete of a catalog, schema, table or model:
   * a dropped object's name may be taken again by someone else. Writes of data (EDIT) change no
   * decision and announce nothing.
   */
  public static RequestListener invalidator(GrantService grants) {
    Set<SecurableType> types = GrantService.TYPES;
    return (ctx, millis) -> {
      if (ctx.method() == HandlerType.GET || ctx.status().getCode() >= 300) {
        return;
      }
      Access a = ctx.endpoint() == null ? null : ctx.endpoint().metadata(Access.class);
      if (a != null
          && types.contains(a.securable())
          && (a.privilege() == Privilege.CREATE || a.privilege() == Privilege.MANAGE)) {
        grants.changed();
      }
    };
  }

  private void get(Context ctx) {
    SecurableType type = GrantService.type(ctx.pathParam("securable_type"));
    List<Grant> list =
        grants.permissions(Caller.get(ctx), type, ctx.pathParam("full_name"), principalFilter(ctx));
    Json.write(ctx, assignments(list, underscores(ctx)));
  }

  private void update(Context ctx) {
    SecurableType type = GrantService.type(ctx.pathParam("securable_type"));
    List<GrantChange> changes = changes(Json.readBody(ctx, 1 << 20, ErrorCode.REQUEST_TOO_LARGE));
    Principal caller = Caller.get(ctx);
    String name = ctx.pathParam("full_name");
    try {
      List<Grant> list = grants.update(caller, type, name, changes);
      Caller.recordCheck(ctx, new Caller.Check(type.name(), name, "MANAGE", true));
      Json.write(ctx, assignments(list, underscores(ctx)));
    } catch (KeelException e) {
      if (e.code() == ErrorCode.PERMISSION_DENIED) {
        Caller.recordCheck(ctx, new Caller.Check(type.name(), name, "MANAGE", false));
      }
      throw e;
    }
  }

  private void effective(Context ctx) {
    SecurableType type = GrantService.type(ctx.pathParam("securable_type"));
    List<GrantService.Effective> list =
        grants.effective(Caller.get(ctx), type, ctx.pathParam("full_name"), principalFilter(ctx));
    boolean u = underscores(ctx);
    ObjectNode n = Json.object();
    ArrayNode out = n.putArray("privilege_assignments");
    GrantService.byPrincipal(list)
        .forEach(
            (principal, privileges) -> {
              ObjectNode a = out.addObject();
              a.put("principal", principal);
              ArrayNode ps = a.putArray("privileges");
              for (GrantService.Effective e : privileges) {
                ObjectNode p = ps.addObject();
                p.put("privilege", e.privilege().wire(u));
                e.inheritedFrom()
                    .ifPresent(
                        s -> {
                          p.put("inherited_from_type", s.type().name());
                          p.put("inherited_from_name", s.name());
                        });
              }
            });
    Json.write(ctx, n);
  }

  // ---------------------------------------------------------------- wire

  private static Optional<String> principalFilter(Context ctx) {
    return Optional.ofNullable(ctx.queryParam("principal")).filter(p -> !p.isEmpty());
  }

  /** Databricks' clients read privileges with underscores; everyone else gets UC's spaces. */
  static boolean underscores(Context ctx) {
    String ua = ctx.header("User-Agent");
    if (ua == null) {
      return false;
    }
    String l = ua.toLowerCase(Locale.ROOT);
    return l.contains("databricks-sdk")
        || l.contains("databricks-cli")
        || l.contains("databricks-tf-provider");
  }

  static ObjectNode assignments(List<Grant> list, boolean underscores) {
    Map<String, List<String>> byPrincipal = new LinkedHashMap<>();
    for (Grant g : list) {
      byPrincipal
          .computeIfAbsent(g.principal(), k -> new ArrayList<>())
          .add(g.privilege().wire(underscores));
    }
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("privilege_assignments");
    byPrincipal.forEach(
        (p, privileges) -> {
          ObjectNode o = a.addObject();
          o.put("principal", p);
          ArrayNode ps = o.putArray("privileges");
          privileges.forEach(ps::add);
        });
    return n;
  }

  /** {@code changes: [{principal, add: [...], remove: [...]}]}; 400 naming the field otherwise. */
  static List<GrantChange> changes(ObjectNode body) {
    JsonNode cs = body.get("changes");
    if (cs == null || cs.isNull()) {
      return List.of();
    }
    if (!cs.isArray()) {
      throw KeelException.invalid("'changes' must be an array of {principal, add, remove}.");
    }
    List<GrantChange> out = new ArrayList<>();
    for (int i = 0; i < cs.size(); i++) {
      JsonNode c = cs.get(i);
      String at = "changes[" + i + "]";
      if (!c.isObject()) {
        throw KeelException.invalid("'" + at + "' must be an object {principal, add, remove}.");
      }
      JsonNode p = c.get("principal");
      if (p == null || !p.isTextual() || p.asText().isBlank()) {
        throw KeelException.invalid("'" + at + ".principal' is required and must be a string.");
      }
      out.add(
          new GrantChange(p.asText(), privileges(c, at + ".add"), privileges(c, at + ".remove")));
    }
    return out;
  }

  private static Set<UcPrivilege> privileges(JsonNode change, String field) {
    JsonNode a = change.get(field.substring(field.lastIndexOf('.') + 1));
    if (a == null || a.isNull()) {
      return Set.of();
    }
    if (!a.isArray()) {
      throw KeelException.invalid("'" + field + "' must be an array of privileges.");
    }
    Set<UcPrivilege> out = new LinkedHashSet<>();
    for (JsonNode p : a) {
      if (!p.isTextual()) {
        throw KeelException.invalid("'" + field + "' must hold privilege names (strings).");
      }
      out.add(UcPrivilege.parse(field, p.asText()));
    }
    return out;
  }
}
