package dev.keel.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs capability as the composition root assembles it, on a server with authentication on: a
 * Python task run by the process task types with a token minted for the job's owner, which sets a
 * task value through Keel's task-values route with the shipped {@code keel_jobs} helper; a
 * condition on that value choosing a branch (the other one EXCLUDED); job parameters reaching argv;
 * the log through get-output; and a model trigger starting a run when a model is created.
 */
class JobsEndToEndTest {
  @TempDir Path dir;

  private static String q(String json) {
    return json.replace('\'', '"');
  }

  @Test
  void a_python_task_sets_a_value_through_its_token_and_a_condition_picks_the_branch()
      throws Exception {
    Path train = dir.resolve("train.py");
    Files.writeString(
        train,
        """
        import os, sys
        import keel_jobs
        print("argv", " ".join(sys.argv[1:]))
        print("token", "yes" if os.environ.get("KEEL_TOKEN") else "no")
        keel_jobs.set_task_value("score", 0.9)
        """);
    Path promote = dir.resolve("promote.py");
    Files.writeString(promote, "import sys\nprint('promoting', sys.argv[1])\n");
    try (TestServer server = TestServer.startWithAuth(dir.resolve("data"));
        TestServer admin = server.as("Bearer " + server.adminToken())) {
      String job =
          q(
              "{'name':'retrain','parameters':[{'name':'alpha','default':'0.1'}],'tasks':["
                  + "{'task_key':'train','spark_python_task':{'python_file':'"
                  + train
                  + "','parameters':['--alpha','{{job.parameters.alpha}}']}},"
                  + "{'task_key':'check','depends_on':[{'task_key':'train'}],"
                  + "'condition_task':{'op':'GREATER_THAN','left':'{{tasks.train.values.score}}','right':'0.5'}},"
                  + "{'task_key':'promote','depends_on':[{'task_key':'check','outcome':'true'}],"
                  + "'spark_python_task':{'python_file':'"
                  + promote
                  + "','parameters':['{{tasks.train.values.score}}']}},"
                  + "{'task_key':'keep','depends_on':[{'task_key':'check','outcome':'false'}],"
                  + "'spark_python_task':{'python_file':'"
                  + promote
                  + "','parameters':['never']}}]}");
      TestServer.Response created = admin.send("POST", "/api/2.2/jobs/create", job);
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      long jobId = created.json().path("job_id").asLong();

      TestServer.Response started =
          admin.send(
              "POST",
              "/api/2.2/jobs/run-now",
              q("{'job_id':" + jobId + ",'job_parameters':{'alpha':'0.7'}}"));
      assertThat(started.status()).as(started.body()).isEqualTo(200);
      JsonNode run = awaitTerminated(admin, started.json().path("run_id").asLong());

      assertThat(run.path("state").path("result_state").asText())
          .as(run.toString())
          .isEqualTo("SUCCESS");
      Map<String, JsonNode> tasks = new HashMap<>();
      run.path("tasks").forEach(t -> tasks.put(t.path("task_key").asText(), t));
      assertThat(tasks.get("train").path("state").path("result_state").asText())
          .isEqualTo("SUCCESS");
      assertThat(tasks.get("promote").path("state").path("result_state").asText())
          .isEqualTo("SUCCESS");
      assertThat(tasks.get("keep").path("state").path("result_state").asText())
          .isEqualTo("EXCLUDED");

      String trainLog = logs(admin, tasks.get("train").path("run_id").asLong());
      assertThat(trainLog).contains("argv --alpha 0.7").contains("token yes");
      String promoteLog = logs(admin, tasks.get("promote").path("run_id").asLong());
      assertThat(promoteLog).contains("promoting 0.9");

      // Task values are taken only while their task runs
      TestServer.Response late =
          admin.send(
              "POST",
              "/api/2.0/keel/jobs/task-values",
              q(
                  "{'run_id':"
                      + tasks.get("train").path("run_id").asLong()
                      + ",'key':'late','value':1}"));
      assertThat(late.status()).isEqualTo(400);
    }
  }

  @Test
  void a_model_trigger_starts_a_run_when_a_model_is_created() throws Exception {
    try (TestServer server = TestServer.startWithAuth(dir.resolve("data"));
        TestServer admin = server.as("Bearer " + server.adminToken())) {
      TestServer.Response created =
          admin.send(
              "POST",
              "/api/2.2/jobs/create",
              q(
                  "{'name':'on-model','trigger':{'model':{'condition':'MODEL_CREATED',"
                      + "'securable_name':'main.default'}},'tasks':[{'task_key':'c',"
                      + "'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}"));
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      long jobId = created.json().path("job_id").asLong();
      assertThat(runs(admin, jobId).size()).isZero();

      TestServer.Response model =
          admin.send(
              "POST",
              "/api/2.1/unity-catalog/models",
              q("{'name':'churn','catalog_name':'main','schema_name':'default'}"));
      assertThat(model.status()).as(model.body()).isEqualTo(200);

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      JsonNode list = runs(admin, jobId);
      while (list.size() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        list = runs(admin, jobId);
      }
      assertThat(list.size()).as("runs started by the model trigger").isEqualTo(1);
      JsonNode run = awaitTerminated(admin, list.get(0).path("run_id").asLong());
      assertThat(run.path("trigger").asText()).isEqualTo("MODEL");
      assertThat(run.path("state").path("result_state").asText()).isEqualTo("SUCCESS");
    }
  }

  private static JsonNode runs(TestServer s, long jobId) {
    TestServer.Response r = s.send("GET", "/api/2.2/jobs/runs/list?job_id=" + jobId, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().path("runs");
  }

  private static String logs(TestServer s, long taskRunId) {
    TestServer.Response out =
        s.send("GET", "/api/2.2/jobs/runs/get-output?run_id=" + taskRunId, null);
    assertThat(out.status()).as(out.body()).isEqualTo(200);
    return out.json().path("logs").asText();
  }

  private static JsonNode awaitTerminated(TestServer s, long runId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      JsonNode run = s.send("GET", "/api/2.2/jobs/runs/get?run_id=" + runId, null).json();
      String life = run.path("state").path("life_cycle_state").asText();
      if (life.equals("TERMINATED") || life.equals("INTERNAL_ERROR") || life.equals("SKIPPED")) {
        return run;
      }
      assertThat(System.nanoTime()).as("run %d still %s", runId, life).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
