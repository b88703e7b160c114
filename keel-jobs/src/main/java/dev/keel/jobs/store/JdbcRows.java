package dev.keel.jobs.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How {@link JdbcJobStore} maps rows of the V13 tables to records and back. */
final class JdbcRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String RUN_COLUMNS =
      "run_id, job_id, run_type, run_name, trigger_type, trigger_info, settings, job_parameters,"
          + " only_tasks, idempotency_token, creator, run_as, life_cycle, result_state,"
          + " state_message, term_code, queued_at, created_at, start_time, end_time,"
          + " cancel_requested, repair_count, parent_task_run, owner, lease_until, lease_epoch";
  static final String TASK_COLUMNS =
      "task_run_id, run_id, task_key, attempt_number, original_attempt, repair_id, iteration_of,"
          + " iteration_index, life_cycle, result_state, state_message, term_code, outcome,"
          + " start_time, end_time, error, error_trace, child_run_id";

  private JdbcRows() {}

  static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindTask(T s, TaskRun t) {
    return s.bind("task_run_id", t.taskRunId())
        .bind("run_id", t.runId())
        .bind("task_key", t.taskKey())
        .bind("attempt_number", t.attemptNumber())
        .bind("original_attempt", t.originalAttempt())
        .bind("repair_id", t.repairId() == 0 ? null : t.repairId())
        .bind("iteration_of", t.iterationOf() == 0 ? null : t.iterationOf())
        .bind("iteration_index", t.iterationIndex() < 0 ? null : t.iterationIndex())
        .bind("life_cycle", t.lifeCycle().name())
        .bind("result_state", t.resultState().map(Enum::name).orElse(null))
        .bind("state_message", t.stateMessage())
        .bind("term_code", t.resultState().map(ResultState::terminationCode).orElse(null))
        .bind("outcome", t.outcome().isEmpty() ? null : t.outcome())
        .bind("start_time", t.startTime())
        .bind("end_time", t.endTime())
        .bind("error", t.error().orElse(null))
        .bind("error_trace", t.errorTrace().orElse(null))
        .bind("child_run_id", t.childRunId() == 0 ? null : t.childRunId());
  }

  static Job job(ResultSet rs) throws SQLException {
    return new Job(
        rs.getLong("job_id"),
        rs.getString("name"),
        rs.getString("creator"),
        rs.getString("run_as"),
        rs.getString("settings"),
        rs.getLong("created_at"),
        rs.getLong("updated_at"));
  }

  static JobRun run(ResultSet rs) throws SQLException {
    return new JobRun(
        rs.getLong("run_id"),
        rs.getLong("job_id"),
        rs.getString("run_type"),
        rs.getString("run_name"),
        rs.getString("trigger_type"),
        read(rs.getString("trigger_info"), new TypeReference<Map<String, String>>() {}),
        rs.getString("settings"),
        read(
            rs.getString("job_parameters"),
            new TypeReference<java.util.LinkedHashMap<String, String>>() {}),
        read(rs.getString("only_tasks"), new TypeReference<List<String>>() {}),
        Optional.ofNullable(rs.getString("idempotency_token")),
        rs.getString("creator"),
        rs.getString("run_as"),
        LifeCycle.valueOf(rs.getString("life_cycle")),
        result(rs.getString("result_state")),
        rs.getString("state_message"),
        rs.getLong("created_at"),
        rs.getLong("start_time"),
        rs.getLong("end_time"),
        Optional.ofNullable(rs.getString("cancel_requested")),
        rs.getInt("repair_count"),
        rs.getLong("parent_task_run"),
        Optional.ofNullable(rs.getString("owner")),
        rs.getLong("lease_until"),
        rs.getLong("lease_epoch"));
  }

  static TaskRun task(ResultSet rs) throws SQLException {
    int index = rs.getInt("iteration_index");
    boolean noIndex = rs.wasNull();
    return new TaskRun(
        rs.getLong("task_run_id"),
        rs.getLong("run_id"),
        rs.getString("task_key"),
        rs.getInt("attempt_number"),
        rs.getLong("original_attempt"),
        rs.getLong("repair_id"),
        rs.getLong("iteration_of"),
        noIndex ? -1 : index,
        LifeCycle.valueOf(rs.getString("life_cycle")),
        result(rs.getString("result_state")),
        rs.getString("state_message"),
        Optional.ofNullable(rs.getString("outcome")).orElse(""),
        rs.getLong("start_time"),
        rs.getLong("end_time"),
        Optional.ofNullable(rs.getString("error")),
        Optional.ofNullable(rs.getString("error_trace")),
        rs.getLong("child_run_id"));
  }

  static Optional<ResultState> result(String s) {
    return Optional.ofNullable(s).map(ResultState::valueOf);
  }

  static <T> T read(String text, TypeReference<T> type) {
    try {
      return JSON.readValue(text == null ? "null" : text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable job row", e);
    }
  }

  static String write(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
