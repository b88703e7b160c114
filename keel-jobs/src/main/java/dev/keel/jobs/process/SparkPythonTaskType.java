package dev.keel.jobs.process;

import dev.keel.core.KeelException;
import dev.keel.jobs.spi.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code spark_python_task{python_file, parameters[], source}}: runs {@code <python> <python_file>
 * <parameters...>} as a local process, or through {@code spark-submit} when a Spark master is
 * configured. {@code python_file} is a local file (absolute, {@code file:}, or relative to {@link
 * JobsProcessSettings#FILES_ROOT}); {@code source} may be absent or {@code WORKSPACE} ({@code GIT}
 * is refused: Keel checks out no {@code git_source}). The task's {@code whl} libraries are on
 * {@code PYTHONPATH}, with Keel's {@code keel_jobs} helper.
 */
public final class SparkPythonTaskType extends ProcessTaskType {
  /** The payload field. */
  public static final String FIELD = "spark_python_task";

  private static final Set<String> FIELDS = Set.of("python_file", "parameters", "source");

  /** A task type running with {@code config}. */
  public SparkPythonTaskType(ProcessTaskConfig config) {
    super(config, FIELD);
  }

  @Override
  public void validate(Map<String, Object> payload, String path) {
    Payloads.onlyFields(payload, path, FIELDS);
    String file = Payloads.requiredString(payload, path, "python_file");
    LocalFiles.check(file, path + ".python_file");
    Payloads.stringList(payload, path, "parameters");
    Payloads.optionalString(payload, path, "source")
        .ifPresent(
            s -> {
              if (s.equals("GIT")) {
                throw KeelException.invalid(
                    path
                        + ".source: GIT is not supported: Keel checks out no git_source; give a"
                        + " local python_file");
              }
              if (!s.equals("WORKSPACE")) {
                throw KeelException.invalid(path + ".source: must be WORKSPACE or absent");
              }
            });
  }

  @Override
  Launch launch(TaskContext context) {
    Map<String, Object> payload = context.payload();
    Path file =
        LocalFiles.resolve(
            Payloads.requiredString(payload, FIELD, "python_file"),
            config.filesRoot(),
            FIELD + ".python_file");
    if (!Files.isRegularFile(file)) {
      throw KeelException.invalid(
          FIELD + ".python_file: " + file + " does not exist or is not a file");
    }
    List<String> parameters = Payloads.stringList(payload, FIELD, "parameters");
    Libraries libraries = Libraries.of(context.libraries(), config.filesRoot());
    PythonSetup python = PythonSetup.prepare(context, config, libraries.wheels());
    if (config.sparkMaster().isPresent()) {
      return new Launch(
          programName(config.sparkSubmit()),
          SparkSubmit.python(
              config, context, python.interpreter(), file, libraries.jars(), parameters),
          python.env());
    }
    List<String> argv = new ArrayList<>();
    argv.add(python.interpreter());
    argv.add(file.toString());
    argv.addAll(parameters);
    return new Launch(programName(python.interpreter()), argv, python.env());
  }
}
