package dev.keel.jobs.process;

import dev.keel.core.KeelException;
import dev.keel.jobs.spi.TaskContext;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Python task process runs with: the interpreter (the job environment's {@code
 * spec.keel_python}, else {@link JobsProcessSettings#PYTHON}) and a {@code PYTHONPATH} holding
 * Keel's {@code keel_jobs} helper module and the task's unpacked wheels, before any inherited one.
 *
 * @param interpreter the Python command
 * @param env the variables to add to the process environment
 * @param wheelDirs the task's wheels, unpacked, in the order of its libraries
 */
record PythonSetup(String interpreter, Map<String, String> env, List<Path> wheelDirs) {
  /** The job environment field ({@code environments[].spec.keel_python}) naming the interpreter. */
  static final String INTERPRETER_FIELD = "keel_python";

  /** The helper module's resource, copied into each attempt's work directory. */
  static final String HELPER = "keel_jobs.py";

  PythonSetup {
    env = Map.copyOf(env);
    wheelDirs = List.copyOf(wheelDirs);
  }

  /**
   * Prepares an attempt: copies the helper into {@code <work dir>/.keel/python}, unpacks {@code
   * wheels} into {@code <work dir>/.keel/wheels}.
   */
  static PythonSetup prepare(TaskContext context, ProcessTaskConfig config, List<Path> wheels) {
    Path keelDir = context.workDir().resolve(".keel");
    Path helperDir = keelDir.resolve("python");
    try (InputStream in = PythonSetup.class.getResourceAsStream(HELPER)) {
      if (in == null) {
        throw new IllegalStateException(HELPER + " is missing from Keel's jar");
      }
      Files.createDirectories(helperDir);
      Files.copy(in, helperDir.resolve(HELPER), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + HELPER, e);
    }
    List<Path> unpacked = Wheels.unpack(wheels, keelDir.resolve("wheels"));
    List<String> path = new ArrayList<>();
    path.add(helperDir.toAbsolutePath().toString());
    unpacked.forEach(d -> path.add(d.toString()));
    String inherited = System.getenv("PYTHONPATH");
    if (inherited != null && !inherited.isBlank()) {
      path.add(inherited);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PYTHONPATH", String.join(File.pathSeparator, path));
    env.put("PYTHONUNBUFFERED", "1");
    return new PythonSetup(interpreter(context, config), env, unpacked);
  }

  /**
   * The interpreter: the job environment's {@code spec.keel_python}, else the setting.
   *
   * @throws KeelException INVALID_ARGUMENT when the environment's value is not a string
   */
  static String interpreter(TaskContext context, ProcessTaskConfig config) {
    Object v = context.environment().get(INTERPRETER_FIELD);
    if (v == null) {
      return config.python();
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw KeelException.invalid(
          "environment spec." + INTERPRETER_FIELD + ": must be a Python command or path");
    }
    return s;
  }
}
