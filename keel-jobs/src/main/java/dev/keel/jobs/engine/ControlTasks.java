package dev.keel.jobs.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.References;
import dev.keel.jobs.model.ResultState;
import dev.keel.jobs.model.TaskSpec;
import dev.keel.jobs.spi.TaskResult;
import dev.keel.jobs.spi.TaskType;
import dev.keel.jobs.store.JobRun;
import dev.keel.jobs.store.TaskRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Runs one attempt: resolves the payload's dynamic value references, then runs the scheduler's own
 * control tasks ({@code condition_task}, {@code run_job_task}, {@code for_each_task}) or hands the
 * payload to its {@link TaskType}.
 */
final class ControlTasks {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CHILD_POLL_MILLIS = 50;

  /** How an attempt ended, before the scheduler applies timeouts and cancels. */
  record Outcome(
      boolean succeeded, String error, String errorTrace, String outcome, long childRunId) {
    static Outcome ok() {
      return new Outcome(true, null, null, "", 0);
    }

    static Outcome failed(String error, String trace) {
      return new Outcome(false, error, trace, "", 0);
    }
  }

  private final Engine engine;
  private final RunExecutor executor;

  ControlTasks(Engine engine, RunExecutor executor) {
    this.engine = engine;
    this.executor = executor;
  }

  /** The context of an attempt of {@code t} as {@code row}; {@code input} inside a for-each. */
  Attempt attempt(TaskSpec t, TaskRun row, Optional<String> input) {
    JobRun run = executor.run();
    @SuppressWarnings("unchecked")
    Map<String, Object> payload =
        (Map<String, Object>) References.resolveAll(t.payload(), p -> lookup(p, t, row, input));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> libs =
        (List<Map<String, Object>>)
            References.resolveAll(t.libraries(), p -> lookup(p, t, row, input));
    Path log = engine.logFile(run.jobId(), run.runId(), row.taskRunId());
    Path work =
        engine
            .dataDir()
            .resolve("work")
            .resolve("jobs")
            .resolve(Long.toString(run.runId()))
            .resolve(Long.toString(row.taskRunId()));
    String key = row.iterationOf() == 0 ? t.taskKey() : executorKeyOf(row);
    return new Attempt(
        new Attempt.Info(
            run.jobId(),
            run.runId(),
            row.taskRunId(),
            key,
            row.attemptNumber(),
            payload,
            run.jobParameters(),
            executor.spec().environments().getOrDefault(t.environmentKey(), Map.of()),
            libs,
            run.runAs(),
            engine.host().get(),
            Optional.empty(),
            work,
            log,
            engine.grace()),
        (name, json) -> {
          if (!executor.putValue(key, name, json)) {
            throw notDriven(run.runId());
          }
        });
  }

  private static IllegalStateException notDriven(long runId) {
    return new IllegalStateException(
        "Run " + runId + " is no longer driven by this server (another server took it over).");
  }

  private String executorKeyOf(TaskRun row) {
    return row.taskKey();
  }

  /** Runs the attempt to its end. Never throws. */
  Outcome run(TaskSpec t, TaskRun row, Attempt a) {
    Optional<JobTokens.Minted> token = Optional.empty();
    try {
      Files.createDirectories(a.logFile().getParent());
      Files.createDirectories(a.workDir());
      return switch (t.payloadField()) {
        case "condition_task" -> condition(a);
        case "run_job_task" -> runJob(a, row);
        case "for_each_task" -> forEach(t, row, a);
        default -> {
          TaskType type = engine.parser().type(t.payloadField()).orElseThrow();
          long life = t.timeoutSeconds() > 0 ? t.timeoutSeconds() + 60 : 24 * 3600;
          token =
              engine
                  .tokens()
                  .mint(a.runAs(), life, "job run " + a.jobRunId() + " task " + a.taskKey());
          Attempt withToken = token.isEmpty() ? a : withToken(a, token.get().value());
          TaskResult r = type.run(withToken);
          yield r.succeeded() ? Outcome.ok() : Outcome.failed(r.error(), r.errorTrace());
        }
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed("The server stopped while the task ran.", null);
    } catch (RuntimeException | IOException e) {
      StringWriter w = new StringWriter();
      e.printStackTrace(new PrintWriter(w));
      append(a.logFile(), w.toString());
      return Outcome.failed(e.getClass().getSimpleName() + ": " + e.getMessage(), w.toString());
    } finally {
      token.ifPresent(m -> engine.tokens().revoke(m.id()));
    }
  }

  private Attempt withToken(Attempt a, String token) {
    Attempt.Info i =
        new Attempt.Info(
            a.jobId(),
            a.jobRunId(),
            a.taskRunId(),
            a.taskKey(),
            a.attemptNumber(),
            a.payload(),
            a.jobParameters(),
            a.environment(),
            a.libraries(),
            a.runAs(),
            a.host(),
            Optional.of(token),
            a.workDir(),
            a.logFile(),
            a.gracePeriod());
    Attempt b = new Attempt(i, a::setTaskValue);
    a.onCancel(() -> b.stop(a.stopped().orElse(Attempt.Stop.CANCELED)));
    return b;
  }

  private Outcome condition(Attempt a) {
    String op = (String) a.payload().get("op");
    String left = String.valueOf(a.payload().get("left"));
    String right = String.valueOf(a.payload().get("right"));
    boolean result;
    if (op.equals("EQUAL_TO") || op.equals("NOT_EQUAL")) {
      result = left.equals(right) == op.equals("EQUAL_TO");
    } else {
      BigDecimal l;
      BigDecimal r;
      try {
        l = new BigDecimal(left.trim());
        r = new BigDecimal(right.trim());
      } catch (NumberFormatException e) {
        String msg =
            op + " compares numbers; '" + left + "' and '" + right + "' are not both numbers.";
        append(a.logFile(), msg + "\n");
        return Outcome.failed(msg, null);
      }
      int c = l.compareTo(r);
      result =
          switch (op) {
            case "GREATER_THAN" -> c > 0;
            case "GREATER_THAN_OR_EQUAL" -> c >= 0;
            case "LESS_THAN" -> c < 0;
            default -> c <= 0;
          };
    }
    append(a.logFile(), "'" + left + "' " + op + " '" + right + "' is " + result + "\n");
    return new Outcome(true, null, null, Boolean.toString(result), 0);
  }

  private Outcome runJob(Attempt a, TaskRun row) throws InterruptedException {
    long jobId = ((Number) a.payload().get("job_id")).longValue();
    Map<String, String> params = new HashMap<>();
    Object jp = a.payload().get("job_parameters");
    if (jp instanceof Map<?, ?> m) {
      m.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
    }
    JobRun child = engine.children().start(jobId, params, row.taskRunId(), a.runAs());
    if (!executor.update(row.with("", child.runId()))) {
      engine.store().requestCancel(Optional.of(child.runId()), Optional.empty(), "USER");
      throw notDriven(row.runId());
    }
    append(a.logFile(), "Started run " + child.runId() + " of job " + jobId + "\n");
    a.onCancel(
        () -> engine.store().requestCancel(Optional.of(child.runId()), Optional.empty(), "USER"));
    while (true) {
      JobRun c = engine.store().run(child.runId()).orElseThrow();
      if (c.lifeCycle().terminal()) {
        ResultState r = c.resultState().orElse(ResultState.FAILED);
        boolean ok = r == ResultState.SUCCESS || r == ResultState.SUCCESS_WITH_FAILURES;
        return new Outcome(
            ok,
            ok ? null : "Run " + c.runId() + " of job " + jobId + " ended " + r + ".",
            null,
            "",
            c.runId());
      }
      Thread.sleep(CHILD_POLL_MILLIS);
    }
  }

  private Outcome forEach(TaskSpec t, TaskRun row, Attempt a) throws InterruptedException {
    JsonNode inputs;
    try {
      inputs = JSON.readTree(String.valueOf(a.payload().get("inputs")));
    } catch (IOException e) {
      return Outcome.failed(
          "for_each_task.inputs is not a JSON array: " + a.payload().get("inputs"), null);
    }
    if (inputs == null || !inputs.isArray()) {
      return Outcome.failed(
          "for_each_task.inputs is not a JSON array: " + a.payload().get("inputs"), null);
    }
    int concurrency = ((Number) t.payload().getOrDefault("concurrency", 1)).intValue();
    TaskSpec nested = engine.parser().nested(t.payload(), executor.spec().environments().keySet());
    Semaphore slots = new Semaphore(concurrency);
    List<Thread> threads = new ArrayList<>();
    boolean[] failed = {false};
    for (int i = 0; i < inputs.size() && !a.cancelled(); i++) {
      JsonNode in = inputs.get(i);
      String input = in.isTextual() ? in.asText() : in.toString();
      int index = i;
      slots.acquire();
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      if (!iteration(nested, row, index, input, a)) {
                        synchronized (failed) {
                          failed[0] = true;
                        }
                      }
                    } finally {
                      slots.release();
                    }
                  }));
    }
    for (Thread th : threads) {
      th.join();
    }
    append(a.logFile(), inputs.size() + " iterations\n");
    return failed[0] ? Outcome.failed("An iteration failed.", null) : Outcome.ok();
  }

  /** One iteration, with the nested task's retries; true when it succeeded. */
  private boolean iteration(
      TaskSpec nested, TaskRun parent, int index, String input, Attempt outer) {
    long original = 0;
    for (int attempt = 0; ; attempt++) {
      long id = engine.ids().next();
      long now = engine.clock().millis();
      TaskRun row =
          new TaskRun(
              id,
              parent.runId(),
              nested.taskKey(),
              attempt,
              original == 0 ? id : original,
              parent.repairId(),
              parent.taskRunId(),
              index,
              LifeCycle.RUNNING,
              Optional.empty(),
              "",
              "",
              now,
              0,
              Optional.empty(),
              Optional.empty(),
              0);
      original = row.originalAttempt();
      if (!executor.insert(List.of(row))) {
        return false; // not this server's run any more
      }
      Attempt a = attempt(nested, row, Optional.of(input));
      outer.onCancel(() -> a.stop(outer.stopped().orElse(Attempt.Stop.CANCELED)));
      Outcome o = run(nested, row, a);
      ResultState r =
          a.stopped().isPresent()
              ? ResultState.CANCELED
              : o.succeeded() ? ResultState.SUCCESS : ResultState.FAILED;
      boolean written =
          executor.update(
              row.ended(
                  LifeCycle.TERMINATED,
                  r,
                  o.error() == null ? "" : o.error(),
                  engine.clock().millis(),
                  o.error(),
                  o.errorTrace()));
      if (!written) {
        return false; // not this server's run any more: no retry either
      }
      if (r == ResultState.SUCCESS) {
        return true;
      }
      if (r == ResultState.CANCELED
          || (nested.maxRetries() != -1 && attempt >= nested.maxRetries())) {
        return false;
      }
    }
  }

  /** The value of a reference, if it has one now. */
  private Optional<String> lookup(List<String> p, TaskSpec t, TaskRun row, Optional<String> input) {
    if (p.isEmpty()) {
      return Optional.empty();
    }
    JobRun run = executor.run();
    return switch (p.get(0)) {
      case "job" -> job(p, run);
      case "task" ->
          p.size() != 2
              ? Optional.empty()
              : switch (p.get(1)) {
                case "name" -> Optional.of(t.taskKey());
                case "run_id" -> Optional.of(Long.toString(row.taskRunId()));
                case "execution_count" -> Optional.of(Integer.toString(row.attemptNumber() + 1));
                default -> Optional.empty();
              };
      case "tasks" -> tasks(p, run);
      case "input" -> input.flatMap(in -> input(p, in));
      default -> Optional.empty();
    };
  }

  private static Optional<String> job(List<String> p, JobRun run) {
    if (p.size() == 2) {
      return switch (p.get(1)) {
        case "id" -> Optional.of(Long.toString(run.jobId()));
        case "name" -> Optional.of(run.runName());
        case "run_id" -> Optional.of(Long.toString(run.runId()));
        case "repair_count" -> Optional.of(Integer.toString(run.repairCount()));
        default -> Optional.empty();
      };
    }
    if (p.size() == 3 && p.get(1).equals("start_time")) {
      return Optional.of(time(run.startTime(), p.get(2)));
    }
    if (p.size() == 3 && p.get(1).equals("parameters")) {
      return Optional.ofNullable(run.jobParameters().get(p.get(2)));
    }
    if (p.size() == 3 && p.get(1).equals("trigger") && p.get(2).equals("type")) {
      return Optional.of(run.trigger());
    }
    if (p.size() == 4 && p.get(1).equals("trigger")) {
      return Optional.ofNullable(run.triggerInfo().get(p.get(2) + "." + p.get(3)));
    }
    return Optional.empty();
  }

  static String time(long millis, String format) {
    ZonedDateTime t = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
    return switch (format) {
      case "iso_date" -> t.toLocalDate().toString();
      case "iso_datetime" -> t.withNano(0).toLocalDateTime().toString();
      case "is_weekday" -> Boolean.toString(t.getDayOfWeek().getValue() <= 5);
      case "year" -> Integer.toString(t.getYear());
      case "month" -> Integer.toString(t.getMonthValue());
      case "day" -> Integer.toString(t.getDayOfMonth());
      case "hour" -> Integer.toString(t.getHour());
      case "minute" -> Integer.toString(t.getMinute());
      case "second" -> Integer.toString(t.getSecond());
      default -> Long.toString(millis);
    };
  }

  private Optional<String> tasks(List<String> p, JobRun run) {
    if (p.size() < 3) {
      return Optional.empty();
    }
    Optional<TaskRun> other = executor.latest(p.get(1));
    if (p.size() == 4 && p.get(2).equals("values")) {
      return engine.store().value(run.runId(), p.get(1), p.get(3)).map(ControlTasks::unquote);
    }
    if (other.isEmpty()) {
      return Optional.empty();
    }
    TaskRun o = other.get();
    return switch (p.get(2)) {
      case "run_id" -> Optional.of(Long.toString(o.taskRunId()));
      case "result_state" -> o.resultState().map(Enum::name);
      case "error_code" ->
          Optional.of(
              o.resultState()
                  .filter(r -> r != ResultState.SUCCESS)
                  .map(ResultState::terminationCode)
                  .orElse(""));
      case "execution_count" -> Optional.of(Integer.toString(o.attemptNumber() + 1));
      default -> Optional.empty();
    };
  }

  private static Optional<String> input(List<String> p, String in) {
    if (p.size() == 1) {
      return Optional.of(in);
    }
    try {
      JsonNode n = JSON.readTree(in);
      for (String f : p.subList(1, p.size())) {
        n = n.path(f);
      }
      return n.isMissingNode()
          ? Optional.empty()
          : Optional.of(n.isTextual() ? n.asText() : n.toString());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A JSON string value as its text; any other JSON as written. */
  static String unquote(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      return n.isTextual() ? n.asText() : json;
    } catch (IOException e) {
      return json;
    }
  }

  static void append(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // a log that cannot be written does not fail the task
    }
  }
}
