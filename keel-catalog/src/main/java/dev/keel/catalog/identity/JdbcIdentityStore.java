package dev.keel.catalog.identity;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.store.Database;
import dev.keel.store.Subscription;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * {@link IdentityStore} on Keel's metadata database (SQLite or PostgreSQL), tables from {@code
 * V9__identity.sql}. Every write announces itself on {@link #CHANNEL}, so the token caches of other
 * servers sharing a PostgreSQL store forget what changed. Thread-safe.
 */
public final class JdbcIdentityStore implements IdentityStore {
  /** The change-announcement channel of identities, memberships and tokens. */
  public static final String CHANNEL = "keel_identity";

  private static final String COLUMNS =
      "id, kind, name, display_name, active, email, external_id, created_at";
  private static final String TOKEN_COLUMNS =
      "t.id, t.owner_id, o.name AS owner_name, t.created_by_id, c.name AS created_by_name,"
          + " t.salt, t.hash, t.comment, t.created_at, t.expires_at";
  private static final String TOKEN_FROM =
      " FROM tokens t LEFT JOIN identities o ON o.id = t.owner_id"
          + " LEFT JOIN identities c ON c.id = t.created_by_id";

  private final Database db;

  public JdbcIdentityStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The key names are unique by: lower-case. */
  static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  @Override
  public void create(Identity identity, Relations relations) {
    write(
        identity,
        h -> {
          if (byName(h, identity.name()).isPresent()) {
            throw nameTaken(identity);
          }
          h.createUpdate(
                  "INSERT INTO identities (id, kind, name, name_key, display_name, active, email,"
                      + " external_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
              .bind(0, identity.id())
              .bind(1, identity.kind().name())
              .bind(2, identity.name())
              .bind(3, key(identity.name()))
              .bind(4, identity.displayName().orElse(null))
              .bind(5, identity.active() ? 1 : 0)
              .bind(6, identity.email().orElse(null))
              .bind(7, identity.externalId().orElse(null))
              .bind(8, identity.createdAt())
              .execute();
          relate(h, identity, relations);
          return null;
        });
  }

  @Override
  public void update(Identity identity, Relations relations) {
    write(
        identity,
        h -> {
          Optional<Identity> taken = byName(h, identity.name());
          if (taken.isPresent() && !taken.get().id().equals(identity.id())) {
            throw nameTaken(identity);
          }
          boolean hadAdministrator = hasAdministrator(h);
          int n =
              h.createUpdate(
                      "UPDATE identities SET name = ?, name_key = ?, display_name = ?, active = ?,"
                          + " email = ?, external_id = ? WHERE id = ? AND kind = ?")
                  .bind(0, identity.name())
                  .bind(1, key(identity.name()))
                  .bind(2, identity.displayName().orElse(null))
                  .bind(3, identity.active() ? 1 : 0)
                  .bind(4, identity.email().orElse(null))
                  .bind(5, identity.externalId().orElse(null))
                  .bind(6, identity.id())
                  .bind(7, identity.kind().name())
                  .execute();
          if (n == 0) {
            throw KeelException.notFound(
                capital(identity.kind().words()) + " " + identity.id() + " does not exist.");
          }
          relate(h, identity, relations);
          keepAnAdministrator(h, hadAdministrator);
          return null;
        });
  }

  /** Refuses a change that left no administrator where there was one. */
  private static void keepAnAdministrator(Handle h, boolean hadAdministrator) {
    if (hadAdministrator && !hasAdministrator(h)) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION,
          "This change would leave Keel without an administrator (an active user or service"
              + " principal in admins, directly or through nested groups): add another one first.");
    }
  }

  /** Sets the direct relations given, then refuses a group that became its own member. */
  private static void relate(Handle h, Identity identity, Relations relations) {
    if (relations.groups().isPresent()) {
      h.createUpdate("DELETE FROM group_members WHERE member_id = ?")
          .bind(0, identity.id())
          .execute();
      for (String g : new LinkedHashSet<>(relations.groups().get())) {
        Optional<Identity> group = get(h, g);
        if (group.isEmpty() || group.get().kind() != Identity.Kind.GROUP) {
          throw KeelException.invalid("'groups': group " + g + " does not exist.");
        }
        link(h, g, identity.id());
      }
    }
    if (relations.members().isPresent()) {
      if (identity.kind() != Identity.Kind.GROUP) {
        throw KeelException.invalid("'members': only groups have members.");
      }
      h.createUpdate("DELETE FROM group_members WHERE group_id = ?")
          .bind(0, identity.id())
          .execute();
      for (String m : new LinkedHashSet<>(relations.members().get())) {
        if (get(h, m).isEmpty()) {
          throw KeelException.invalid("'members': no user, group or service principal " + m + ".");
        }
        link(h, identity.id(), m);
      }
    }
    if (identity.kind() == Identity.Kind.GROUP
        && ancestorIds(h, identity.id()).contains(identity.id())) {
      throw KeelException.invalid(
          "Group '"
              + identity.name()
              + "' would become a member of itself (directly or through nested groups): a group"
              + " cannot contain a group it belongs to.");
    }
  }

  private static void link(Handle h, String groupId, String memberId) {
    h.createUpdate("INSERT INTO group_members (group_id, member_id) VALUES (?, ?)")
        .bind(0, groupId)
        .bind(1, memberId)
        .execute();
  }

  private static final String ANCESTORS =
      "WITH RECURSIVE up(id) AS (SELECT group_id FROM group_members WHERE member_id = ?"
          + " UNION SELECT gm.group_id FROM group_members gm JOIN up ON gm.member_id = up.id) ";

  private static Set<String> ancestorIds(Handle h, String id) {
    return new LinkedHashSet<>(
        h.createQuery(ANCESTORS + "SELECT id FROM up").bind(0, id).mapTo(String.class).list());
  }

  @Override
  public <T> T atomically(java.util.function.Supplier<T> work) {
    return db.write(h -> work.get());
  }

  @Override
  public boolean delete(String id) {
    return db.write(
        h -> {
          boolean hadAdministrator = hasAdministrator(h);
          h.createUpdate("DELETE FROM group_members WHERE group_id = ? OR member_id = ?")
              .bind(0, id)
              .bind(1, id)
              .execute();
          h.createUpdate("DELETE FROM tokens WHERE owner_id = ?").bind(0, id).execute();
          int n = h.createUpdate("DELETE FROM identities WHERE id = ?").bind(0, id).execute();
          keepAnAdministrator(h, hadAdministrator);
          db.announce(h, CHANNEL);
          return n > 0;
        });
  }

  @Override
  public Optional<Identity> get(String id) {
    return db.read(h -> get(h, id));
  }

  private static Optional<Identity> get(Handle h, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM identities WHERE id = ?")
        .bind(0, id)
        .map((rs, c) -> identity(rs))
        .findOne();
  }

  @Override
  public Optional<Identity> byName(String name) {
    return db.read(h -> byName(h, name));
  }

  private static Optional<Identity> byName(Handle h, String name) {
    return h.createQuery("SELECT " + COLUMNS + " FROM identities WHERE name_key = ?")
        .bind(0, key(name))
        .map((rs, c) -> identity(rs))
        .findOne();
  }

  @Override
  public List<Identity> list(
      Identity.Kind kind, Optional<Filter> filter, boolean descending, long offset, int limit) {
    return db.read(
        h -> {
          Query q =
              h.createQuery(
                  "SELECT "
                      + COLUMNS
                      + " FROM identities WHERE kind = :kind"
                      + where(filter)
                      + " ORDER BY name_key "
                      + (descending ? "DESC" : "ASC")
                      + " LIMIT :limit OFFSET :offset");
          bind(q, kind, filter);
          return q.bind("limit", limit).bind("offset", offset).map((rs, c) -> identity(rs)).list();
        });
  }

  @Override
  public long count(Identity.Kind kind, Optional<Filter> filter) {
    return db.read(
        h -> {
          Query q =
              h.createQuery("SELECT COUNT(*) FROM identities WHERE kind = :kind" + where(filter));
          bind(q, kind, filter);
          return q.mapTo(Long.class).one();
        });
  }

  private static String where(Optional<Filter> filter) {
    return filter
        .map(f -> " AND " + (f.attribute().equals("name") ? "name_key" : f.attribute()) + " = :v")
        .orElse("");
  }

  private static void bind(Query q, Identity.Kind kind, Optional<Filter> filter) {
    q.bind("kind", kind.name());
    filter.ifPresent(f -> q.bind("v", f.attribute().equals("name") ? key(f.value()) : f.value()));
  }

  @Override
  public List<Identity> directGroups(String memberId) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT "
                        + prefixed("i")
                        + " FROM group_members gm JOIN identities i ON i.id = gm.group_id"
                        + " WHERE gm.member_id = ? ORDER BY i.name_key")
                .bind(0, memberId)
                .map((rs, c) -> identity(rs))
                .list());
  }

  @Override
  public List<Identity> directMembers(String groupId) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT "
                        + prefixed("i")
                        + " FROM group_members gm JOIN identities i ON i.id = gm.member_id"
                        + " WHERE gm.group_id = ? ORDER BY i.name_key")
                .bind(0, groupId)
                .map((rs, c) -> identity(rs))
                .list());
  }

  @Override
  public Set<String> allGroupNames(String memberId) {
    return db.read(
        h ->
            new LinkedHashSet<>(
                h.createQuery(
                        ANCESTORS
                            + "SELECT i.name FROM identities i JOIN up ON i.id = up.id"
                            + " ORDER BY i.name_key")
                    .bind(0, memberId)
                    .mapTo(String.class)
                    .list()));
  }

  @Override
  public boolean hasAdministrator() {
    return db.read(JdbcIdentityStore::hasAdministrator);
  }

  private static boolean hasAdministrator(Handle h) {
    return h.createQuery(
                "WITH RECURSIVE down(id) AS (SELECT member_id FROM group_members WHERE group_id = ?"
                    + " UNION SELECT gm.member_id FROM group_members gm JOIN down ON gm.group_id ="
                    + " down.id) SELECT COUNT(*) FROM down JOIN identities i ON i.id = down.id"
                    + " WHERE i.kind <> 'GROUP' AND i.active = 1")
            .bind(0, Identity.ADMINS_ID)
            .mapTo(Long.class)
            .one()
        > 0;
  }

  // ---------------------------------------------------------------- tokens

  @Override
  public void createToken(StoredToken t) {
    db.write(
        h -> {
          Optional<Identity> owner = get(h, t.ownerId());
          if (owner.isEmpty()) {
            throw KeelException.notFound("Identity " + t.ownerId() + " does not exist.");
          }
          h.createUpdate(
                  "INSERT INTO tokens (id, owner_id, created_by_id, salt, hash, comment,"
                      + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
              .bind(0, t.id())
              .bind(1, t.ownerId())
              .bind(2, t.createdById())
              .bind(3, t.salt())
              .bind(4, t.hash())
              .bind(5, t.comment().orElse(null))
              .bind(6, t.createdAt())
              .bind(7, t.expiresAt().isPresent() ? t.expiresAt().getAsLong() : null)
              .execute();
          db.announce(h, CHANNEL);
          return null;
        });
  }

  @Override
  public Optional<StoredToken> token(String id) {
    return db.read(
        h ->
            h.createQuery("SELECT " + TOKEN_COLUMNS + TOKEN_FROM + " WHERE t.id = ?")
                .bind(0, id)
                .map((rs, c) -> token(rs))
                .findOne());
  }

  @Override
  public List<StoredToken> tokens(
      Optional<String> ownerId, Optional<String> createdById, Optional<String> createdByName) {
    return db.read(
        h -> {
          List<String> where = new ArrayList<>();
          ownerId.ifPresent(v -> where.add("t.owner_id = :owner"));
          createdById.ifPresent(v -> where.add("t.created_by_id = :creator"));
          createdByName.ifPresent(v -> where.add("c.name_key = :creatorName"));
          Query q =
              h.createQuery(
                  "SELECT "
                      + TOKEN_COLUMNS
                      + TOKEN_FROM
                      + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                      + " ORDER BY t.created_at DESC, t.id");
          ownerId.ifPresent(v -> q.bind("owner", v));
          createdById.ifPresent(v -> q.bind("creator", v));
          createdByName.ifPresent(v -> q.bind("creatorName", key(v)));
          return q.map((rs, c) -> token(rs)).list();
        });
  }

  @Override
  public boolean deleteToken(String id) {
    return db.write(
        h -> {
          int n = h.createUpdate("DELETE FROM tokens WHERE id = ?").bind(0, id).execute();
          db.announce(h, CHANNEL);
          return n > 0;
        });
  }

  @Override
  public Subscription subscribe(Runnable listener) {
    return db.subscribe(CHANNEL, listener);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Runs a write of {@code identity} that may lose the race for its name to a concurrent one:
   * ALREADY_EXISTS.
   */
  private <R> R write(Identity identity, org.jdbi.v3.core.HandleCallback<R, RuntimeException> w) {
    try {
      return db.write(
          h -> {
            R r = w.withHandle(h);
            db.announce(h, CHANNEL);
            return r;
          });
    } catch (UnableToExecuteStatementException e) {
      if (byName(identity.name()).filter(i -> !i.id().equals(identity.id())).isPresent()) {
        throw new KeelException(ErrorCode.ALREADY_EXISTS, nameTaken(identity).getMessage(), e);
      }
      throw e;
    }
  }

  private static KeelException nameTaken(Identity i) {
    return KeelException.alreadyExists(
        "'"
            + i.kind().nameAttribute()
            + "': the name '"
            + i.name()
            + "' is taken by another user, group or service principal.");
  }

  private static String capital(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String prefixed(String alias) {
    StringBuilder b = new StringBuilder();
    for (String c : COLUMNS.split(", ")) {
      if (!b.isEmpty()) {
        b.append(", ");
      }
      b.append(alias).append('.').append(c);
    }
    return b.toString();
  }

  private static Identity identity(ResultSet rs) throws SQLException {
    return new Identity(
        rs.getString("id"),
        Identity.Kind.valueOf(rs.getString("kind")),
        rs.getString("name"),
        Optional.ofNullable(rs.getString("display_name")),
        rs.getInt("active") != 0,
        Optional.ofNullable(rs.getString("email")),
        Optional.ofNullable(rs.getString("external_id")),
        rs.getLong("created_at"));
  }

  private static StoredToken token(ResultSet rs) throws SQLException {
    long expires = rs.getLong("expires_at");
    boolean never = rs.wasNull();
    String owner = rs.getString("owner_name");
    String creator = rs.getString("created_by_name");
    return new StoredToken(
        rs.getString("id"),
        rs.getString("owner_id"),
        owner == null ? "" : owner,
        rs.getString("created_by_id"),
        creator == null ? "" : creator,
        rs.getString("salt"),
        rs.getString("hash"),
        Optional.ofNullable(rs.getString("comment")),
        rs.getLong("created_at"),
        never ? OptionalLong.empty() : OptionalLong.of(expires));
  }
}
