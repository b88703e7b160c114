package dev.keel.jobs.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.Principals;
import dev.keel.catalog.http.AccessControlRequest;
import dev.keel.catalog.permissions.AccessControl;
import dev.keel.catalog.permissions.Grantee;
import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import dev.keel.http.Access;
import dev.keel.http.ApiModule;
import dev.keel.http.Caller;
import dev.keel.http.Dialect;
import dev.keel.http.Json;
import dev.keel.http.Request;
import dev.keel.http.Routes;
import dev.keel.jobs.JobService;
import dev.keel.jobs.RunService;
import dev.keel.jobs.store.Job;
import dev.keel.jobs.store.JobRun;
import dev.keel.jobs.store.RunFilter;
import dev.keel.jobs.store.TaskRun;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Optional;

/**
 * The Databricks Jobs API under {@code /api/2.2/jobs} and {@code /api/2.1/jobs} (same shapes; 2.2
 * queues runs by default), and Keel's task-values API ({@code /api/2.0/keel/jobs/task-values}).
 * Every route names the job it acts on (a run's job for run routes); {@link
 * dev.keel.jobs.JobAccess} decides from the jobs' object permissions.
 */
public final class JobRoutes implements ApiModule {
  private static final int MAX_LIMIT = 100;
  private final JobService jobs;
  private final RunService runs;
  private final ObjectPermissions permissions;
  private final Principals principals;

  /**
   * Routes over the jobs and runs services.
   *
   * @param permissions the jobs' object permissions (owners, access control lists)
   * @param principals the identities {@code run_as} and access control lists may name
   */
  public JobRoutes(
      JobService jobs, RunService runs, ObjectPermissions permissions, Principals principals) {
    this.jobs = jobs;
    this.runs = runs;
    this.permissions = permissions;
    this.principals = principals;
  }

  @Override
  public void routes(Routes r) {
    Access.Resource collection = ctx -> "";
    Access.Resource job = ctx -> Long.toString(Request.of(ctx).requiredInt64("job_id"));
    Access.Resource run = ctx -> Long.toString(jobOfRun(Request.of(ctx).requiredInt64("run_id")));
    Access.Resource jobOrAll =
        ctx -> {
          var id = Request.of(ctx).int64("job_id");
          return id.isPresent() ? Long.toString(id.getAsLong()) : "";
        };
    Access create = Access.of(SecurableType.JOB, Privilege.CREATE).on(collection);
    Access list = Access.of(SecurableType.JOB, Privilege.READ).on(jobOrAll);
    Access read = Access.of(SecurableType.JOB, Privilege.READ).on(job);
    Access manage = Access.of(SecurableType.JOB, Privilege.MANAGE).on(job);
    Access runJob = Access.of(SecurableType.JOB, Privilege.EDIT).on(job);
    Access readRun = Access.of(SecurableType.JOB, Privilege.READ).on(run);
    Access editRun = Access.of(SecurableType.JOB, Privilege.EDIT).on(run);
    Access cancelAll = Access.of(SecurableType.JOB, Privilege.EDIT).on(jobOrAll);
    for (String v : List.of("2.2", "2.1")) {
      String api = "/api/" + v + "/jobs";
      boolean queue = v.equals("2.2");
      r.dialect(api, Dialect.DATABRICKS);
      add(r, HandlerType.POST, api + "/create", create, ctx -> create(ctx, queue));
      add(r, HandlerType.GET, api + "/get", read, this::get);
      add(r, HandlerType.GET, api + "/list", list, this::list);
      add(r, HandlerType.POST, api + "/update", manage, ctx -> update(ctx, queue));
      add(r, HandlerType.POST, api + "/reset", manage, ctx -> reset(ctx, queue));
      add(r, HandlerType.POST, api + "/delete", manage, this::delete);
      add(r, HandlerType.POST, api + "/run-now", runJob, this::runNow);
      add(r, HandlerType.POST, api + "/runs/submit", create, this::submit);
      add(r, HandlerType.GET, api + "/runs/get", readRun, this::getRun);
      add(r, HandlerType.GET, api + "/runs/list", list, this::listRuns);
      add(r, HandlerType.GET, api + "/runs/get-output", readRun, this::output);
      add(r, HandlerType.POST, api + "/runs/cancel", editRun, this::cancel);
      add(r, HandlerType.POST, api + "/runs/cancel-all", cancelAll, this::cancelAll);
      add(r, HandlerType.POST, api + "/runs/repair", editRun, this::repair);
      add(r, HandlerType.POST, api + "/runs/delete", editRun, this::deleteRun);
    }
    String values = "/api/2.0/keel/jobs/task-values";
    r.dialect("/api/2.0/keel/jobs", Dialect.DATABRICKS);
    add(r, HandlerType.POST, values, readRun, this::setValue);
    add(r, HandlerType.GET, values, readRun, this::getValue);
  }

  private static void add(Routes r, HandlerType m, String path, Access a, Handler h) {
    r.add(m, path, a, h);
  }

  /**
   * The {@code access_control_list} a create carries (removed from the settings), checked before
   * anything is saved: principals that exist, levels of jobs, ownership rules.
   */
  private List<AccessControl> accessControlList(Principal caller, ObjectNode body) {
    List<AccessControl> acl =
        AccessControlRequest.parse(body.remove("access_control_list"), ObjectType.JOBS, principals);
    ObjectPermissions.check(caller, ObjectType.JOBS, Optional.of(Grantee.of(caller)), acl);
    return acl;
  }

  /**
   * Checks the {@code run_as} of settings {@code caller} saves. A job's runs act with a token of
   * that identity, so only an administrator names another identity than the caller (as Databricks'
   * admins may); keeping the identity the job already runs as ({@code current}) is no change. The
   * name must be an existing user ({@code user_name}) or service principal ({@code
   * service_principal_name}) and is stored as the identity spells it. Shape errors are left to the
   * settings parser.
   *
   * @throws KeelException INVALID_PARAMETER_VALUE for an unknown identity, PERMISSION_DENIED for
   *     another identity than the caller's
   */
  private void checkRunAs(Principal caller, JsonNode settings, Optional<String> current) {
    JsonNode r = settings.path("run_as");
    if (!r.isObject()) {
      return;
    }
    boolean user = r.path("user_name").isTextual() && !r.path("user_name").asText().isEmpty();
    boolean sp =
        r.path("service_principal_name").isTextual()
            && !r.path("service_principal_name").asText().isEmpty();
    if (user == sp) {
      return;
    }
    String field = user ? "user_name" : "service_principal_name";
    Principals.Known k =
        principals.require(
            "run_as." + field,
            r.path(field).asText(),
            user ? Principals.Kind.USER : Principals.Kind.SERVICE_PRINCIPAL);
    ((ObjectNode) r).put(field, k.name());
    if (caller.admin()
        || caller.is(k.name())
        || current.map(c -> c.equalsIgnoreCase(k.name())).orElse(false)) {
      return;
    }
    throw new KeelException(
        ErrorCode.PERMISSION_DENIED,
        "'run_as': only an administrator makes a job run as another identity; "
            + ObjectPermissions.noun(caller)
            + " "
            + caller.name()
            + " may name only itself, not '"
            + k.name()
            + "'.");
  }

  private long jobOfRun(long runId) {
    Optional<TaskRun> t = Optional.empty();
    try {
      return runs.run(runId).jobId();
    } catch (KeelException e) {
      t = Optional.of(runs.taskRun(runId));
    }
    return runs.run(t.get().runId()).jobId();
  }

  private void create(Context ctx, boolean queue) {
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    Principal caller = Caller.get(ctx);
    List<AccessControl> acl = accessControlList(caller, body);
    checkRunAs(caller, body, Optional.empty());
    Job j = jobs.create(body, caller.name(), queue);
    permissions.created(caller, ObjectType.JOBS, Long.toString(j.jobId()), acl);
    Json.write(ctx, Json.object().put("job_id", j.jobId()));
  }

  private void get(Context ctx) {
    Job j = jobs.get(Request.of(ctx).requiredInt64("job_id"));
    Json.write(ctx, job(j, true));
  }

  private static ObjectNode job(Job j, boolean tasks) {
    ObjectNode n = Json.object();
    n.put("job_id", j.jobId());
    n.put("creator_user_name", j.creator());
    n.put("run_as_user_name", j.runAs());
    n.put("created_time", j.createdAt());
    ObjectNode s = JobService.settings(j);
    if (!tasks) {
      s.remove("tasks");
    }
    n.set("settings", s);
    return n;
  }

  private void list(Context ctx) {
    Request q = Request.of(ctx);
    int limit = (int) Math.min(MAX_LIMIT, q.int64("limit").orElse(20));
    if (limit < 1) {
      throw KeelException.invalid("Invalid 'limit': 1 to " + MAX_LIMIT + ".");
    }
    long after = q.string("page_token").map(JobRoutes::token).orElse(0L);
    List<Job> page = jobs.list(q.string("name"), visible(ctx), after, limit + 1);
    boolean expand = q.bool("expand_tasks").orElse(false);
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("jobs");
    page.stream().limit(limit).forEach(j -> a.add(job(j, expand)));
    n.put("has_more", page.size() > limit);
    if (page.size() > limit) {
      n.put("next_page_token", Long.toString(page.get(limit - 1).jobId()));
    }
    Json.write(ctx, n);
  }

  private Optional<List<Long>> visible(Context ctx) {
    return ObjectPermissions.readers(Caller.get(ctx))
        .map(
            names ->
                permissions.visible(ObjectType.JOBS, names).stream().map(Long::parseLong).toList());
  }

  private static long token(String t) {
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw KeelException.invalid("Invalid page token: 'page_token' could not be decoded.");
    }
  }

  private void update(Context ctx, boolean queue) {
    Request q = Request.of(ctx);
    long id = q.requiredInt64("job_id");
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    JsonNode ns = body.path("new_settings");
    if (!ns.isMissingNode() && !ns.isObject()) {
      throw KeelException.invalid("Invalid 'new_settings': must be an object.");
    }
    if (ns.isObject()) {
      checkRunAs(Caller.get(ctx), ns, Optional.of(jobs.get(id).runAs()));
    }
    jobs.update(
        id, ns.isObject() ? (ObjectNode) ns : Json.object(), q.strings("fields_to_remove"), queue);
    Json.write(ctx, Json.object());
  }

  private void reset(Context ctx, boolean queue) {
    Request q = Request.of(ctx);
    long id = q.requiredInt64("job_id");
    JsonNode ns =
        Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE).path("new_settings");
    if (!ns.isObject()) {
      throw KeelException.missing("new_settings");
    }
    checkRunAs(Caller.get(ctx), ns, Optional.of(jobs.get(id).runAs()));
    jobs.reset(id, (ObjectNode) ns, queue);
    Json.write(ctx, Json.object());
  }

  private void delete(Context ctx) {
    long id = Request.of(ctx).requiredInt64("job_id");
    jobs.delete(id);
    permissions.forget(ObjectType.JOBS, Long.toString(id));
    Json.write(ctx, Json.object());
  }

  private void runNow(Context ctx) {
    Request q = Request.of(ctx);
    JobRun r =
        runs.runNow(
            q.requiredInt64("job_id"),
            q.stringMap("job_parameters"),
            q.string("idempotency_token"),
            q.strings("only"),
            Caller.get(ctx).name());
    Json.write(ctx, Json.object().put("run_id", r.runId()).put("number_in_job", r.runId()));
  }

  private void submit(Context ctx) {
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    Principal caller = Caller.get(ctx);
    List<AccessControl> acl = accessControlList(caller, body);
    checkRunAs(caller, body, Optional.empty());
    Optional<String> token = Request.of(ctx).string("idempotency_token");
    JobRun r = runs.submit(body, caller.name(), token);
    permissions.created(caller, ObjectType.JOBS, Long.toString(r.jobId()), acl);
    Json.write(ctx, Json.object().put("run_id", r.runId()));
  }

  private void getRun(Context ctx) {
    Request q = Request.of(ctx);
    long id = q.requiredInt64("run_id");
    boolean history = q.bool("include_history").orElse(false);
    Optional<TaskRun> task = Optional.empty();
    try {
      runs.run(id);
    } catch (KeelException e) {
      task = Optional.of(runs.taskRun(id)); // a task run: answered as a run with its iterations
    }
    if (task.isPresent()) {
      RunService.RunView v = runs.view(task.get().runId());
      ObjectNode n = RunJson.task(task.get(), v.spec(), v.tasks());
      n.put("job_id", v.run().jobId());
      n.set("iterations", RunJson.iterations(task.get(), v.spec(), v.tasks()));
      Json.write(ctx, n);
      return;
    }
    Json.write(ctx, RunJson.run(runs.view(id), true, history));
  }

  private void listRuns(Context ctx) {
    Request q = Request.of(ctx);
    int limit = (int) q.int64("limit").orElse(25);
    if (limit < 1 || limit > 25) {
      throw KeelException.invalid("Invalid 'limit': 1 to 25.");
    }
    long offset = q.string("page_token").map(JobRoutes::token).orElse(0L);
    RunFilter f =
        new RunFilter(
            boxed(q.int64("job_id")),
            q.bool("active_only").orElse(false),
            q.bool("completed_only").orElse(false),
            boxed(q.int64("start_time_from")),
            boxed(q.int64("start_time_to")),
            q.string("run_type"),
            q.int64("job_id").isPresent() ? Optional.empty() : visible(ctx));
    boolean tasks = q.bool("expand_tasks").orElse(false);
    // filtered in SQL before paging: a page holds `limit` visible runs when they exist
    List<JobRun> page = runs.list(f, offset, limit + 1);
    ObjectNode n = Json.object();
    ArrayNode a = n.putArray("runs");
    // one read for the page's attempts, not one run, task and repair read per run
    runs.listViews(page.stream().limit(limit).toList(), tasks)
        .forEach(v -> a.add(RunJson.run(v, tasks, false)));
    n.put("has_more", page.size() > limit);
    if (page.size() > limit) {
      n.put("next_page_token", Long.toString(offset + limit));
    }
    if (offset > 0) {
      n.put("prev_page_token", Long.toString(Math.max(0, offset - limit)));
    }
    Json.write(ctx, n);
  }

  private static Optional<Long> boxed(java.util.OptionalLong v) {
    return v.isPresent() ? Optional.of(v.getAsLong()) : Optional.empty();
  }

  private void output(Context ctx) {
    RunService.Output o = runs.output(Request.of(ctx).requiredInt64("run_id"));
    RunService.RunView v = runs.view(o.run().runId());
    ObjectNode n = Json.object();
    ObjectNode meta = RunJson.task(o.task(), v.spec(), v.tasks());
    meta.put("job_id", o.run().jobId());
    n.set("metadata", meta);
    n.put("logs", o.logs());
    n.put("logs_truncated", o.truncated());
    o.task().error().ifPresent(e -> n.put("error", e));
    o.task().errorTrace().ifPresent(e -> n.put("error_trace", e));
    if (o.task().childRunId() != 0) {
      n.putObject("run_job_output").put("run_id", o.task().childRunId());
    }
    Json.write(ctx, n);
  }

  private void cancel(Context ctx) {
    runs.cancel(Request.of(ctx).requiredInt64("run_id"));
    Json.write(ctx, Json.object());
  }

  private void cancelAll(Context ctx) {
    Request q = Request.of(ctx);
    boolean allQueued = q.bool("all_queued_runs").orElse(false);
    if (q.int64("job_id").isEmpty() && allQueued && !Caller.get(ctx).admin()) {
      throw new KeelException(
          ErrorCode.PERMISSION_DENIED, "Only administrators may cancel every queued run.");
    }
    runs.cancelAll(boxed(q.int64("job_id")), allQueued);
    Json.write(ctx, Json.object());
  }

  private void repair(Context ctx) {
    Request q = Request.of(ctx);
    long id =
        runs.repair(
            q.requiredInt64("run_id"),
            q.strings("rerun_tasks"),
            q.bool("rerun_all_failed_tasks").orElse(false),
            q.bool("rerun_dependent_tasks").orElse(false),
            boxed(q.int64("latest_repair_id")),
            q.stringMap("job_parameters"));
    Json.write(ctx, Json.object().put("repair_id", id));
  }

  private void deleteRun(Context ctx) {
    runs.delete(Request.of(ctx).requiredInt64("run_id"));
    Json.write(ctx, Json.object());
  }

  private void setValue(Context ctx) {
    ObjectNode body = Json.readBody(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
    Request q = Request.of(ctx);
    long taskRunId = q.requiredInt64("run_id");
    String key = q.required("key");
    if (!body.has("value")) {
      throw KeelException.missing("value");
    }
    TaskRun t = runs.taskRun(taskRunId);
    Principal caller = Caller.get(ctx);
    JobRun r = runs.run(t.runId());
    if (!caller.admin() && !caller.is(r.runAs())) {
      throw new KeelException(
          ErrorCode.PERMISSION_DENIED,
          "Only the run's identity (" + r.runAs() + ") or an administrator sets its task values.");
    }
    runs.setValue(taskRunId, key, body.get("value").toString());
    Json.write(ctx, Json.object());
  }

  private void getValue(Context ctx) {
    Request q = Request.of(ctx);
    String json = runs.value(q.requiredInt64("run_id"), q.required("task_key"), q.required("key"));
    try {
      Json.write(ctx, Json.object().set("value", Json.MAPPER.readTree(json)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "unreadable task value");
    }
  }
}
