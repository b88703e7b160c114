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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Keel server in a child JVM is killed with SIGKILL while job runs are running and queued, then
 * started again on the same data directory: every run reaches a terminal state, the attempt that
 * was running ends as a lost driver (INTERNAL_ERROR) and is retried by its policy, queued runs
 * start, and no task run is left running or run twice under one attempt number. On the embedded
 * SQLite store (the new server takes every run over at its start) and on PostgreSQL (a fresh
 * schema; the new server takes the runs over once the dead one's 3-second lease lapses; skipped
 * without {@code KEEL_TEST_POSTGRES_URL}).
 */
class JobsKillNineIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dataDir;
  @TempDir Path logDir;

  private JsonNode call(String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    b =
        body == null
            ? b.GET()
            : b.method(method, HttpRequest.BodyPublishers.ofString(body.replace('\'', '"')));
    HttpResponse<String> r =
        http.send(
            b.header("Content-Type", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void runs_survive_kill_nine_and_lost_attempts_are_retried_once(String db) throws Exception {
    Optional<String> dbUrl = Optional.empty();
    if (db.equals("postgresql")) {
      assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
      dbUrl = Optional.of(TestDatabases.freshPostgresSchemaUrl());
    }
    Map<String, String> settings = Map.of("KEEL_JOBS_LEASE_SECONDS", "3");
    ServerProcess first =
        ServerProcess.start(dataDir, dbUrl, logDir.resolve("first.log"), settings);
    List<Long> runs = new ArrayList<>();
    long slow;
    try {
      String u = first.url();
      long child =
          call(
                  u,
                  "POST",
                  "/api/2.2/jobs/create",
                  "{'name':'child','tasks':[{'task_key':'c','condition_task':{'op':'EQUAL_TO','left':'a','right':'a'}}]}")
              .path("job_id")
              .asLong();
      StringBuilder inputs = new StringBuilder("[");
      for (int i = 0; i < 60; i++) {
        inputs.append(i == 0 ? "" : ",").append(i);
      }
      inputs.append("]");
      slow =
          call(
                  u,
                  "POST",
                  "/api/2.2/jobs/create",
                  "{'name':'slow','max_concurrent_runs':1,'tasks':[{'task_key':'loop','max_retries':1,'for_each_task':{'inputs':'"
                      + inputs
                      + "','concurrency':1,'task':{'task_key':'call','run_job_task':{'job_id':"
                      + child
                      + "}}}},"
                      + "{'task_key':'after','depends_on':[{'task_key':'loop'}],'condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}]}")
              .path("job_id")
              .asLong();
      runs.add(
          call(u, "POST", "/api/2.2/jobs/run-now", "{'job_id':" + slow + "}")
              .path("run_id")
              .asLong());
      runs.add(
          call(u, "POST", "/api/2.2/jobs/run-now", "{'job_id':" + slow + "}")
              .path("run_id")
              .asLong()); // queued
      JsonNode queued = call(u, "GET", "/api/2.2/jobs/runs/get?run_id=" + runs.get(1), null);
      assertThat(queued.path("state").path("life_cycle_state").asText()).isEqualTo("QUEUED");
      long until = System.currentTimeMillis() + 30_000;
      while (call(u, "GET", "/api/2.2/jobs/runs/get?run_id=" + runs.get(0), null)
          .path("tasks")
          .path(0)
          .path("state")
          .path("life_cycle_state")
          .asText("PENDING")
          .matches("|PENDING")) { // no attempt yet (not claimed) or not started
        assertThat(System.currentTimeMillis()).isLessThan(until);
        Thread.sleep(50);
      }
      Thread.sleep(500);
    } finally {
      first.process().destroyForcibly(); // SIGKILL
      first.process().waitFor();
    }

    ServerProcess second =
        ServerProcess.start(dataDir, dbUrl, logDir.resolve("second.log"), settings);
    try {
      String u = second.url();
      long until = System.currentTimeMillis() + 240_000;
      for (long run : runs) {
        JsonNode r;
        while (!(r = call(u, "GET", "/api/2.2/jobs/runs/get?run_id=" + run, null))
            .path("state")
            .path("life_cycle_state")
            .asText()
            .equals("TERMINATED")) {
          assertThat(System.currentTimeMillis()).as("run " + run + " ends").isLessThan(until);
          Thread.sleep(200);
        }
        assertThat(r.path("state").path("result_state").asText())
            .as("run " + run)
            .isEqualTo("SUCCESS");
        Set<String> attempts = new HashSet<>();
        for (JsonNode t : r.path("tasks")) {
          assertThat(t.path("state").path("life_cycle_state").asText())
              .isIn("TERMINATED", "INTERNAL_ERROR", "SKIPPED");
          assertThat(
                  attempts.add(
                      t.path("task_key").asText() + "#" + t.path("attempt_number").asInt()))
              .as("one task run per attempt")
              .isTrue();
        }
      }
      JsonNode lost = call(u, "GET", "/api/2.2/jobs/runs/get?run_id=" + runs.get(0), null);
      List<String> loop = new ArrayList<>();
      for (JsonNode t : lost.path("tasks")) {
        if (t.path("task_key").asText().equals("loop")) {
          loop.add(
              t.path("attempt_number").asInt()
                  + ":"
                  + t.path("state").path("life_cycle_state").asText());
        }
      }
      assertThat(loop).containsExactly("0:INTERNAL_ERROR", "1:TERMINATED");
    } finally {
      second.process().destroyForcibly();
      second.process().waitFor();
    }
  }
}
