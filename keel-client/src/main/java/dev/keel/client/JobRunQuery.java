package dev.keel.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code runs/list} query, newest runs first. Immutable; start from {@link #all()} or {@link
 * #ofJob(long)} and refine with the {@code with} methods:
 *
 * <pre>{@code
 * keel.jobs().streamRuns(JobRunQuery.ofJob(42).withActiveOnly(true)).forEach(...);
 * }</pre>
 *
 * @param jobId only runs of this job; 0 for every job the caller may view
 * @param activeOnly only runs that have not ended ({@code QUEUED}, {@code PENDING}, {@code
 *     RUNNING}, ...)
 * @param completedOnly only runs that have ended (not with {@code activeOnly})
 * @param startTimeFrom only runs started at or after this time (epoch ms); 0 for no bound
 * @param startTimeTo only runs started at or before this time (epoch ms); 0 for no bound
 * @param expandTasks whether each run carries its task runs
 * @param limit page size, 1 to 25; 0 for the server's default (25)
 * @param pageToken {@code ""} for the first page, else a previous page's next-page token
 */
public record JobRunQuery(
    long jobId,
    boolean activeOnly,
    boolean completedOnly,
    long startTimeFrom,
    long startTimeTo,
    boolean expandTasks,
    int limit,
    String pageToken) {

  /** Checks the bounds. */
  public JobRunQuery {
    if (jobId < 0) {
      throw new IllegalArgumentException("jobId must not be negative");
    }
    if (activeOnly && completedOnly) {
      throw new IllegalArgumentException("activeOnly and completedOnly exclude each other");
    }
    if (startTimeFrom < 0 || startTimeTo < 0) {
      throw new IllegalArgumentException("start times must not be negative");
    }
    if (limit < 0 || limit > 25) {
      throw new IllegalArgumentException("limit must be 1 to 25 (0 for the default)");
    }
    Objects.requireNonNull(pageToken, "pageToken");
  }

  /** Every run the caller may view. */
  public static JobRunQuery all() {
    return new JobRunQuery(0, false, false, 0, 0, false, 0, "");
  }

  /** The runs of one job. */
  public static JobRunQuery ofJob(long jobId) {
    return all().withJobId(jobId);
  }

  /** This query over the runs of {@code jobId} (0: every job). */
  public JobRunQuery withJobId(long jobId) {
    return new JobRunQuery(
        jobId,
        activeOnly,
        completedOnly,
        startTimeFrom,
        startTimeTo,
        expandTasks,
        limit,
        pageToken);
  }

  /** This query over active runs only. */
  public JobRunQuery withActiveOnly(boolean activeOnly) {
    return new JobRunQuery(
        jobId,
        activeOnly,
        completedOnly,
        startTimeFrom,
        startTimeTo,
        expandTasks,
        limit,
        pageToken);
  }

  /** This query over ended runs only. */
  public JobRunQuery withCompletedOnly(boolean completedOnly) {
    return new JobRunQuery(
        jobId,
        activeOnly,
        completedOnly,
        startTimeFrom,
        startTimeTo,
        expandTasks,
        limit,
        pageToken);
  }

  /** This query over runs started in {@code [from, to]} (epoch ms; 0 for no bound). */
  public JobRunQuery withStartTime(long from, long to) {
    return new JobRunQuery(
        jobId, activeOnly, completedOnly, from, to, expandTasks, limit, pageToken);
  }

  /** This query with or without each run's task runs. */
  public JobRunQuery withExpandTasks(boolean expandTasks) {
    return new JobRunQuery(
        jobId,
        activeOnly,
        completedOnly,
        startTimeFrom,
        startTimeTo,
        expandTasks,
        limit,
        pageToken);
  }

  /** This query with pages of {@code limit} runs. */
  public JobRunQuery withLimit(int limit) {
    return new JobRunQuery(
        jobId,
        activeOnly,
        completedOnly,
        startTimeFrom,
        startTimeTo,
        expandTasks,
        limit,
        pageToken);
  }

  /** This query at the page the token names. */
  public JobRunQuery withPageToken(String pageToken) {
    return new JobRunQuery(
        jobId,
        activeOnly,
        completedOnly,
        startTimeFrom,
        startTimeTo,
        expandTasks,
        limit,
        pageToken);
  }

  Map<String, List<String>> query() {
    Map<String, List<String>> q = new LinkedHashMap<>();
    List<String[]> pairs = new ArrayList<>();
    if (jobId > 0) {
      pairs.add(new String[] {"job_id", Long.toString(jobId)});
    }
    if (activeOnly) {
      pairs.add(new String[] {"active_only", "true"});
    }
    if (completedOnly) {
      pairs.add(new String[] {"completed_only", "true"});
    }
    if (startTimeFrom > 0) {
      pairs.add(new String[] {"start_time_from", Long.toString(startTimeFrom)});
    }
    if (startTimeTo > 0) {
      pairs.add(new String[] {"start_time_to", Long.toString(startTimeTo)});
    }
    if (expandTasks) {
      pairs.add(new String[] {"expand_tasks", "true"});
    }
    if (limit > 0) {
      pairs.add(new String[] {"limit", Integer.toString(limit)});
    }
    if (!pageToken.isEmpty()) {
      pairs.add(new String[] {"page_token", pageToken});
    }
    pairs.forEach(p -> q.put(p[0], List.of(p[1])));
    return q;
  }
}
