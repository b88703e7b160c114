package dev.keel.catalog.permissions;

/** The kind of principal an access control entry names, with its field on the wire. */
public enum PrincipalType {
  USER("user_name", "User"),
  GROUP("group_name", "Group"),
  SERVICE_PRINCIPAL("service_principal_name", "Service principal");

  private final String field;
  private final String noun;

  PrincipalType(String field, String noun) {
    this.field = field;
    this.noun = noun;
  }

  /** The access control entry field naming it: {@code user_name}, {@code group_name}, ... */
  public String field() {
    return field;
  }

  /** How messages name it: {@code User}, {@code Group}, {@code Service principal}. */
  public String noun() {
    return noun;
  }
}
