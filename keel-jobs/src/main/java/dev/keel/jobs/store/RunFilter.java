package dev.keel.jobs.store;

import java.util.List;
import java.util.Optional;

/**
 * What {@code runs/list} asks for.
 *
 * @param jobId runs of this job only
 * @param activeOnly queued, pending, running or terminating runs only
 * @param completedOnly terminal runs only
 * @param startFrom runs that started at or after (epoch millis)
 * @param startTo runs that started at or before
 * @param runType JOB_RUN, SUBMIT_RUN or WORKFLOW_RUN only
 * @param visibleJobs runs of these jobs only (what a non-administrator may view); empty for all
 */
public record RunFilter(
    Optional<Long> jobId,
    boolean activeOnly,
    boolean completedOnly,
    Optional<Long> startFrom,
    Optional<Long> startTo,
    Optional<String> runType,
    Optional<List<Long>> visibleJobs) {}
