package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.jobs.trigger.JobEvent;
import dev.keel.jobs.trigger.JobEvent.ModelChange;
import dev.keel.jobs.trigger.RunLauncher;
import dev.keel.jobs.trigger.TriggerService;
import dev.keel.jobs.trigger.TriggerSettings;
import dev.keel.jobs.trigger.TriggeredJobs;
import dev.keel.registry.ModelFixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs module's event source over a real server: table commits and registry changes made
 * through the HTTP API are heard and read back from durable records, and start triggered runs.
 */
class JobEventsTest {
  static final String UC = "/api/2.1/unity-catalog";
  static final String KEEL_TABLES = "/api/2.0/keel/tables/";

  @TempDir static Path dir;
  static TestServer s;
  static JobEvents events;
  static final AtomicInteger wakes = new AtomicInteger();

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    events = s.server().services().jobEvents;
    events.subscribe(wakes::incrementAndGet);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static void createTable(TestServer server, String name) {
    TestServer.Response r =
        server.post(
            UC + "/tables",
            """
            {"name": "%s", "catalog_name": "main", "schema_name": "default",
             "table_type": "MANAGED", "data_source_format": "DELTA",
             "columns": [{"name": "id", "type_name": "LONG", "position": 0}]}
            """
                .formatted(name));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  static long append(TestServer server, String fullName, long id) {
    TestServer.Response w =
        server.post(KEEL_TABLES + fullName + "/rows", "{\"rows\": [{\"id\": " + id + "}]}");
    assertThat(w.status()).as(w.body()).isEqualTo(200);
    return w.json().path("snapshot_id").asLong();
  }

  static void readyVersion(String model) {
    assertThat(
            s.post(
                    UC + "/models",
                    "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\""
                        + model
                        + "\"}")
                .status())
        .isEqualTo(200);
    TestServer.Response v =
        s.post(
            UC + "/models/versions",
            "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"model_name\":\""
                + model
                + "\",\"source\":\"mlflow-artifacts:/x\"}");
    assertThat(v.status()).as(v.body()).isEqualTo(200);
    ModelFixtures.uploadOnnxModel(s.url(), "models/main/default/" + model + "/1");
    TestServer.Response f =
        s.send(
            "PATCH",
            UC + "/models/main.default." + model + "/versions/1/finalize",
            "{\"full_name\":\"main.default." + model + "\",\"version\":1}");
    assertThat(f.json().path("status").asText()).as(f.body()).isEqualTo("READY");
  }

  static void setAlias(String model, String alias) {
    TestServer.Response a =
        s.send(
            "PUT",
            UC + "/models/main.default." + model + "/aliases/" + alias,
            "{\"version_num\":1}");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
  }

  @Test
  void a_table_commit_wakes_the_listener_and_its_snapshot_is_read_back() {
    createTable(s, "ev_t1");
    int before = wakes.get();
    long snap = append(s, "main.default.ev_t1", 1);
    assertThat(wakes.get()).isGreaterThan(before);
    Map<String, JobEvent.TableUpdated> now =
        events.currentSnapshots(List.of("main.default.ev_t1", "main.default.ev_missing"));
    assertThat(now).containsOnlyKeys("main.default.ev_t1");
    assertThat(now.get("main.default.ev_t1").snapshotId()).isEqualTo(snap);
    assertThat(events.tableExists("main.default.ev_t1")).isTrue();
    assertThat(events.tableExists("main.default.ev_missing")).isFalse();
  }

  @Test
  void registry_changes_are_read_back_from_durable_records() {
    Instant since = Instant.now().minusSeconds(1);
    int before = wakes.get();
    readyVersion("ev_m1");
    setAlias("ev_m1", "champion");
    assertThat(wakes.get()).isGreaterThanOrEqualTo(before + 3);
    List<JobEvent.ModelEvent> got =
        events.modelEventsSince(since, 100).stream()
            .filter(e -> e.modelFullName().equals("main.default.ev_m1"))
            .toList();
    assertThat(got)
        .extracting(
            JobEvent.ModelEvent::change, JobEvent.ModelEvent::version, JobEvent.ModelEvent::alias)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ModelChange.MODEL_CREATED, null, null),
            org.assertj.core.groups.Tuple.tuple(ModelChange.MODEL_VERSION_READY, 1L, null),
            org.assertj.core.groups.Tuple.tuple(ModelChange.MODEL_ALIAS_SET, 1L, "champion"));
    assertThat(events.modelEventsSince(Instant.now().plusSeconds(60), 100)).isEmpty();
  }

  /** Jobs and a launcher as the scheduler would provide them (another module builds those). */
  static final class Scheduler implements TriggeredJobs, RunLauncher {
    final List<TriggeredJob> jobs = new CopyOnWriteArrayList<>();
    final Map<String, Long> runs = new ConcurrentHashMap<>();
    final List<Long> launchedAtNanos = new CopyOnWriteArrayList<>();

    @Override
    public List<TriggeredJob> all() {
      return List.copyOf(jobs);
    }

    @Override
    public boolean hasActiveRun(long jobId) {
      return false;
    }

    @Override
    public List<EndedRun> endedRuns(long jobId, int limit) {
      return List.of();
    }

    @Override
    public long launch(long jobId, String trigger, String token, Map<String, String> info) {
      return runs.computeIfAbsent(
          token,
          t -> {
            launchedAtNanos.add(System.nanoTime());
            return (long) runs.size() + 1;
          });
    }
  }

  @Test
  void alias_sets_and_table_commits_through_the_api_start_triggered_runs_within_a_second()
      throws Exception {
    readyVersion("ev_m2");
    createTable(s, "ev_t2");
    Scheduler scheduler = new Scheduler();
    Instant saved = Instant.now();
    scheduler.jobs.add(
        new TriggeredJobs.TriggeredJob(
            1,
            null,
            new TriggerSettings(
                false,
                null,
                null,
                new TriggerSettings.ModelTrigger(
                    ModelChange.MODEL_ALIAS_SET, "main.default", List.of("champion"), 0, 0)),
            null,
            saved));
    scheduler.jobs.add(
        new TriggeredJobs.TriggeredJob(
            2,
            null,
            new TriggerSettings(
                false,
                null,
                new TriggerSettings.TableUpdate(List.of("main.default.ev_t2"), false, 0, 0),
                null),
            null,
            saved));
    List<Duration> latencies = new ArrayList<>();
    List<Duration> changes = new ArrayList<>();
    try (TriggerService triggers =
        TriggerService.start(
            s.server().services().db, scheduler, scheduler, events, Clock.systemUTC())) {
      Thread.sleep(500); // the first pass records where each trigger starts counting
      for (int i = 0; i < 20; i++) {
        if (i % 2 == 0) {
          s.delete(UC + "/models/main.default.ev_m2/aliases/champion"); // so the set moves it
        }
        int runs = scheduler.launchedAtNanos.size();
        long start = System.nanoTime();
        if (i % 2 == 0) {
          setAlias("ev_m2", "champion");
        } else {
          append(s, "main.default.ev_t2", i);
        }
        long changed = System.nanoTime(); // the change is committed when its request answers
        while (scheduler.launchedAtNanos.size() == runs && System.nanoTime() - start < 5e9) {
          Thread.sleep(1);
        }
        assertThat(scheduler.launchedAtNanos).hasSize(runs + 1);
        changes.add(Duration.ofNanos(changed - start));
        // From the answer to the change (its commit happened before) to the launch; negative
        // when the run was asked for before the change's response reached the client.
        latencies.add(Duration.ofNanos(scheduler.launchedAtNanos.get(runs) - changed));
      }
    }
    latencies.sort(null);
    changes.sort(null);
    System.out.println("change answered -> launch: " + latencies);
    System.out.println("change request durations: " + changes);
    assertThat(latencies.getLast()).isLessThan(Duration.ofSeconds(1));
  }
}
