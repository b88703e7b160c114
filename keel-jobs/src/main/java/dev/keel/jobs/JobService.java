package dev.keel.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import dev.keel.jobs.engine.Ids;
import dev.keel.jobs.model.SettingsParser;
import dev.keel.jobs.store.Job;
import dev.keel.jobs.store.JobStore;
import dev.keel.jobs.trigger.TriggeredJobs;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jobs: create, read, list, update (partial, tasks merged by {@code task_key}), reset and delete,
 * every save checked by {@link SettingsParser}. Also what the trigger service reads ({@link
 * TriggeredJobs}). Thread-safe.
 */
public final class JobService implements TriggeredJobs {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Most jobs one list page holds. */
  public static final int MAX_LIST = 100;

  private final JobStore store;
  private final SettingsParser parser;
  private final Ids ids;
  private final Clock clock;
  private volatile Runnable settingsChanged = () -> {};

  /**
   * {@link #all()}'s parsed triggers by job id, with the settings they were parsed from: the
   * trigger service reads every triggered job each pass, and parsing a large job's settings costs
   * far more than comparing its text.
   */
  private final Map<Long, ParsedTrigger> triggers = new ConcurrentHashMap<>();

  private record ParsedTrigger(String settings, long updatedAt, TriggeredJob job) {}

  public JobService(JobStore store, SettingsParser parser, Ids ids, Clock clock) {
    this.store = store;
    this.parser = parser;
    this.ids = ids;
    this.clock = clock;
  }

  /**
   * Calls {@code listener} after a job was created, changed or deleted on this server (the trigger
   * service re-reads what starts jobs).
   */
  public void onSettingsChanged(Runnable listener) {
    this.settingsChanged = listener;
  }

  /** The parser jobs are checked with. */
  public SettingsParser parser() {
    return parser;
  }

  /**
   * Creates a job owned by {@code creator}.
   *
   * @param queueDefault whether queueing is on when the settings do not say (API 2.2)
   */
  public Job create(ObjectNode settings, String creator, boolean queueDefault) {
    SettingsParser.Parsed p = parser.check(settings, queueDefault);
    long now = clock.millis();
    Job j =
        new Job(
            ids.next(),
            p.spec().name(),
            creator,
            p.spec().runAs().orElse(creator),
            p.settings().toString(),
            now,
            now);
    store.insertJob(j);
    if (p.spec().triggered()) {
      store.updateJob(j, true);
    }
    settingsChanged.run();
    return j;
  }

  /** The job; 400 INVALID_PARAMETER_VALUE when it does not exist (Databricks' answer). */
  public Job get(long jobId) {
    return store
        .job(jobId)
        .orElseThrow(() -> KeelException.invalid("Job " + jobId + " does not exist."));
  }

  /**
   * The permissions API's name for job {@code id} (the id itself).
   *
   * @throws KeelException NOT_FOUND when there is no such job
   */
  public String securableName(String id) {
    try {
      if (store.job(Long.parseLong(id)).isPresent()) {
        return id;
      }
    } catch (NumberFormatException e) {
      // not a job id
    }
    throw KeelException.notFound("Job " + id + " does not exist.");
  }

  /** The job's settings as JSON. */
  public static ObjectNode settings(Job j) {
    try {
      return (ObjectNode) JSON.readTree(j.settings());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("unreadable job settings", e);
    }
  }

  /** A page of jobs by id, after {@code afterId}. */
  public List<Job> list(
      Optional<String> name, Optional<List<Long>> visible, long afterId, int limit) {
    return store.jobs(name, visible, afterId, limit);
  }

  /** Replaces every setting ({@code reset}). */
  public Job reset(long jobId, ObjectNode settings, boolean queueDefault) {
    return save(get(jobId), settings, queueDefault);
  }

  /**
   * Changes the given top-level fields ({@code update}): {@code tasks} are merged by {@code
   * task_key}, {@code fields_to_remove} removes top-level fields or tasks ({@code tasks/<key>}).
   */
  public Job update(
      long jobId, ObjectNode newSettings, List<String> fieldsToRemove, boolean queueDefault) {
    Job j = get(jobId);
    ObjectNode s = settings(j);
    for (String f : fieldsToRemove) {
      if (f.startsWith("tasks/")) {
        String key = f.substring("tasks/".length());
        ArrayNode tasks = s.withArray("tasks");
        boolean found = false;
        for (int i = tasks.size() - 1; i >= 0; i--) {
          if (tasks.get(i).path("task_key").asText().equals(key)) {
            tasks.remove(i);
            found = true;
          }
        }
        if (!found) {
          throw KeelException.invalid(
              "Invalid 'fields_to_remove': the job has no task '" + key + "'.");
        }
      } else if (f.startsWith("job_clusters/") || f.startsWith("environments/")) {
        String field = f.substring(0, f.indexOf('/'));
        String key = f.substring(f.indexOf('/') + 1);
        String keyField = field.equals("job_clusters") ? "job_cluster_key" : "environment_key";
        ArrayNode a = s.withArray(field);
        for (int i = a.size() - 1; i >= 0; i--) {
          if (a.get(i).path(keyField).asText().equals(key)) {
            a.remove(i);
          }
        }
      } else {
        s.remove(f);
      }
    }
    newSettings
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().equals("tasks") && e.getValue().isArray()) {
                s.set("tasks", mergeTasks(s.path("tasks"), e.getValue()));
              } else {
                s.set(e.getKey(), e.getValue());
              }
            });
    return save(j, s, queueDefault);
  }

  private static ArrayNode mergeTasks(JsonNode old, JsonNode changes) {
    Map<String, JsonNode> byKey = new LinkedHashMap<>();
    if (old.isArray()) {
      old.forEach(t -> byKey.put(t.path("task_key").asText(), t));
    }
    for (JsonNode t : changes) {
      byKey.put(t.path("task_key").asText(), t);
    }
    ArrayNode out = JSON.createArrayNode();
    byKey.values().forEach(out::add);
    return out;
  }

  private Job save(Job j, ObjectNode settings, boolean queueDefault) {
    SettingsParser.Parsed p = parser.check(settings, queueDefault);
    Job n =
        new Job(
            j.jobId(),
            p.spec().name(),
            j.creator(),
            p.spec().runAs().orElse(j.creator()),
            p.settings().toString(),
            j.createdAt(),
            clock.millis());
    store.updateJob(n, p.spec().triggered());
    settingsChanged.run();
    return n;
  }

  /** Deletes the job with its runs. */
  public void delete(long jobId) {
    if (!store.deleteJob(jobId)) {
      throw KeelException.invalid("Job " + jobId + " does not exist.");
    }
    settingsChanged.run();
  }

  /**
   * {@inheritDoc}
   *
   * <p>A job's settings are parsed again only when their text or save time changed (saved here or
   * by another server), not on every call.
   */
  @Override
  public List<TriggeredJob> all() {
    List<TriggeredJob> out = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (Job j : store.triggeredJobs()) {
      seen.add(j.jobId());
      ParsedTrigger p = triggers.get(j.jobId());
      if (p == null || p.updatedAt() != j.updatedAt() || !p.settings().equals(j.settings())) {
        var spec = parser.check(settings(j), true).spec();
        p =
            new ParsedTrigger(
                j.settings(),
                j.updatedAt(),
                new TriggeredJob(
                    j.jobId(),
                    spec.schedule().orElse(null),
                    spec.trigger().orElse(null),
                    spec.continuous().orElse(null),
                    Instant.ofEpochMilli(j.updatedAt())));
        triggers.put(j.jobId(), p);
      }
      out.add(p.job());
    }
    triggers.keySet().retainAll(seen);
    return out;
  }

  @Override
  public boolean hasActiveRun(long jobId) {
    return !store
        .runs(
            new dev.keel.jobs.store.RunFilter(
                Optional.of(jobId),
                true,
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            0,
            1)
        .isEmpty();
  }

  @Override
  public List<EndedRun> endedRuns(long jobId, int limit) {
    return store
        .runs(
            new dev.keel.jobs.store.RunFilter(
                Optional.of(jobId),
                false,
                true,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            0,
            limit)
        .stream()
        .map(
            r ->
                new EndedRun(
                    r.lifeCycle() == dev.keel.jobs.model.LifeCycle.INTERNAL_ERROR
                        || r.resultState()
                            .map(
                                x ->
                                    x == dev.keel.jobs.model.ResultState.FAILED
                                        || x == dev.keel.jobs.model.ResultState.TIMEDOUT)
                            .orElse(false),
                    Instant.ofEpochMilli(r.startTime()),
                    Instant.ofEpochMilli(r.endTime())))
        .toList();
  }
}
