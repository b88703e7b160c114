package dev.keel.jobs.store;

import dev.keel.jobs.model.LifeCycle;
import dev.keel.jobs.model.ResultState;
import java.util.List;
import java.util.Optional;

/**
 * A repair of a run ({@code repair_history} item of type REPAIR).
 *
 * @param repairId its id
 * @param runId the run repaired
 * @param startTime epoch millis
 * @param endTime epoch millis, 0 while it runs
 * @param taskRunIds the task runs it started
 * @param lifeCycle the run's state for this repair
 * @param resultState how it ended
 */
public record Repair(
    long repairId,
    long runId,
    long startTime,
    long endTime,
    List<Long> taskRunIds,
    LifeCycle lifeCycle,
    Optional<ResultState> resultState) {
  public Repair {
    taskRunIds = List.copyOf(taskRunIds);
  }
}
