package dev.keel.catalog.identity.http;

import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static dev.keel.core.SecurableType.PRINCIPAL;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.identity.Identity;
import dev.keel.catalog.identity.IdentityService;
import dev.keel.catalog.identity.IdentityService.Draft;
import dev.keel.catalog.identity.IdentityStore.Relations;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identity API in Databricks' shapes: SCIM 2.0 users, groups and service principals under
 * {@value #SCIM} (create, get, list with {@code filter}/{@code startIndex}/{@code count}, PUT,
 * PATCH with SCIM PatchOp, delete) and {@code Me}. Managing identities is for administrators;
 * anyone authenticated may read themselves ({@code Me}, their own user). Tokens: {@link
 * TokenRoutes}.
 */
public final class ScimRoutes implements ApiModule {
  /** The SCIM prefix. */
  public static final String SCIM = "/api/2.0/preview/scim/v2";

  private static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
  private static final String GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
  private static final String SP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal";
  private static final String LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

  /** Default and largest {@code count} of a SCIM list page. */
  static final int DEFAULT_COUNT = 100;

  static final int MAX_COUNT = 10_000;

  private final IdentityService identities;

  public ScimRoutes(IdentityService identities) {
    this.identities = identities;
  }

  /** The caller's own id: routes on it are open to the caller (and administrators). */
  private static String self(Context ctx) {
    return Caller.get(ctx).id();
  }

  @Override
  public void routes(Routes r) {
    r.dialect(SCIM, Dialect.DATABRICKS);
    Access manage = Access.of(PRINCIPAL, MANAGE);
    Access list = Access.of(PRINCIPAL, READ).on(ctx -> ""); // anyone; names only (see list)
    for (Identity.Kind kind : Identity.Kind.values()) {
      String base = SCIM + "/" + kind.resources();
      r.add(POST, base, manage, ctx -> create(ctx, kind));
      r.add(GET, base, list, ctx -> list(ctx, kind));
      r.add(
          GET,
          base + "/{id}",
          Access.of(PRINCIPAL, READ).on(ctx -> ctx.pathParam("id")),
          ctx -> get(ctx, kind));
      r.add(PUT, base + "/{id}", manage, ctx -> replace(ctx, kind));
      r.add(PATCH, base + "/{id}", manage, ctx -> patch(ctx, kind));
      r.add(DELETE, base + "/{id}", manage, ctx -> delete(ctx, kind));
    }
    r.add(GET, SCIM + "/Me", Access.of(PRINCIPAL, READ).on(ScimRoutes::self), this::me);
  }

  // ---------------------------------------------------------------- SCIM

  private void create(Context ctx, Identity.Kind kind) {
    Identity i = identities.create(kind, draft(kind, body(ctx), Optional.empty()));
    ctx.status(201);
    write(ctx, resource(i), Projection.ALL);
  }

  private void get(Context ctx, Identity.Kind kind) {
    Identity i = identities.get(kind, ctx.pathParam("id"));
    write(ctx, resource(i), projection(ctx));
  }

  private void list(Context ctx, Identity.Kind kind) {
    Request q = Request.ofQuery(ctx);
    long start = q.int64("startIndex").orElse(1);
    long count = q.int64("count").orElse(DEFAULT_COUNT);
    if (count < 0) {
      throw KeelException.invalid("'count' must not be negative, got " + count + ".");
    }
    q.string("sortBy")
        .filter(s -> !s.isEmpty())
        .ifPresent(
            s -> {
              if (!s.equalsIgnoreCase(kind.nameAttribute())) {
                throw KeelException.invalid(
                    "'sortBy': Keel sorts "
                        + kind.resources()
                        + " by "
                        + kind.nameAttribute()
                        + " only, got '"
                        + s
                        + "'.");
              }
            });
    boolean descending =
        q.string("sortOrder")
            .filter(s -> !s.isEmpty())
            .map(
                s -> {
                  if (s.equalsIgnoreCase("descending")) {
                    return true;
                  }
                  if (s.equalsIgnoreCase("ascending")) {
                    return false;
                  }
                  throw KeelException.invalid(
                      "'sortOrder' must be ascending or descending, got '" + s + "'.");
                })
            .orElse(false);
    boolean admin = Caller.get(ctx).admin();
    if (!admin
        && q.string("filter")
            .filter(f -> f.strip().toLowerCase(Locale.ROOT).startsWith("externalid"))
            .isPresent()) {
      throw new KeelException(
          ErrorCode.PERMISSION_DENIED,
          "Only administrators may filter by externalId, which only they can see.");
    }
    IdentityService.ListResult page =
        identities.list(
            kind, q.string("filter"), start, (int) Math.min(count, MAX_COUNT), descending);
    Projection projection = projection(ctx);
    ObjectNode n = Json.object();
    n.putArray("schemas").add(LIST_SCHEMA);
    n.put("totalResults", page.total());
    n.put("startIndex", page.startIndex());
    n.put("itemsPerPage", page.items().size());
    ArrayNode a = n.putArray("Resources");
    for (Identity i : page.items()) {
      a.add(project(admin ? resource(i) : listed(i), projection));
    }
    Json.write(ctx, n);
  }

  /**
   * What anyone may see of another identity in a list: its kind, id, name, display name and whether
   * it is active; not its e-mail, external id, groups or members.
   */
  private static ObjectNode listed(Identity i) {
    ObjectNode n = Json.object();
    n.putArray("schemas").add(schema(i.kind()));
    n.put("id", i.id());
    if (i.kind() != Identity.Kind.GROUP) {
      n.put(i.kind().nameAttribute(), i.name());
    }
    n.put("displayName", i.displayName().orElse(i.name()));
    if (i.kind() != Identity.Kind.GROUP) {
      n.put("active", i.active());
    }
    n.putObject("meta").put("resourceType", i.kind().resourceType());
    return n;
  }

  private static String schema(Identity.Kind kind) {
    return switch (kind) {
      case USER -> USER_SCHEMA;
      case GROUP -> GROUP_SCHEMA;
      case SERVICE_PRINCIPAL -> SP_SCHEMA;
    };
  }

  private void replace(Context ctx, Identity.Kind kind) {
    String id = ctx.pathParam("id");
    identities.get(kind, id);
    Identity i = identities.replace(kind, id, draft(kind, body(ctx), Optional.of(id)));
    write(ctx, resource(i), Projection.ALL);
  }

  private void delete(Context ctx, Identity.Kind kind) {
    identities.delete(kind, ctx.pathParam("id"));
    ctx.status(204);
  }

  private void me(Context ctx) {
    Principal p = Caller.get(ctx);
    Optional<Identity> i = identities.find(p.id()).filter(x -> x.name().equals(p.name()));
    if (i.isPresent()) {
      ObjectNode n = resource(i.get());
      if (i.get().kind() == Identity.Kind.SERVICE_PRINCIPAL) {
        n.put("userName", i.get().name());
      }
      Json.write(ctx, n);
      return;
    }
    // A principal with no stored identity: the local user of a server without authentication.
    ObjectNode n = Json.object();
    n.putArray("schemas").add(USER_SCHEMA);
    n.put("id", p.id());
    n.put("userName", p.name());
    n.put("displayName", p.name());
    n.put("active", true);
    ArrayNode groups = n.putArray("groups");
    for (String g : p.groups()) {
      groups.addObject().put("display", g).put("type", "direct");
    }
    n.putObject("meta").put("resourceType", "User");
    Json.write(ctx, n);
  }

  // ---------------------------------------------------------------- SCIM PATCH

  private static final Pattern FILTERED_PATH =
      Pattern.compile(
          "^\\s*(\\w+)\\s*\\[\\s*value\\s+eq\\s+\"((?:[^\"\\\\]|\\\\.)*)\"\\s*]\\s*$",
          Pattern.CASE_INSENSITIVE);

  /** The mutable state a PatchOp list is applied to. */
  private static final class State {
    String name;
    Optional<String> displayName;
    boolean active;
    Optional<String> email;
    Optional<String> externalId;
    final Set<String> groups = new LinkedHashSet<>();
    final Set<String> members = new LinkedHashSet<>();
    boolean groupsChanged;
    boolean membersChanged;
  }

  private void patch(Context ctx, Identity.Kind kind) {
    String id = ctx.pathParam("id");
    Identity before = identities.get(kind, id);
    ObjectNode body = body(ctx);
    JsonNode ops = body.get("Operations");
    if (ops == null || !ops.isArray() || ops.isEmpty()) {
      throw KeelException.invalid(
          "'Operations' must be a non-empty list of {op, path, value} (SCIM PatchOp).");
    }
    State s = new State();
    s.name = before.name();
    s.displayName = before.displayName();
    s.active = before.active();
    s.email = before.email();
    s.externalId = before.externalId();
    identities.groupsOf(id).forEach(g -> s.groups.add(g.id()));
    if (kind == Identity.Kind.GROUP) {
      identities.membersOf(id).forEach(m -> s.members.add(m.id()));
    }
    for (int i = 0; i < ops.size(); i++) {
      applyOp(kind, s, ops.get(i), "Operations[" + i + "]");
    }
    Draft d =
        new Draft(
            Optional.of(s.name),
            s.displayName,
            s.active,
            s.email,
            s.externalId,
            new Relations(
                s.groupsChanged ? Optional.of(List.copyOf(s.groups)) : Optional.empty(),
                s.membersChanged ? Optional.of(List.copyOf(s.members)) : Optional.empty()));
    write(ctx, resource(identities.replace(kind, id, d)), Projection.ALL);
  }

  private static void applyOp(Identity.Kind kind, State s, JsonNode op, String where) {
    if (!op.isObject()) {
      throw KeelException.invalid("'" + where + "' must be an object {op, path, value}.");
    }
    String name = op.path("op").asText("").toLowerCase(Locale.ROOT);
    if (!Set.of("add", "remove", "replace").contains(name)) {
      throw KeelException.invalid(
          "'"
              + where
              + ".op' must be add, remove or replace, got '"
              + op.path("op").asText("")
              + "'.");
    }
    JsonNode value = op.get("value");
    String path = op.path("path").asText("").strip();
    if (path.isEmpty()) {
      if (name.equals("remove")) {
        throw KeelException.invalid("'" + where + ".path' is required for remove.");
      }
      if (value == null || !value.isObject()) {
        throw KeelException.invalid(
            "'" + where + ".value' must be an object of attributes when there is no path.");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("schemas")) {
          continue;
        }
        applyPath(kind, s, name, e.getKey(), Optional.empty(), e.getValue(), where);
      }
      return;
    }
    Matcher m = FILTERED_PATH.matcher(path);
    if (m.matches()) {
      applyPath(
          kind,
          s,
          name,
          m.group(1),
          Optional.of(m.group(2).replaceAll("\\\\(.)", "$1")),
          value,
          where);
    } else {
      applyPath(kind, s, name, path, Optional.empty(), value, where);
    }
  }

  private static void applyPath(
      Identity.Kind kind,
      State s,
      String op,
      String attribute,
      Optional<String> selected,
      JsonNode value,
      String where) {
    String a = attribute.toLowerCase(Locale.ROOT);
    boolean relation = a.equals("members") || a.equals("groups");
    if (selected.isPresent() && !relation) {
      throw KeelException.invalid(
          "'" + where + ".path': a [value eq ...] filter is only supported on members and groups.");
    }
    if (relation) {
      if (a.equals("members") && kind != Identity.Kind.GROUP) {
        throw KeelException.invalid("'" + where + ".path': only groups have members.");
      }
      Set<String> set = a.equals("members") ? s.members : s.groups;
      if (a.equals("members")) {
        s.membersChanged = true;
      } else {
        s.groupsChanged = true;
      }
      if (selected.isPresent()) {
        if (!op.equals("remove")) {
          throw KeelException.invalid(
              "'" + where + ".path': a [value eq ...] filter is only supported for remove.");
        }
        set.remove(selected.get());
        return;
      }
      List<String> ids =
          value == null || value.isNull() ? List.of() : refs(value, where + ".value");
      switch (op) {
        case "add" -> set.addAll(ids);
        case "replace" -> {
          set.clear();
          set.addAll(ids);
        }
        default -> {
          if (value == null || value.isNull()) {
            set.clear();
          } else {
            ids.forEach(set::remove);
          }
        }
      }
      return;
    }
    boolean remove = op.equals("remove");
    String nameAttribute = kind.nameAttribute().toLowerCase(Locale.ROOT);
    if (a.equals(nameAttribute)) {
      if (remove) {
        throw KeelException.invalid(
            "'" + where + ".path': " + kind.nameAttribute() + " cannot be removed.");
      }
      s.name = string(value, where + ".value");
      return;
    }
    switch (kind == Identity.Kind.GROUP && !a.equals("externalid") ? "-" : a) {
      case "displayname" ->
          s.displayName = remove ? Optional.empty() : Optional.of(string(value, where + ".value"));
      case "active" -> {
        if (remove) {
          throw KeelException.invalid("'" + where + ".path': active cannot be removed.");
        }
        if (value == null || !(value.isBoolean() || value.asText().matches("(?i)true|false"))) {
          throw KeelException.invalid("'" + where + ".value' must be true or false.");
        }
        s.active = value.isBoolean() ? value.booleanValue() : Boolean.parseBoolean(value.asText());
      }
      case "externalid" ->
          s.externalId = remove ? Optional.empty() : Optional.of(string(value, where + ".value"));
      case "emails" -> {
        if (kind != Identity.Kind.USER) {
          throw unsupportedPath(kind, attribute, where);
        }
        s.email = remove ? Optional.empty() : email(value, where + ".value");
      }
      default -> throw unsupportedPath(kind, attribute, where);
    }
  }

  private static KeelException unsupportedPath(Identity.Kind kind, String attribute, String where) {
    String supported =
        switch (kind) {
          case USER -> "userName, displayName, active, emails, externalId, groups";
          case GROUP -> "displayName, externalId, members, groups";
          case SERVICE_PRINCIPAL -> "applicationId, displayName, active, externalId, groups";
        };
    return KeelException.invalid(
        "'"
            + where
            + ".path': '"
            + attribute
            + "' is not supported; Keel patches "
            + supported
            + ".");
  }

  // ---------------------------------------------------------------- SCIM parsing

  private static Draft draft(Identity.Kind kind, ObjectNode body, Optional<String> id) {
    for (String unsupported : List.of("entitlements", "roles")) {
      JsonNode n = body.get(unsupported);
      if (n != null && !n.isNull() && !(n.isArray() && n.isEmpty())) {
        throw KeelException.invalid(
            "'"
                + unsupported
                + "' are not supported: Keel's permissions are grants (see"
                + " /api/2.1/unity-catalog/permissions and /api/2.0/permissions).");
      }
    }
    Request req = Request.ofNode(body, "body");
    Optional<String> name = req.string(kind.nameAttribute());
    Optional<String> displayName =
        kind == Identity.Kind.GROUP ? Optional.empty() : req.string("displayName");
    boolean active = req.bool("active").orElse(true);
    Optional<String> email =
        kind == Identity.Kind.USER
            ? Optional.ofNullable(body.get("emails"))
                .filter(n -> !n.isNull())
                .flatMap(n -> email(n, "emails"))
            : Optional.empty();
    Optional<List<String>> groups =
        Optional.ofNullable(body.get("groups"))
            .filter(n -> !n.isNull())
            .map(n -> refs(n, "groups"));
    Optional<List<String>> members =
        Optional.ofNullable(body.get("members"))
            .filter(n -> !n.isNull())
            .map(n -> refs(n, "members"));
    if (kind != Identity.Kind.GROUP && members.isPresent()) {
      throw KeelException.invalid("'members': only groups have members.");
    }
    return new Draft(
        name, displayName, active, email, req.string("externalId"), new Relations(groups, members));
  }

  /** A list of SCIM references: {@code [{"value": "id"}, ...]}. */
  private static List<String> refs(JsonNode n, String field) {
    if (!n.isArray()) {
      throw KeelException.invalid("'" + field + "' must be a list of {\"value\": id}.");
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode v = n.get(i).get("value");
      if (v == null || !(v.isTextual() || v.isIntegralNumber()) || v.asText().isBlank()) {
        throw KeelException.invalid("'" + field + "[" + i + "].value' must be an id.");
      }
      ids.add(v.asText());
    }
    return ids;
  }

  /** The primary (else the first) address of a SCIM {@code emails} list. */
  private static Optional<String> email(JsonNode n, String field) {
    if (!n.isArray()) {
      throw KeelException.invalid("'" + field + "' must be a list of {\"value\": address}.");
    }
    String first = null;
    for (int i = 0; i < n.size(); i++) {
      JsonNode v = n.get(i).get("value");
      if (v == null || !v.isTextual()) {
        throw KeelException.invalid("'" + field + "[" + i + "].value' must be a string.");
      }
      if (n.get(i).path("primary").asBoolean(false)) {
        return Optional.of(v.asText());
      }
      if (first == null) {
        first = v.asText();
      }
    }
    return Optional.ofNullable(first);
  }

  private static String string(JsonNode v, String field) {
    if (v == null || !v.isTextual()) {
      throw KeelException.invalid("'" + field + "' must be a string.");
    }
    return v.asText();
  }

  // ---------------------------------------------------------------- SCIM JSON

  private ObjectNode resource(Identity i) {
    ObjectNode n = Json.object();
    n.putArray("schemas").add(schema(i.kind()));
    n.put("id", i.id());
    switch (i.kind()) {
      case USER -> {
        n.put("userName", i.name());
        n.put("displayName", i.displayName().orElse(i.name()));
        n.put("active", i.active());
        ArrayNode emails = n.putArray("emails");
        i.email()
            .ifPresent(
                e -> emails.addObject().put("value", e).put("type", "work").put("primary", true));
      }
      case GROUP -> {
        n.put("displayName", i.name());
        ArrayNode members = n.putArray("members");
        for (Identity m : identities.membersOf(i.id())) {
          members.add(ref(m));
        }
      }
      case SERVICE_PRINCIPAL -> {
        n.put("applicationId", i.name());
        n.put("displayName", i.displayName().orElse(i.name()));
        n.put("active", i.active());
      }
    }
    ArrayNode groups = n.putArray("groups");
    for (Identity g : identities.groupsOf(i.id())) {
      groups.add(ref(g).put("type", "direct"));
    }
    i.externalId().ifPresent(e -> n.put("externalId", e));
    n.putObject("meta").put("resourceType", i.kind().resourceType());
    return n;
  }

  private static ObjectNode ref(Identity i) {
    ObjectNode r = Json.object();
    r.put("value", i.id());
    r.put("display", i.kind() == Identity.Kind.USER ? i.displayName().orElse(i.name()) : i.name());
    r.put("$ref", i.kind().resources() + "/" + i.id());
    return r;
  }

  /**
   * {@code ?attributes=a,b} (the top-level attributes to return) and {@code
   * ?excludedAttributes=c,d} (those to leave out): {@code id} and {@code schemas} are always
   * returned.
   */
  private record Projection(List<String> only, List<String> excluded) {
    static final Projection ALL = new Projection(List.of(), List.of());

    boolean keeps(String key) {
      String k = key.toLowerCase(Locale.ROOT);
      if (k.equals("id") || k.equals("schemas")) {
        return true;
      }
      return (only.isEmpty() || only.contains(k)) && !excluded.contains(k);
    }
  }

  private static Projection projection(Context ctx) {
    return new Projection(
        names(ctx.queryParam("attributes")), names(ctx.queryParam("excludedAttributes")));
  }

  private static List<String> names(String csv) {
    List<String> out = new ArrayList<>();
    if (csv != null) {
      for (String s : csv.split(",")) {
        if (!s.isBlank()) {
          out.add(s.strip().toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  private static ObjectNode project(ObjectNode n, Projection p) {
    if (p.only().isEmpty() && p.excluded().isEmpty()) {
      return n;
    }
    ObjectNode out = Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (p.keeps(e.getKey())) {
        out.set(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private static void write(Context ctx, ObjectNode n, Projection projection) {
    int status = ctx.statusCode();
    Json.write(ctx, project(n, projection));
    ctx.status(status);
  }

  private static ObjectNode body(Context ctx) {
    return Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
  }
}
