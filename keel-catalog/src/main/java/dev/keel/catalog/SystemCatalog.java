package dev.keel.catalog;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Privilege;
import dev.keel.core.ReadOnlySecurables;
import dev.keel.core.SecurableType;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Keel's reserved {@code system} catalog (Databricks' system tables): schema {@code access} holds
 * {@code system.access.audit}, the audit log as a table. Created at start when missing ({@link
 * #ensure}), owned by {@value #OWNER} (no identity has that name, so only administrators manage its
 * grants), and read-only for everyone, administrators included ({@link #refusal}: no writes, no
 * DDL; the server's own writers use the services directly). Users cannot create a catalog named
 * {@code system} ({@link CatalogService}). Administrators see it in lists; anyone else only after
 * an administrator grants them a privilege on it, and only the read privileges {@link #GRANTABLE}
 * can be granted.
 */
public final class SystemCatalog implements ReadOnlySecurables {
  /** The catalog's name. */
  public static final String NAME = "system";

  /** The schema of access-related system tables. */
  public static final String ACCESS = "access";

  /** The owner of the catalog, its schemas and tables: not the name of any identity. */
  public static final String OWNER = "System user";

  /** The privileges that can be granted on the catalog and what is in it. */
  public static final Set<UcPrivilege> GRANTABLE =
      EnumSet.of(
          UcPrivilege.USE_CATALOG,
          UcPrivilege.USE_SCHEMA,
          UcPrivilege.BROWSE,
          UcPrivilege.SELECT,
          UcPrivilege.EXECUTE);

  private static final Set<SecurableType> IN_CATALOGS =
      EnumSet.of(
          SecurableType.CATALOG,
          SecurableType.SCHEMA,
          SecurableType.TABLE,
          SecurableType.REGISTERED_MODEL);

  /** True when {@code fullName} is the system catalog or names something in it. */
  public static boolean contains(String fullName) {
    String n = fullName.toLowerCase(Locale.ROOT);
    return n.equals(NAME) || n.startsWith(NAME + ".");
  }

  /**
   * Refuses every privilege but reading on the system catalog and what is in it, to everyone: a
   * write, a create inside it, a rename or delete, a change of owner.
   */
  @Override
  public Optional<String> refusal(SecurableType type, String name, Privilege privilege) {
    if (privilege == Privilege.READ || privilege == Privilege.NONE) {
      return Optional.empty();
    }
    if (!IN_CATALOGS.contains(type) || !contains(name)) {
      return Optional.empty();
    }
    return Optional.of(
        "The system catalog is read-only: "
            + type.name()
            + " "
            + name
            + " cannot be changed, and nothing can be created in it (Keel writes its tables).");
  }

  @Override
  public boolean covers(SecurableType type) {
    return IN_CATALOGS.contains(type);
  }

  /** Refuses {@code name} for a catalog a user creates or renames (400 naming {@code field}). */
  static void checkNotReserved(String field, String name) {
    if (name.equals(NAME)) {
      throw Names.invalid(
          "'" + field + "': '" + NAME + "' is reserved for Keel's read-only system catalog.");
    }
  }

  /**
   * Refuses granting anything but {@link #GRANTABLE} on the system catalog or in it (400 naming
   * {@code field}).
   */
  static void checkGrantable(String field, String fullName, UcPrivilege p) {
    if (contains(fullName) && !GRANTABLE.contains(p)) {
      throw Names.invalid(
          "'"
              + field
              + "': "
              + p.spaced()
              + " cannot be granted on "
              + fullName
              + ": the system catalog is read-only (grant USE CATALOG, USE SCHEMA, BROWSE,"
              + " SELECT or EXECUTE).");
    }
  }

  /**
   * Creates the catalog and its {@code access} schema when they are missing (several servers on one
   * database may race: whoever loses finds them made).
   */
  public static void ensure(CatalogStore store, Clock clock) {
    long now = clock.millis();
    if (store.getCatalog(NAME).isEmpty()) {
      ignoreExisting(
          () ->
              store.createCatalog(
                  new Catalog(
                      UUID.randomUUID().toString(),
                      NAME,
                      Optional.of("Keel's system tables (read-only)"),
                      Map.of(),
                      OWNER,
                      now,
                      OWNER,
                      now,
                      OWNER)));
    }
    if (store.getSchema(NAME, ACCESS).isEmpty()) {
      ignoreExisting(
          () ->
              store.createSchema(
                  new Schema(
                      UUID.randomUUID().toString(),
                      NAME,
                      ACCESS,
                      Optional.of("Who did what: the audit log (system.access.audit)"),
                      Map.of(),
                      OWNER,
                      now,
                      OWNER,
                      now,
                      OWNER)));
    }
  }

  private static void ignoreExisting(Runnable create) {
    try {
      create.run();
    } catch (KeelException e) {
      if (e.code() != ErrorCode.ALREADY_EXISTS) {
        throw e;
      }
    }
  }
}
