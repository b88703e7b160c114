package dev.keel.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.jobs.engine.Ids;
import dev.keel.jobs.model.SettingsParser;
import dev.keel.jobs.store.JdbcJobStore;
import dev.keel.jobs.store.Job;
import dev.keel.jobs.store.JobStore;
import dev.keel.jobs.trigger.TriggeredJobs.TriggeredJob;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JobService#all()}, which the trigger service calls every pass: parsed once per saved
 * version of a job's settings, and never stale after a save here or by another server.
 */
class JobServiceTriggersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private Database db;
  private JobStore store;
  private JobService jobs;

  @BeforeEach
  void open() {
    db = TestDatabases.sqlite(dir);
    store = new JdbcJobStore(db);
    jobs = new JobService(store, new SettingsParser(List.of()), new Ids(store), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
  }

  private static String scheduled(String cron) {
    return "{'name':'nightly','schedule':{'quartz_cron_expression':'"
        + cron
        + "','timezone_id':'UTC'},'tasks':[{'task_key':'c','condition_task':"
        + "{'op':'EQUAL_TO','left':'1','right':'1'}}]}";
  }

  private static String cron(TriggeredJob j) {
    return j.schedule().quartzCronExpression();
  }

  @Test
  void unchanged_settings_are_not_parsed_again_on_the_next_call() throws Exception {
    long id = jobs.create(json(scheduled("0 0 3 * * ?")), "alice", true).jobId();

    List<TriggeredJob> first = jobs.all();
    List<TriggeredJob> second = jobs.all();

    assertThat(first).singleElement().satisfies(j -> assertThat(j.jobId()).isEqualTo(id));
    assertThat(second.get(0)).isSameAs(first.get(0));
  }

  @Test
  void a_save_here_or_by_another_server_is_seen_at_the_next_call() throws Exception {
    long id = jobs.create(json(scheduled("0 0 3 * * ?")), "alice", true).jobId();
    assertThat(cron(jobs.all().get(0))).isEqualTo("0 0 3 * * ?");

    jobs.update(
        id,
        json("{'schedule':{'quartz_cron_expression':'0 0 4 * * ?','timezone_id':'UTC'}}"),
        List.of(),
        true);
    assertThat(cron(jobs.all().get(0))).isEqualTo("0 0 4 * * ?");

    // another server saved new settings within the same millisecond: the text tells them apart
    Job saved = store.job(id).orElseThrow();
    store.updateJob(
        new Job(
            id,
            saved.name(),
            saved.creator(),
            saved.runAs(),
            saved.settings().replace("0 0 4 * * ?", "0 0 5 * * ?"),
            saved.createdAt(),
            saved.updatedAt()),
        true);
    assertThat(cron(jobs.all().get(0))).isEqualTo("0 0 5 * * ?");

    jobs.update(id, json("{}"), List.of("schedule"), true);
    assertThat(jobs.all()).isEmpty();
  }
}
