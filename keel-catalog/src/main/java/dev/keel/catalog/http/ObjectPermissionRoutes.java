package dev.keel.catalog.http;

import static dev.keel.core.Privilege.MANAGE;
import static dev.keel.core.Privilege.READ;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.PATCH;
import static io.javalin.http.HandlerType.PUT;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.Principals;
import dev.keel.catalog.permissions.AccessControl;
import dev.keel.catalog.permissions.Acl;
import dev.keel.catalog.permissions.Grantee;
import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.catalog.permissions.PermissionLevel;
import dev.keel.catalog.permissions.PermissionObjects;
import dev.keel.core.ErrorCode;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Routes;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Databricks' permissions API for the object types Keel serves ({@link ObjectType}): {@code GET|PUT
 * |PATCH /api/2.0/permissions/{type}/{id}} (PUT replaces the direct entries, PATCH adds or changes
 * them) and {@code GET /api/2.0/permissions/{type}/{id}/permissionLevels}. Reading needs the type's
 * lowest level, changing needs {@code CAN_MANAGE}. The owner (the creator) is answered as a direct
 * {@code IS_OWNER} entry where the type has that level (jobs), else {@code CAN_MANAGE}, and
 * survives PUT; an {@code IS_OWNER} entry moves ownership ({@link ObjectPermissions#check});
 * administrators are answered as the {@code admins} group's inherited {@code CAN_MANAGE}.
 */
public final class ObjectPermissionRoutes implements ApiModule {
  static final String PREFIX = "/api/2.0/permissions";

  private final ObjectPermissions permissions;
  private final Principals principals;
  private final Map<ObjectType, PermissionObjects> objects;

  /**
   * Routes for the types in {@code objects}.
   *
   * @param permissions the permissions service
   * @param principals who entries may name: {@code user_name} a user, {@code group_name} a group,
   *     {@code service_principal_name} a service principal
   * @param objects for each served type, how its objects are found (404 for a missing one)
   */
  public ObjectPermissionRoutes(
      ObjectPermissions permissions,
      Principals principals,
      Map<ObjectType, PermissionObjects> objects) {
    this.permissions = permissions;
    this.principals = principals;
    this.objects = new EnumMap<>(objects);
  }

  @Override
  public void routes(Routes r) {
    r.dialect(PREFIX, Dialect.DATABRICKS);
    for (Map.Entry<ObjectType, PermissionObjects> e : objects.entrySet()) {
      ObjectType type = e.getKey();
      PermissionObjects found = e.getValue();
      String path = PREFIX + "/" + type.path() + "/{object_id}";
      Access.Resource object = ctx -> found.securableName(ctx.pathParam("object_id"));
      r.add(GET, path, Access.of(type.securable(), READ).on(object), ctx -> get(ctx, type));
      r.add(PUT, path, Access.of(type.securable(), MANAGE).on(object), ctx -> set(ctx, type));
      r.add(PATCH, path, Access.of(type.securable(), MANAGE).on(object), ctx -> update(ctx, type));
      r.add(
          GET,
          path + "/permissionLevels",
          Access.of(type.securable(), READ).on(object),
          ctx -> levels(ctx, type));
    }
  }

  /** The object's id, after checking it exists. */
  private String objectId(Context ctx, ObjectType type) {
    String id = ctx.pathParam("object_id");
    objects.get(type).securableName(id);
    return id;
  }

  private void get(Context ctx, ObjectType type) {
    String id = objectId(ctx, type);
    Json.write(ctx, json(type, id, permissions.get(type, id)));
  }

  private void set(Context ctx, ObjectType type) {
    List<AccessControl> entries = entries(ctx, type);
    String id = objectId(ctx, type);
    Json.write(ctx, json(type, id, permissions.set(Caller.get(ctx), type, id, entries)));
  }

  private void update(Context ctx, ObjectType type) {
    List<AccessControl> entries = entries(ctx, type);
    String id = objectId(ctx, type);
    Json.write(ctx, json(type, id, permissions.update(Caller.get(ctx), type, id, entries)));
  }

  private List<AccessControl> entries(Context ctx, ObjectType type) {
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    return AccessControlRequest.parse(body.path("access_control_list"), type, principals);
  }

  private void levels(Context ctx, ObjectType type) {
    objectId(ctx, type);
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("permission_levels");
    for (PermissionLevel l : type.levels()) {
      a.addObject().put("permission_level", l.name()).put("description", type.describe(l));
    }
    Json.write(ctx, n);
  }

  /** Databricks' {@code ObjectPermissions} answer. */
  static ObjectNode json(ObjectType type, String id, Acl acl) {
    ObjectNode n = Json.object();
    n.put("object_id", "/" + type.path() + "/" + id);
    n.put("object_type", type.wireType());
    ArrayNode list = n.putArray("access_control_list");
    Map<Grantee, List<PermissionLevel>> direct = new LinkedHashMap<>();
    PermissionLevel owns =
        type.levels().contains(PermissionLevel.IS_OWNER)
            ? PermissionLevel.IS_OWNER
            : PermissionLevel.CAN_MANAGE;
    acl.owner().ifPresent(o -> direct.computeIfAbsent(o, k -> new ArrayList<>()).add(owns));
    for (AccessControl e : acl.entries()) {
      List<PermissionLevel> levels = direct.computeIfAbsent(e.grantee(), k -> new ArrayList<>());
      if (!levels.contains(e.level())) {
        levels.add(e.level());
      }
    }
    for (Map.Entry<Grantee, List<PermissionLevel>> e : direct.entrySet()) {
      ObjectNode entry = list.addObject();
      entry.put(e.getKey().type().aclField(), e.getKey().name());
      ArrayNode all = entry.putArray("all_permissions");
      for (PermissionLevel l : e.getValue()) {
        all.addObject().put("permission_level", l.name()).put("inherited", false);
      }
    }
    ObjectNode admins = list.addObject();
    admins.put("group_name", "admins");
    ObjectNode inherited =
        admins
            .putArray("all_permissions")
            .addObject()
            .put("permission_level", PermissionLevel.CAN_MANAGE.name())
            .put("inherited", true);
    inherited.putArray("inherited_from_object").add("/" + type.path() + "/");
    return n;
  }
}
