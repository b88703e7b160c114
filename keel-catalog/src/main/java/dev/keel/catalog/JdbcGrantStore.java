package dev.keel.catalog;

import dev.keel.core.SecurableType;
import dev.keel.store.Database;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * {@link GrantStore} on Keel's metadata database (SQLite or PostgreSQL), tables from {@code
 * V10__grants.sql}. Thread-safe.
 */
public final class JdbcGrantStore implements GrantStore {
  private final Database db;

  public JdbcGrantStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** The database, for subscriptions to {@link #CHANNEL}. */
  Database database() {
    return db;
  }

  @Override
  public List<Grant> grantsOn(SecurableType type, String name) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT securable_type, securable_name, principal, privilege FROM uc_grants"
                        + " WHERE securable_type = ? AND securable_name = ?"
                        + " ORDER BY principal, privilege")
                .bind(0, type.name())
                .bind(1, name)
                .map((rs, ctx) -> row(rs))
                .list());
  }

  @Override
  public List<Grant> grantsOn(Collection<Securable> securables, Set<String> principals) {
    if (securables.isEmpty()) {
      return List.of();
    }
    StringBuilder sql =
        new StringBuilder(
            "SELECT securable_type, securable_name, principal, privilege FROM uc_grants WHERE (");
    List<Object> binds = new ArrayList<>();
    String or = "";
    for (Securable s : securables) {
      sql.append(or).append("(securable_type = ? AND securable_name = ?)");
      binds.add(s.type().name());
      binds.add(s.name());
      or = " OR ";
    }
    sql.append(")");
    if (!principals.isEmpty()) {
      sql.append(" AND principal IN (")
          .append(String.join(", ", Collections.nCopies(principals.size(), "?")))
          .append(")");
      binds.addAll(principals.stream().sorted().toList());
    }
    sql.append(" ORDER BY principal, securable_type, securable_name, privilege");
    return db.read(
        h -> {
          Query q = h.createQuery(sql.toString());
          for (int i = 0; i < binds.size(); i++) {
            q.bind(i, binds.get(i));
          }
          return q.map((rs, ctx) -> row(rs)).list();
        });
  }

  @Override
  public void update(
      SecurableType type, String name, List<GrantChange> changes, long now, String by) {
    db.write(
        h -> {
          for (GrantChange c : changes) {
            for (UcPrivilege p : c.remove()) {
              h.execute(
                  "DELETE FROM uc_grants WHERE securable_type = ? AND securable_name = ?"
                      + " AND principal = ? AND privilege = ?",
                  type.name(),
                  name,
                  c.principal(),
                  p.name());
            }
            for (UcPrivilege p : c.add()) {
              boolean held =
                  h.createQuery(
                          "SELECT 1 FROM uc_grants WHERE securable_type = ? AND securable_name = ?"
                              + " AND principal = ? AND privilege = ?")
                      .bind(0, type.name())
                      .bind(1, name)
                      .bind(2, c.principal())
                      .bind(3, p.name())
                      .mapTo(Integer.class)
                      .findOne()
                      .isPresent();
              if (!held) {
                h.execute(
                    "INSERT INTO uc_grants (securable_type, securable_name, principal, privilege,"
                        + " granted_at, granted_by) VALUES (?, ?, ?, ?, ?, ?)",
                    type.name(),
                    name,
                    c.principal(),
                    p.name(),
                    now,
                    by);
              }
            }
          }
          db.announce(h, CHANNEL);
          return null;
        });
  }

  @Override
  public void announce() {
    if (db.dialect() == dev.keel.store.Dialect.POSTGRESQL) {
      db.write(
          h -> {
            db.announce(h, CHANNEL);
            return null;
          });
    }
  }

  @Override
  public void deleteGrants(SecurableType type, String name) {
    db.write(
        h -> {
          h.execute(
              "DELETE FROM uc_grants WHERE securable_type = ? AND securable_name = ?",
              type.name(),
              name);
          db.announce(h, CHANNEL);
          return null;
        });
  }

  @Override
  public void renameGrants(SecurableType type, String name, String newName) {
    db.write(
        h -> {
          h.execute(
              "UPDATE uc_grants SET securable_name = ? WHERE securable_type = ?"
                  + " AND securable_name = ?",
              newName,
              type.name(),
              name);
          db.announce(h, CHANNEL);
          return null;
        });
  }

  @Override
  public void setTableOwner(String fullName, String owner) {
    db.write(
        h -> {
          h.execute("DELETE FROM uc_table_owners WHERE full_name = ?", fullName);
          h.execute(
              "INSERT INTO uc_table_owners (full_name, owner) VALUES (?, ?)", fullName, owner);
          db.announce(h, CHANNEL);
          return null;
        });
  }

  @Override
  public void deleteTableOwner(String fullName) {
    db.write(
        h -> {
          h.execute("DELETE FROM uc_table_owners WHERE full_name = ?", fullName);
          h.execute(
              "DELETE FROM uc_grants WHERE securable_type = 'TABLE' AND securable_name = ?",
              fullName);
          db.announce(h, CHANNEL);
          return null;
        });
  }

  @Override
  public Optional<String> tableOwner(String fullName) {
    return db.read(
        h ->
            h.createQuery("SELECT owner FROM uc_table_owners WHERE full_name = ?")
                .bind(0, fullName)
                .mapTo(String.class)
                .findOne());
  }

  /**
   * Moves the grants of a renamed object to its new name, on {@code h}, inside the transaction of
   * the rename (for capabilities that rename objects in their own store).
   */
  public static void moveGrants(Handle h, SecurableType type, String from, String to) {
    h.execute(
        "UPDATE uc_grants SET securable_name = ? WHERE securable_type = ? AND securable_name = ?",
        to,
        type.name(),
        from);
  }

  /** Deletes the grants on a deleted object, on {@code h}, inside the transaction of the delete. */
  public static void dropGrants(Handle h, SecurableType type, String name) {
    h.execute(
        "DELETE FROM uc_grants WHERE securable_type = ? AND securable_name = ?", type.name(), name);
  }

  @Override
  public SchemaContents contents() {
    return new SchemaContents() {
      @Override
      public String kind() {
        return "grants";
      }

      @Override
      public long count(Handle h, String catalog, Optional<String> schema) {
        return 0; // grants never keep a catalog or schema from being deleted
      }

      @Override
      public Runnable delete(Handle h, String catalog, Optional<String> schema) {
        String prefix = schema.map(s -> catalog + "." + s).orElse(catalog);
        String top = schema.isPresent() ? "SCHEMA" : "CATALOG";
        h.execute(
            "DELETE FROM uc_grants WHERE (securable_type = ? AND securable_name = ?)"
                + " OR substr(securable_name, 1, ?) = ?",
            top,
            prefix,
            prefix.length() + 1,
            prefix + ".");
        h.execute(
            "DELETE FROM uc_table_owners WHERE substr(full_name, 1, ?) = ?",
            prefix.length() + 1,
            prefix + ".");
        db.announce(h, CHANNEL);
        return () -> {};
      }

      @Override
      public void rename(Handle h, String catalog, Optional<String> schema, String newName) {
        String prefix = schema.map(s -> catalog + "." + s).orElse(catalog);
        String target = schema.map(s -> catalog + "." + newName).orElse(newName);
        String top = schema.isPresent() ? "SCHEMA" : "CATALOG";
        h.execute(
            "UPDATE uc_grants SET securable_name = ? WHERE securable_type = ?"
                + " AND securable_name = ?",
            target,
            top,
            prefix);
        h.execute(
            "UPDATE uc_grants SET securable_name = ? || substr(securable_name, ?)"
                + " WHERE substr(securable_name, 1, ?) = ?",
            target + ".",
            prefix.length() + 2,
            prefix.length() + 1,
            prefix + ".");
        h.execute(
            "UPDATE uc_table_owners SET full_name = ? || substr(full_name, ?)"
                + " WHERE substr(full_name, 1, ?) = ?",
            target + ".",
            prefix.length() + 2,
            prefix.length() + 1,
            prefix + ".");
        db.announce(h, CHANNEL);
      }
    };
  }

  private static Grant row(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Grant(
        SecurableType.valueOf(rs.getString(1)),
        rs.getString(2),
        rs.getString(3),
        UcPrivilege.valueOf(rs.getString(4)));
  }
}
