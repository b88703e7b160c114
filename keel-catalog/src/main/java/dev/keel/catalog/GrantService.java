package dev.keel.catalog;

import static dev.keel.catalog.UcPrivilege.BROWSE;
import static dev.keel.catalog.UcPrivilege.CREATE_CATALOG;
import static dev.keel.catalog.UcPrivilege.CREATE_FUNCTION;
import static dev.keel.catalog.UcPrivilege.CREATE_MODEL;
import static dev.keel.catalog.UcPrivilege.CREATE_SCHEMA;
import static dev.keel.catalog.UcPrivilege.CREATE_TABLE;
import static dev.keel.catalog.UcPrivilege.EXECUTE;
import static dev.keel.catalog.UcPrivilege.MANAGE;
import static dev.keel.catalog.UcPrivilege.MODIFY;
import static dev.keel.catalog.UcPrivilege.SELECT;
import static dev.keel.catalog.UcPrivilege.USE_CATALOG;
import static dev.keel.catalog.UcPrivilege.USE_SCHEMA;

import dev.keel.core.Authorizer;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import dev.keel.store.Subscription;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unity Catalog privileges on the metastore, catalogs, schemas, tables and registered models:
 * reading and changing grants, effective permissions with where they come from, and the {@link
 * Authorizer} the HTTP edge asks before a route runs.
 *
 * <p>The model, as Unity Catalog's: every securable has an owner (its creator, transferable), who
 * holds every privilege on it and on everything in it; a privilege granted on a catalog or schema
 * is inherited by everything in it; {@code ALL PRIVILEGES} stands for every privilege but {@code
 * MANAGE}; reaching an object needs {@code USE CATALOG} on its catalog and {@code USE SCHEMA} on
 * its schema as well as the object's own privilege. Grants name users, service principals and
 * groups ({@link Principal#is}). Administrators are let through by the edge before any of this is
 * asked.
 *
 * <p>Decisions are cached per principal and securable; the cache is emptied after every grant or
 * owner change here, on other servers through the database's change announcements, and entries are
 * re-checked after {@value #CACHE_TTL_MS} ms at the latest (objects dropped and created again under
 * the same name by someone else). Thread-safe.
 */
public final class GrantService implements Authorizer {
  /** The full name of the one metastore in grants ({@code /permissions/metastore/metastore}). */
  public static final String METASTORE = "metastore";

  /** The securable types whose routes this service authorizes. */
  public static final Set<SecurableType> TYPES =
      Set.of(
          SecurableType.METASTORE,
          SecurableType.CATALOG,
          SecurableType.SCHEMA,
          SecurableType.TABLE,
          SecurableType.REGISTERED_MODEL);

  /** How long a cached decision is trusted at most. */
  public static final long CACHE_TTL_MS = 10_000;

  private static final int MAX_ENTRIES = 100_000;

  /** Finds the owner of an object by its full name; empty when there is no such object. */
  @FunctionalInterface
  public interface Owners {
    Optional<String> owner(String fullName);
  }

  /**
   * A privilege a principal holds on a securable, and where it comes from.
   *
   * @param principal who holds it
   * @param privilege what
   * @param inheritedFrom the catalog or schema it was granted on; empty when granted on the
   *     securable itself
   */
  public record Effective(
      String principal, UcPrivilege privilege, Optional<GrantStore.Securable> inheritedFrom) {}

  /** A step on the way from the catalog down to an object, with its owner. */
  private record Node(SecurableType type, String name, String owner) {}

  /** One privilege a decision needs on one level ({@code alternatives} also do). */
  private record Need(int level, UcPrivilege privilege, Set<UcPrivilege> alternatives) {}

  private record Cached(Decision decision, long at) {}

  private final GrantStore store;
  private final CatalogStore catalogs;
  private final Clock clock;
  private final Principals principals;
  private final Map<SecurableType, Owners> owners = new EnumMap<>(SecurableType.class);
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private volatile Subscription subscription = Subscription.ALWAYS_LIVE;

  /**
   * A service over {@code store}.
   *
   * @param principals the users, groups and service principals grants may name
   */
  public GrantService(GrantStore store, CatalogStore catalogs, Principals principals, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.catalogs = Objects.requireNonNull(catalogs, "catalogs");
    this.principals = Objects.requireNonNull(principals, "principals");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Tells the service how to find tables or registered models (the capabilities that store them
   * plug this in).
   */
  public GrantService owners(SecurableType type, Owners lookup) {
    owners.put(type, Objects.requireNonNull(lookup, "lookup"));
    return this;
  }

  /** The store, for lists filtered by grants and for table owners. */
  public GrantStore store() {
    return store;
  }

  /** Empties the cache whenever another server announces a grant change. */
  public void listenTo(Subscription s) {
    subscription = s;
  }

  /**
   * After an owner change, or an object dropped or created: forgets every cached decision here and
   * on every server sharing the database.
   */
  public void changed() {
    invalidate();
    store.announce();
  }

  /** Forgets every cached decision (after a grant or owner change). */
  public void invalidate() {
    generation.incrementAndGet();
    cache.clear();
  }

  // ---------------------------------------------------------------- grants API

  /**
   * The grants on a securable, to {@code principal} only when given. Administrators, owners and
   * {@code MANAGE} holders see every grant; anyone else the grants to themselves and their groups.
   */
  public List<Grant> permissions(
      Principal caller, SecurableType type, String fullName, Optional<String> principal) {
    List<Node> chain = chain(type, fullName, false);
    Node self = chain.get(chain.size() - 1);
    boolean all = canManage(caller, chain);
    return store.grantsOn(self.type(), self.name()).stream()
        .filter(g -> principal.isEmpty() || g.principal().equals(principal.get()))
        .filter(g -> all || caller.is(g.principal()))
        .toList();
  }

  /**
   * Applies {@code changes} to the grants on a securable and returns them all. Only an
   * administrator, an owner of the securable or of a parent, or a {@code MANAGE} holder may.
   *
   * @throws KeelException {@code INVALID_ARGUMENT} for a privilege that does not apply to the type
   *     or a principal that does not exist (see {@link Principals}), {@code NOT_FOUND} for a
   *     missing securable, {@code PERMISSION_DENIED}
   */
  public List<Grant> update(
      Principal caller, SecurableType type, String fullName, List<GrantChange> changes) {
    List<Node> chain = chain(type, fullName, false);
    Node self = chain.get(chain.size() - 1);
    for (int i = 0; i < changes.size(); i++) {
      GrantChange c = changes.get(i);
      if (c.principal().isBlank()) {
        throw KeelException.invalid("'changes[" + i + "].principal' must not be empty.");
      }
      for (String field : List.of("add", "remove")) {
        for (UcPrivilege p : field.equals("add") ? c.add() : c.remove()) {
          if (field.equals("add")) {
            SystemCatalog.checkGrantable("changes[" + i + "].add", self.name(), p);
          }
          if (!p.grantableOn(type)) {
            throw KeelException.invalid(
                "'changes["
                    + i
                    + "]."
                    + field
                    + "': privilege "
                    + p.spaced()
                    + " does not apply to "
                    + type.name()
                    + " "
                    + self.name()
                    + ".");
          }
        }
      }
    }
    if (!canManage(caller, chain)) {
      throw new KeelException(
          ErrorCode.PERMISSION_DENIED,
          who(caller)
              + " may not change the grants on "
              + type.name()
              + " "
              + self.name()
              + ": only its owner, a MANAGE holder or an administrator may.");
    }
    List<GrantChange> resolved = resolve(self, changes);
    if (!resolved.isEmpty()) {
      store.update(self.type(), self.name(), resolved, clock.millis(), caller.name());
      invalidate();
    }
    return store.grantsOn(self.type(), self.name());
  }

  /**
   * The changes with each principal in its canonical spelling. A principal no user, group or
   * service principal has the name of is refused (as Unity Catalog does, for revokes too), except
   * in a change that only revokes what is granted to exactly that name: the grants of a deleted
   * identity can still be revoked.
   */
  private List<GrantChange> resolve(Node self, List<GrantChange> changes) {
    List<GrantChange> out = new ArrayList<>(changes.size());
    List<Grant> current = null;
    for (int i = 0; i < changes.size(); i++) {
      GrantChange c = changes.get(i);
      Optional<Principals.Known> known = principals.named(c.principal());
      if (known.isPresent()) {
        out.add(new GrantChange(known.get().name(), c.add(), c.remove()));
        continue;
      }
      if (c.add().isEmpty()) {
        if (current == null) {
          current = store.grantsOn(self.type(), self.name());
        }
        if (current.stream().anyMatch(g -> g.principal().equals(c.principal()))) {
          out.add(c);
          continue;
        }
      }
      principals.require("changes[" + i + "].principal", c.principal()); // throws
    }
    return out;
  }

  /**
   * The privileges each principal holds on a securable, granted on it or inherited from its catalog
   * and schema (only privileges that apply to the securable's type); to {@code principal} only when
   * given, together with those of every group it belongs to (nested groups too), each listed under
   * the group it was granted to, as Unity Catalog's assignments name the principal granted. Who
   * sees what: as {@link #permissions}.
   */
  public List<Effective> effective(
      Principal caller, SecurableType type, String fullName, Optional<String> principal) {
    List<Node> chain = chain(type, fullName, false);
    boolean all = canManage(caller, chain);
    List<GrantStore.Securable> path =
        chain.stream().map(n -> new GrantStore.Securable(n.type(), n.name())).toList();
    Set<String> who = new HashSet<>();
    principal.ifPresent(
        p -> {
          String name = principals.named(p).map(Principals.Known::name).orElse(p);
          who.add(name);
          who.addAll(principals.groupNamesOf(name));
        });
    List<Effective> out = new ArrayList<>();
    for (Grant g : store.grantsOn(path, who)) {
      if (!all && !caller.is(g.principal())) {
        continue;
      }
      boolean own = g.type() == type;
      if (!own && !g.privilege().grantableOn(type)) {
        continue;
      }
      out.add(
          new Effective(
              g.principal(),
              g.privilege(),
              own
                  ? Optional.empty()
                  : Optional.of(new GrantStore.Securable(g.type(), g.securable()))));
    }
    return out;
  }

  // ---------------------------------------------------------------- authorizer

  @Override
  public Decision decide(Principal caller, SecurableType type, String name, Privilege privilege) {
    String key =
        caller.name()
            + '\u0000'
            + new TreeSet<>(caller.groups())
            + '\u0000'
            + type
            + '\u0000'
            + name
            + '\u0000'
            + privilege;
    long now = clock.millis();
    boolean live = subscription.live();
    if (live) {
      Cached hit = cache.get(key);
      if (hit != null && now - hit.at() < CACHE_TTL_MS) {
        return hit.decision();
      }
    }
    long before = generation.get();
    Decision d = compute(caller, type, name, privilege);
    if (live && cache.size() < MAX_ENTRIES) {
      Cached c = new Cached(d, now);
      cache.put(key, c);
      if (generation.get() != before) {
        cache.remove(key, c); // a grant changed while we decided: maybe stale
      }
    } else if (cache.size() >= MAX_ENTRIES) {
      cache.clear();
    }
    return d;
  }

  private Decision compute(Principal caller, SecurableType type, String name, Privilege privilege) {
    boolean creates =
        privilege == Privilege.CREATE
            && (type == SecurableType.TABLE || type == SecurableType.REGISTERED_MODEL);
    List<Node> chain = chain(type, name, creates);
    Node self = chain.get(chain.size() - 1);
    String shown = creates ? fullName(type, name) : self.name();
    List<Need> needs = needs(type, privilege);
    if (needs == null) {
      return new Decision(
          false,
          type.name(),
          shown,
          privilege.name(),
          "Only administrators may do this on " + type.name() + " " + shown + ".");
    }
    List<Grant> grants = grantsOnChain(caller, chain);
    if (privilege == Privilege.BROWSE
        && holds(caller, chain, grants, new Need(chain.size() - 1, BROWSE, Set.of()))) {
      return new Decision(true, type.name(), shown, BROWSE.spaced(), "granted");
    }
    for (Need n : needs) {
      if (!holds(caller, chain, grants, n)) {
        Node at = chain.get(n.level());
        return new Decision(
            false,
            type.name(),
            shown,
            n.privilege().spaced(),
            who(caller)
                + " does not have "
                + n.privilege().spaced()
                + " on "
                + at.type().name()
                + " "
                + at.name()
                + ".");
      }
    }
    String checked = needs.isEmpty() ? "BROWSE" : needs.get(needs.size() - 1).privilege().spaced();
    return new Decision(true, type.name(), shown, checked, "granted");
  }

  /**
   * What a route's abstract privilege needs, level by level; null when only admins may. BROWSE
   * needs what READ does unless {@code BROWSE} is held (checked first, see {@link #compute}).
   */
  private static List<Need> needs(SecurableType type, Privilege wanted) {
    Privilege privilege = wanted == Privilege.BROWSE ? Privilege.READ : wanted;
    Need useCatalog = new Need(0, USE_CATALOG, Set.of(BROWSE));
    Need useCatalogStrict = new Need(0, USE_CATALOG, Set.of());
    Need useSchema = new Need(1, USE_SCHEMA, Set.of());
    return switch (type) {
      case METASTORE ->
          switch (privilege) {
            case READ -> List.of(); // lists are filtered
            case CREATE -> List.of(new Need(0, CREATE_CATALOG, Set.of()));
            default -> null;
          };
      case CATALOG ->
          switch (privilege) {
            case READ -> List.of(useCatalog);
            case CREATE -> List.of(useCatalogStrict, new Need(0, CREATE_SCHEMA, Set.of()));
            case EDIT, MANAGE -> List.of(new Need(0, MANAGE, Set.of()));
            default -> null;
          };
      case SCHEMA ->
          switch (privilege) {
            case READ -> List.of(useCatalog, new Need(1, USE_SCHEMA, Set.of(BROWSE)));
            case CREATE ->
                List.of(useCatalogStrict, useSchema, new Need(1, CREATE_FUNCTION, Set.of()));
            case EDIT, MANAGE -> List.of(useCatalogStrict, new Need(1, MANAGE, Set.of()));
            default -> null;
          };
      case TABLE ->
          switch (privilege) {
            case READ -> List.of(useCatalogStrict, useSchema, new Need(2, SELECT, Set.of()));
            case EDIT -> List.of(useCatalogStrict, useSchema, new Need(2, MODIFY, Set.of()));
            case CREATE ->
                List.of(useCatalogStrict, useSchema, new Need(1, CREATE_TABLE, Set.of()));
            case MANAGE -> List.of(useCatalogStrict, useSchema, new Need(2, MANAGE, Set.of()));
            default -> null;
          };
      case REGISTERED_MODEL ->
          switch (privilege) {
            case READ -> List.of(useCatalogStrict, useSchema, new Need(2, EXECUTE, Set.of()));
            case CREATE ->
                List.of(useCatalogStrict, useSchema, new Need(1, CREATE_MODEL, Set.of()));
            case EDIT, MANAGE ->
                List.of(useCatalogStrict, useSchema, new Need(2, MANAGE, Set.of()));
            default -> null;
          };
      default -> null;
    };
  }

  /**
   * True when the caller owns a securable on the path down to {@code need.level}, or was granted
   * the privilege (or an alternative, or {@code ALL PRIVILEGES} for anything but {@code MANAGE}) on
   * one.
   */
  private static boolean holds(Principal caller, List<Node> chain, List<Grant> grants, Need need) {
    Set<GrantStore.Securable> path = new HashSet<>();
    for (int i = 0; i <= need.level(); i++) {
      Node n = chain.get(i);
      if (n.owner() != null && caller.is(n.owner())) {
        return true;
      }
      path.add(new GrantStore.Securable(n.type(), n.name()));
    }
    for (Grant g : grants) {
      if (!path.contains(new GrantStore.Securable(g.type(), g.securable()))) {
        continue;
      }
      UcPrivilege p = g.privilege();
      if (p == need.privilege()
          || need.alternatives().contains(p)
          || (p == UcPrivilege.ALL_PRIVILEGES && need.privilege() != MANAGE)) {
        return true;
      }
    }
    return false;
  }

  private List<Grant> grantsOnChain(Principal caller, List<Node> chain) {
    Set<String> names = new HashSet<>(caller.groups());
    names.add(caller.name());
    return store.grantsOn(
        chain.stream().map(n -> new GrantStore.Securable(n.type(), n.name())).toList(), names);
  }

  /** Owner of the securable or a parent, or holder of MANAGE on it (directly or inherited). */
  private boolean canManage(Principal caller, List<Node> chain) {
    if (caller.admin()) {
      return true;
    }
    if (chain.get(0).type() == SecurableType.METASTORE) {
      return false;
    }
    return holds(
        caller, chain, grantsOnChain(caller, chain), new Need(chain.size() - 1, MANAGE, Set.of()));
  }

  // ---------------------------------------------------------------- securables

  /** The securable type a permissions URL names ({@code catalog}, {@code TABLE}, ...). */
  public static SecurableType type(String text) {
    String t = text.toUpperCase(Locale.ROOT);
    return switch (t) {
      case "METASTORE" -> SecurableType.METASTORE;
      case "CATALOG" -> SecurableType.CATALOG;
      case "SCHEMA" -> SecurableType.SCHEMA;
      case "TABLE" -> SecurableType.TABLE;
      case "REGISTERED_MODEL" -> SecurableType.REGISTERED_MODEL;
      default ->
          throw KeelException.invalid(
              "'securable_type' "
                  + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                  + " is not supported: use metastore, catalog, schema, table or"
                  + " registered_model.");
    };
  }

  private static String fullName(SecurableType type, String name) {
    return String.join(".", Names.checkFullName("full_name", name, 3));
  }

  /**
   * The path from the top down to the securable, with owners; for {@code parentsOnly} (creating an
   * object) down to its schema.
   *
   * @throws KeelException {@code NOT_FOUND} when a step does not exist
   */
  private List<Node> chain(SecurableType type, String name, boolean parentsOnly) {
    List<Node> chain = new ArrayList<>(3);
    switch (type) {
      case METASTORE -> {
        if (!METASTORE.equals(name.toLowerCase(Locale.ROOT))) {
          throw KeelException.notFound(
              "Metastore not found: " + name + " (Keel's one metastore is '" + METASTORE + "').");
        }
        chain.add(new Node(SecurableType.METASTORE, METASTORE, null));
      }
      case CATALOG -> chain.add(catalog(Names.check("full_name", name)));
      case SCHEMA -> {
        String[] p = Names.checkFullName("full_name", name, 2);
        chain.add(catalog(p[0]));
        chain.add(schema(p[0], p[1]));
      }
      case TABLE, REGISTERED_MODEL -> {
        String[] p = Names.checkFullName("full_name", name, 3);
        chain.add(catalog(p[0]));
        chain.add(schema(p[0], p[1]));
        if (!parentsOnly) {
          String full = String.join(".", p);
          Owners o = owners.get(type);
          Optional<String> owner = o == null ? Optional.empty() : o.owner(full);
          if (owner.isEmpty()) {
            throw KeelException.notFound(
                (type == SecurableType.TABLE ? "Table" : "Registered model")
                    + " not found: "
                    + full);
          }
          chain.add(new Node(type, full, owner.get()));
        }
      }
      default ->
          throw KeelException.invalid("'securable_type' " + type + " has no Unity Catalog grants.");
    }
    return chain;
  }

  private Node catalog(String name) {
    Catalog c =
        catalogs
            .getCatalog(name)
            .orElseThrow(() -> KeelException.notFound("Catalog not found: " + name));
    return new Node(SecurableType.CATALOG, c.name(), c.owner());
  }

  private Node schema(String catalog, String name) {
    Schema s =
        catalogs
            .getSchema(catalog, name)
            .orElseThrow(() -> KeelException.notFound("Schema not found: " + catalog + "." + name));
    return new Node(SecurableType.SCHEMA, s.fullName(), s.owner());
  }

  /** How a refusal names the caller: {@code User alice}, {@code Service principal etl}. */
  static String who(Principal p) {
    return (p.kind() == Principal.Kind.SERVICE_PRINCIPAL ? "Service principal " : "User ")
        + p.name();
  }

  /** Groups effective privileges by principal, in order. */
  public static Map<String, List<Effective>> byPrincipal(List<Effective> list) {
    Map<String, List<Effective>> out = new LinkedHashMap<>();
    for (Effective e : list) {
      out.computeIfAbsent(e.principal(), k -> new ArrayList<>()).add(e);
    }
    return out;
  }
}
