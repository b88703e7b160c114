package dev.keel.catalog.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * A user, a group or a service principal.
 *
 * @param id the stable id (SCIM {@code id}): digits, so Databricks clients can read it as a number
 * @param kind what it is
 * @param name the name grants and owners use: a user's {@code userName}, a group's {@code
 *     displayName}, a service principal's {@code applicationId}; unique among all identities,
 *     ignoring case
 * @param displayName a user's or service principal's display name (a group's is its name)
 * @param active whether a user or service principal may sign in; groups are always active
 * @param email a user's primary e-mail address
 * @param externalId the id in an external identity provider, as a SCIM client set it
 * @param createdAt creation time, epoch milliseconds
 */
public record Identity(
    String id,
    Kind kind,
    String name,
    Optional<String> displayName,
    boolean active,
    Optional<String> email,
    Optional<String> externalId,
    long createdAt) {
  /** The kinds of identity. */
  public enum Kind {
    USER("Users", "User"),
    GROUP("Groups", "Group"),
    SERVICE_PRINCIPAL("ServicePrincipals", "ServicePrincipal");

    private final String resources;
    private final String resourceType;

    Kind(String resources, String resourceType) {
      this.resources = resources;
      this.resourceType = resourceType;
    }

    /** The SCIM endpoint collection: {@code Users}, {@code Groups}, {@code ServicePrincipals}. */
    public String resources() {
      return resources;
    }

    /** The SCIM resource type: {@code User}, {@code Group}, {@code ServicePrincipal}. */
    public String resourceType() {
      return resourceType;
    }

    /** How the API names this kind's name attribute. */
    public String nameAttribute() {
      return switch (this) {
        case USER -> "userName";
        case GROUP -> "displayName";
        case SERVICE_PRINCIPAL -> "applicationId";
      };
    }

    /**
     * The field of a Databricks access control entry that names this kind: {@code user_name},
     * {@code group_name}, {@code service_principal_name}.
     */
    public String aclField() {
      return switch (this) {
        case USER -> "user_name";
        case GROUP -> "group_name";
        case SERVICE_PRINCIPAL -> "service_principal_name";
      };
    }

    /** "User", "Group", "Service principal": how a message starts naming one. */
    public String noun() {
      String w = words();
      return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }

    /** "user", "group", "service principal": for messages. */
    public String words() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  /** The id of the built-in group whose members are administrators. */
  public static final String ADMINS_ID = "1";

  /** The name of the built-in group whose members are administrators. */
  public static final String ADMINS = "admins";

  public Identity {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(externalId, "externalId");
  }
}
