package dev.keel.tracking;

import dev.keel.catalog.permissions.JdbcObjectPermissionStore;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.PageToken;
import dev.keel.store.Database;
import dev.keel.tracking.search.ExperimentSearch;
import dev.keel.tracking.search.RunSearch;
import dev.keel.tracking.search.SqlQuery;
import dev.keel.tracking.search.ViewType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** {@link TrackingStore} on Keel's metadata database (SQLite or PostgreSQL). Thread-safe. */
public final class JdbcTrackingStore implements TrackingStore {
  /** The artifact root URI scheme served by Keel's artifact proxy. */
  public static final String ARTIFACT_ROOT = "mlflow-artifacts:/";

  private final Database db;

  public JdbcTrackingStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  // ---------------------------------------------------------------- experiments

  @Override
  public String createExperiment(
      String name, Optional<String> artifactLocation, List<Tag> tags, long now) {
    try {
      return db.write(
          h -> {
            if (h.createQuery("SELECT 1 FROM experiments WHERE name = ?")
                .bind(0, name)
                .mapTo(Integer.class)
                .findOne()
                .isPresent()) {
              throw KeelException.alreadyExists("Experiment '" + name + "' already exists.");
            }
            long id =
                h.createUpdate(
                        "INSERT INTO experiments (name, artifact_location, lifecycle_stage,"
                            + " creation_time, last_update_time) VALUES (?, '', 'active', ?, ?)")
                    .bind(0, name)
                    .bind(1, now)
                    .bind(2, now)
                    .executeAndReturnGeneratedKeys("experiment_id")
                    .mapTo(Long.class)
                    .one();
            String location = artifactLocation.orElse(ARTIFACT_ROOT + id);
            h.execute(
                "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
                location,
                id);
            for (Tag t : tags) {
              upsertExperimentTag(h, id, t);
            }
            return Long.toString(id);
          });
    } catch (UnableToExecuteStatementException e) {
      // A concurrent create of the same name lost the race on the unique constraint.
      if (getExperimentByName(name).isPresent()) {
        throw KeelException.alreadyExists("Experiment '" + name + "' already exists.");
      }
      throw e;
    }
  }

  @Override
  public Optional<Experiment> getExperiment(String experimentId) {
    OptionalLong id = parseExperimentId(experimentId);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return db.read(h -> loadExperiments(h, List.of(id.getAsLong())).stream().findFirst());
  }

  @Override
  public Optional<Experiment> getExperimentByName(String name) {
    return db.read(
        h ->
            h.createQuery("SELECT experiment_id FROM experiments WHERE name = ?")
                .bind(0, name)
                .mapTo(Long.class)
                .findOne()
                .flatMap(id -> loadExperiments(h, List.of(id)).stream().findFirst()));
  }

  @Override
  public Page<Experiment> searchExperiments(
      ViewType view,
      String filter,
      List<String> orderBy,
      int maxResults,
      Optional<String> token,
      Optional<List<String>> readers) {
    long offset = PageToken.offset(token);
    SqlQuery q =
        ExperimentSearch.compile(
            db.dialect(), view, filter, orderBy, maxResults + 1, offset, readers);
    return db.read(
        h -> {
          List<Long> ids = bindAll(h.createQuery(q.sql()), q.binds()).mapTo(Long.class).list();
          return page(loadExperiments(h, ids), maxResults, offset);
        });
  }

  @Override
  public void renameExperiment(String experimentId, String newName, long now) {
    long id = requireExperimentId(experimentId);
    try {
      db.write(
          h -> {
            Experiment e = loadExperiment(h, id);
            if (e.lifecycleStage() != LifecycleStage.ACTIVE) {
              throw KeelException.invalid(
                  "Cannot rename a non-active experiment " + experimentId + ".");
            }
            if (e.name().equals(newName)) {
              return null;
            }
            if (h.createQuery("SELECT 1 FROM experiments WHERE name = ?")
                .bind(0, newName)
                .mapTo(Integer.class)
                .findOne()
                .isPresent()) {
              throw KeelException.alreadyExists("Experiment '" + newName + "' already exists.");
            }
            h.execute(
                "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
                newName,
                now,
                id);
            return null;
          });
    } catch (UnableToExecuteStatementException e) {
      // A concurrent create or rename to the same name won the race on the unique constraint.
      if (getExperimentByName(newName).isPresent()) {
        throw KeelException.alreadyExists("Experiment '" + newName + "' already exists.");
      }
      throw e;
    }
  }

  @Override
  public void setExperimentLifecycle(String experimentId, LifecycleStage stage, long now) {
    long id = requireExperimentId(experimentId);
    if (id == 0 && stage == LifecycleStage.DELETED) {
      throw KeelException.invalid("Cannot delete the default experiment '0'.");
    }
    db.write(
        h -> {
          loadExperiment(h, id);
          h.execute(
              "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
              stage.wire(),
              now,
              id);
          Long deletedTime = stage == LifecycleStage.DELETED ? now : null;
          h.execute(
              "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?",
              stage.wire(),
              deletedTime,
              id);
          return null;
        });
  }

  @Override
  public void setExperimentTag(String experimentId, Tag tag, long now) {
    long id = requireExperimentId(experimentId);
    db.write(
        h -> {
          requireActive(loadExperiment(h, id));
          upsertExperimentTag(h, id, tag);
          return null;
        });
  }

  @Override
  public void deleteExperimentTag(String experimentId, String key, long now) {
    long id = requireExperimentId(experimentId);
    db.write(
        h -> {
          requireActive(loadExperiment(h, id));
          int n =
              h.execute("DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", id, key);
          if (n == 0) {
            throw KeelException.notFound(
                "No tag with name: " + key + " in experiment with id " + experimentId);
          }
          return null;
        });
  }

  private static void upsertExperimentTag(Handle h, long id, Tag t) {
    h.execute(
        "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)"
            + " ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
        id,
        t.key(),
        t.value());
  }

  private static void requireActive(Experiment e) {
    if (e.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw KeelException.invalid(
          "The experiment " + e.experimentId() + " must be in the 'active' state.");
    }
  }

  private static Experiment loadExperiment(Handle h, long id) {
    return loadExperiments(h, List.of(id)).stream()
        .findFirst()
        .orElseThrow(() -> KeelException.notFound("No Experiment with id=" + id + " exists"));
  }

  private static List<Experiment> loadExperiments(Handle h, List<Long> ids) {
    if (ids.size() > 500) {
      List<Experiment> out = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i += 500) {
        out.addAll(loadExperiments(h, ids.subList(i, Math.min(ids.size(), i + 500))));
      }
      return out;
    }
    if (ids.isEmpty()) {
      return List.of();
    }
    String in = placeholders(ids.size());
    Map<Long, List<Tag>> tags = new HashMap<>();
    bindAll(
            h.createQuery(
                "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN ("
                    + in
                    + ") ORDER BY experiment_id, key"),
            ids)
        .map((rs, ctx) -> Map.entry(rs.getLong(1), new Tag(rs.getString(2), rs.getString(3))))
        .forEach(e -> tags.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    Map<Long, Experiment> byId = new HashMap<>();
    bindAll(
            h.createQuery(
                "SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time,"
                    + " last_update_time FROM experiments WHERE experiment_id IN ("
                    + in
                    + ")"),
            ids)
        .map(
            (rs, ctx) ->
                new Experiment(
                    Long.toString(rs.getLong(1)),
                    rs.getString(2),
                    rs.getString(3),
                    LifecycleStage.ofWire(rs.getString(4)),
                    rs.getLong(5),
                    rs.getLong(6),
                    tags.getOrDefault(rs.getLong(1), List.of())))
        .forEach(e -> byId.put(Long.parseLong(e.experimentId()), e));
    List<Experiment> out = new ArrayList<>(ids.size());
    for (Long id : ids) {
      Experiment e = byId.get(id);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- runs

  @Override
  public Run createRun(
      String experimentId, String runName, String userId, long startTime, List<Tag> tags) {
    long expId = requireExperimentId(experimentId);
    String runId = Ids.hex32();
    return db.write(
        h -> {
          Experiment e = loadExperiment(h, expId);
          requireActive(e);
          String artifactUri = e.artifactLocation() + "/" + runId + "/artifacts";
          h.execute(
              "INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time,"
                  + " end_time, artifact_uri, lifecycle_stage, deleted_time)"
                  + " VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, ?, 'active', NULL)",
              runId,
              runName,
              expId,
              userId,
              startTime,
              artifactUri);
          writeTags(h, runId, tags);
          return loadRuns(h, List.of(runId)).get(0);
        });
  }

  @Override
  public Optional<Run> getRun(String runId) {
    return db.read(h -> loadRuns(h, List.of(runId)).stream().findFirst());
  }

  @Override
  public RunInfo updateRun(
      String runId, Optional<RunStatus> status, OptionalLong endTime, Optional<String> runName) {
    return db.write(
        h -> {
          RunInfo info = requireActiveRun(h, runId);
          RunStatus newStatus = status.orElse(info.status());
          // Boxed on every branch: a mixed long/Long conditional unboxes null (an NPE, once a 500).
          Long newEnd =
              endTime.isPresent()
                  ? Long.valueOf(endTime.getAsLong())
                  : info.endTime().isPresent() ? Long.valueOf(info.endTime().getAsLong()) : null;
          String newName = runName.filter(n -> !n.isEmpty()).orElse(info.runName());
          h.execute(
              "UPDATE runs SET status = ?, end_time = ?, name = ? WHERE run_uuid = ?",
              newStatus.name(),
              newEnd,
              newName,
              runId);
          if (!newName.equals(info.runName())) {
            upsertTag(h, runId, new Tag(TrackingService.RUN_NAME_TAG, newName));
          }
          return loadRunInfo(h, runId).orElseThrow();
        });
  }

  @Override
  public void setRunLifecycle(String runId, LifecycleStage stage, long now) {
    db.write(
        h -> {
          RunInfo info =
              loadRunInfo(h, runId)
                  .orElseThrow(() -> KeelException.notFound("Run with id=" + runId + " not found"));
          if (stage == LifecycleStage.ACTIVE) {
            Experiment e = loadExperiment(h, Long.parseLong(info.experimentId()));
            if (e.lifecycleStage() != LifecycleStage.ACTIVE) {
              throw KeelException.invalid(
                  "Cannot restore run "
                      + runId
                      + ": its experiment is deleted; restore the experiment.");
            }
          }
          h.execute(
              "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?",
              stage.wire(),
              stage == LifecycleStage.DELETED ? now : null,
              runId);
          return null;
        });
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    db.write(
        h -> {
          requireActiveRun(h, runId);
          if (!params.isEmpty()) {
            writeParams(h, runId, params);
          }
          if (!metrics.isEmpty()) {
            writeMetrics(h, runId, metrics);
          }
          if (!tags.isEmpty()) {
            writeTags(h, runId, tags);
          }
          return null;
        });
  }

  /**
   * Params are write-once: inserted when new, a no-op when logged again with the same value, a 400
   * when the value differs. The insert comes first ({@code ON CONFLICT DO NOTHING}) and the check
   * reads what is stored afterwards, so two clients logging the same param at once both succeed (a
   * read-then-insert raced into a duplicate key on PostgreSQL).
   */
  private static void writeParams(Handle h, String runId, List<Param> params) {
    PreparedBatch batch =
        h.prepareBatch(
            "INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    for (Param p : params) {
      batch.bind(0, runId).bind(1, p.key()).bind(2, p.value()).add();
    }
    batch.execute();
    List<String> keys = params.stream().map(Param::key).toList();
    List<Object> binds = new ArrayList<>();
    binds.add(runId);
    binds.addAll(keys);
    Map<String, String> stored = new HashMap<>();
    bindAll(
            h.createQuery(
                "SELECT key, value FROM params WHERE run_uuid = ? AND key IN ("
                    + placeholders(keys.size())
                    + ")"),
            binds)
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
        .forEach(e -> stored.put(e.getKey(), e.getValue()));
    for (Param p : params) {
      String old = stored.get(p.key());
      if (old != null && !old.equals(p.value())) {
        throw KeelException.invalid(
            "Changing param values is not allowed. Param with key='"
                + p.key()
                + "' was already logged with value='"
                + old
                + "' for run ID='"
                + runId
                + "'. Attempted logging new value '"
                + p.value()
                + "'.");
      }
    }
  }

  private static void writeMetrics(Handle h, String runId, List<Metric> metrics) {
    PreparedBatch points =
        h.prepareBatch(
            "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
    Map<String, Metric> latest = new LinkedHashMap<>();
    for (Metric m : metrics) {
      boolean nan = Double.isNaN(m.value());
      points
          .bind(0, runId)
          .bind(1, m.key())
          .bind(2, m.step())
          .bind(3, m.timestamp())
          .bind(4, nan ? 0.0 : m.value())
          .bind(5, nan ? 1 : 0)
          .add();
      latest.merge(m.key(), m, (a, b) -> b.isAfter(a) ? b : a);
    }
    points.execute();
    PreparedBatch upsert =
        h.prepareBatch(
            "INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_uuid, key) DO UPDATE SET"
                + " step = excluded.step, timestamp = excluded.timestamp,"
                + " value = excluded.value, is_nan = excluded.is_nan"
                + " WHERE excluded.step > latest_metrics.step"
                + " OR (excluded.step = latest_metrics.step"
                + " AND (excluded.timestamp > latest_metrics.timestamp"
                + " OR (excluded.timestamp = latest_metrics.timestamp"
                + " AND excluded.value > latest_metrics.value)))");
    for (Metric m : latest.values()) {
      boolean nan = Double.isNaN(m.value());
      upsert
          .bind(0, runId)
          .bind(1, m.key())
          .bind(2, m.step())
          .bind(3, m.timestamp())
          .bind(4, nan ? 0.0 : m.value())
          .bind(5, nan ? 1 : 0)
          .add();
    }
    upsert.execute();
  }

  private static void writeTags(Handle h, String runId, List<Tag> tags) {
    // Last one in a request wins, as in MLflow.
    Map<String, String> last = new LinkedHashMap<>();
    for (Tag t : tags) {
      last.put(t.key(), t.value());
    }
    PreparedBatch batch =
        h.prepareBatch(
            "INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?)"
                + " ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value");
    for (Map.Entry<String, String> e : last.entrySet()) {
      batch.bind(0, runId).bind(1, e.getKey()).bind(2, e.getValue()).add();
    }
    batch.execute();
    String name = last.get(TrackingService.RUN_NAME_TAG);
    if (name != null && !name.isEmpty()) {
      h.execute("UPDATE runs SET name = ? WHERE run_uuid = ?", name, runId);
    }
  }

  private static void upsertTag(Handle h, String runId, Tag t) {
    h.execute(
        "INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?)"
            + " ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value",
        runId,
        t.key(),
        t.value());
  }

  @Override
  public void deleteTag(String runId, String key) {
    db.write(
        h -> {
          requireActiveRun(h, runId);
          int n = h.execute("DELETE FROM tags WHERE run_uuid = ? AND key = ?", runId, key);
          if (n == 0) {
            throw KeelException.notFound("No tag with name: " + key + " in run with id " + runId);
          }
          return null;
        });
  }

  @Override
  public Page<Metric> metricHistory(
      String runId, String key, int maxResults, Optional<String> token) {
    long offset = PageToken.offset(token);
    return db.read(
        h -> {
          if (loadRunInfo(h, runId).isEmpty()) {
            throw KeelException.notFound("Run with id=" + runId + " not found");
          }
          List<Metric> points =
              h.createQuery(
                      "SELECT key, value, timestamp, step, is_nan FROM metrics"
                          + " WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp, value"
                          + " LIMIT ? OFFSET ?")
                  .bind(0, runId)
                  .bind(1, key)
                  .bind(2, maxResults + 1)
                  .bind(3, offset)
                  .map((rs, ctx) -> metric(rs))
                  .list();
          return page(points, maxResults, offset);
        });
  }

  private static Optional<String> datasetId(Handle h, long experimentId, Dataset d) {
    return h.createQuery(
            "SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?")
        .bind(0, experimentId)
        .bind(1, d.name())
        .bind(2, d.digest())
        .mapTo(String.class)
        .findOne();
  }

  @Override
  public void logInputs(String runId, List<DatasetInput> inputs) {
    db.write(
        h -> {
          RunInfo info = requireActiveRun(h, runId);
          long expId = Long.parseLong(info.experimentId());
          for (DatasetInput in : inputs) {
            Dataset d = in.dataset();
            String datasetId = datasetId(h, expId, d).orElse(null);
            if (datasetId == null) {
              // ON CONFLICT: another client may log the same dataset at the same time; then its
              // row is the one, read back below.
              h.execute(
                  "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source,"
                      + " schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (experiment_id, name, digest) DO NOTHING",
                  Ids.hex32(),
                  expId,
                  d.name(),
                  d.digest(),
                  d.sourceType(),
                  d.source(),
                  d.schema().orElse(null),
                  d.profile().orElse(null));
              datasetId = datasetId(h, expId, d).orElseThrow();
            }
            h.execute(
                "INSERT INTO run_inputs (run_uuid, dataset_uuid) VALUES (?, ?) ON CONFLICT DO NOTHING",
                runId,
                datasetId);
            for (Tag t : in.tags()) {
              h.execute(
                  "INSERT INTO run_input_tags (run_uuid, dataset_uuid, key, value) VALUES (?, ?, ?, ?)"
                      + " ON CONFLICT (run_uuid, dataset_uuid, key) DO UPDATE SET value = excluded.value",
                  runId,
                  datasetId,
                  t.key(),
                  t.value());
            }
          }
          return null;
        });
  }

  @Override
  public Page<Run> searchRuns(
      List<String> experimentIds,
      ViewType view,
      String filter,
      List<String> orderBy,
      int maxResults,
      Optional<String> token,
      Optional<List<String>> readers) {
    long offset = PageToken.offset(token);
    List<Long> requested = new ArrayList<>();
    for (String e : experimentIds) {
      OptionalLong id = parseExperimentId(e);
      if (id.isPresent()) {
        requested.add(id.getAsLong());
      }
    }
    if (requested.isEmpty()) {
      return new Page<>(List.of(), Optional.empty());
    }
    RunSearch.compile(db.dialect(), requested, view, filter, orderBy, 0, 0); // 400s first
    return db.read(
        h -> {
          // Only the experiments the caller may read are searched: the run query itself stays
          // the administrator's, on fewer experiments, so paging is unaffected.
          List<Long> ids = readers.isPresent() ? readable(h, requested, readers.get()) : requested;
          if (ids.isEmpty()) {
            return new Page<Run>(List.of(), Optional.empty());
          }
          SqlQuery q =
              RunSearch.compile(db.dialect(), ids, view, filter, orderBy, maxResults + 1, offset);
          List<String> runIds =
              bindAll(h.createQuery(q.sql()), q.binds()).mapTo(String.class).list();
          return page(loadRuns(h, runIds), maxResults, offset);
        });
  }

  /** Those of {@code ids} on which one of {@code readers} is owner or has a level. */
  private static List<Long> readable(Handle h, List<Long> ids, List<String> readers) {
    if (readers.isEmpty()) {
      return List.of();
    }
    Query q =
        h.createQuery(
            "SELECT e.experiment_id FROM experiments e WHERE e.experiment_id IN ("
                + marks(ids.size())
                + ") AND "
                + JdbcObjectPermissionStore.visibleCondition(
                    ObjectType.EXPERIMENTS, "CAST(e.experiment_id AS TEXT)", readers.size()));
    int i = 0;
    for (Long id : ids) {
      q.bind(i++, id);
    }
    for (String r : readers) {
      q.bind(i++, r);
    }
    return q.mapTo(Long.class).list();
  }

  private static String marks(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  @Override
  public Optional<String> experimentIdOfRun(String runId) {
    return db.read(
        h ->
            h.createQuery("SELECT experiment_id FROM runs WHERE run_uuid = ?")
                .bind(0, runId)
                .mapTo(Long.class)
                .findOne()
                .map(String::valueOf));
  }

  @Override
  public List<String> experimentsAt(Collection<String> locations) {
    if (locations.isEmpty()) {
      return List.of();
    }
    List<String> l = List.copyOf(locations);
    return db.read(
        h -> {
          Query q =
              h.createQuery(
                  "SELECT experiment_id FROM experiments WHERE artifact_location IN ("
                      + marks(l.size())
                      + ")");
          for (int i = 0; i < l.size(); i++) {
            q.bind(i, l.get(i));
          }
          return q.mapTo(Long.class).list().stream().map(String::valueOf).toList();
        });
  }

  // ---------------------------------------------------------------- loading

  private static RunInfo requireActiveRun(Handle h, String runId) {
    RunInfo info =
        loadRunInfo(h, runId)
            .orElseThrow(() -> KeelException.notFound("Run with id=" + runId + " not found"));
    if (info.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw KeelException.invalid(
          "The run " + runId + " must be in the 'active' state. Current state is deleted.");
    }
    return info;
  }

  private static Optional<RunInfo> loadRunInfo(Handle h, String runId) {
    return h.createQuery(RUN_COLUMNS + " WHERE run_uuid = ?")
        .bind(0, runId)
        .map((rs, ctx) -> runInfo(rs))
        .findOne();
  }

  private static final String RUN_COLUMNS =
      "SELECT run_uuid, name, experiment_id, user_id, status, start_time, end_time, artifact_uri,"
          + " lifecycle_stage FROM runs";

  private static RunInfo runInfo(ResultSet rs) throws SQLException {
    long end = rs.getLong(7);
    OptionalLong endTime = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(end);
    return new RunInfo(
        rs.getString(1),
        rs.getString(2),
        Long.toString(rs.getLong(3)),
        rs.getString(4),
        RunStatus.valueOf(rs.getString(5)),
        rs.getLong(6),
        endTime,
        rs.getString(8),
        LifecycleStage.ofWire(rs.getString(9)));
  }

  private static Metric metric(ResultSet rs) throws SQLException {
    double v = rs.getInt(5) == 1 ? Double.NaN : rs.getDouble(2);
    return new Metric(rs.getString(1), v, rs.getLong(3), rs.getLong(4));
  }

  /** Loads whole runs for the given ids, in the given order, with a few queries per 500 runs. */
  private static List<Run> loadRuns(Handle h, List<String> runIds) {
    if (runIds.size() <= 500) {
      return loadRunsChunk(h, runIds);
    }
    List<Run> out = new ArrayList<>(runIds.size());
    for (int i = 0; i < runIds.size(); i += 500) {
      out.addAll(loadRunsChunk(h, runIds.subList(i, Math.min(runIds.size(), i + 500))));
    }
    return out;
  }

  private static List<Run> loadRunsChunk(Handle h, List<String> runIds) {
    if (runIds.isEmpty()) {
      return List.of();
    }
    String in = placeholders(runIds.size());
    Map<String, RunInfo> infos = new HashMap<>();
    bindAll(h.createQuery(RUN_COLUMNS + " WHERE run_uuid IN (" + in + ")"), runIds)
        .map((rs, ctx) -> runInfo(rs))
        .forEach(i -> infos.put(i.runId(), i));
    Map<String, List<Metric>> metrics = new HashMap<>();
    bindAll(
            h.createQuery(
                "SELECT key, value, timestamp, step, is_nan, run_uuid FROM latest_metrics"
                    + " WHERE run_uuid IN ("
                    + in
                    + ") ORDER BY run_uuid, key"),
            runIds)
        .map((rs, ctx) -> Map.entry(rs.getString(6), metric(rs)))
        .forEach(
            e -> metrics.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    Map<String, List<Param>> params = new HashMap<>();
    bindAll(
            h.createQuery(
                "SELECT run_uuid, key, value FROM params WHERE run_uuid IN ("
                    + in
                    + ") ORDER BY run_uuid, key"),
            runIds)
        .map((rs, ctx) -> Map.entry(rs.getString(1), new Param(rs.getString(2), rs.getString(3))))
        .forEach(e -> params.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    Map<String, List<Tag>> tags = new HashMap<>();
    bindAll(
            h.createQuery(
                "SELECT run_uuid, key, value FROM tags WHERE run_uuid IN ("
                    + in
                    + ") ORDER BY run_uuid, key"),
            runIds)
        .map((rs, ctx) -> Map.entry(rs.getString(1), new Tag(rs.getString(2), rs.getString(3))))
        .forEach(e -> tags.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    Map<String, List<DatasetInput>> inputs = loadInputs(h, runIds, in);
    List<Run> out = new ArrayList<>(runIds.size());
    for (String id : runIds) {
      RunInfo info = infos.get(id);
      if (info != null) {
        out.add(
            new Run(
                info,
                metrics.getOrDefault(id, List.of()),
                params.getOrDefault(id, List.of()),
                tags.getOrDefault(id, List.of()),
                inputs.getOrDefault(id, List.of())));
      }
    }
    return out;
  }

  @Override
  public List<RunInput> inputsMentioning(String table, int limit) {
    String like = "%" + table.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    return db.read(
        h -> {
          List<String[]> rows =
              h.createQuery(
                      "SELECT DISTINCT i.run_uuid, i.dataset_uuid FROM run_inputs i"
                          + " JOIN datasets d ON d.dataset_uuid = i.dataset_uuid"
                          + " WHERE d.name = ? OR d.source LIKE ? ESCAPE '\\'"
                          + " ORDER BY i.run_uuid, i.dataset_uuid LIMIT ?")
                  .bind(0, table)
                  .bind(1, like)
                  .bind(2, limit)
                  .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                  .list();
          List<String> runIds = rows.stream().map(r -> r[0]).distinct().toList();
          if (runIds.isEmpty()) {
            return List.<RunInput>of();
          }
          Map<String, Long> starts = new HashMap<>();
          String in = String.join(",", java.util.Collections.nCopies(runIds.size(), "?"));
          bindAll(
                  h.createQuery(
                      "SELECT run_uuid, start_time FROM runs WHERE run_uuid IN (" + in + ")"),
                  runIds)
              .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
              .forEach(e -> starts.put(e.getKey(), e.getValue()));
          List<RunInput> out = new ArrayList<>();
          loadInputs(h, runIds, in)
              .forEach(
                  (runId, inputs) ->
                      inputs.stream()
                          .filter(
                              i ->
                                  i.dataset().name().equals(table)
                                      || i.dataset().source().contains(table))
                          .forEach(
                              i ->
                                  out.add(new RunInput(runId, starts.getOrDefault(runId, 0L), i))));
          out.sort(java.util.Comparator.comparing(RunInput::runId));
          return out;
        });
  }

  private static Map<String, List<DatasetInput>> loadInputs(
      Handle h, List<String> runIds, String in) {
    Map<String, Map<String, List<Tag>>> inputTags = new HashMap<>();
    bindAll(
            h.createQuery(
                "SELECT run_uuid, dataset_uuid, key, value FROM run_input_tags WHERE run_uuid IN ("
                    + in
                    + ") ORDER BY run_uuid, dataset_uuid, key"),
            runIds)
        .map(
            (rs, ctx) ->
                new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)})
        .forEach(
            r ->
                inputTags
                    .computeIfAbsent(r[0], k -> new HashMap<>())
                    .computeIfAbsent(r[1], k -> new ArrayList<>())
                    .add(new Tag(r[2], r[3])));
    Map<String, List<DatasetInput>> out = new HashMap<>();
    bindAll(
            h.createQuery(
                "SELECT i.run_uuid, d.dataset_uuid, d.name, d.digest, d.source_type, d.source, d.schema,"
                    + " d.profile FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid"
                    + " WHERE i.run_uuid IN ("
                    + in
                    + ") ORDER BY i.run_uuid, d.name, d.digest"),
            runIds)
        .map(
            (rs, ctx) -> {
              String runId = rs.getString(1);
              String datasetId = rs.getString(2);
              Dataset d =
                  new Dataset(
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5),
                      rs.getString(6),
                      Optional.ofNullable(rs.getString(7)),
                      Optional.ofNullable(rs.getString(8)));
              List<Tag> t =
                  inputTags.getOrDefault(runId, Map.of()).getOrDefault(datasetId, List.of());
              return Map.entry(runId, new DatasetInput(t, d));
            })
        .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return out;
  }

  // ---------------------------------------------------------------- helpers

  private static <T> Page<T> page(List<T> rows, int maxResults, long offset) {
    if (rows.size() > maxResults) {
      return new Page<>(
          rows.subList(0, maxResults), Optional.of(PageToken.ofOffset(offset + maxResults)));
    }
    return new Page<>(rows, Optional.empty());
  }

  private static Query bindAll(Query q, Collection<?> binds) {
    int i = 0;
    for (Object b : binds) {
      q.bind(i++, b);
    }
    return q;
  }

  private static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  static OptionalLong parseExperimentId(String experimentId) {
    if (experimentId == null || experimentId.isEmpty() || experimentId.length() > 18) {
      return OptionalLong.empty();
    }
    for (int i = 0; i < experimentId.length(); i++) {
      if (!Character.isDigit(experimentId.charAt(i))) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(Long.parseLong(experimentId));
  }

  private static long requireExperimentId(String experimentId) {
    OptionalLong id = parseExperimentId(experimentId);
    if (id.isEmpty()) {
      throw KeelException.notFound("No Experiment with id=" + experimentId + " exists");
    }
    return id.getAsLong();
  }
}
