package dev.keel.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.databricks.sdk.WorkspaceClient;
import com.databricks.sdk.core.DatabricksConfig;
import com.databricks.sdk.core.DatabricksError;
import com.databricks.sdk.service.jobs.ConditionTask;
import com.databricks.sdk.service.jobs.ConditionTaskOp;
import com.databricks.sdk.service.jobs.CreateJob;
import com.databricks.sdk.service.jobs.ForEachTask;
import com.databricks.sdk.service.jobs.JobParameterDefinition;
import com.databricks.sdk.service.jobs.RepairRun;
import com.databricks.sdk.service.jobs.Run;
import com.databricks.sdk.service.jobs.RunJobTask;
import com.databricks.sdk.service.jobs.RunLifeCycleState;
import com.databricks.sdk.service.jobs.RunNow;
import com.databricks.sdk.service.jobs.RunOutput;
import com.databricks.sdk.service.jobs.RunResultState;
import com.databricks.sdk.service.jobs.RunTask;
import com.databricks.sdk.service.jobs.Task;
import com.databricks.sdk.service.jobs.TaskDependency;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Databricks SDK for Java drives Keel's jobs unchanged: create, run-now with the SDK's waiter
 * (which reads state.life_cycle_state), get-output of the failed task, repair with job parameters,
 * cancel a long run with the SDK's waiter, delete. Only the scheduler's own task kinds are used
 * (condition, run_job, for_each), so the test needs no Python or JVM process.
 */
class DatabricksSdkJobsTest {
  @TempDir Path dir;

  @Test
  void create_run_wait_output_repair_cancel_delete() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      WorkspaceClient w =
          new WorkspaceClient(
              new DatabricksConfig()
                  .setHost(s.url())
                  .setToken("dapi-keel-test")
                  .setAuthType("pat"));

      long jobId =
          w.jobs()
              .create(
                  new CreateJob()
                      .setName("sdk-job")
                      .setParameters(
                          List.of(new JobParameterDefinition().setName("n").setDefault("x")))
                      .setTasks(
                          List.of(
                              new Task()
                                  .setTaskKey("check")
                                  .setConditionTask(
                                      new ConditionTask()
                                          .setOp(ConditionTaskOp.GREATER_THAN)
                                          .setLeft("{{job.parameters.n}}")
                                          .setRight("1")),
                              new Task()
                                  .setTaskKey("big")
                                  .setDependsOn(
                                      List.of(
                                          new TaskDependency()
                                              .setTaskKey("check")
                                              .setOutcome("true")))
                                  .setConditionTask(
                                      new ConditionTask()
                                          .setOp(ConditionTaskOp.EQUAL_TO)
                                          .setLeft("a")
                                          .setRight("a")))))
              .getJobId();
      assertThat(w.jobs().get(jobId).getSettings().getName()).isEqualTo("sdk-job");

      Run failed = w.jobs().runNow(new RunNow().setJobId(jobId)).get(Duration.ofMinutes(1));
      assertThat(failed.getState().getLifeCycleState()).isEqualTo(RunLifeCycleState.TERMINATED);
      assertThat(failed.getState().getResultState()).isEqualTo(RunResultState.FAILED);
      RunTask check =
          failed.getTasks().stream()
              .filter(t -> t.getTaskKey().equals("check"))
              .findFirst()
              .orElseThrow();
      RunOutput out = w.jobs().getRunOutput(check.getRunId());
      assertThat(out.getError()).contains("not both numbers");

      Run repaired =
          w.jobs()
              .repairRun(
                  new RepairRun()
                      .setRunId(failed.getRunId())
                      .setRerunAllFailedTasks(true)
                      .setRerunDependentTasks(true)
                      .setJobParameters(Map.of("n", "5")))
              .get(Duration.ofMinutes(1));
      assertThat(repaired.getState().getResultState()).isEqualTo(RunResultState.SUCCESS);
      Run withHistory =
          w.jobs()
              .getRun(
                  new com.databricks.sdk.service.jobs.GetRunRequest()
                      .setRunId(failed.getRunId())
                      .setIncludeHistory(true));
      assertThat(withHistory.getRepairHistory()).hasSize(2);

      long child =
          w.jobs()
              .create(
                  new CreateJob()
                      .setName("child")
                      .setTasks(
                          List.of(
                              new Task()
                                  .setTaskKey("c")
                                  .setConditionTask(
                                      new ConditionTask()
                                          .setOp(ConditionTaskOp.EQUAL_TO)
                                          .setLeft("a")
                                          .setRight("a")))))
              .getJobId();
      StringBuilder inputs = new StringBuilder("[");
      for (int i = 0; i < 200; i++) {
        inputs.append(i == 0 ? "" : ",").append(i);
      }
      long slow =
          w.jobs()
              .create(
                  new CreateJob()
                      .setName("slow")
                      .setTasks(
                          List.of(
                              new Task()
                                  .setTaskKey("loop")
                                  .setForEachTask(
                                      new ForEachTask()
                                          .setInputs(inputs.append("]").toString())
                                          .setConcurrency(1L)
                                          .setTask(
                                              new Task()
                                                  .setTaskKey("call")
                                                  .setRunJobTask(
                                                      new RunJobTask().setJobId(child)))))))
              .getJobId();
      long runId = w.jobs().runNow(new RunNow().setJobId(slow)).getResponse().getRunId();
      Thread.sleep(500);
      Run cancelled = w.jobs().cancelRun(runId).get(Duration.ofMinutes(1));
      assertThat(cancelled.getState().getResultState()).isEqualTo(RunResultState.CANCELED);

      w.jobs().delete(jobId);
      assertThatThrownBy(() -> w.jobs().get(jobId))
          .isInstanceOf(DatabricksError.class)
          .hasMessageContaining("does not exist");
    }
  }
}
