package dev.keel.catalog.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.catalog.Principals;
import dev.keel.catalog.identity.Identity;
import dev.keel.catalog.permissions.AccessControl;
import dev.keel.catalog.permissions.Grantee;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Databricks' {@code access_control_list} in a request, decoded and checked: the permissions API's
 * PUT and PATCH, and the creates that take one (jobs/create, runs/submit).
 */
public final class AccessControlRequest {
  private static final Set<String> ENTRY_FIELDS =
      Set.of("user_name", "group_name", "service_principal_name", "permission_level");

  private AccessControlRequest() {}

  /**
   * The entries of {@code list} (missing or null: none), each naming exactly one principal that
   * exists with the kind its field says, spelled as the identity is, and a level of {@code type}.
   *
   * @throws KeelException INVALID_PARAMETER_VALUE naming the entry's field
   */
  public static List<AccessControl> parse(JsonNode list, ObjectType type, Principals principals) {
    return known(decode(list, type), principals);
  }

  private static List<AccessControl> decode(JsonNode list, ObjectType type) {
    if (list == null || list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw KeelException.invalid(
          "Invalid 'access_control_list': expected a list of {user_name | group_name |"
              + " service_principal_name, permission_level}.");
    }
    List<AccessControl> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String field = "access_control_list[" + i + "]";
      JsonNode e = list.get(i);
      if (!e.isObject()) {
        throw KeelException.invalid("Invalid '" + field + "': expected an object.");
      }
      e.fieldNames()
          .forEachRemaining(
              f -> {
                if (!ENTRY_FIELDS.contains(f)) {
                  throw KeelException.invalid(
                      "Invalid '"
                          + field
                          + "."
                          + f
                          + "': unknown field; an entry has "
                          + ENTRY_FIELDS
                          + ".");
                }
              });
      Grantee grantee = null;
      for (Identity.Kind t : Identity.Kind.values()) {
        JsonNode v = e.get(t.aclField());
        if (v == null || v.isNull()) {
          continue;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
          throw KeelException.invalid(
              "Invalid '" + field + "." + t.aclField() + "': expected a non-empty string.");
        }
        if (grantee != null) {
          throw KeelException.invalid(
              "Invalid '"
                  + field
                  + "': name exactly one of user_name, group_name, service_principal_name.");
        }
        grantee = new Grantee(v.asText(), t);
      }
      if (grantee == null) {
        throw KeelException.invalid(
            "Invalid '" + field + "': name one of user_name, group_name, service_principal_name.");
      }
      JsonNode level = e.get("permission_level");
      if (level == null || level.isNull()) {
        throw KeelException.missing(field + ".permission_level");
      }
      if (!level.isTextual()) {
        throw KeelException.invalid("Invalid '" + field + ".permission_level': expected a string.");
      }
      out.add(
          new AccessControl(grantee, type.parseLevel(field + ".permission_level", level.asText())));
    }
    return out;
  }

  /**
   * The entries with each principal checked to exist with the kind its field says, and spelled as
   * the identity is; INVALID_PARAMETER_VALUE naming the entry's field otherwise.
   */
  private static List<AccessControl> known(List<AccessControl> entries, Principals principals) {
    List<AccessControl> out = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      AccessControl e = entries.get(i);
      Identity.Kind t = e.grantee().type();
      Principals.Known p =
          principals.require(
              "access_control_list[" + i + "]." + t.aclField(),
              e.grantee().name(),
              switch (t) {
                case USER -> Principals.Kind.USER;
                case GROUP -> Principals.Kind.GROUP;
                case SERVICE_PRINCIPAL -> Principals.Kind.SERVICE_PRINCIPAL;
              });
      out.add(new AccessControl(new Grantee(p.name(), t), e.level()));
    }
    return out;
  }
}
