package dev.keel.jobs.process;

import dev.keel.jobs.spi.TaskType;
import java.util.List;

/** The process task types, for the composition root to hand to the scheduler. */
public final class ProcessTaskTypes {
  private ProcessTaskTypes() {}

  /**
   * {@code spark_python_task}, {@code python_wheel_task}, {@code spark_jar_task}, {@code
   * keel_task}.
   */
  public static List<TaskType> all(ProcessTaskConfig config) {
    return List.of(
        new SparkPythonTaskType(config),
        new PythonWheelTaskType(config),
        new SparkJarTaskType(config),
        new KeelTaskType(config));
  }
}
