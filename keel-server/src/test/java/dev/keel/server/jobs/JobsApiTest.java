package dev.keel.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.KeelConfig;
import dev.keel.server.TestPrincipals;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs API over HTTP: Databricks' error shapes, ownership and visibility, task values. */
class JobsApiTest {
  @TempDir Path dir;

  private static String q(String json) {
    return json.replace('\'', '"');
  }

  @Test
  void bad_settings_and_missing_jobs_answer_400_invalid_parameter_value() {
    try (TestServer s = TestServer.start(dir)) {
      TestServer.Response cycle =
          s.send(
              "POST",
              "/api/2.2/jobs/create",
              q(
                  "{'tasks':[{'task_key':'a','depends_on':[{'task_key':'b'}],'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}},"
                      + "{'task_key':'b','depends_on':[{'task_key':'a'}],'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}"));
      assertThat(cycle.status()).isEqualTo(400);
      assertThat(cycle.json().path("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
      assertThat(cycle.json().path("message").asText()).contains("cycle: a -> b -> a");
      assertThat(s.send("GET", "/api/2.2/jobs/list", null).json().path("jobs").size()).isZero();

      TestServer.Response missing = s.send("GET", "/api/2.2/jobs/get?job_id=424242", null);
      assertThat(missing.status()).isEqualTo(400);
      assertThat(missing.json().path("message").asText()).contains("does not exist");

      TestServer.Response notebook =
          s.send(
              "POST",
              "/api/2.1/jobs/create",
              q("{'tasks':[{'task_key':'a','notebook_task':{'notebook_path':'/x'}}]}"));
      assertThat(notebook.status()).isEqualTo(400);
      assertThat(notebook.json().path("message").asText())
          .contains("tasks[0].notebook_task")
          .contains("condition_task");
    }
  }

  @Test
  void update_merges_tasks_by_key_and_removes_fields() {
    try (TestServer s = TestServer.start(dir)) {
      long id =
          s.send(
                  "POST",
                  "/api/2.2/jobs/create",
                  q(
                      "{'name':'j','description':'d','tasks':[{'task_key':'a','condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}},"
                          + "{'task_key':'b','condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}"))
              .json()
              .path("job_id")
              .asLong();
      TestServer.Response u =
          s.send(
              "POST",
              "/api/2.2/jobs/update",
              q(
                  "{'job_id':"
                      + id
                      + ",'new_settings':{'tasks':[{'task_key':'b','condition_task':{'op':'NOT_EQUAL','left':'1','right':'2'}}]},"
                      + "'fields_to_remove':['description','tasks/a']}"));
      assertThat(u.status()).isEqualTo(200);
      var settings = s.send("GET", "/api/2.2/jobs/get?job_id=" + id, null).json().path("settings");
      assertThat(settings.has("description")).isFalse();
      assertThat(settings.path("tasks").size()).isEqualTo(1);
      assertThat(settings.path("tasks").get(0).path("condition_task").path("op").asText())
          .isEqualTo("NOT_EQUAL");
      assertThat(settings.path("queue").path("enabled").asBoolean()).isTrue();
      assertThat(settings.path("max_concurrent_runs").asInt()).isEqualTo(1);
    }
  }

  @Test
  void the_creator_owns_a_job_and_others_see_it_only_when_granted() {
    try (TestServer s = TestServer.startWithPrincipals(new KeelConfig("127.0.0.1", 0, dir, ""))) {
      TestServer alice = s.as(TestPrincipals.bearer("alice"));
      TestServer bob = s.as(TestPrincipals.bearer("bob"));
      long id =
          alice
              .send(
                  "POST",
                  "/api/2.2/jobs/create",
                  q(
                      "{'name':'mine','tasks':[{'task_key':'a','condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}"))
              .json()
              .path("job_id")
              .asLong();
      assertThat(bob.send("GET", "/api/2.2/jobs/list", null).json().path("jobs").size()).isZero();
      assertThat(bob.send("GET", "/api/2.2/jobs/get?job_id=" + id, null).status()).isEqualTo(403);
      assertThat(bob.send("POST", "/api/2.2/jobs/run-now", q("{'job_id':" + id + "}")).status())
          .isEqualTo(403);
      TestServer.Response grant =
          alice.send(
              "PATCH",
              "/api/2.0/permissions/jobs/" + id,
              q("{'access_control_list':[{'user_name':'bob','permission_level':'CAN_VIEW'}]}"));
      assertThat(grant.status()).isEqualTo(200);
      assertThat(bob.send("GET", "/api/2.2/jobs/list", null).json().path("jobs").size())
          .isEqualTo(1);
      assertThat(bob.send("GET", "/api/2.2/jobs/get?job_id=" + id, null).status()).isEqualTo(200);
      assertThat(bob.send("POST", "/api/2.2/jobs/run-now", q("{'job_id':" + id + "}")).status())
          .isEqualTo(403);
      long run =
          alice
              .send("POST", "/api/2.2/jobs/run-now", q("{'job_id':" + id + "}"))
              .json()
              .path("run_id")
              .asLong();
      assertThat(bob.send("GET", "/api/2.2/jobs/runs/get?run_id=" + run, null).status())
          .isEqualTo(200);
      assertThat(
              bob.send("POST", "/api/2.2/jobs/runs/cancel", q("{'run_id':" + run + "}")).status())
          .isEqualTo(403);
      assertThat(bob.send("POST", "/api/2.2/jobs/delete", q("{'job_id':" + id + "}")).status())
          .isEqualTo(403);
    }
  }

  @Test
  void task_values_are_set_only_while_the_task_runs() throws Exception {
    try (TestServer s = TestServer.start(dir)) {
      long id =
          s.send(
                  "POST",
                  "/api/2.2/jobs/create",
                  q(
                      "{'tasks':[{'task_key':'a','condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}"))
              .json()
              .path("job_id")
              .asLong();
      long run =
          s.send("POST", "/api/2.2/jobs/run-now", q("{'job_id':" + id + "}"))
              .json()
              .path("run_id")
              .asLong();
      String state = "";
      for (int i = 0; i < 200 && !state.equals("TERMINATED"); i++) {
        Thread.sleep(50);
        state =
            s.send("GET", "/api/2.2/jobs/runs/get?run_id=" + run, null)
                .json()
                .path("state")
                .path("life_cycle_state")
                .asText();
      }
      var got = s.send("GET", "/api/2.2/jobs/runs/get?run_id=" + run, null).json();
      assertThat(got.path("status").path("state").asText()).isEqualTo("TERMINATED");
      assertThat(got.path("state").path("result_state").asText()).isEqualTo("SUCCESS");
      long taskRun = got.path("tasks").get(0).path("run_id").asLong();
      TestServer.Response set =
          s.send(
              "POST",
              "/api/2.0/keel/jobs/task-values",
              q("{'run_id':" + taskRun + ",'key':'k','value':{'a':1}}"));
      assertThat(set.status()).isEqualTo(400);
      assertThat(set.json().path("message").asText()).contains("while it runs");
      TestServer.Response get =
          s.send(
              "GET",
              "/api/2.0/keel/jobs/task-values?run_id=" + taskRun + "&task_key=a&key=k",
              null);
      assertThat(get.status()).isEqualTo(404);
      TestServer.Response out =
          s.send("GET", "/api/2.2/jobs/runs/get-output?run_id=" + taskRun, null);
      assertThat(out.json().path("logs").asText()).contains("EQUAL_TO");
      assertThat(out.json().path("logs_truncated").asBoolean()).isFalse();
    }
  }
}
