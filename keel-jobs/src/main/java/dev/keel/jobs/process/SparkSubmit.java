package dev.keel.jobs.process;

import dev.keel.jobs.spi.TaskContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code spark-submit} command lines of {@code spark_jar_task} and {@code spark_python_task}
 * when a Spark master is configured: the master, an application name naming the job run and task,
 * Keel's Iceberg catalog ({@link ProcessTaskConfig#sparkCatalog()}) as {@code --conf}, then the
 * application and its parameters. The deploy mode is Spark's default (client): the driver runs on
 * this machine, so local files work.
 */
final class SparkSubmit {
  private SparkSubmit() {}

  /** {@code spark-submit ... --class main [--jars others] primary params...}. */
  static List<String> jar(
      ProcessTaskConfig config,
      TaskContext context,
      String mainClass,
      Path primary,
      List<Path> others,
      List<String> parameters) {
    List<String> argv = common(config, context);
    argv.add("--class");
    argv.add(mainClass);
    jars(argv, others);
    argv.add(primary.toString());
    argv.addAll(parameters);
    return argv;
  }

  /** {@code spark-submit ... --conf spark.pyspark.python=<python> [--jars jars] file params...}. */
  static List<String> python(
      ProcessTaskConfig config,
      TaskContext context,
      String python,
      Path file,
      List<Path> jars,
      List<String> parameters) {
    List<String> argv = common(config, context);
    argv.add("--conf");
    argv.add("spark.pyspark.python=" + python);
    argv.add("--conf");
    argv.add("spark.pyspark.driver.python=" + python);
    jars(argv, jars);
    argv.add(file.toString());
    argv.addAll(parameters);
    return argv;
  }

  /** The application name: {@code keel-job-<job id>-run-<task run id>-<task key>}. */
  static String appName(TaskContext context) {
    return "keel-job-" + context.jobId() + "-run-" + context.taskRunId() + "-" + context.taskKey();
  }

  private static List<String> common(ProcessTaskConfig config, TaskContext context) {
    List<String> argv = new ArrayList<>();
    argv.add(config.sparkSubmit());
    argv.add("--master");
    argv.add(config.sparkMaster().orElseThrow());
    argv.add("--name");
    argv.add(appName(context));
    argv.addAll(config.sparkConfArgs());
    return argv;
  }

  private static void jars(List<String> argv, List<Path> jars) {
    if (!jars.isEmpty()) {
      argv.add("--jars");
      argv.add(jars.stream().map(Path::toString).collect(Collectors.joining(",")));
    }
  }
}
