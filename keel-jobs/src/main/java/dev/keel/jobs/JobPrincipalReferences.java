package dev.keel.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.identity.PrincipalReferences;
import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The jobs' references to principals by name: each job's {@code run_as} (in its row and its
 * settings), its creator, and the same on its runs. A job's runs act with a token of its {@code
 * run_as} identity and a job has exactly one owner, so an identity that owns a job or that a job
 * runs as is not deleted (the refusal lists them; move them first, as Databricks asks); a renamed
 * one is renamed in every job and run in one transaction. Ownership itself lives in the object
 * permissions, which the catalog's references rename.
 */
public final class JobPrincipalReferences implements PrincipalReferences {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Database db;
  private final ObjectPermissions permissions;
  private final Clock clock;

  /** References in {@code db}; owners are read from {@code permissions}. */
  public JobPrincipalReferences(Database db, ObjectPermissions permissions, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.permissions = Objects.requireNonNull(permissions, "permissions");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public List<String> owned(String name, int limit) {
    List<String> out = new ArrayList<>();
    permissions.ownedBy(ObjectType.JOBS, name, limit).forEach(id -> out.add("JOB " + id));
    if (out.size() < limit) {
      db.read(
              h ->
                  h.createQuery("SELECT job_id FROM jobs WHERE run_as = ? ORDER BY job_id LIMIT ?")
                      .bind(0, name)
                      .bind(1, limit - out.size())
                      .mapTo(Long.class)
                      .list())
          .forEach(id -> out.add("JOB " + id + " (run_as)"));
    }
    return out;
  }

  @Override
  public void renamed(String from, String to) {
    long now = clock.millis();
    db.write(
        h -> {
          List<Map.Entry<Long, String>> named =
              h.createQuery("SELECT job_id, settings FROM jobs WHERE run_as = ? OR creator = ?")
                  .bind(0, from)
                  .bind(1, from)
                  .map((rs, c) -> Map.entry(rs.getLong(1), rs.getString(2)))
                  .list();
          for (Map.Entry<Long, String> j : named) {
            h.createUpdate("UPDATE jobs SET settings = ?, updated_at = ? WHERE job_id = ?")
                .bind(0, renamedIn(j.getValue(), from, to))
                .bind(1, now)
                .bind(2, j.getKey())
                .execute();
          }
          for (String table : List.of("jobs", "job_runs")) {
            for (String column : List.of("run_as", "creator")) {
              h.createUpdate("UPDATE " + table + " SET " + column + " = ? WHERE " + column + " = ?")
                  .bind(0, to)
                  .bind(1, from)
                  .execute();
            }
          }
          List<Map.Entry<Long, String>> runs =
              h.createQuery("SELECT run_id, settings FROM job_runs WHERE settings LIKE ?")
                  .bind(0, "%\"run_as\"%")
                  .map((rs, c) -> Map.entry(rs.getLong(1), rs.getString(2)))
                  .list();
          for (Map.Entry<Long, String> r : runs) {
            String changed = renamedIn(r.getValue(), from, to);
            if (!changed.equals(r.getValue())) {
              h.createUpdate("UPDATE job_runs SET settings = ? WHERE run_id = ?")
                  .bind(0, changed)
                  .bind(1, r.getKey())
                  .execute();
            }
          }
          return null;
        });
  }

  /** The settings JSON with a {@code run_as} naming {@code from} naming {@code to}. */
  static String renamedIn(String settings, String from, String to) {
    try {
      JsonNode s = JSON.readTree(settings);
      JsonNode runAs = s.path("run_as");
      boolean changed = false;
      for (String f : List.of("user_name", "service_principal_name")) {
        if (runAs.path(f).asText("").equals(from)) {
          ((ObjectNode) runAs).put(f, to);
          changed = true;
        }
      }
      return changed ? JSON.writeValueAsString(s) : settings;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void deleted(String name) {
    // owners and run_as identities block the deletion (see owned); runs keep their history
  }
}
