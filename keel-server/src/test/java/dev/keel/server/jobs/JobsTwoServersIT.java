package dev.keel.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelConfig;
import dev.keel.jobs.Jobs;
import dev.keel.server.TestServer;
import dev.keel.store.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Keel servers on one PostgreSQL schema share the scheduler: 50 runs of a three-task job
 * (Python processes that each append a line naming their server, run, task and task run to one
 * file), created through both servers, all end; every attempt ran exactly once (one line per task
 * run, one task run per task of each run) and both servers ran some of them.
 */
class JobsTwoServersIT {
  private static final int RUNS = 50;
  @TempDir Path dir;

  @BeforeAll
  static void needsPostgres() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
  }

  private static String q(String json) {
    return json.replace('\'', '"');
  }

  private static TestServer start(Path dataDir, String dbUrl) {
    return TestServer.start(
        new KeelConfig("127.0.0.1", 0, dataDir, dbUrl)
            .with(Jobs.POLL_MILLIS, "200")
            .with(Jobs.LEASE_SECONDS, "10"));
  }

  @Test
  void two_servers_run_every_attempt_of_fifty_runs_exactly_once() throws Exception {
    Path lines = dir.resolve("attempts.txt");
    Path script = dir.resolve("append.py");
    Files.writeString(
        script,
        """
        import os, sys
        line = " ".join([os.environ["KEEL_HOST"], os.environ["KEEL_JOB_RUN_ID"],
                         os.environ["KEEL_TASK_KEY"], os.environ["KEEL_TASK_RUN_ID"]]) + "\\n"
        fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(fd, line.encode())
        os.close(fd)
        """);
    String url = TestDatabases.freshPostgresSchemaUrl();
    try (TestServer a = start(dir.resolve("a"), url);
        TestServer b = start(dir.resolve("b"), url)) {
      String task =
          "'spark_python_task':{'python_file':'" + script + "','parameters':['" + lines + "']}";
      TestServer.Response created =
          a.send(
              "POST",
              "/api/2.2/jobs/create",
              q(
                  "{'name':'shared','max_concurrent_runs':100,'tasks':["
                      + "{'task_key':'first',"
                      + task
                      + "},{'task_key':'left','depends_on':[{'task_key':'first'}],"
                      + task
                      + "},{'task_key':'right','depends_on':[{'task_key':'first'}],"
                      + task
                      + "}]}"));
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      long job = created.json().path("job_id").asLong();
      List<Long> runs = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        TestServer via = i % 2 == 0 ? a : b;
        TestServer.Response r =
            via.send("POST", "/api/2.2/jobs/run-now", q("{'job_id':" + job + "}"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        runs.add(r.json().path("run_id").asLong());
      }

      Map<Long, JsonNode> ended = new HashMap<>();
      long until = System.currentTimeMillis() + 300_000;
      for (long run : runs) {
        TestServer via = run % 2 == 0 ? b : a;
        JsonNode r;
        while (!(r = via.get("/api/2.2/jobs/runs/get?run_id=" + run).json())
            .path("state")
            .path("life_cycle_state")
            .asText()
            .equals("TERMINATED")) {
          assertThat(System.currentTimeMillis()).as("run " + run + " ends").isLessThan(until);
          Thread.sleep(100);
        }
        ended.put(run, r);
      }

      Map<String, Integer> perTaskRun = new HashMap<>();
      Map<String, Integer> perServer = new HashMap<>();
      Set<String> runAndTask = new HashSet<>();
      for (String line : Files.readAllLines(lines)) {
        String[] f = line.split(" ");
        perTaskRun.merge(f[3], 1, Integer::sum);
        perServer.merge(f[0], 1, Integer::sum);
        assertThat(runAndTask.add(f[1] + "/" + f[2])).as("one attempt of " + line).isTrue();
      }
      Set<String> taskRuns = new HashSet<>();
      for (long run : runs) {
        JsonNode r = ended.get(run);
        assertThat(r.path("state").path("result_state").asText())
            .as(r.toString())
            .isEqualTo("SUCCESS");
        assertThat(r.path("tasks")).hasSize(3);
        for (JsonNode t : r.path("tasks")) {
          assertThat(t.path("attempt_number").asInt()).isZero();
          taskRuns.add(t.path("run_id").asText());
        }
      }
      assertThat(perTaskRun.keySet()).isEqualTo(taskRuns);
      assertThat(perTaskRun.values()).allMatch(n -> n == 1);
      assertThat(perTaskRun).hasSize(RUNS * 3);
      assertThat(perServer)
          .as("attempts per server")
          .containsOnlyKeys(a.url(), b.url())
          .allSatisfy((server, n) -> assertThat(n).isPositive());
      System.out.println("attempts per server: " + perServer);
    }
  }
}
