package dev.keel.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelConfig;
import dev.keel.jobs.engine.JobTokens;
import dev.keel.jobs.store.JobRun;
import dev.keel.jobs.store.RunFilter;
import dev.keel.jobs.store.TaskRun;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RunService#listViews}, what {@code runs/list} renders: one read for a page's attempts,
 * giving each run exactly what {@link RunService#view} gives it.
 */
class RunListViewsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private Database db;
  private Jobs jobs;

  @BeforeEach
  void open() {
    db = TestDatabases.sqlite(dir);
    jobs =
        Jobs.open(
            db,
            new KeelConfig("127.0.0.1", 0, dir, null).with(Jobs.POLL_MILLIS, "50"),
            List.of(),
            JobTokens.NONE,
            () -> "http://127.0.0.1:1",
            Clock.systemUTC());
    jobs.start();
  }

  @AfterEach
  void close() {
    jobs.close();
    db.close();
  }

  private long create(String name, String... keys) throws Exception {
    StringBuilder t = new StringBuilder();
    for (String k : keys) {
      t.append(t.length() == 0 ? "" : ",")
          .append("{'task_key':'")
          .append(k)
          .append("','condition_task':{'op':'EQUAL_TO','left':'1','right':'1'}}");
    }
    String s = "{'name':'" + name + "','max_concurrent_runs':5,'tasks':[" + t + "]}";
    return jobs.jobs().create((ObjectNode) JSON.readTree(s.replace('\'', '"')), "a", true).jobId();
  }

  private long runAndWait(long job) throws InterruptedException {
    long id = jobs.runs().runNow(job, Map.of(), Optional.empty(), List.of(), "a").runId();
    long until = System.currentTimeMillis() + 30_000;
    while (!jobs.runs().run(id).lifeCycle().terminal()) {
      assertThat(System.currentTimeMillis()).as("run %d ends", id).isLessThan(until);
      Thread.sleep(10);
    }
    return id;
  }

  private static List<Long> ids(List<TaskRun> tasks) {
    return tasks.stream().map(TaskRun::taskRunId).toList();
  }

  @Test
  void a_page_of_runs_of_different_jobs_gets_each_run_its_own_attempts_and_settings()
      throws Exception {
    long two = create("two", "x", "y");
    long one = create("one", "z");
    runAndWait(two);
    runAndWait(one);
    runAndWait(two);
    List<JobRun> page =
        jobs.runs()
            .list(
                new RunFilter(
                    Optional.empty(),
                    false,
                    false,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty()),
                0,
                25);
    assertThat(page).hasSize(3);

    List<RunService.RunView> views = jobs.runs().listViews(page, true);

    assertThat(views).hasSize(3);
    for (int i = 0; i < 3; i++) {
      RunService.RunView listed = views.get(i);
      RunService.RunView single = jobs.runs().view(page.get(i).runId());
      assertThat(listed.run()).isEqualTo(single.run());
      assertThat(ids(listed.tasks())).isNotEmpty().isEqualTo(ids(single.tasks()));
      assertThat(listed.spec()).isEqualTo(single.spec());
    }
    assertThat(views.get(1).tasks()).extracting(TaskRun::taskKey).containsExactly("z");
    assertThat(jobs.runs().listViews(page, false)).allSatisfy(v -> assertThat(v.tasks()).isEmpty());
  }

  @Test
  void polling_a_run_does_not_parse_its_settings_again() throws Exception {
    long run = runAndWait(create("polled", "x", "y"));

    RunService.RunView first = jobs.runs().view(run);
    RunService.RunView again = jobs.runs().view(run);

    assertThat(first.spec()).isNotNull();
    assertThat(again.spec()).isSameAs(first.spec());
    assertThat(jobs.runs().listViews(List.of(again.run()), false).get(0).spec())
        .isSameAs(first.spec());
  }
}
