package dev.keel.tracking;

import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.PageToken;
import dev.keel.core.Validate;
import dev.keel.tracking.search.ViewType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Tracking rules: MLflow's limits, defaults and lifecycle semantics, in front of a {@link
 * TrackingStore}. Every check runs before anything is written. Thread-safe.
 */
public final class TrackingService {
  /** The tag that mirrors a run's name. */
  public static final String RUN_NAME_TAG = "mlflow.runName";

  /** The tag that names a run's user. */
  public static final String USER_TAG = "mlflow.user";

  public static final int MAX_BATCH_METRICS = 1000;
  public static final int MAX_BATCH_PARAMS = 100;
  public static final int MAX_BATCH_TAGS = 100;
  public static final int MAX_BATCH_ENTITIES = 1000;
  public static final int MAX_PARAM_VALUE = 6000;
  public static final int MAX_RUN_TAG_VALUE = 8000;
  public static final int MAX_EXPERIMENT_TAG_VALUE = 5000;
  public static final int MAX_EXPERIMENT_NAME = 500;
  public static final int MAX_RUN_NAME = 250;
  public static final int MAX_SEARCH_RUNS = 50_000;
  public static final int DEFAULT_SEARCH_RUNS = 1000;
  public static final int MAX_SEARCH_EXPERIMENTS = 50_000;
  public static final int DEFAULT_SEARCH_EXPERIMENTS = 1000;
  public static final int MAX_METRIC_HISTORY = 25_000;

  /**
   * Most points of one metric served in a single response to a client that cannot follow page
   * tokens (see {@link #wholeMetricHistory}).
   */
  public static final int MAX_UNPAGED_METRIC_HISTORY = 250_000;

  public static final int MAX_DATASETS_PER_REQUEST = 1000;

  private final TrackingStore store;
  private final Clock clock;

  public TrackingService(TrackingStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // ---------------------------------------------------------------- experiments

  public String createExperiment(String name, Optional<String> artifactLocation, List<Tag> tags) {
    Validate.required("name", name);
    Validate.maxLength("name", name, MAX_EXPERIMENT_NAME);
    artifactLocation = artifactLocation.filter(s -> !s.isEmpty());
    artifactLocation.ifPresent(TrackingService::checkArtifactLocation);
    tags.forEach(TrackingService::checkExperimentTag);
    return store.createExperiment(name, artifactLocation, tags, clock.millis());
  }

  /** The artifact-store folder the model registry keeps version files in; no run writes there. */
  public static final String REGISTRY_STORAGE = "models";

  private static void checkArtifactLocation(String location) {
    Validate.maxLength("artifact_location", location, 2000);
    if (!location.startsWith(JdbcTrackingStore.ARTIFACT_ROOT)
        || location.contains("..")
        || location.contains("\\")
        || location.indexOf('\0') >= 0) {
      throw KeelException.invalid(
          "Invalid 'artifact_location' '"
              + location
              + "': Keel stores artifacts in its own artifact store; give an"
              + " mlflow-artifacts:/ URI or leave it out.");
    }
    String path = location.substring(JdbcTrackingStore.ARTIFACT_ROOT.length());
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (path.equals(REGISTRY_STORAGE) || path.startsWith(REGISTRY_STORAGE + "/")) {
      throw KeelException.invalid(
          "Invalid 'artifact_location' '"
              + location
              + "': mlflow-artifacts:/"
              + REGISTRY_STORAGE
              + " is where the model registry keeps the files of model versions; give another"
              + " location or leave it out.");
    }
  }

  public Experiment getExperiment(String experimentId) {
    Validate.required("experiment_id", experimentId);
    return store
        .getExperiment(experimentId)
        .orElseThrow(
            () -> KeelException.notFound("No Experiment with id=" + experimentId + " exists"));
  }

  public Experiment getExperimentByName(String name) {
    Validate.required("experiment_name", name);
    return store.getExperimentByName(name).orElseThrow(() -> noExperimentNamed(name));
  }

  /** MLflow's answer for an experiment name nothing has (404 {@code RESOURCE_DOES_NOT_EXIST}). */
  public static KeelException noExperimentNamed(String name) {
    return KeelException.notFound("Could not find experiment with name '" + name + "'");
  }

  public Page<Experiment> searchExperiments(
      String viewType,
      String filter,
      List<String> orderBy,
      OptionalLong maxResults,
      Optional<String> pageToken) {
    return searchExperiments(viewType, filter, orderBy, maxResults, pageToken, Optional.empty());
  }

  /**
   * As {@link #searchExperiments(String, String, List, OptionalLong, Optional)}, keeping only the
   * experiments visible to {@code readers} (a principal's name and groups; empty for everything).
   */
  public Page<Experiment> searchExperiments(
      String viewType,
      String filter,
      List<String> orderBy,
      OptionalLong maxResults,
      Optional<String> pageToken,
      Optional<List<String>> readers) {
    int max = maxResults(maxResults, DEFAULT_SEARCH_EXPERIMENTS, MAX_SEARCH_EXPERIMENTS);
    return store.searchExperiments(
        ViewType.parse("view_type", viewType), filter, orderBy, max, pageToken, readers);
  }

  /** The id of the experiment of run {@code runId}; empty for an unknown run. */
  public Optional<String> experimentIdOfRun(String runId) {
    Validate.required("run_id", runId);
    return store.experimentIdOfRun(runId);
  }

  /**
   * The experiments that own the artifact path {@code path} (slash-separated, no leading slash):
   * those whose artifact location is {@code mlflow-artifacts:/} followed by one of its prefixes.
   * Usually one; several when an administrator gave experiments nested locations.
   */
  public List<String> experimentsOwningArtifact(String path) {
    List<String> candidates = new ArrayList<>();
    String[] segments = path.split("/");
    StringBuilder prefix = new StringBuilder();
    for (String s : segments) {
      if (s.isEmpty()) {
        continue;
      }
      prefix.append(prefix.isEmpty() ? "" : "/").append(s);
      String p = prefix.toString();
      for (String c : List.of(p, p + "/", "/" + p, "/" + p + "/")) {
        candidates.add(JdbcTrackingStore.ARTIFACT_ROOT + c);
      }
    }
    return store.experimentsAt(candidates);
  }

  public void renameExperiment(String experimentId, String newName) {
    Validate.required("experiment_id", experimentId);
    Validate.required("new_name", newName);
    Validate.maxLength("new_name", newName, MAX_EXPERIMENT_NAME);
    store.renameExperiment(experimentId, newName, clock.millis());
  }

  public void deleteExperiment(String experimentId) {
    Validate.required("experiment_id", experimentId);
    store.setExperimentLifecycle(experimentId, LifecycleStage.DELETED, clock.millis());
  }

  public void restoreExperiment(String experimentId) {
    Validate.required("experiment_id", experimentId);
    store.setExperimentLifecycle(experimentId, LifecycleStage.ACTIVE, clock.millis());
  }

  public void setExperimentTag(String experimentId, Tag tag) {
    Validate.required("experiment_id", experimentId);
    checkExperimentTag(tag);
    store.setExperimentTag(experimentId, tag, clock.millis());
  }

  public void deleteExperimentTag(String experimentId, String key) {
    Validate.required("experiment_id", experimentId);
    Validate.key("key", key);
    store.deleteExperimentTag(experimentId, key, clock.millis());
  }

  private static void checkExperimentTag(Tag t) {
    Validate.key("key", t.key());
    if (t.value() == null) {
      throw KeelException.missing("value");
    }
    Validate.maxLength("value", t.value(), MAX_EXPERIMENT_TAG_VALUE);
  }

  // ---------------------------------------------------------------- runs

  /**
   * Creates a run. The name comes from {@code runName}, else the {@code mlflow.runName} tag, else a
   * generated {@code adjective-noun-NNN}; the tag always mirrors it.
   */
  public Run createRun(
      String experimentId,
      Optional<String> runName,
      Optional<String> userId,
      OptionalLong startTime,
      List<Tag> tags) {
    String expId = experimentId == null || experimentId.isEmpty() ? "0" : experimentId;
    tags.forEach(TrackingService::checkRunTag);
    Optional<String> tagName =
        tags.stream().filter(t -> t.key().equals(RUN_NAME_TAG)).map(Tag::value).reduce((a, b) -> b);
    String name =
        runName
            .filter(s -> !s.isEmpty())
            .or(() -> tagName.filter(s -> !s.isEmpty()))
            .orElseGet(RunNames::generate);
    Validate.maxLength("run_name", name, MAX_RUN_NAME);
    String user =
        userId
            .filter(s -> !s.isEmpty())
            .or(
                () ->
                    tags.stream().filter(t -> t.key().equals(USER_TAG)).map(Tag::value).findFirst())
            .orElse("");
    long start = startTime.isPresent() ? startTime.getAsLong() : clock.millis();
    if (start < 0) {
      throw KeelException.invalid("'start_time' must be a non-negative number of milliseconds.");
    }
    List<Tag> all = new ArrayList<>();
    for (Tag t : tags) {
      if (!t.key().equals(RUN_NAME_TAG)) {
        all.add(t);
      }
    }
    all.add(new Tag(RUN_NAME_TAG, name));
    return store.createRun(expId, name, user, start, all);
  }

  /** Most inputs {@link #inputsMentioning} returns. */
  public static final int MAX_INPUTS_MENTIONING = 1000;

  /**
   * Dataset inputs (of any run) whose dataset is named {@code table} or whose source mentions it,
   * at most {@value #MAX_INPUTS_MENTIONING}, by run id: what lineage follows downstream of a table.
   */
  public List<RunInput> inputsMentioning(String table) {
    Validate.required("table", table);
    return store.inputsMentioning(table, MAX_INPUTS_MENTIONING);
  }

  public Run getRun(String runId) {
    Validate.required("run_id", runId);
    return store
        .getRun(runId)
        .orElseThrow(() -> KeelException.notFound("Run with id=" + runId + " not found"));
  }

  public RunInfo updateRun(
      String runId, Optional<String> status, OptionalLong endTime, Optional<String> runName) {
    Validate.required("run_id", runId);
    Optional<RunStatus> s = status.filter(v -> !v.isEmpty()).map(v -> RunStatus.parse("status", v));
    runName.ifPresent(n -> Validate.maxLength("run_name", n, MAX_RUN_NAME));
    if (endTime.isPresent() && endTime.getAsLong() < 0) {
      throw KeelException.invalid("'end_time' must be a non-negative number of milliseconds.");
    }
    return store.updateRun(runId, s, endTime, runName);
  }

  public void deleteRun(String runId) {
    Validate.required("run_id", runId);
    store.setRunLifecycle(runId, LifecycleStage.DELETED, clock.millis());
  }

  public void restoreRun(String runId) {
    Validate.required("run_id", runId);
    store.setRunLifecycle(runId, LifecycleStage.ACTIVE, clock.millis());
  }

  /** Logs a batch with MLflow's limits; a batch that breaks any rule writes nothing. */
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    Validate.required("run_id", runId);
    if (metrics.size() > MAX_BATCH_METRICS) {
      throw KeelException.invalid(
          "A batch logging request can contain at most "
              + MAX_BATCH_METRICS
              + " metrics. Got "
              + metrics.size()
              + " metrics.");
    }
    if (params.size() > MAX_BATCH_PARAMS) {
      throw KeelException.invalid(
          "A batch logging request can contain at most "
              + MAX_BATCH_PARAMS
              + " params. Got "
              + params.size()
              + " params.");
    }
    if (tags.size() > MAX_BATCH_TAGS) {
      throw KeelException.invalid(
          "A batch logging request can contain at most "
              + MAX_BATCH_TAGS
              + " tags. Got "
              + tags.size()
              + " tags.");
    }
    int total = metrics.size() + params.size() + tags.size();
    if (total > MAX_BATCH_ENTITIES) {
      throw KeelException.invalid(
          "A batch logging request can contain at most "
              + MAX_BATCH_ENTITIES
              + " metrics, params and tags in total. Got "
              + total
              + ".");
    }
    metrics.forEach(TrackingService::checkMetric);
    Set<String> paramKeys = new HashSet<>();
    for (Param p : params) {
      checkParam(p);
      if (!paramKeys.add(p.key())) {
        throw KeelException.invalid(
            "Duplicate parameter keys have been submitted: ['"
                + p.key()
                + "']. Please ensure"
                + " the request contains only one param value per param key.");
      }
    }
    tags.forEach(TrackingService::checkRunTag);
    store.logBatch(runId, metrics, params, tags);
  }

  public void logMetric(String runId, Metric metric) {
    logBatch(runId, List.of(metric), List.of(), List.of());
  }

  public void logParam(String runId, Param param) {
    logBatch(runId, List.of(), List.of(param), List.of());
  }

  public void setTag(String runId, Tag tag) {
    logBatch(runId, List.of(), List.of(), List.of(tag));
  }

  public void deleteTag(String runId, String key) {
    Validate.required("run_id", runId);
    Validate.key("key", key);
    store.deleteTag(runId, key);
  }

  public Page<Metric> metricHistory(
      String runId, String key, OptionalLong maxResults, Optional<String> pageToken) {
    Validate.required("run_id", runId);
    Validate.required("metric_key", key);
    int max = maxResults(maxResults, MAX_METRIC_HISTORY, MAX_METRIC_HISTORY);
    return store.metricHistory(runId, key, max, pageToken);
  }

  /**
   * The whole history of a metric in one list, for clients that cannot page: the official MLflow
   * Java client asks for 25,000 points and fails on any {@code next_page_token} (it appends the
   * next page to the first page's unmodifiable list). A history longer than {@link
   * #MAX_UNPAGED_METRIC_HISTORY} is refused with a message rather than cut short.
   */
  public List<Metric> wholeMetricHistory(String runId, String key) {
    Validate.required("run_id", runId);
    Validate.required("metric_key", key);
    // The client repeats a refused request three times: find "too long" without reading it all.
    Optional<String> pastTheCap = Optional.of(PageToken.ofOffset(MAX_UNPAGED_METRIC_HISTORY));
    if (!store.metricHistory(runId, key, 1, pastTheCap).items().isEmpty()) {
      throw tooLongForOneResponse(runId, key);
    }
    Page<Metric> all =
        store.metricHistory(runId, key, MAX_UNPAGED_METRIC_HISTORY, Optional.empty());
    if (all.nextPageToken().isPresent()) { // it grew meanwhile
      throw tooLongForOneResponse(runId, key);
    }
    return all.items();
  }

  private static KeelException tooLongForOneResponse(String runId, String key) {
    return KeelException.invalid(
        "Metric '"
            + key
            + "' of run "
            + runId
            + " has more than "
            + MAX_UNPAGED_METRIC_HISTORY
            + " points, more than one response holds for a client that does not follow"
            + " next_page_token; read it in pages of at most "
            + MAX_METRIC_HISTORY
            + " with page_token.");
  }

  public void logInputs(String runId, List<DatasetInput> inputs) {
    Validate.required("run_id", runId);
    if (inputs.size() > MAX_DATASETS_PER_REQUEST) {
      throw KeelException.invalid(
          "A log-inputs request can contain at most " + MAX_DATASETS_PER_REQUEST + " datasets.");
    }
    for (DatasetInput in : inputs) {
      Dataset d = in.dataset();
      Validate.required("dataset.name", d.name());
      Validate.maxLength("dataset.name", d.name(), 500);
      Validate.required("dataset.digest", d.digest());
      Validate.maxLength("dataset.digest", d.digest(), 36);
      Validate.required("dataset.source_type", d.sourceType());
      Validate.required("dataset.source", d.source());
      Validate.maxLength("dataset.source", d.source(), 65_535);
      d.schema().ifPresent(s -> Validate.maxLength("dataset.schema", s, 1 << 20));
      d.profile().ifPresent(s -> Validate.maxLength("dataset.profile", s, 16 << 20));
      for (Tag t : in.tags()) {
        Validate.required("input tag key", t.key());
        Validate.maxLength("input tag key", t.key(), 255);
        if (t.value() == null) {
          throw KeelException.missing("input tag value");
        }
        Validate.maxLength("input tag value", t.value(), 500);
      }
    }
    store.logInputs(runId, inputs);
  }

  public Page<Run> searchRuns(
      List<String> experimentIds,
      String filter,
      String runViewType,
      OptionalLong maxResults,
      List<String> orderBy,
      Optional<String> pageToken) {
    return searchRuns(
        experimentIds, filter, runViewType, maxResults, orderBy, pageToken, Optional.empty());
  }

  /**
   * As {@link #searchRuns(List, String, String, OptionalLong, List, Optional)}, searching only the
   * experiments visible to {@code readers} (a principal's name and groups; empty for all).
   */
  public Page<Run> searchRuns(
      List<String> experimentIds,
      String filter,
      String runViewType,
      OptionalLong maxResults,
      List<String> orderBy,
      Optional<String> pageToken,
      Optional<List<String>> readers) {
    int max = maxResults(maxResults, DEFAULT_SEARCH_RUNS, MAX_SEARCH_RUNS);
    return store.searchRuns(
        experimentIds,
        ViewType.parse("run_view_type", runViewType),
        filter,
        orderBy,
        max,
        pageToken,
        readers);
  }

  // ---------------------------------------------------------------- checks

  private static int maxResults(OptionalLong requested, int dflt, int cap) {
    if (requested.isEmpty()) {
      return dflt;
    }
    long v = requested.getAsLong();
    if (v <= 0) {
      throw KeelException.invalid(
          "Invalid value " + v + " for parameter 'max_results': it must be a positive number.");
    }
    if (v > cap) {
      throw KeelException.invalid(
          "Invalid value " + v + " for parameter 'max_results': it must be at most " + cap + ".");
    }
    return (int) v;
  }

  private static void checkMetric(Metric m) {
    Validate.key("metric key", m.key());
    if (m.timestamp() < 0) {
      throw KeelException.invalid(
          "Invalid metric '" + m.key() + "': 'timestamp' must be a non-negative number.");
    }
  }

  private static void checkParam(Param p) {
    Validate.key("param key", p.key());
    if (p.value() == null) {
      throw KeelException.missing("value");
    }
    if (p.value().length() > MAX_PARAM_VALUE) {
      throw KeelException.invalid(
          "Param value for key '"
              + p.key()
              + "' had length "
              + p.value().length()
              + ", which exceeded length limit of "
              + MAX_PARAM_VALUE);
    }
  }

  private static void checkRunTag(Tag t) {
    Validate.key("tag key", t.key());
    if (t.value() == null) {
      throw KeelException.missing("value");
    }
    if (t.value().length() > MAX_RUN_TAG_VALUE) {
      throw KeelException.invalid(
          "Tag value for key '"
              + t.key()
              + "' had length "
              + t.value().length()
              + ", which exceeded length limit of "
              + MAX_RUN_TAG_VALUE);
    }
  }

  /** Generated run names, {@code adjective-noun-NNN}. */
  static final class RunNames {
    private static final String[] ADJECTIVES = {
      "amber", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fair", "gentle",
      "glad", "grand", "honest", "keen", "kind", "lively", "lucky", "merry", "nimble", "noble",
      "proud", "quick", "quiet", "rare", "sharp", "shy", "silent", "smart", "steady", "swift",
      "tidy", "vast", "warm", "wise", "witty", "zesty"
    };
    private static final String[] NOUNS = {
      "ant", "bear", "bee", "crane", "deer", "dove", "eagle", "finch", "fox", "frog", "gull",
      "hare", "hawk", "heron", "ibis", "koala", "lark", "lynx", "mole", "moth", "newt", "otter",
      "owl", "panda", "quail", "raven", "robin", "seal", "snail", "swan", "tern", "toad", "trout",
      "whale", "wolf", "wren"
    };

    private RunNames() {}

    static String generate() {
      return ADJECTIVES[Ids.nextInt(ADJECTIVES.length)]
          + "-"
          + NOUNS[Ids.nextInt(NOUNS.length)]
          + "-"
          + Ids.nextInt(1000);
    }
  }
}
