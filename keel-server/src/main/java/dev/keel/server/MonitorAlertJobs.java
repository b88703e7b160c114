package dev.keel.server;

import dev.keel.catalog.identity.IdentityService;
import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.jobs.Jobs;
import dev.keel.monitoring.alerts.AlertJobs;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alerts start job runs through the jobs module: {@code run-now} as the alert's owner, with the
 * firing id as idempotency token (a retried start returns the first run), and only for owners who
 * may run the job (CAN_MANAGE_RUN, as the run-now route asks).
 */
final class MonitorAlertJobs implements AlertJobs {
  private final Jobs jobs;
  private final ObjectPermissions permissions;
  private final IdentityService identities;

  MonitorAlertJobs(Jobs jobs, ObjectPermissions permissions, IdentityService identities) {
    this.jobs = jobs;
    this.permissions = permissions;
    this.identities = identities;
  }

  @Override
  public long runNow(
      long jobId, Map<String, String> params, String runAs, String idempotencyToken) {
    return jobs.runs()
        .runNow(jobId, params, Optional.of(idempotencyToken), List.of(), runAs)
        .runId();
  }

  @Override
  public void checkCanRun(long jobId, String user) {
    try {
      jobs.jobs().get(jobId);
    } catch (KeelException e) {
      if (e.code().httpStatus() == 404) {
        throw KeelException.invalid("run_job.job_id: job " + jobId + " does not exist");
      }
      throw e;
    }
    Principal p =
        user.equals(Principal.LOCAL.name())
            ? Principal.LOCAL
            : identities
                .byName(user)
                .map(identities::principal)
                .orElseThrow(() -> denied(jobId, user));
    String id = String.valueOf(jobId);
    if (!permissions.decide(p, ObjectType.JOBS, id, id, Privilege.EDIT).allowed()) {
      throw denied(jobId, user);
    }
  }

  private static KeelException denied(long jobId, String user) {
    return new KeelException(
        ErrorCode.PERMISSION_DENIED,
        "run_job.job_id: " + user + " may not run job " + jobId + " (CAN_MANAGE_RUN is needed)");
  }
}
