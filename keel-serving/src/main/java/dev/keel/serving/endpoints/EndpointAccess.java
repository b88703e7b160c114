package dev.keel.serving.endpoints;

import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.core.Authorizer;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import java.util.Objects;

/**
 * Decides serving endpoint access from the endpoints' object permissions, as Databricks does:
 * CAN_VIEW reads the endpoint (READ), CAN_QUERY also scores requests (EDIT), CAN_MANAGE also
 * changes its config, its AI gateway and its permissions and deletes it (MANAGE). The name is an
 * endpoint's name; the empty name is the collection: any authenticated principal may create
 * endpoints (it owns what it creates) and list them (the list keeps what it may see). Scoring needs
 * CAN_QUERY on the endpoint only: the endpoint serves its model with its creator's rights. Thread-
 * safe.
 */
public final class EndpointAccess implements Authorizer {
  private final EndpointService endpoints;
  private final ObjectPermissions permissions;

  public EndpointAccess(EndpointService endpoints, ObjectPermissions permissions) {
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.permissions = Objects.requireNonNull(permissions, "permissions");
  }

  @Override
  public Decision decide(Principal caller, SecurableType type, String name, Privilege privilege) {
    if (type != SecurableType.SERVING_ENDPOINT) {
      throw new IllegalArgumentException("endpoint access does not decide on " + type);
    }
    if (name.isEmpty()) {
      boolean collection = privilege == Privilege.READ || privilege == Privilege.CREATE;
      return new Decision(
          collection,
          ObjectType.SERVING_ENDPOINTS.path(),
          "",
          privilege.name(),
          collection
              ? "any principal may create serving endpoints and list those it may see"
              : "Only administrators may do this to every serving endpoint.");
    }
    return permissions.decide(
        caller, ObjectType.SERVING_ENDPOINTS, endpoints.idOf(name), name, privilege);
  }
}
