package dev.keel.jobs.process;

import dev.keel.core.ConfigSection;
import dev.keel.core.Setting;
import java.util.List;

/**
 * The settings of the process task types ({@code spark_python_task}, {@code python_wheel_task},
 * {@code spark_jar_task}, {@code keel_task}): which Python runs, where relative files are, and the
 * Spark master tasks go to when one is configured.
 */
public final class JobsProcessSettings {
  private JobsProcessSettings() {}

  /** The Python interpreter of Python tasks unless the job environment names another. */
  public static final Setting<String> PYTHON =
      new Setting<>(
          "jobs.python",
          "Python interpreter for spark_python_task and python_wheel_task (a command or a path)",
          "python3",
          JobsProcessSettings::nonBlank);

  /**
   * The directory relative {@code python_file}, {@code jar_uri} and library paths are resolved
   * against; empty means the server's working directory.
   */
  public static final Setting<String> FILES_ROOT =
      Setting.text(
          "jobs.files-root",
          "Directory relative task file paths resolve against (default: the server's working"
              + " directory)",
          "");

  /**
   * The Spark master ({@code local[*]}, {@code spark://host:7077}, {@code k8s://https://...},
   * {@code yarn}); empty runs Python and JAR tasks as plain local processes.
   */
  public static final Setting<String> SPARK_MASTER =
      new Setting<>(
          "jobs.spark-master",
          "Spark master for spark_python_task and spark_jar_task (local[*], spark://..., k8s://...,"
              + " yarn); empty runs them as local processes",
          "",
          JobsProcessSettings::sparkMaster);

  /** The {@code spark-submit} command used when a Spark master is configured. */
  public static final Setting<String> SPARK_SUBMIT =
      new Setting<>(
          "jobs.spark-submit",
          "The spark-submit command (a path or a command on PATH) used with jobs.spark-master",
          "spark-submit",
          JobsProcessSettings::nonBlank);

  /** Every setting of the process task types. */
  public static final ConfigSection SECTION =
      new ConfigSection("jobs", List.of(PYTHON, FILES_ROOT, SPARK_MASTER, SPARK_SUBMIT));

  private static String nonBlank(String s) {
    if (s.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return s;
  }

  static String sparkMaster(String s) {
    if (s.isEmpty()
        || s.equals("local")
        || s.matches("local\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?]")
        || s.equals("yarn")
        || s.matches("(spark|k8s|mesos)://\\S+")) {
      return s;
    }
    throw new IllegalArgumentException(
        "must be local, local[N], local[*], spark://HOST:PORT, k8s://URL or yarn");
  }
}
