package dev.keel.jobs.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import dev.keel.store.Database;
import dev.keel.store.Dialect;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Jobs and runs in the tables of migration V13 ({@code jobs}, {@code job_runs}, {@code
 * job_task_runs}, {@code job_task_values}, {@code job_repairs}, {@code job_ids}). On PostgreSQL the
 * run a server claims is locked {@code FOR UPDATE SKIP LOCKED}, and a job's row is locked while its
 * runs are admitted, so concurrent servers never exceed {@code max_concurrent_runs}.
 *
 * <p>Fencing (migration V16, {@code lease_epoch}): a claim increments the run's epoch, and every
 * write made under a {@link RunLease} first checks, in its transaction, that the run's owner and
 * epoch are still the lease's. On PostgreSQL that check takes {@code FOR KEY SHARE} on the run's
 * row, which a claim's {@code FOR UPDATE} waits for (or skips) and which then waits for a claim in
 * progress: a write commits either before the run is claimed again or not at all. On SQLite the
 * single writer orders them.
 */
public final class JdbcJobStore implements JobStore {
  private static final String RUNNING = "('PENDING', 'RUNNING', 'TERMINATING')";

  private final Database db;
  private final boolean postgres;

  /** A store on this database. */
  public JdbcJobStore(Database db) {
    this.db = Objects.requireNonNull(db, "db");
    this.postgres = db.dialect() == Dialect.POSTGRESQL;
  }

  @Override
  public long reserveIds(int n) {
    return db.write(
        h -> {
          long next =
              h.createQuery("SELECT next FROM job_ids WHERE name = 'ids'" + forUpdate())
                  .mapTo(Long.class)
                  .one();
          h.createUpdate("UPDATE job_ids SET next = :n WHERE name = 'ids'")
              .bind("n", next + n)
              .execute();
          return next;
        });
  }

  @Override
  public void insertJob(Job j) {
    db.write(
        h ->
            h.createUpdate(
                    "INSERT INTO jobs (job_id, name, creator, run_as, settings, format_version,"
                        + " triggered, created_at, updated_at) VALUES (:id, :name, :creator,"
                        + " :run_as, :settings, 1, 0, :created, :updated)")
                .bind("id", j.jobId())
                .bind("name", j.name())
                .bind("creator", j.creator())
                .bind("run_as", j.runAs())
                .bind("settings", j.settings())
                .bind("created", j.createdAt())
                .bind("updated", j.updatedAt())
                .execute());
  }

  @Override
  public Optional<Job> job(long jobId) {
    return db.read(
        h ->
            h.createQuery("SELECT * FROM jobs WHERE job_id = :id")
                .bind("id", jobId)
                .map((rs, ctx) -> JdbcRows.job(rs))
                .findOne());
  }

  @Override
  public List<Job> jobs(
      Optional<String> name, Optional<List<Long>> visible, long afterId, int limit) {
    if (visible.isPresent() && visible.get().isEmpty()) {
      return List.of();
    }
    return db.read(
        h -> {
          StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE job_id > :after");
          name.ifPresent(n -> sql.append(" AND name = :name"));
          visible.ifPresent(v -> sql.append(" AND job_id IN (<ids>)"));
          sql.append(" ORDER BY job_id LIMIT :limit");
          Query q = h.createQuery(sql.toString()).bind("after", afterId).bind("limit", limit);
          name.ifPresent(n -> q.bind("name", n));
          visible.ifPresent(v -> q.bindList("ids", v));
          return q.map((rs, ctx) -> JdbcRows.job(rs)).list();
        });
  }

  @Override
  public List<Job> triggeredJobs() {
    return db.read(
        h ->
            h.createQuery("SELECT * FROM jobs WHERE triggered = 1 ORDER BY job_id")
                .map((rs, ctx) -> JdbcRows.job(rs))
                .list());
  }

  @Override
  public boolean updateJob(Job j, boolean triggered) {
    return db.write(
        h ->
            h.createUpdate(
                        "UPDATE jobs SET name = :name, run_as = :run_as, settings = :settings,"
                            + " triggered = :triggered, updated_at = :updated WHERE job_id = :id")
                    .bind("id", j.jobId())
                    .bind("name", j.name())
                    .bind("run_as", j.runAs())
                    .bind("settings", j.settings())
                    .bind("triggered", triggered ? 1 : 0)
                    .bind("updated", j.updatedAt())
                    .execute()
                > 0);
  }

  @Override
  public boolean deleteJob(long jobId) {
    return db.write(
        h -> {
          List<Long> runs =
              h.createQuery("SELECT run_id FROM job_runs WHERE job_id = :id")
                  .bind("id", jobId)
                  .mapTo(Long.class)
                  .list();
          for (long r : runs) {
            deleteRunRows(h, r);
          }
          return h.createUpdate("DELETE FROM jobs WHERE job_id = :id").bind("id", jobId).execute()
              > 0;
        });
  }

  @Override
  public JobRun createRun(JobRun draft, int maxConcurrent, boolean queue) {
    return db.write(
        h -> {
          if (postgres) {
            h.createQuery("SELECT job_id FROM jobs WHERE job_id = :id FOR UPDATE")
                .bind("id", draft.jobId())
                .mapTo(Long.class)
                .findOne();
          }
          if (draft.idempotencyToken().isPresent()) {
            Optional<JobRun> same =
                h.createQuery(
                        "SELECT "
                            + JdbcRows.RUN_COLUMNS
                            + " FROM job_runs WHERE job_id = :job AND idempotency_token = :token")
                    .bind("job", draft.jobId())
                    .bind("token", draft.idempotencyToken().get())
                    .map((rs, ctx) -> JdbcRows.run(rs))
                    .findOne();
            if (same.isPresent()) {
              return same.get();
            }
          }
          long running = count(h, draft.jobId(), "life_cycle IN " + RUNNING);
          long queued = count(h, draft.jobId(), "life_cycle = 'QUEUED'");
          long now = draft.createdAt();
          JobRun r;
          if (running < maxConcurrent && queued == 0) {
            r = draft.with(LifeCycle.PENDING, Optional.empty(), "", 0);
          } else if (queue && maxConcurrent > 0) {
            r =
                draft.with(
                    LifeCycle.QUEUED,
                    Optional.empty(),
                    "Queued: the job has "
                        + maxConcurrent
                        + " concurrent run(s) at most (max_concurrent_runs).",
                    0);
          } else {
            r =
                withStart(
                    draft.with(
                        LifeCycle.SKIPPED,
                        Optional.of(ResultState.MAXIMUM_CONCURRENT_RUNS_REACHED),
                        "Skipped: the job already has "
                            + running
                            + " active run(s) and max_concurrent_runs is "
                            + maxConcurrent
                            + ".",
                        now),
                    now);
          }
          insertRun(h, r);
          return r;
        });
  }

  private static JobRun withStart(JobRun r, long start) {
    return new JobRun(
        r.runId(),
        r.jobId(),
        r.runType(),
        r.runName(),
        r.trigger(),
        r.triggerInfo(),
        r.settings(),
        r.jobParameters(),
        r.onlyTasks(),
        r.idempotencyToken(),
        r.creator(),
        r.runAs(),
        r.lifeCycle(),
        r.resultState(),
        r.stateMessage(),
        r.createdAt(),
        start,
        r.endTime(),
        r.cancelRequested(),
        r.repairCount(),
        r.parentTaskRun(),
        r.owner(),
        r.leaseUntil(),
        r.leaseEpoch());
  }

  private static long count(Handle h, long jobId, String where) {
    return h.createQuery("SELECT COUNT(*) FROM job_runs WHERE job_id = :job AND " + where)
        .bind("job", jobId)
        .mapTo(Long.class)
        .one();
  }

  private void insertRun(Handle h, JobRun r) {
    h.createUpdate(
            "INSERT INTO job_runs ("
                + JdbcRows.RUN_COLUMNS
                + ") VALUES (:run_id, :job_id, :run_type, :run_name, :trigger_type,"
                + " :trigger_info, :settings, :job_parameters, :only_tasks, :token, :creator,"
                + " :run_as, :life_cycle, :result_state, :state_message, :term_code, :queued_at,"
                + " :created_at, :start_time, :end_time, :cancel_requested, :repair_count,"
                + " :parent_task_run, :owner, :lease_until, :lease_epoch)")
        .bind("run_id", r.runId())
        .bind("job_id", r.jobId())
        .bind("run_type", r.runType())
        .bind("run_name", r.runName())
        .bind("trigger_type", r.trigger())
        .bind("trigger_info", JdbcRows.write(r.triggerInfo()))
        .bind("settings", r.settings())
        .bind("job_parameters", JdbcRows.write(r.jobParameters()))
        .bind("only_tasks", JdbcRows.write(r.onlyTasks()))
        .bind("token", r.idempotencyToken().orElse(null))
        .bind("creator", r.creator())
        .bind("run_as", r.runAs())
        .bind("life_cycle", r.lifeCycle().name())
        .bind("result_state", r.resultState().map(Enum::name).orElse(null))
        .bind("state_message", r.stateMessage())
        .bind("term_code", (String) null)
        .bind("queued_at", r.lifeCycle() == LifeCycle.QUEUED ? r.createdAt() : null)
        .bind("created_at", r.createdAt())
        .bind("start_time", r.startTime())
        .bind("end_time", r.endTime())
        .bind("cancel_requested", r.cancelRequested().orElse(null))
        .bind("repair_count", r.repairCount())
        .bind("parent_task_run", r.parentTaskRun())
        .bind("owner", r.owner().orElse(null))
        .bind("lease_until", r.leaseUntil())
        .bind("lease_epoch", r.leaseEpoch())
        .execute();
  }

  @Override
  public List<JobRun> claim(String owner, long now, long leaseUntil, int limit, boolean takeOver) {
    return db.write(
        h -> {
          admitQueued(h);
          String lapsed =
              takeOver
                  ? "(owner IS NULL OR owner <> :owner)"
                  : "(owner IS NULL OR (owner <> :owner AND lease_until < :now))";
          List<Long> ids =
              h.createQuery(
                      "SELECT run_id FROM job_runs WHERE life_cycle IN "
                          + RUNNING
                          + " AND "
                          + lapsed
                          + " ORDER BY run_id LIMIT :limit"
                          + (postgres ? " FOR UPDATE SKIP LOCKED" : ""))
                  .bind("owner", owner)
                  .bind("now", now)
                  .bind("limit", limit)
                  .mapTo(Long.class)
                  .list();
          List<JobRun> out = new ArrayList<>();
          for (long id : ids) {
            h.createUpdate(
                    "UPDATE job_runs SET owner = :owner, lease_until = :until,"
                        + " lease_epoch = lease_epoch + 1, life_cycle ="
                        + " CASE WHEN life_cycle = 'PENDING' THEN 'RUNNING' ELSE life_cycle END,"
                        + " start_time = CASE WHEN start_time = 0 THEN :now ELSE start_time END"
                        + " WHERE run_id = :id")
                .bind("owner", owner)
                .bind("until", leaseUntil)
                .bind("now", now)
                .bind("id", id)
                .execute();
            out.add(runIn(h, id).orElseThrow());
          }
          return out;
        });
  }

  /** Moves queued runs to PENDING, oldest first, where their jobs have room. */
  private void admitQueued(Handle h) {
    List<Map<String, Object>> queued =
        h.createQuery(
                "SELECT run_id, job_id, settings FROM job_runs WHERE life_cycle = 'QUEUED'"
                    + " ORDER BY run_id")
            .mapToMap()
            .list();
    Map<Long, Long> room = new HashMap<>();
    for (Map<String, Object> q : queued) {
      long job = ((Number) q.get("job_id")).longValue();
      if (!room.containsKey(job)) {
        if (postgres) {
          h.createQuery("SELECT job_id FROM jobs WHERE job_id = :id FOR UPDATE")
              .bind("id", job)
              .mapTo(Long.class)
              .findOne();
        }
        long max = maxConcurrent((String) q.get("settings"));
        room.put(job, max - count(h, job, "life_cycle IN " + RUNNING));
      }
      if (room.get(job) > 0) {
        room.put(job, room.get(job) - 1);
        h.createUpdate(
                "UPDATE job_runs SET life_cycle = 'PENDING', state_message = '' WHERE run_id = :id"
                    + " AND life_cycle = 'QUEUED'")
            .bind("id", ((Number) q.get("run_id")).longValue())
            .execute();
      }
    }
  }

  private static long maxConcurrent(String settings) {
    return JdbcRows.read(settings, new TypeReference<Map<String, Object>>() {})
                instanceof Map<?, ?> m
            && m.get("max_concurrent_runs") instanceof Number n
        ? n.longValue()
        : 1;
  }

  @Override
  public List<Long> renew(String owner, long leaseUntil) {
    return db.write(
        h -> {
          h.createUpdate(
                  "UPDATE job_runs SET lease_until = :until WHERE owner = :owner AND life_cycle IN "
                      + RUNNING)
              .bind("until", leaseUntil)
              .bind("owner", owner)
              .execute();
          return h.createQuery(
                  "SELECT run_id FROM job_runs WHERE owner = :owner AND life_cycle IN " + RUNNING)
              .bind("owner", owner)
              .mapTo(Long.class)
              .list();
        });
  }

  /**
   * Whether the run is still claimed under {@code lease}; on PostgreSQL the row stays locked
   * against a new claim until the transaction ends.
   */
  private boolean holds(Handle h, RunLease lease) {
    return h.createQuery(
            "SELECT run_id FROM job_runs WHERE run_id = :id AND owner = :owner AND lease_epoch ="
                + " :epoch"
                + (postgres ? " FOR KEY SHARE" : ""))
        .bind("id", lease.runId())
        .bind("owner", lease.owner())
        .bind("epoch", lease.epoch())
        .mapTo(Long.class)
        .findOne()
        .isPresent();
  }

  @Override
  public Optional<JobRun> run(long runId) {
    return db.read(h -> runIn(h, runId));
  }

  private Optional<JobRun> runIn(Handle h, long runId) {
    return h.createQuery("SELECT " + JdbcRows.RUN_COLUMNS + " FROM job_runs WHERE run_id = :id")
        .bind("id", runId)
        .map((rs, ctx) -> JdbcRows.run(rs))
        .findOne();
  }

  @Override
  public List<JobRun> runs(RunFilter f, long offset, int limit) {
    if (f.visibleJobs().isPresent() && f.visibleJobs().get().isEmpty()) {
      return List.of();
    }
    return db.read(
        h -> {
          StringBuilder sql =
              new StringBuilder("SELECT " + JdbcRows.RUN_COLUMNS + " FROM job_runs WHERE 1 = 1");
          f.jobId().ifPresent(j -> sql.append(" AND job_id = :job"));
          if (f.activeOnly()) {
            sql.append(" AND life_cycle IN ('QUEUED', 'PENDING', 'RUNNING', 'TERMINATING')");
          }
          if (f.completedOnly()) {
            sql.append(" AND life_cycle IN ('TERMINATED', 'SKIPPED', 'INTERNAL_ERROR')");
          }
          f.startFrom().ifPresent(x -> sql.append(" AND created_at >= :from"));
          f.startTo().ifPresent(x -> sql.append(" AND created_at <= :to"));
          f.runType().ifPresent(x -> sql.append(" AND run_type = :type"));
          f.visibleJobs().ifPresent(v -> sql.append(" AND job_id IN (<visible>)"));
          sql.append(" ORDER BY run_id DESC LIMIT :limit OFFSET :offset");
          Query q = h.createQuery(sql.toString()).bind("limit", limit).bind("offset", offset);
          f.jobId().ifPresent(j -> q.bind("job", j));
          f.startFrom().ifPresent(x -> q.bind("from", x));
          f.startTo().ifPresent(x -> q.bind("to", x));
          f.runType().ifPresent(x -> q.bind("type", x));
          f.visibleJobs().ifPresent(v -> q.bindList("visible", v));
          return q.map((rs, ctx) -> JdbcRows.run(rs)).list();
        });
  }

  @Override
  public void updateRun(JobRun r) {
    db.write(h -> updateRunIn(h, r, Optional.empty()));
  }

  @Override
  public boolean updateRun(JobRun r, RunLease lease) {
    if (lease.runId() != r.runId()) {
      throw new IllegalArgumentException("the lease is of another run");
    }
    return db.write(h -> updateRunIn(h, r, Optional.of(lease)) > 0);
  }

  @Override
  public boolean endRun(JobRun r, List<Repair> closed, RunLease lease) {
    if (lease.runId() != r.runId()) {
      throw new IllegalArgumentException("the lease is of another run");
    }
    return db.write(
        h -> {
          if (updateRunIn(h, r, Optional.of(lease)) == 0) {
            return false;
          }
          closed.forEach(rep -> updateRepairIn(h, rep));
          return true;
        });
  }

  /** Writes the run's state; with a lease, only while the run is claimed under it. */
  private static int updateRunIn(Handle h, JobRun r, Optional<RunLease> fence) {
    org.jdbi.v3.core.statement.Update u =
        h.createUpdate(
            "UPDATE job_runs SET life_cycle = :lc, result_state = :result, state_message ="
                + " :message, end_time = :end, settings = :settings, job_parameters ="
                + " :params, repair_count = :repairs, owner = :owner, lease_until ="
                + " :lease, cancel_requested = :cancel, start_time = :start"
                + " WHERE run_id = :id"
                + (fence.isPresent()
                    ? " AND owner = :fence_owner AND lease_epoch = :fence_epoch"
                    : ""));
    fence.ifPresent(l -> u.bind("fence_owner", l.owner()).bind("fence_epoch", l.epoch()));
    return u.bind("lc", r.lifeCycle().name())
        .bind("result", r.resultState().map(Enum::name).orElse(null))
        .bind("message", r.stateMessage())
        .bind("end", r.endTime())
        .bind("settings", r.settings())
        .bind("params", JdbcRows.write(r.jobParameters()))
        .bind("repairs", r.repairCount())
        .bind("owner", r.owner().orElse(null))
        .bind("lease", r.leaseUntil())
        .bind("cancel", r.cancelRequested().orElse(null))
        .bind("start", r.startTime())
        .bind("id", r.runId())
        .execute();
  }

  @Override
  public List<Long> requestCancel(Optional<Long> runId, Optional<Long> jobId, String reason) {
    return db.write(
        h -> {
          String where =
              " WHERE life_cycle IN ('QUEUED', 'PENDING', 'RUNNING', 'TERMINATING')"
                  + (runId.isPresent() ? " AND run_id = :run" : "")
                  + (jobId.isPresent() ? " AND job_id = :job" : "");
          Query q = h.createQuery("SELECT run_id FROM job_runs" + where);
          runId.ifPresent(r -> q.bind("run", r));
          jobId.ifPresent(j -> q.bind("job", j));
          List<Long> ids = q.mapTo(Long.class).list();
          for (long id : ids) {
            h.createUpdate(
                    "UPDATE job_runs SET cancel_requested = :reason WHERE run_id = :id AND"
                        + " cancel_requested IS NULL")
                .bind("reason", reason)
                .bind("id", id)
                .execute();
          }
          return ids;
        });
  }

  @Override
  public List<Long> queuedRuns() {
    return db.read(
        h ->
            h.createQuery("SELECT run_id FROM job_runs WHERE life_cycle = 'QUEUED' ORDER BY run_id")
                .mapTo(Long.class)
                .list());
  }

  @Override
  public List<Long> cancelRequests(String owner) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT run_id FROM job_runs WHERE owner = :owner AND cancel_requested IS NOT"
                        + " NULL AND life_cycle IN "
                        + RUNNING)
                .bind("owner", owner)
                .mapTo(Long.class)
                .list());
  }

  @Override
  public boolean deleteRun(long runId) {
    return db.write(h -> deleteRunRows(h, runId) > 0);
  }

  private static int deleteRunRows(Handle h, long runId) {
    for (String t : List.of("job_task_runs", "job_task_values", "job_repairs")) {
      h.createUpdate("DELETE FROM " + t + " WHERE run_id = :id").bind("id", runId).execute();
    }
    return h.createUpdate("DELETE FROM job_runs WHERE run_id = :id").bind("id", runId).execute();
  }

  @Override
  public void insertTaskRun(TaskRun t) {
    insertTaskRuns(List.of(t));
  }

  @Override
  public void insertTaskRuns(List<TaskRun> ts) {
    if (ts.isEmpty()) {
      return;
    }
    db.write(
        h -> {
          insertTaskRunsIn(h, ts);
          return null;
        });
  }

  @Override
  public boolean insertTaskRuns(List<TaskRun> ts, RunLease lease) {
    ofRun(ts, lease);
    return db.write(
        h -> {
          if (!holds(h, lease)) {
            return false;
          }
          insertTaskRunsIn(h, ts);
          return true;
        });
  }

  private static void ofRun(List<TaskRun> ts, RunLease lease) {
    for (TaskRun t : ts) {
      if (t.runId() != lease.runId()) {
        throw new IllegalArgumentException("the lease is of another run");
      }
    }
  }

  private static void insertTaskRunsIn(Handle h, List<TaskRun> ts) {
    for (TaskRun t : ts) {
      JdbcRows.bindTask(
              h.createUpdate(
                  "INSERT INTO job_task_runs ("
                      + JdbcRows.TASK_COLUMNS
                      + ") VALUES (:task_run_id, :run_id, :task_key, :attempt_number,"
                      + " :original_attempt, :repair_id, :iteration_of, :iteration_index,"
                      + " :life_cycle, :result_state, :state_message, :term_code, :outcome,"
                      + " :start_time, :end_time, :error, :error_trace, :child_run_id)"),
              t)
          .execute();
    }
  }

  @Override
  public void updateTaskRun(TaskRun t) {
    db.write(h -> updateTaskRunIn(h, t));
  }

  @Override
  public boolean updateTaskRun(TaskRun t, RunLease lease) {
    ofRun(List.of(t), lease);
    return db.write(h -> holds(h, lease) && updateTaskRunIn(h, t) > 0);
  }

  private static int updateTaskRunIn(Handle h, TaskRun t) {
    return JdbcRows.bindTask(
            h.createUpdate(
                "UPDATE job_task_runs SET life_cycle = :life_cycle, result_state ="
                    + " :result_state, state_message = :state_message, term_code ="
                    + " :term_code, outcome = :outcome, start_time = :start_time,"
                    + " end_time = :end_time, error = :error, error_trace = :error_trace,"
                    + " child_run_id = :child_run_id, run_id = :run_id, task_key ="
                    + " :task_key, attempt_number = :attempt_number, original_attempt ="
                    + " :original_attempt, repair_id = :repair_id, iteration_of ="
                    + " :iteration_of, iteration_index = :iteration_index"
                    + " WHERE task_run_id = :task_run_id"),
            t)
        .execute();
  }

  @Override
  public Optional<TaskRun> taskRun(long taskRunId) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT "
                        + JdbcRows.TASK_COLUMNS
                        + " FROM job_task_runs WHERE task_run_id = :id")
                .bind("id", taskRunId)
                .map((rs, ctx) -> JdbcRows.task(rs))
                .findOne());
  }

  @Override
  public List<TaskRun> taskRuns(long runId) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT "
                        + JdbcRows.TASK_COLUMNS
                        + " FROM job_task_runs WHERE run_id = :id ORDER BY task_run_id")
                .bind("id", runId)
                .map((rs, ctx) -> JdbcRows.task(rs))
                .list());
  }

  @Override
  public Map<Long, List<TaskRun>> taskRuns(Collection<Long> runIds) {
    Map<Long, List<TaskRun>> out = new HashMap<>();
    if (runIds.isEmpty()) {
      return out;
    }
    for (TaskRun t :
        db.read(
            h ->
                h.createQuery(
                        "SELECT "
                            + JdbcRows.TASK_COLUMNS
                            + " FROM job_task_runs WHERE run_id IN (<ids>) ORDER BY task_run_id")
                    .bindList("ids", List.copyOf(runIds))
                    .map((rs, ctx) -> JdbcRows.task(rs))
                    .list())) {
      out.computeIfAbsent(t.runId(), k -> new ArrayList<>()).add(t);
    }
    return out;
  }

  @Override
  public void putValue(long runId, String taskKey, String name, String json) {
    db.write(h -> putValueIn(h, runId, taskKey, name, json));
  }

  @Override
  public boolean putValue(String taskKey, String name, String json, RunLease lease) {
    return db.write(h -> holds(h, lease) && putValueIn(h, lease.runId(), taskKey, name, json) > 0);
  }

  private static int putValueIn(Handle h, long runId, String taskKey, String name, String json) {
    return h.createUpdate(
            "INSERT INTO job_task_values (run_id, task_key, name, value) VALUES (:run,"
                + " :task, :name, :value) ON CONFLICT (run_id, task_key, name) DO UPDATE"
                + " SET value = excluded.value")
        .bind("run", runId)
        .bind("task", taskKey)
        .bind("name", name)
        .bind("value", json)
        .execute();
  }

  @Override
  public Optional<String> value(long runId, String taskKey, String name) {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT value FROM job_task_values WHERE run_id = :run AND task_key = :task"
                        + " AND name = :name")
                .bind("run", runId)
                .bind("task", taskKey)
                .bind("name", name)
                .mapTo(String.class)
                .findOne());
  }

  @Override
  public void insertRepair(Repair r) {
    db.write(
        h ->
            h.createUpdate(
                    "INSERT INTO job_repairs (repair_id, run_id, start_time, end_time,"
                        + " task_run_ids, life_cycle, result_state) VALUES (:id, :run, :start,"
                        + " :end, :tasks, :lc, :result)")
                .bind("id", r.repairId())
                .bind("run", r.runId())
                .bind("start", r.startTime())
                .bind("end", r.endTime())
                .bind("tasks", JdbcRows.write(r.taskRunIds()))
                .bind("lc", r.lifeCycle().name())
                .bind("result", r.resultState().map(Enum::name).orElse(null))
                .execute());
  }

  @Override
  public void updateRepair(Repair r) {
    db.write(h -> updateRepairIn(h, r));
  }

  private static int updateRepairIn(Handle h, Repair r) {
    return h.createUpdate(
            "UPDATE job_repairs SET end_time = :end, task_run_ids = :tasks, life_cycle ="
                + " :lc, result_state = :result WHERE repair_id = :id")
        .bind("id", r.repairId())
        .bind("end", r.endTime())
        .bind("tasks", JdbcRows.write(r.taskRunIds()))
        .bind("lc", r.lifeCycle().name())
        .bind("result", r.resultState().map(Enum::name).orElse(null))
        .execute();
  }

  @Override
  public List<Repair> repairs(long runId) {
    return db.read(
        h ->
            h.createQuery("SELECT * FROM job_repairs WHERE run_id = :id ORDER BY repair_id")
                .bind("id", runId)
                .map(
                    (rs, ctx) ->
                        new Repair(
                            rs.getLong("repair_id"),
                            rs.getLong("run_id"),
                            rs.getLong("start_time"),
                            rs.getLong("end_time"),
                            JdbcRows.read(
                                rs.getString("task_run_ids"), new TypeReference<List<Long>>() {}),
                            LifeCycle.valueOf(rs.getString("life_cycle")),
                            JdbcRows.result(rs.getString("result_state"))))
                .list());
  }

  private String forUpdate() {
    return postgres ? " FOR UPDATE" : "";
  }
}
