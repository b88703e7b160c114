package dev.keel.jobs.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.http.Json;
import dev.keel.jobs.RunService.RunView;
import dev.keel.jobs.model.JobSpec;
import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import dev.keel.jobs.model.TaskSpec;
import dev.keel.jobs.store.JobRun;
import dev.keel.jobs.store.Repair;
import dev.keel.jobs.store.TaskRun;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs and task runs in Databricks' {@code Run} / {@code RunTask} shapes. */
final class RunJson {
  private static final ObjectMapper JSON = Json.MAPPER;

  private RunJson() {}

  /** A run; its tasks when {@code tasks}, its repair history when {@code history}. */
  static ObjectNode run(RunView v, boolean tasks, boolean history) {
    JobRun r = v.run();
    ObjectNode n = Json.object();
    n.put("run_id", r.runId());
    n.put("job_id", r.jobId());
    n.put("number_in_job", r.runId());
    n.put("original_attempt_run_id", r.runId());
    n.put("attempt_number", 0);
    n.put("creator_user_name", r.creator());
    n.put("run_as_user_name", r.runAs());
    n.put("run_name", r.runName());
    n.put("run_type", r.runType());
    n.put("trigger", r.trigger());
    if (r.parentTaskRun() != 0) {
      n.putObject("trigger_info").put("run_id", r.parentTaskRun());
    }
    state(
        n, r.lifeCycle(), r.resultState(), r.stateMessage(), r.cancelRequested().isPresent(), true);
    times(n, r.startTime(), r.endTime(), r.createdAt());
    ArrayNode params = n.putArray("job_parameters");
    Map<String, String> defaults = v.spec() == null ? Map.of() : v.spec().parameters();
    r.jobParameters()
        .forEach(
            (k, val) -> {
              ObjectNode p = params.addObject().put("name", k).put("value", val);
              if (defaults.containsKey(k)) {
                p.put("default", defaults.get(k));
              }
            });
    n.put("run_page_url", "");
    if (tasks) {
      ArrayNode a = n.putArray("tasks");
      for (TaskRun t : v.tasks()) {
        if (t.iterationOf() == 0) {
          a.add(task(t, v.spec(), v.tasks()));
        }
      }
    }
    if (history) {
      ArrayNode h = n.putArray("repair_history");
      List<Repair> repairs = v.repairs();
      ObjectNode original = h.addObject().put("type", "ORIGINAL").put("start_time", r.startTime());
      ArrayNode ids = original.putArray("task_run_ids");
      v.tasks().stream()
          .filter(t -> t.iterationOf() == 0 && t.repairId() == 0)
          .forEach(t -> ids.add(t.taskRunId()));
      long originalEnd = repairs.isEmpty() ? r.endTime() : repairs.get(0).startTime();
      original.put("end_time", originalEnd);
      for (Repair rep : repairs) {
        ObjectNode i = h.addObject().put("type", "REPAIR").put("id", rep.repairId());
        i.put("start_time", rep.startTime()).put("end_time", rep.endTime());
        ArrayNode ti = i.putArray("task_run_ids");
        rep.taskRunIds().forEach(ti::add);
        state(i, rep.lifeCycle(), rep.resultState(), "", false, false);
      }
    }
    return n;
  }

  /** A task run (an attempt or an iteration) as a {@code RunTask}. */
  static ObjectNode task(TaskRun t, JobSpec spec, List<TaskRun> all) {
    ObjectNode n = Json.object();
    n.put("run_id", t.taskRunId());
    n.put("task_key", t.taskKey());
    n.put("attempt_number", t.attemptNumber());
    n.put("original_attempt_run_id", t.originalAttempt());
    Optional<TaskSpec> s = spec == null ? Optional.empty() : spec.task(t.taskKey());
    if (s.isPresent() && t.iterationOf() == 0) {
      TaskSpec ts = s.get();
      if (!ts.dependsOn().isEmpty()) {
        ArrayNode d = n.putArray("depends_on");
        for (TaskSpec.Dependency dep : ts.dependsOn()) {
          ObjectNode o = d.addObject().put("task_key", dep.taskKey());
          if (!dep.outcome().isEmpty()) {
            o.put("outcome", dep.outcome());
          }
        }
      }
      n.put("run_if", ts.runIf().name());
      if (ts.disabled()) {
        n.put("disabled", true);
      }
      ObjectNode payload = n.putObject(ts.payloadField());
      payload.setAll((ObjectNode) JSON.valueToTree(ts.payload()));
      if (ts.payloadField().equals("condition_task") && !t.outcome().isEmpty()) {
        payload.put("outcome", t.outcome());
      }
      if (ts.payloadField().equals("for_each_task")) {
        payload.set("stats", stats(t, all));
      }
      if (!ts.environmentKey().isEmpty()) {
        n.put("environment_key", ts.environmentKey());
      }
    }
    if (t.childRunId() != 0) {
      n.putObject("run_job_task_output").put("run_id", t.childRunId());
    }
    state(n, t.lifeCycle(), t.resultState(), t.stateMessage(), false, true);
    times(n, t.startTime(), t.endTime(), t.startTime());
    return n;
  }

  private static ObjectNode stats(TaskRun parent, List<TaskRun> all) {
    int total = 0;
    int done = 0;
    int ok = 0;
    int failed = 0;
    int active = 0;
    for (TaskRun i : all) {
      if (i.iterationOf() != parent.taskRunId()) {
        continue;
      }
      total++;
      if (i.terminal()) {
        done++;
        if (i.resultState().orElse(null) == ResultState.SUCCESS) {
          ok++;
        } else {
          failed++;
        }
      } else {
        active++;
      }
    }
    ObjectNode s = Json.object();
    s.putObject("task_run_stats")
        .put("total_iterations", total)
        .put("completed_iterations", done)
        .put("succeeded_iterations", ok)
        .put("failed_iterations", failed)
        .put("active_iterations", active)
        .put("scheduled_iterations", total);
    return s;
  }

  /** The iterations of a for-each task run, as {@code Run.iterations}. */
  static ArrayNode iterations(TaskRun parent, JobSpec spec, List<TaskRun> all) {
    ArrayNode a = JSON.createArrayNode();
    for (TaskRun i : all) {
      if (i.iterationOf() == parent.taskRunId()) {
        a.add(task(i, spec, all));
      }
    }
    return a;
  }

  static void state(
      ObjectNode n,
      LifeCycle lc,
      Optional<ResultState> result,
      String message,
      boolean cancelled,
      boolean status) {
    ObjectNode s = n.putObject("state");
    s.put("life_cycle_state", lc.name());
    result.ifPresent(x -> s.put("result_state", x.name()));
    s.put("state_message", message);
    s.put("user_cancelled_or_timedout", cancelled || result.orElse(null) == ResultState.TIMEDOUT);
    if (lc == LifeCycle.QUEUED) {
      s.put("queue_reason", message);
    }
    if (!status) {
      return;
    }
    ObjectNode st = n.putObject("status");
    st.put("state", lc.statusState());
    if (lc == LifeCycle.QUEUED) {
      st.putObject("queue_details")
          .put("code", "MAX_CONCURRENT_RUNS_REACHED")
          .put("message", message);
    }
    if (lc.terminal()) {
      ResultState r = result.orElse(ResultState.FAILED);
      ObjectNode td = st.putObject("termination_details");
      if (lc == LifeCycle.INTERNAL_ERROR) {
        td.put("code", "DRIVER_ERROR").put("type", "INTERNAL_ERROR");
      } else {
        td.put(
            "code", cancelled && r == ResultState.CANCELED ? "USER_CANCELED" : r.terminationCode());
        td.put("type", r.terminationType());
      }
      td.put("message", message);
    }
  }

  private static void times(ObjectNode n, long start, long end, long created) {
    n.put("start_time", start);
    n.put("end_time", end);
    n.put("setup_duration", 0);
    n.put("cleanup_duration", 0);
    long exec = start == 0 ? 0 : (end == 0 ? 0 : end - start);
    n.put("execution_duration", exec);
    n.put("run_duration", exec);
    n.put("queue_duration", start == 0 ? 0 : Math.max(0, start - created));
  }
}
