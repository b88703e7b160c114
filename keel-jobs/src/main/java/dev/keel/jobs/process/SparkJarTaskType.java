package dev.keel.jobs.process;

import dev.keel.core.KeelException;
import dev.keel.jobs.spi.TaskContext;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code spark_jar_task{main_class_name, parameters[], jar_uri}} with {@code [{"jar": ...}]}
 * libraries: runs {@code <java> -cp <jars> <main_class_name> <parameters...>} with the running
 * JVM's {@code java}, or, when a Spark master is configured, {@code spark-submit --class
 * <main_class_name>} with {@code jar_uri} (else the first jar library) as the application jar and
 * the other jars as {@code --jars}. Jars are local files (absolute, {@code file:}, or relative to
 * {@link JobsProcessSettings#FILES_ROOT}). {@code run_as_repl} (deprecated) is accepted and
 * ignored.
 */
public final class SparkJarTaskType extends ProcessTaskType {
  /** The payload field. */
  public static final String FIELD = "spark_jar_task";

  private static final Set<String> FIELDS =
      Set.of("main_class_name", "parameters", "jar_uri", "run_as_repl");

  private static final String JAVA_NAME = "[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*";

  /** A task type running with {@code config}. */
  public SparkJarTaskType(ProcessTaskConfig config) {
    super(config, FIELD);
  }

  @Override
  public void validate(Map<String, Object> payload, String path) {
    Payloads.onlyFields(payload, path, FIELDS);
    String main = Payloads.requiredString(payload, path, "main_class_name");
    if (!main.matches(JAVA_NAME)) {
      throw KeelException.invalid(path + ".main_class_name: not a Java class name");
    }
    Payloads.optionalString(payload, path, "jar_uri")
        .ifPresent(j -> LocalFiles.check(j, path + ".jar_uri"));
    Payloads.stringList(payload, path, "parameters");
    Object repl = payload.get("run_as_repl");
    if (repl != null && !(repl instanceof Boolean)) {
      throw KeelException.invalid(path + ".run_as_repl: must be true or false");
    }
  }

  @Override
  Launch launch(TaskContext context) {
    Map<String, Object> payload = context.payload();
    String main = Payloads.requiredString(payload, FIELD, "main_class_name");
    List<String> parameters = Payloads.stringList(payload, FIELD, "parameters");
    List<Path> jars = new ArrayList<>();
    Payloads.optionalString(payload, FIELD, "jar_uri")
        .ifPresent(j -> jars.add(Libraries.existing(j, config.filesRoot(), FIELD + ".jar_uri")));
    jars.addAll(Libraries.of(context.libraries(), config.filesRoot()).jars());
    if (jars.isEmpty()) {
      throw KeelException.invalid(
          FIELD + ": no jar to run: set jar_uri or give libraries [{\"jar\": path}]");
    }
    if (config.sparkMaster().isPresent()) {
      return new Launch(
          programName(config.sparkSubmit()),
          SparkSubmit.jar(
              config, context, main, jars.getFirst(), jars.subList(1, jars.size()), parameters),
          Map.of());
    }
    List<String> argv = new ArrayList<>();
    argv.add(config.java().toString());
    argv.add("-cp");
    argv.add(jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    argv.add(main);
    argv.addAll(parameters);
    return new Launch("java", argv, Map.of());
  }
}
