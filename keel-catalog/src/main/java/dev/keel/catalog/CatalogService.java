package dev.keel.catalog;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.PageToken;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Catalog and schema rules in front of a {@link CatalogStore}: Unity Catalog's naming rules (see
 * {@link Names}), limits on comments and properties, and UC's paging (a page holds at most {@value
 * #MAX_PAGE} items; the page token is the name of the last item). Every check runs before anything
 * is written. Thread-safe.
 *
 * <p>Objects are owned by the principal that creates them (the routes pass the caller in); the
 * methods without a principal act as {@value #PRINCIPAL}, the local user of a server without
 * authentication.
 */
public final class CatalogService {
  /** The local user of a server without authentication ({@code Principal.LOCAL}). */
  public static final String PRINCIPAL = "keel";

  /** Unity Catalog's page cap, also the page size when {@code max_results} is absent or 0. */
  public static final int MAX_PAGE = 100;

  public static final int MAX_COMMENT = 4096;
  public static final int MAX_PROPERTIES = 100;
  public static final int MAX_PROPERTY_KEY = 255;
  public static final int MAX_PROPERTY_VALUE = 4096;

  private final CatalogStore store;
  private final Clock clock;

  public CatalogService(CatalogStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---------------------------------------------------------------- catalogs

  /**
   * Creates a catalog owned by {@value #PRINCIPAL}; {@code name} is checked and stored lower-case.
   */
  public Catalog createCatalog(
      String name, Optional<String> comment, Map<String, String> properties) {
    return createCatalog(name, comment, properties, PRINCIPAL);
  }

  /** Creates a catalog owned by its creator {@code principal}. */
  public Catalog createCatalog(
      String name, Optional<String> comment, Map<String, String> properties, String principal) {
    String n = Names.check("name", name);
    SystemCatalog.checkNotReserved("name", n);
    Optional<String> c = comment(comment);
    checkProperties(properties);
    long now = clock.millis();
    Catalog catalog =
        new Catalog(
            UUID.randomUUID().toString(),
            n,
            c,
            properties,
            principal,
            now,
            principal,
            now,
            principal);
    store.createCatalog(catalog);
    return catalog;
  }

  public Catalog getCatalog(String name) {
    String n = Names.check("name", name);
    return store
        .getCatalog(n)
        .orElseThrow(() -> new KeelException(ErrorCode.NOT_FOUND, "Catalog not found: " + n));
  }

  public Page<Catalog> listCatalogs(OptionalLong maxResults, Optional<String> pageToken) {
    return listCatalogs(maxResults, pageToken, Viewer.ALL);
  }

  /** A page of the catalogs {@code viewer} may see. */
  public Page<Catalog> listCatalogs(
      OptionalLong maxResults, Optional<String> pageToken, Viewer viewer) {
    int limit = pageSize(maxResults);
    List<Catalog> rows = store.listCatalogs(after(pageToken), limit + 1, viewer);
    return page(rows, limit, Catalog::name);
  }

  public Catalog updateCatalog(String name, Changes changes) {
    return updateCatalog(name, changes, PRINCIPAL);
  }

  /** Applies {@code changes} to a catalog on behalf of {@code principal}. */
  public Catalog updateCatalog(String name, Changes changes, String principal) {
    String n = Names.check("name", name);
    Changes c = checkChanges(changes);
    if (c.isEmpty()) {
      return getCatalog(n);
    }
    return store.updateCatalog(n, c, clock.millis(), principal);
  }

  /** Deletes a catalog; one with schemas needs {@code force}, which deletes their models too. */
  public void deleteCatalog(String name, boolean force) {
    store.deleteCatalog(Names.check("name", name), force);
  }

  // ---------------------------------------------------------------- schemas

  public Schema createSchema(
      String catalogName, String name, Optional<String> comment, Map<String, String> properties) {
    return createSchema(catalogName, name, comment, properties, PRINCIPAL);
  }

  /** Creates a schema owned by its creator {@code principal}. */
  public Schema createSchema(
      String catalogName,
      String name,
      Optional<String> comment,
      Map<String, String> properties,
      String principal) {
    String cat = Names.check("catalog_name", catalogName);
    String n = Names.check("name", name);
    Optional<String> c = comment(comment);
    checkProperties(properties);
    long now = clock.millis();
    Schema schema =
        new Schema(
            UUID.randomUUID().toString(),
            cat,
            n,
            c,
            properties,
            principal,
            now,
            principal,
            now,
            principal);
    store.createSchema(schema);
    return schema;
  }

  /** The schema with full name {@code catalog.schema}. */
  public Schema getSchema(String fullName) {
    String[] p = Names.checkFullName("full_name", fullName, 2);
    return store
        .getSchema(p[0], p[1])
        .orElseThrow(
            () -> new KeelException(ErrorCode.NOT_FOUND, "Schema not found: " + p[0] + "." + p[1]));
  }

  public Page<Schema> listSchemas(
      String catalogName, OptionalLong maxResults, Optional<String> pageToken) {
    return listSchemas(catalogName, maxResults, pageToken, Viewer.ALL);
  }

  /** A page of the schemas of a catalog {@code viewer} may see. */
  public Page<Schema> listSchemas(
      String catalogName, OptionalLong maxResults, Optional<String> pageToken, Viewer viewer) {
    String cat = Names.check("catalog_name", catalogName);
    int limit = pageSize(maxResults);
    List<Schema> rows = store.listSchemas(cat, after(pageToken), limit + 1, viewer);
    return page(rows, limit, Schema::name);
  }

  public Schema updateSchema(String fullName, Changes changes) {
    return updateSchema(fullName, changes, PRINCIPAL);
  }

  /** Applies {@code changes} to a schema on behalf of {@code principal}. */
  public Schema updateSchema(String fullName, Changes changes, String principal) {
    String[] p = Names.checkFullName("full_name", fullName, 2);
    Changes c = checkChanges(changes);
    if (c.isEmpty()) {
      return getSchema(fullName);
    }
    return store.updateSchema(p[0], p[1], c, clock.millis(), principal);
  }

  /**
   * Deletes a schema; one that still holds registered models needs {@code force}, which deletes
   * them (with their versions and files) too.
   */
  public void deleteSchema(String fullName, boolean force) {
    String[] p = Names.checkFullName("full_name", fullName, 2);
    store.deleteSchema(p[0], p[1], force);
  }

  // ---------------------------------------------------------------- rules

  private static Changes checkChanges(Changes changes) {
    Optional<String> newName = changes.newName().map(n -> Names.check("new_name", n));
    newName.ifPresent(n -> SystemCatalog.checkNotReserved("new_name", n));
    changes.comment().ifPresent(c -> checkComment(c));
    checkProperties(changes.properties());
    changes.owner().ifPresent(o -> checkOwner(o));
    return new Changes(newName, changes.comment(), changes.properties(), changes.owner());
  }

  /** A new owner: a principal name, 1 to {@value Names#MAX_LENGTH} characters. */
  public static String checkOwner(String owner) {
    if (owner.isBlank() || owner.length() > Names.MAX_LENGTH) {
      throw Names.invalid(
          "'owner' must name a user, service principal or group (1 to "
              + Names.MAX_LENGTH
              + " characters).");
    }
    return owner;
  }

  private static Optional<String> comment(Optional<String> comment) {
    comment.ifPresent(CatalogService::checkComment);
    return comment.filter(c -> !c.isEmpty());
  }

  private static void checkComment(String comment) {
    if (comment.length() > MAX_COMMENT) {
      throw Names.invalid(
          "'comment' is too long: at most "
              + MAX_COMMENT
              + " characters (got "
              + comment.length()
              + ").");
    }
  }

  private static void checkProperties(Map<String, String> properties) {
    if (properties.size() > MAX_PROPERTIES) {
      throw Names.invalid(
          "'properties' has "
              + properties.size()
              + " entries; at most "
              + MAX_PROPERTIES
              + " are allowed.");
    }
    properties.forEach(
        (k, v) -> {
          if (k.isEmpty() || k.length() > MAX_PROPERTY_KEY) {
            throw Names.invalid(
                "'properties' keys must be 1 to " + MAX_PROPERTY_KEY + " characters.");
          }
          if (v.length() > MAX_PROPERTY_VALUE) {
            throw Names.invalid(
                "'properties' value of '"
                    + k
                    + "' is too long: at most "
                    + MAX_PROPERTY_VALUE
                    + " characters.");
          }
        });
  }

  private static int pageSize(OptionalLong maxResults) {
    if (maxResults.isEmpty() || maxResults.getAsLong() == 0) {
      return MAX_PAGE;
    }
    long m = maxResults.getAsLong();
    if (m < 0) {
      throw Names.invalid("'max_results' must be greater than or equal to 0 (got " + m + ").");
    }
    return (int) Math.min(m, MAX_PAGE);
  }

  /**
   * A page token holds the name of the last item of the previous page ({@link PageToken#ofName});
   * anything else is a 400 naming {@code page_token}.
   */
  private static Optional<String> after(Optional<String> pageToken) {
    Optional<String> t = PageToken.after(pageToken);
    if (t.isEmpty()) {
      return t;
    }
    try {
      return Optional.of(Names.check("page_token", t.get()));
    } catch (KeelException e) {
      throw Names.invalid("Invalid 'page_token': it is not one this server handed out.");
    }
  }

  private static <T> Page<T> page(
      List<T> rows, int limit, java.util.function.Function<T, String> name) {
    if (rows.size() <= limit) {
      return new Page<>(rows, Optional.empty());
    }
    List<T> items = new ArrayList<>(rows.subList(0, limit));
    return new Page<>(
        items, Optional.of(PageToken.ofName(name.apply(items.get(items.size() - 1)))));
  }
}
