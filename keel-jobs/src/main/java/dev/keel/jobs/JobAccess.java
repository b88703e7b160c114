package dev.keel.jobs;

import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.core.Authorizer;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import java.util.Objects;

/**
 * Decides job access from the jobs' object permissions, as Databricks does: CAN_VIEW reads a job,
 * its runs and their output (READ); CAN_MANAGE_RUN also runs, cancels and repairs (EDIT);
 * CAN_MANAGE also edits and deletes the job (MANAGE); the creator owns it. The name is a job id;
 * the empty name is the collection: any principal may create jobs and submit runs (it owns them)
 * and list what it may see. Thread-safe.
 */
public final class JobAccess implements Authorizer {
  private final ObjectPermissions permissions;

  public JobAccess(ObjectPermissions permissions) {
    this.permissions = Objects.requireNonNull(permissions, "permissions");
  }

  @Override
  public Decision decide(Principal caller, SecurableType type, String name, Privilege privilege) {
    if (type != SecurableType.JOB) {
      throw new IllegalArgumentException("job access does not decide on " + type);
    }
    if (name.isEmpty()) {
      boolean collection = privilege == Privilege.READ || privilege == Privilege.CREATE;
      return new Decision(
          collection || caller.admin(),
          ObjectType.JOBS.path(),
          "",
          privilege.name(),
          collection
              ? "any principal may create jobs and list those it may see"
              : "Only administrators may do this to every job.");
    }
    return permissions.decide(caller, ObjectType.JOBS, name, name, privilege);
  }
}
