package dev.keel.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code runs/repair} re-executes. Start from {@link #tasks(List)} or {@link #allFailed()}
 * and refine with the {@code with} methods:
 *
 * <pre>{@code
 * long repairId = keel.jobs().repairRun(runId, JobRepair.allFailed().withLatestRepairId(last));
 * }</pre>
 *
 * @param rerunTasks task keys to re-execute
 * @param rerunAllFailedTasks also re-execute every task that did not succeed (failed, timed out,
 *     cancelled, upstream failed)
 * @param rerunDependentTasks also re-execute the tasks downstream of those
 * @param latestRepairId the run's latest repair id, required by the server after the first repair
 *     (it guards against two repairs racing); 0 for none
 * @param jobParameters job parameters to override for the repaired tasks
 */
public record JobRepair(
    List<String> rerunTasks,
    boolean rerunAllFailedTasks,
    boolean rerunDependentTasks,
    long latestRepairId,
    Map<String, String> jobParameters) {

  /** Copies the collections. */
  public JobRepair {
    rerunTasks = List.copyOf(rerunTasks);
    if (latestRepairId < 0) {
      throw new IllegalArgumentException("latestRepairId must not be negative");
    }
    jobParameters = Collections.unmodifiableMap(new LinkedHashMap<>(jobParameters));
  }

  /** Re-executes these tasks. */
  public static JobRepair tasks(List<String> taskKeys) {
    return new JobRepair(taskKeys, false, false, 0, Map.of());
  }

  /** Re-executes every task that did not succeed. */
  public static JobRepair allFailed() {
    return new JobRepair(List.of(), true, false, 0, Map.of());
  }

  /** This repair, also re-executing (or not) the tasks downstream of those it names. */
  public JobRepair withRerunDependentTasks(boolean dependents) {
    return new JobRepair(
        rerunTasks, rerunAllFailedTasks, dependents, latestRepairId, jobParameters);
  }

  /** This repair after the run's repair {@code latestRepairId}. */
  public JobRepair withLatestRepairId(long latestRepairId) {
    return new JobRepair(
        rerunTasks, rerunAllFailedTasks, rerunDependentTasks, latestRepairId, jobParameters);
  }

  /** This repair with job parameters overridden. */
  public JobRepair withJobParameters(Map<String, String> jobParameters) {
    return new JobRepair(
        rerunTasks, rerunAllFailedTasks, rerunDependentTasks, latestRepairId, jobParameters);
  }

  ObjectNode body(long runId) {
    ObjectNode b = KeelJson.object();
    b.put("run_id", runId);
    if (!rerunTasks.isEmpty()) {
      b.set("rerun_tasks", KeelClient.strings(rerunTasks));
    }
    if (rerunAllFailedTasks) {
      b.put("rerun_all_failed_tasks", true);
    }
    if (rerunDependentTasks) {
      b.put("rerun_dependent_tasks", true);
    }
    if (latestRepairId > 0) {
      b.put("latest_repair_id", latestRepairId);
    }
    if (!jobParameters.isEmpty()) {
      ObjectNode p = b.putObject("job_parameters");
      jobParameters.forEach(p::put);
    }
    return b;
  }
}
