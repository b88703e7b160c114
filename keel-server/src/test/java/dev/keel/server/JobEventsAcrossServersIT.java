package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.jobs.trigger.JobEvent;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL database: a table commit and a registry change made through one
 * server wake the other's trigger event source, which reads them back from the shared records.
 */
class JobEventsAcrossServersIT {
  @TempDir Path dirA;
  @TempDir Path dirB;

  @BeforeAll
  static void needsPostgres() {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
  }

  @Test
  void changes_through_one_server_wake_and_are_read_by_the_other() throws Exception {
    String url = TestDatabases.freshPostgresSchemaUrl();
    try (TestServer a = TestServer.start(dirA, url);
        TestServer b = TestServer.start(dirB, url)) {
      JobEvents onB = b.server().services().jobEvents;
      Semaphore woken = new Semaphore(0);
      onB.subscribe(woken::release);
      Thread.sleep(1_000); // the LISTEN connections are up
      woken.drainPermits();

      JobEventsTest.createTable(a, "xs_t");
      woken.drainPermits();
      long snap = JobEventsTest.append(a, "main.default.xs_t", 1);
      assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).as("woken by the other's commit").isTrue();
      assertThat(onB.currentSnapshots(List.of("main.default.xs_t")))
          .extractingByKey("main.default.xs_t")
          .extracting(JobEvent.TableUpdated::snapshotId)
          .isEqualTo(snap);

      Instant since = Instant.now().minusSeconds(5);
      woken.drainPermits();
      assertThat(
              a.post(
                      JobEventsTest.UC + "/models",
                      "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\"xs_m\"}")
                  .status())
          .isEqualTo(200);
      assertThat(woken.tryAcquire(5, TimeUnit.SECONDS)).as("woken by the other's model").isTrue();
      assertThat(onB.modelEventsSince(since, 100))
          .extracting(JobEvent.ModelEvent::change, JobEvent.ModelEvent::modelFullName)
          .contains(
              org.assertj.core.groups.Tuple.tuple(
                  JobEvent.ModelChange.MODEL_CREATED, "main.default.xs_m"));
    }
  }
}
