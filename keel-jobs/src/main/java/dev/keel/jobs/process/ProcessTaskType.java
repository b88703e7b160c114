package dev.keel.jobs.process;

import dev.keel.core.KeelException;
import dev.keel.jobs.spi.TaskContext;
import dev.keel.jobs.spi.TaskResult;
import dev.keel.jobs.spi.TaskType;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task type that runs one process per attempt: each subclass turns the payload into a {@link
 * Launch}; {@link ProcessLauncher} runs it. A payload that cannot be prepared (a missing file, an
 * unsupported library) fails the attempt with the reason, in the result and the log.
 */
abstract sealed class ProcessTaskType implements TaskType
    permits SparkPythonTaskType, PythonWheelTaskType, SparkJarTaskType, KeelTaskType {
  final ProcessTaskConfig config;
  private final String field;

  ProcessTaskType(ProcessTaskConfig config, String field) {
    this.config = Objects.requireNonNull(config, "config");
    this.field = Objects.requireNonNull(field, "field");
  }

  @Override
  public final String field() {
    return field;
  }

  /**
   * What one attempt runs.
   *
   * @param what the program, for messages ({@code python3}, {@code java}, {@code spark-submit})
   * @param command the argv
   * @param env variables on top of the common ones ({@link ProcessLauncher#environment})
   */
  record Launch(String what, List<String> command, Map<String, String> env) {
    Launch {
      command = List.copyOf(command);
      env = Map.copyOf(env);
    }
  }

  /**
   * The process an attempt runs, from its resolved payload.
   *
   * @throws KeelException INVALID_ARGUMENT when the attempt cannot run (the reason is the error)
   */
  abstract Launch launch(TaskContext context);

  @Override
  public final TaskResult run(TaskContext context) throws InterruptedException {
    Launch launch;
    try {
      validate(context.payload(), field());
      launch = launch(context);
    } catch (KeelException | UncheckedIOException e) {
      String reason = e.getMessage();
      ProcessLauncher.appendLine(context.logFile(), "keel: " + reason);
      return TaskResult.failed(reason, null);
    }
    return ProcessLauncher.run(context, launch.what(), launch.command(), launch.env());
  }

  /** The program name of a command, for messages: its last path element. */
  static String programName(String command) {
    int slash = Math.max(command.lastIndexOf('/'), command.lastIndexOf('\\'));
    return command.substring(slash + 1);
  }
}
