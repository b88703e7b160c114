package dev.keel.tracking;

import dev.keel.core.Page;
import dev.keel.tracking.search.ViewType;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Storage contract for tracking. Implementations check existence and lifecycle rules inside the
 * same transaction as the write, so a rejected request changes nothing. Inputs are already
 * validated by {@link TrackingService}. Thread-safe.
 */
public interface TrackingStore {

  /** Creates an experiment; its artifact location defaults to {@code mlflow-artifacts:/<id>}. */
  String createExperiment(String name, Optional<String> artifactLocation, List<Tag> tags, long now);

  Optional<Experiment> getExperiment(String experimentId);

  /** The experiment with this name, active or deleted (names stay taken after delete). */
  Optional<Experiment> getExperimentByName(String name);

  /**
   * A page of the experiments matching {@code filter}; with {@code readers} (a principal's name and
   * groups), only those on which one of them is owner or has a permission level, filtered in the
   * query so a page holds {@code maxResults} visible experiments when they exist.
   */
  Page<Experiment> searchExperiments(
      ViewType view,
      String filter,
      List<String> orderBy,
      int maxResults,
      Optional<String> pageToken,
      Optional<List<String>> readers);

  /** The id of the experiment a run belongs to (it never changes); empty for an unknown run. */
  Optional<String> experimentIdOfRun(String runId);

  /** The ids of the experiments whose artifact location is one of {@code locations}. */
  List<String> experimentsAt(java.util.Collection<String> locations);

  void renameExperiment(String experimentId, String newName, long now);

  /** Soft-deletes or restores an experiment together with its runs. */
  void setExperimentLifecycle(String experimentId, LifecycleStage stage, long now);

  void setExperimentTag(String experimentId, Tag tag, long now);

  void deleteExperimentTag(String experimentId, String key, long now);

  /** Creates a run in an active experiment. */
  Run createRun(String experimentId, String runName, String userId, long startTime, List<Tag> tags);

  Optional<Run> getRun(String runId);

  /** Updates status, end time and name of an active run; returns the new info. */
  RunInfo updateRun(
      String runId, Optional<RunStatus> status, OptionalLong endTime, Optional<String> runName);

  void setRunLifecycle(String runId, LifecycleStage stage, long now);

  /**
   * Logs metrics, params and tags to an active run in one transaction. Params are write-once: a
   * different value for an existing key fails the whole batch.
   */
  void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags);

  void deleteTag(String runId, String key);

  /** Every point of one metric, ordered by step then timestamp. */
  Page<Metric> metricHistory(String runId, String key, int maxResults, Optional<String> pageToken);

  void logInputs(String runId, List<DatasetInput> inputs);

  /**
   * Dataset inputs whose dataset may be the table {@code table}: its name is {@code table} or its
   * source text contains it (callers read the source to be sure), at most {@code limit}, by run id.
   */
  List<RunInput> inputsMentioning(String table, int limit);

  /**
   * A page of the runs of {@code experimentIds} matching {@code filter}; with {@code readers}, only
   * the runs of the experiments one of them may read (see {@link #searchExperiments}).
   */
  Page<Run> searchRuns(
      List<String> experimentIds,
      ViewType view,
      String filter,
      List<String> orderBy,
      int maxResults,
      Optional<String> pageToken,
      Optional<List<String>> readers);
}
