package dev.keel.jobs.process;

import dev.keel.jobs.spi.TaskContext;
import dev.keel.jobs.spi.TaskResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs one attempt's process, the same way for every process task type: in the attempt's work
 * directory, with Keel's environment ({@link #environment}), stdout and stderr appended to the
 * attempt's log file as the process writes them, and its whole process tree stopped on cancel. Exit
 * status 0 is success; anything else a failure with the last lines of the log.
 */
final class ProcessLauncher {
  /** Lines of the log a failed attempt's error trace ends with. */
  static final int TAIL_LINES = 50;

  private static final int TAIL_BYTES = 64 * 1024;

  private ProcessLauncher() {}

  /**
   * The variables every task process gets: where Keel is and the token for the run's identity,
   * under the names Keel's CLI and SDK, MLflow's clients and Databricks' SDKs read, and the ids of
   * the job, run and task.
   */
  static Map<String, String> environment(TaskContext context) {
    Map<String, String> env = new LinkedHashMap<>();
    String host = context.host();
    env.put("KEEL_HOST", host);
    env.put("KEEL_URL", host);
    env.put("MLFLOW_TRACKING_URI", host);
    env.put("DATABRICKS_HOST", host);
    context
        .token()
        .ifPresent(
            t -> {
              env.put("KEEL_TOKEN", t);
              env.put("MLFLOW_TRACKING_TOKEN", t);
              env.put("DATABRICKS_TOKEN", t);
            });
    env.put("KEEL_JOB_ID", Long.toString(context.jobId()));
    env.put("KEEL_JOB_RUN_ID", Long.toString(context.jobRunId()));
    env.put("KEEL_TASK_RUN_ID", Long.toString(context.taskRunId()));
    env.put("KEEL_TASK_KEY", context.taskKey());
    env.put("KEEL_ATTEMPT_NUMBER", Integer.toString(context.attemptNumber()));
    return env;
  }

  /**
   * Runs {@code command} to its end.
   *
   * @param context the attempt
   * @param what what runs, for messages (e.g. {@code python3})
   * @param command the argv
   * @param extraEnv variables on top of {@link #environment} (e.g. {@code PYTHONPATH})
   * @throws InterruptedException when this thread is interrupted; the process tree is stopped first
   */
  static TaskResult run(
      TaskContext context, String what, List<String> command, Map<String, String> extraEnv)
      throws InterruptedException {
    Path log = context.logFile();
    long start = prepareLog(log);
    if (context.cancelled()) {
      return TaskResult.failed(what + " was not started: the run was cancelled", null);
    }
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(context.workDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = pb.environment();
    // The server's own settings and credentials are not the task's.
    env.keySet()
        .removeIf(
            k ->
                k.startsWith("KEEL_")
                    || k.startsWith("DATABRICKS_")
                    || k.startsWith("MLFLOW_TRACKING_"));
    env.putAll(environment(context));
    env.putAll(extraEnv);
    Process process;
    try {
      Files.createDirectories(context.workDir());
      process = pb.start();
    } catch (IOException e) {
      String reason = "cannot start " + what + ": " + e.getMessage();
      appendLine(log, "keel: " + reason);
      return TaskResult.failed(reason, null);
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // The process does not read stdin; nothing to close.
    }
    CompletableFuture<Void> cancelled = new CompletableFuture<>();
    context.onCancel(() -> cancelled.complete(null));
    try {
      CompletableFuture.anyOf(process.onExit(), cancelled).get();
    } catch (InterruptedException e) {
      ProcessTree.stop(process.toHandle(), context.gracePeriod());
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    if (cancelled.isDone() && process.isAlive()) {
      ProcessTree.stop(process.toHandle(), context.gracePeriod());
      appendLine(log, "keel: cancelled; stopped " + what + " and its child processes");
      return TaskResult.failed(what + " was cancelled", tail(log, start));
    }
    int status = process.exitValue();
    if (status == 0) {
      return TaskResult.success();
    }
    return TaskResult.failed(what + " exited with status " + status, tail(log, start));
  }

  /** Creates the log's directory and returns the log's current length. */
  private static long prepareLog(Path log) {
    try {
      Path dir = log.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the task log " + log, e);
    }
  }

  static void appendLine(Path log, String line) {
    try {
      prepareLog(log);
      Files.writeString(
          log,
          line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException | UncheckedIOException e) {
      // The log is best effort here; the result carries the reason.
    }
  }

  /** The last {@link #TAIL_LINES} lines written to {@code log} after {@code from}, or null. */
  static String tail(Path log, long from) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long begin = Math.max(from, f.length() - TAIL_BYTES);
      byte[] bytes = new byte[(int) (f.length() - begin)];
      f.seek(begin);
      f.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8).stripTrailing();
      if (text.isEmpty()) {
        return null;
      }
      List<String> lines = Arrays.asList(text.split("\\R", -1));
      if (begin > from) {
        lines = lines.subList(1, lines.size()); // the first line may be cut
      }
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return null;
    }
  }
}
