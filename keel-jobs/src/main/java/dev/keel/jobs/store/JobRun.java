package dev.keel.jobs.store;

import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job run as stored.
 *
 * @param runId its int64 id (also its {@code number_in_job})
 * @param jobId the job's id (a {@code runs/submit} run has one of its own)
 * @param runType JOB_RUN, SUBMIT_RUN or WORKFLOW_RUN
 * @param runName the run's name
 * @param trigger ONE_TIME, PERIODIC, RUN_JOB_TASK, TABLE, MODEL, CONTINUOUS, RETRY
 * @param triggerInfo values for {@code {{job.trigger.*}}}
 * @param settings the {@code JobSettings} JSON the run executes (the job's at start or repair)
 * @param jobParameters the run's job parameters, defaults overridden
 * @param onlyTasks the task keys to run ({@code only}); empty for all
 * @param idempotencyToken the token it was started with, if any
 * @param creator who started it
 * @param runAs who its tasks act as
 * @param lifeCycle where it is
 * @param resultState how it ended, once terminal
 * @param stateMessage a message for people ({@code state.state_message})
 * @param createdAt when it was requested (epoch millis)
 * @param startTime when it left the queue (0 while queued)
 * @param endTime when it ended (0 before)
 * @param cancelRequested why a stop was asked (USER, TIMEOUT), if one was
 * @param repairCount how many repairs it had
 * @param parentTaskRun the run_job_task task run that started it, or 0
 * @param owner the server driving it, if one does
 * @param leaseUntil until when that server's lease holds (epoch millis)
 * @param leaseEpoch how many times the run was claimed: the fence of the server that drives it
 */
public record JobRun(
    long runId,
    long jobId,
    String runType,
    String runName,
    String trigger,
    Map<String, String> triggerInfo,
    String settings,
    Map<String, String> jobParameters,
    List<String> onlyTasks,
    Optional<String> idempotencyToken,
    String creator,
    String runAs,
    LifeCycle lifeCycle,
    Optional<ResultState> resultState,
    String stateMessage,
    long createdAt,
    long startTime,
    long endTime,
    Optional<String> cancelRequested,
    int repairCount,
    long parentTaskRun,
    Optional<String> owner,
    long leaseUntil,
    long leaseEpoch) {

  public JobRun {
    triggerInfo = Map.copyOf(triggerInfo);
    jobParameters =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(jobParameters));
    onlyTasks = List.copyOf(onlyTasks);
  }

  /** This run in another state. */
  public JobRun with(LifeCycle lc, Optional<ResultState> result, String message, long end) {
    return new JobRun(
        runId,
        jobId,
        runType,
        runName,
        trigger,
        triggerInfo,
        settings,
        jobParameters,
        onlyTasks,
        idempotencyToken,
        creator,
        runAs,
        lc,
        result,
        message,
        createdAt,
        startTime,
        end,
        cancelRequested,
        repairCount,
        parentTaskRun,
        owner,
        leaseUntil,
        leaseEpoch);
  }

  /** This run executing other settings after a repair. */
  public JobRun repaired(String newSettings, Map<String, String> params, long now) {
    return new JobRun(
        runId,
        jobId,
        runType,
        runName,
        trigger,
        triggerInfo,
        newSettings,
        params,
        onlyTasks,
        idempotencyToken,
        creator,
        runAs,
        LifeCycle.PENDING,
        Optional.empty(),
        "",
        createdAt,
        startTime,
        0,
        Optional.empty(),
        repairCount + 1,
        parentTaskRun,
        Optional.empty(),
        0,
        leaseEpoch);
  }
}
