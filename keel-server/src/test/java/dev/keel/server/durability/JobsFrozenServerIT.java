package dev.keel.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.store.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Keel server in a child JVM on PostgreSQL is frozen with SIGSTOP (as a VM is suspended) while it
 * runs a task's process; a second server takes the run over once the lease lapsed, then the first
 * is resumed with SIGCONT. The first's writes are refused: the run ends once, with the second's
 * result, the task after it runs once (on the second), and the attempt the first was running ends
 * as a lost driver and is retried by its policy.
 */
class JobsFrozenServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> SETTINGS =
      Map.of("KEEL_JOBS_LEASE_SECONDS", "3", "KEEL_JOBS_POLL_MS", "200");
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  private JsonNode call(String base, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    b =
        body == null
            ? b.GET()
            : b.POST(HttpRequest.BodyPublishers.ofString(body.replace('\'', '"')));
    HttpResponse<String> r =
        http.send(
            b.header("Content-Type", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<String> attempts(JsonNode run, String key) {
    List<String> out = new ArrayList<>();
    for (JsonNode t : run.path("tasks")) {
      if (t.path("task_key").asText().equals(key)) {
        out.add(
            t.path("attempt_number").asInt()
                + ":"
                + t.path("state").path("life_cycle_state").asText());
      }
    }
    return out;
  }

  private static void signal(Process p, String sig) throws Exception {
    Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start();
    assertThat(k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0).as("kill -" + sig).isTrue();
  }

  @Test
  void a_server_frozen_past_its_lease_and_resumed_writes_nothing_and_starts_nothing()
      throws Exception {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    Optional<String> dbUrl = Optional.of(TestDatabases.freshPostgresSchemaUrl());
    Path lines = dir.resolve("attempts.txt");
    Path script = dir.resolve("task.py");
    Files.writeString(
        script,
        """
        import os, sys, time
        time.sleep(float(sys.argv[2]))
        line = " ".join([os.environ["KEEL_HOST"], os.environ["KEEL_TASK_KEY"],
                         os.environ["KEEL_ATTEMPT_NUMBER"]]) + "\\n"
        fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(fd, line.encode())
        os.close(fd)
        """);
    ServerProcess first =
        ServerProcess.start(dir.resolve("first"), dbUrl, dir.resolve("first.log"), SETTINGS);
    ServerProcess second = null;
    try {
      String u = first.url();
      long job =
          call(
                  u,
                  "/api/2.2/jobs/create",
                  "{'name':'frozen','tasks':[{'task_key':'a','max_retries':1,"
                      + "'spark_python_task':{'python_file':'"
                      + script
                      + "','parameters':['"
                      + lines
                      + "','4']}},{'task_key':'b','depends_on':[{'task_key':'a'}],"
                      + "'spark_python_task':{'python_file':'"
                      + script
                      + "','parameters':['"
                      + lines
                      + "','0']}}]}")
              .path("job_id")
              .asLong();
      long run = call(u, "/api/2.2/jobs/run-now", "{'job_id':" + job + "}").path("run_id").asLong();
      long until = System.currentTimeMillis() + 30_000;
      while (!attempts(call(u, "/api/2.2/jobs/runs/get?run_id=" + run, null), "a")
          .equals(List.of("0:RUNNING"))) {
        assertThat(System.currentTimeMillis()).as("a runs on the first server").isLessThan(until);
        Thread.sleep(50);
      }
      signal(first.process(), "STOP");

      second =
          ServerProcess.start(dir.resolve("second"), dbUrl, dir.resolve("second.log"), SETTINGS);
      String v = second.url();
      until = System.currentTimeMillis() + 60_000;
      while (attempts(call(v, "/api/2.2/jobs/runs/get?run_id=" + run, null), "a").size() < 2) {
        assertThat(System.currentTimeMillis()).as("the second takes over").isLessThan(until);
        Thread.sleep(100);
      }
      signal(first.process(), "CONT");

      JsonNode r;
      until = System.currentTimeMillis() + 60_000;
      while (!(r = call(v, "/api/2.2/jobs/runs/get?run_id=" + run, null))
          .path("state")
          .path("life_cycle_state")
          .asText()
          .equals("TERMINATED")) {
        assertThat(System.currentTimeMillis()).as("the run ends").isLessThan(until);
        Thread.sleep(100);
      }
      Thread.sleep(6_000); // the resumed server's a#0 process ends meanwhile; it may try to go on
      JsonNode now = call(v, "/api/2.2/jobs/runs/get?run_id=" + run, null);

      assertThat(now.path("state").path("result_state").asText()).isEqualTo("SUCCESS");
      assertThat(now.path("end_time").asLong()).isEqualTo(r.path("end_time").asLong());
      assertThat(attempts(now, "a")).containsExactly("0:INTERNAL_ERROR", "1:TERMINATED");
      assertThat(attempts(now, "b")).containsExactly("0:TERMINATED");
      List<String> ran = Files.readAllLines(lines);
      // a#0's process finishes on the frozen server only if its 4 s sleep ends before the server
      // resumes and stops it (it usually does; a fast take-over resumes it sooner): either way
      // the frozen server ran nothing else, and the second ran a#1 and b once each.
      assertThat(ran.stream().filter(l -> l.startsWith(v + " ")))
          .as("attempts that ran on the second server")
          .containsExactlyInAnyOrder(v + " a 1", v + " b 0");
      assertThat(ran.stream().filter(l -> !l.startsWith(v + " ")))
          .as("attempts that ran on the frozen server")
          .isSubsetOf(u + " a 0")
          .doesNotHaveDuplicates();
      assertThat(Files.readString(dir.resolve("first.log")))
          .contains("this server no longer drives it");
    } finally {
      signal(first.process(), "CONT");
      first.process().destroyForcibly();
      first.process().waitFor();
      if (second != null) {
        second.process().destroyForcibly();
        second.process().waitFor();
      }
    }
  }
}
