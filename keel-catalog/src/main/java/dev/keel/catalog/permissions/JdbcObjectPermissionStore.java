package dev.keel.catalog.permissions;

import dev.keel.catalog.identity.Identity;
import dev.keel.store.Database;
import dev.keel.store.Subscription;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;

/**
 * {@link ObjectPermissionStore} on Keel's metadata database (table {@code object_permissions}).
 * Access control lists are cached in memory, because every request on an experiment, a run or an
 * endpoint asks for one: each write announces itself on {@value #CHANNEL} and drops the cache after
 * its commit, here and on every other server sharing the PostgreSQL database; a list loaded while a
 * write committed is not kept (a generation counter), and while announcements may be missed every
 * lookup reads the database. Thread-safe.
 */
public final class JdbcObjectPermissionStore implements ObjectPermissionStore {
  /** The channel on which permission changes are announced to other servers. */
  public static final String CHANNEL = "keel_object_permissions";

  /** The level an owner row is stored with. */
  static final String OWNER = "IS_OWNER";

  private static final int MAX_CACHED = 100_000;

  private final Database db;
  private final ConcurrentHashMap<String, Acl> cache = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final Subscription subscription;

  public JdbcObjectPermissionStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
    this.subscription = db.subscribe(CHANNEL, this::invalidate);
  }

  /**
   * The SQL condition "some principal among {@code principals} is owner of or has a level on the
   * object of {@code type} whose id is {@code idSql}" (a text expression over the outer query),
   * with one {@code ?} per principal, for list and search queries that must keep only what a caller
   * may see. It is answered from the primary key.
   */
  public static String visibleCondition(ObjectType type, String idSql, int principals) {
    if (principals <= 0) {
      return "1 = 0";
    }
    return "EXISTS (SELECT 1 FROM object_permissions op WHERE op.object_type = '"
        + type.path()
        + "' AND op.object_id = "
        + idSql
        + " AND op.principal IN ("
        + String.join(", ", java.util.Collections.nCopies(principals, "?"))
        + "))";
  }

  @Override
  public Acl get(ObjectType type, String objectId) {
    if (!subscription.live()) {
      return db.read(h -> load(h, type, objectId));
    }
    String key = type.path() + '/' + objectId;
    Acl hit = cache.get(key);
    if (hit != null) {
      return hit;
    }
    long before = generation.get();
    Acl loaded = db.read(h -> load(h, type, objectId));
    if (cache.size() < MAX_CACHED) {
      cache.put(key, loaded);
      if (generation.get() != before) {
        cache.remove(key, loaded); // a change committed while we read: maybe stale
      }
    }
    return loaded;
  }

  private static Acl load(Handle h, ObjectType type, String objectId) {
    Optional<Grantee> owner = Optional.empty();
    List<AccessControl> entries = new ArrayList<>();
    for (Row r :
        h.createQuery(
                "SELECT principal, principal_type, permission_level FROM object_permissions"
                    + " WHERE object_type = ? AND object_id = ?")
            .bind(0, type.path())
            .bind(1, objectId)
            .map(
                (rs, ctx) ->
                    new Row(
                        rs.getString("principal"),
                        Identity.Kind.valueOf(rs.getString("principal_type")),
                        rs.getString("permission_level")))
            .list()) {
      Grantee g = new Grantee(r.principal, r.type);
      if (r.level.equals(OWNER)) {
        owner = Optional.of(g);
      } else {
        entries.add(new AccessControl(g, PermissionLevel.valueOf(r.level)));
      }
    }
    entries.sort(
        Comparator.comparing((AccessControl e) -> e.grantee().type())
            .thenComparing(e -> e.grantee().name()));
    return new Acl(owner, entries);
  }

  private record Row(String principal, Identity.Kind type, String level) {}

  @Override
  public void setOwner(ObjectType type, String objectId, Grantee owner) {
    change(
        h -> {
          h.execute(
              "DELETE FROM object_permissions WHERE object_type = ? AND object_id = ?"
                  + " AND permission_level = ?",
              type.path(),
              objectId,
              OWNER);
          insert(h, type, objectId, owner, OWNER);
        });
  }

  @Override
  public void replace(
      ObjectType type, String objectId, List<AccessControl> entries, Optional<Grantee> newOwner) {
    change(
        h -> {
          h.execute(
              "DELETE FROM object_permissions WHERE object_type = ? AND object_id = ?"
                  + " AND permission_level <> ?",
              type.path(),
              objectId,
              OWNER);
          for (AccessControl e : entries) {
            insert(h, type, objectId, e.grantee(), e.level().name());
          }
          newOwner.ifPresent(o -> moveOwner(h, type, objectId, o));
        });
  }

  @Override
  public void update(
      ObjectType type, String objectId, List<AccessControl> entries, Optional<Grantee> newOwner) {
    change(
        h -> {
          for (AccessControl e : entries) {
            h.execute(
                "DELETE FROM object_permissions WHERE object_type = ? AND object_id = ?"
                    + " AND principal = ? AND permission_level <> ?",
                type.path(),
                objectId,
                e.grantee().name(),
                OWNER);
            insert(h, type, objectId, e.grantee(), e.level().name());
          }
          newOwner.ifPresent(o -> moveOwner(h, type, objectId, o));
        });
  }

  /** Makes {@code to} the only owner; the previous owner keeps CAN_MANAGE. */
  private static void moveOwner(Handle h, ObjectType type, String objectId, Grantee to) {
    List<Row> previous =
        h.createQuery(
                "SELECT principal, principal_type, permission_level FROM object_permissions"
                    + " WHERE object_type = ? AND object_id = ? AND permission_level = ?")
            .bind(0, type.path())
            .bind(1, objectId)
            .bind(2, OWNER)
            .map(
                (rs, c) ->
                    new Row(
                        rs.getString(1), Identity.Kind.valueOf(rs.getString(2)), rs.getString(3)))
            .list();
    h.execute(
        "DELETE FROM object_permissions WHERE object_type = ? AND object_id = ?"
            + " AND (permission_level = ? OR principal = ?)",
        type.path(),
        objectId,
        OWNER,
        to.name());
    insert(h, type, objectId, to, OWNER);
    for (Row r : previous) {
      if (!r.principal.equals(to.name())) {
        h.execute(
            "DELETE FROM object_permissions WHERE object_type = ? AND object_id = ?"
                + " AND principal = ?",
            type.path(),
            objectId,
            r.principal);
        insert(
            h, type, objectId, new Grantee(r.principal, r.type), PermissionLevel.CAN_MANAGE.name());
      }
    }
  }

  @Override
  public void forget(ObjectType type, String objectId) {
    change(
        h ->
            h.execute(
                "DELETE FROM object_permissions WHERE object_type = ? AND object_id = ?",
                type.path(),
                objectId));
  }

  @Override
  public Set<String> visible(ObjectType type, Collection<String> principals) {
    if (principals.isEmpty()) {
      return Set.of();
    }
    List<String> names = List.copyOf(principals);
    return db.read(
        h -> {
          var q =
              h.createQuery(
                  "SELECT DISTINCT object_id FROM object_permissions WHERE object_type = ? AND"
                      + " principal IN ("
                      + String.join(", ", java.util.Collections.nCopies(names.size(), "?"))
                      + ")");
          q.bind(0, type.path());
          for (int i = 0; i < names.size(); i++) {
            q.bind(i + 1, names.get(i));
          }
          return new HashSet<>(q.mapTo(String.class).list());
        });
  }

  private static void insert(Handle h, ObjectType type, String objectId, Grantee g, String level) {
    h.execute(
        "INSERT INTO object_permissions"
            + " (object_type, object_id, principal, principal_type, permission_level)"
            + " VALUES (?, ?, ?, ?, ?)",
        type.path(),
        objectId,
        g.name(),
        g.type().name(),
        level);
  }

  @Override
  public void renamePrincipal(String from, String to) {
    change(
        h -> {
          h.createUpdate("DELETE FROM object_permissions WHERE principal = ?")
              .bind(0, to)
              .execute();
          h.createUpdate("UPDATE object_permissions SET principal = ? WHERE principal = ?")
              .bind(0, to)
              .bind(1, from)
              .execute();
        });
  }

  @Override
  public List<String> ownedBy(ObjectType type, String principal, int limit) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT object_id FROM object_permissions WHERE object_type = ?"
                        + " AND principal = ? AND permission_level = ? ORDER BY object_id LIMIT ?")
                .bind(0, type.path())
                .bind(1, principal)
                .bind(2, OWNER)
                .bind(3, limit)
                .mapTo(String.class)
                .list());
  }

  @Override
  public void forgetPrincipal(String name) {
    change(
        h ->
            h.createUpdate("DELETE FROM object_permissions WHERE principal = ?")
                .bind(0, name)
                .execute());
  }

  private interface Change {
    void apply(Handle h);
  }

  private void change(Change c) {
    try {
      db.write(
          h -> {
            db.announce(h, CHANNEL);
            h.afterCommit(this::invalidate);
            c.apply(h);
            return null;
          });
    } finally {
      invalidate(); // also after a rollback: harmless, and covers a failed commit
    }
  }

  private void invalidate() {
    generation.incrementAndGet();
    cache.clear();
  }
}
