package dev.keel.catalog;

import static dev.keel.core.SecurableType.CATALOG;
import static dev.keel.core.SecurableType.METASTORE;
import static dev.keel.core.SecurableType.REGISTERED_MODEL;
import static dev.keel.core.SecurableType.SCHEMA;
import static dev.keel.core.SecurableType.TABLE;

import dev.keel.core.KeelException;
import dev.keel.core.SecurableType;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A Unity Catalog privilege, with the securable types it can be granted on. A privilege granted on
 * a catalog or schema is inherited by everything in it, so object privileges ({@code SELECT},
 * {@code EXECUTE}) can also be granted on their parents. Clients spell privileges two ways: the
 * Unity Catalog OSS client with spaces ({@code USE CATALOG}), Databricks with underscores ({@code
 * USE_CATALOG}); {@link #parse} takes both, {@link #spaced} and {@link #name} give each.
 */
public enum UcPrivilege {
  CREATE_CATALOG(EnumSet.of(METASTORE)),
  USE_CATALOG(EnumSet.of(CATALOG)),
  BROWSE(EnumSet.of(CATALOG)),
  CREATE_SCHEMA(EnumSet.of(CATALOG)),
  USE_SCHEMA(EnumSet.of(CATALOG, SCHEMA)),
  CREATE_TABLE(EnumSet.of(CATALOG, SCHEMA)),
  CREATE_MODEL(EnumSet.of(CATALOG, SCHEMA)),
  CREATE_FUNCTION(EnumSet.of(CATALOG, SCHEMA)),
  SELECT(EnumSet.of(CATALOG, SCHEMA, TABLE)),
  MODIFY(EnumSet.of(CATALOG, SCHEMA, TABLE)),
  EXECUTE(EnumSet.of(CATALOG, SCHEMA, REGISTERED_MODEL)),
  APPLY_TAG(EnumSet.of(CATALOG, SCHEMA, TABLE, REGISTERED_MODEL)),
  MANAGE(EnumSet.of(CATALOG, SCHEMA, TABLE, REGISTERED_MODEL)),
  ALL_PRIVILEGES(EnumSet.of(CATALOG, SCHEMA, TABLE, REGISTERED_MODEL));

  private final Set<SecurableType> grantableOn;

  UcPrivilege(Set<SecurableType> grantableOn) {
    this.grantableOn = grantableOn;
  }

  /** True when the privilege can be granted on a securable of {@code type}. */
  public boolean grantableOn(SecurableType type) {
    return grantableOn.contains(type);
  }

  /** Unity Catalog OSS spelling: {@code USE CATALOG}. */
  public String spaced() {
    return name().replace('_', ' ');
  }

  /** The name in the requested spelling: spaces (UC OSS) or underscores (Databricks). */
  public String wire(boolean underscores) {
    return underscores ? name() : spaced();
  }

  /**
   * A privilege from either spelling, any case ({@code USE CATALOG}, {@code use_catalog}).
   *
   * @param field the request field, for the error
   * @throws KeelException {@code INVALID_ARGUMENT} naming the field and the unknown privilege
   */
  public static UcPrivilege parse(String field, String text) {
    String k = text.trim().toUpperCase(Locale.ROOT).replace(' ', '_');
    for (UcPrivilege p : values()) {
      if (p.name().equals(k)) {
        return p;
      }
    }
    throw KeelException.invalid("'" + field + "' names an unknown privilege: '" + text + "'.");
  }
}
