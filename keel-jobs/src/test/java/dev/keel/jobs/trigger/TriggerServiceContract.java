package dev.keel.jobs.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.jobs.trigger.JobEvent.ModelChange;
import dev.keel.jobs.trigger.JobEvent.ModelEvent;
import dev.keel.jobs.trigger.TriggerFakes.Launch;
import dev.keel.jobs.trigger.TriggerSettings.ModelTrigger;
import dev.keel.jobs.trigger.TriggerSettings.Periodic;
import dev.keel.jobs.trigger.TriggerSettings.TableUpdate;
import dev.keel.jobs.trigger.TriggeredJobs.TriggeredJob;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trigger service against a real metadata database (SQLite and PostgreSQL subclasses). */
abstract class TriggerServiceContract {
  static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");

  @TempDir Path dir;
  Database db;
  final TriggerFakes.TestClock clock = new TriggerFakes.TestClock(T0);
  final TriggerFakes.Jobs jobs = new TriggerFakes.Jobs();
  final TriggerFakes.Launcher launcher = new TriggerFakes.Launcher();
  final TriggerFakes.Events events = new TriggerFakes.Events();
  final List<TriggerService> services = new ArrayList<>();

  abstract Database open(Path dir);

  @BeforeEach
  void openDb() {
    db = open(dir);
  }

  @AfterEach
  void closeAll() {
    services.forEach(TriggerService::close);
    db.close();
  }

  TriggerService service() {
    return service(clock);
  }

  TriggerService service(java.time.Clock c) {
    TriggerService s =
        new TriggerService(
            new JdbcTriggerStates(db),
            jobs,
            launcher,
            events,
            c,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30));
    services.add(s);
    return s;
  }

  void at(TriggerService s, Instant t) {
    clock.set(t);
    s.pass();
  }

  static TriggeredJob scheduled(long id, String cron, String zone, boolean paused) {
    return new TriggeredJob(id, new Schedule(cron, zone, paused), null, null, T0);
  }

  static TriggeredJob triggered(long id, TriggerSettings t) {
    return new TriggeredJob(id, null, t, null, T0);
  }

  List<String> tokens() {
    return launcher.runs.stream().map(Launch::token).toList();
  }

  // ------------------------------------------------------------------ schedules

  @Test
  void a_schedule_fires_once_at_its_cron_time() {
    jobs.jobs.add(scheduled(1, "0 0 9 * * ?", "UTC", false));
    TriggerService s = service();
    at(s, T0.plusSeconds(3599));
    assertThat(launcher.runs).isEmpty();
    at(s, T0.plusSeconds(3601));
    at(s, T0.plusSeconds(3605));
    assertThat(launcher.runs).hasSize(1);
    Launch l = launcher.runs.getFirst();
    assertThat(l.trigger()).isEqualTo("PERIODIC");
    assertThat(l.token()).isEqualTo("schedule:1:" + T0.plusSeconds(3600).toEpochMilli());
  }

  @Test
  void a_schedule_that_missed_fire_times_while_down_runs_once_for_the_latest() {
    jobs.jobs.add(scheduled(1, "0 0 * * * ?", "UTC", false));
    at(service(), T0.plusSeconds(30)); // 08:00:30: nothing due since the save at 08:00
    assertThat(launcher.runs).isEmpty();
    // The server is down from 08:00:30 to 13:30; a new one starts on the same database.
    TriggerService after = service();
    at(after, Instant.parse("2026-06-01T13:30:00Z"));
    at(after, Instant.parse("2026-06-01T13:31:00Z"));
    assertThat(tokens())
        .containsExactly("schedule:1:" + Instant.parse("2026-06-01T13:00:00Z").toEpochMilli());
    at(after, Instant.parse("2026-06-01T14:00:01Z"));
    assertThat(launcher.runs).hasSize(2);
  }

  @Test
  void a_schedule_fired_before_a_restart_does_not_fire_again_after_it() {
    jobs.jobs.add(scheduled(1, "0 0 9 * * ?", "UTC", false));
    at(service(), T0.plusSeconds(3601));
    at(service(), T0.plusSeconds(3700));
    assertThat(launcher.runs).hasSize(1);
  }

  @Test
  void a_paused_schedule_fires_nothing() {
    jobs.jobs.add(scheduled(1, "0 0 9 * * ?", "UTC", true));
    TriggerService s = service();
    at(s, T0.plusSeconds(3601));
    at(s, T0.plusSeconds(90_000));
    assertThat(launcher.runs).isEmpty();
  }

  @Test
  void a_schedule_fires_at_local_time_in_its_zone() {
    jobs.jobs.add(scheduled(1, "0 0 10 * * ?", "Europe/Amsterdam", false)); // 08:00 UTC in June
    TriggerService s = service();
    at(s, Instant.parse("2026-06-02T07:59:59Z"));
    assertThat(launcher.runs).isEmpty();
    at(s, Instant.parse("2026-06-02T08:00:00Z"));
    assertThat(launcher.runs).hasSize(1);
  }

  // ------------------------------------------------------------------ periodic

  @Test
  void a_periodic_trigger_fires_every_interval_and_once_after_downtime() {
    jobs.jobs.add(
        triggered(1, new TriggerSettings(false, new Periodic(1, Periodic.Unit.HOURS), null, null)));
    TriggerService s = service();
    at(s, T0.plusSeconds(3599));
    assertThat(launcher.runs).isEmpty();
    at(s, T0.plusSeconds(3600));
    assertThat(launcher.runs).hasSize(1);
    at(s, T0.plusSeconds(5 * 3600 + 1800)); // four periods missed: one run
    at(s, T0.plusSeconds(5 * 3600 + 1801));
    assertThat(tokens())
        .containsExactly(
            "periodic:1:" + T0.plusSeconds(3600).toEpochMilli(),
            "periodic:1:" + T0.plusSeconds(5 * 3600).toEpochMilli());
    at(s, T0.plusSeconds(6 * 3600));
    assertThat(launcher.runs).hasSize(3);
  }

  // ------------------------------------------------------------------ table update

  static TriggerSettings tables(boolean all, int minBetween, int wait, String... names) {
    return new TriggerSettings(
        false, null, new TableUpdate(List.of(names), all, minBetween, wait), null);
  }

  @Test
  void any_updated_fires_once_per_change_after_the_save() {
    events.commit("c.s.a", 1, T0.minusSeconds(60)); // before the save: not a change
    jobs.jobs.add(triggered(1, tables(false, 0, 0, "c.s.a", "c.s.b")));
    TriggerService s = service();
    at(s, T0.plusSeconds(1));
    assertThat(launcher.runs).isEmpty();
    events.commit("c.s.b", 7, T0.plusSeconds(2));
    at(s, T0.plusSeconds(3));
    at(s, T0.plusSeconds(4));
    assertThat(launcher.runs).hasSize(1);
    assertThat(launcher.runs.getFirst().trigger()).isEqualTo("TABLE");
    assertThat(launcher.runs.getFirst().info())
        .containsEntry("table_update.updated_tables", "c.s.b");
    events.commit("c.s.a", 2, T0.plusSeconds(5));
    at(s, T0.plusSeconds(6));
    assertThat(launcher.runs).hasSize(2);
  }

  @Test
  void all_updated_waits_for_every_table() {
    jobs.jobs.add(triggered(1, tables(true, 0, 0, "c.s.a", "c.s.b")));
    TriggerService s = service();
    events.commit("c.s.a", 1, T0.plusSeconds(1));
    at(s, T0.plusSeconds(2));
    events.commit("c.s.a", 2, T0.plusSeconds(3));
    at(s, T0.plusSeconds(4));
    assertThat(launcher.runs).isEmpty();
    events.commit("c.s.b", 9, T0.plusSeconds(5));
    at(s, T0.plusSeconds(6));
    assertThat(launcher.runs).hasSize(1);
    events.commit("c.s.b", 10, T0.plusSeconds(7));
    at(s, T0.plusSeconds(8));
    assertThat(launcher.runs).hasSize(1); // a is not updated since the run
  }

  @Test
  void wait_after_last_change_and_min_time_between_triggers_hold_the_run() {
    jobs.jobs.add(triggered(1, tables(false, 300, 60, "c.s.a")));
    TriggerService s = service();
    events.commit("c.s.a", 1, T0.plusSeconds(10));
    at(s, T0.plusSeconds(20));
    events.commit("c.s.a", 2, T0.plusSeconds(40)); // quiet time restarts
    at(s, T0.plusSeconds(80));
    assertThat(launcher.runs).isEmpty();
    at(s, T0.plusSeconds(100));
    assertThat(launcher.runs).hasSize(1);
    events.commit("c.s.a", 3, T0.plusSeconds(110));
    at(s, T0.plusSeconds(200)); // quiet, but within 300 s of the last run
    assertThat(launcher.runs).hasSize(1);
    at(s, T0.plusSeconds(400));
    assertThat(launcher.runs).hasSize(2);
  }

  // ------------------------------------------------------------------ model

  static TriggerSettings model(ModelChange c, String securable, List<String> aliases) {
    return new TriggerSettings(false, null, null, new ModelTrigger(c, securable, aliases, 0, 0));
  }

  static ModelEvent alias(String model, String alias, long version, Instant at) {
    return new ModelEvent(ModelChange.MODEL_ALIAS_SET, model, version, alias, at);
  }

  @Test
  void model_alias_set_fires_for_the_watched_aliases_only() {
    events.event(alias("c.s.m", "champion", 1, T0.minusSeconds(10))); // before the save
    jobs.jobs.add(triggered(1, model(ModelChange.MODEL_ALIAS_SET, "c.s.m", List.of("champion"))));
    TriggerService s = service();
    at(s, T0.plusSeconds(1));
    events.event(alias("c.s.m", "challenger", 2, T0.plusSeconds(2)));
    events.event(alias("c.s.other", "champion", 2, T0.plusSeconds(2)));
    at(s, T0.plusSeconds(3));
    assertThat(launcher.runs).isEmpty();
    events.event(alias("c.s.m", "champion", 2, T0.plusSeconds(4)));
    at(s, T0.plusSeconds(5));
    at(s, T0.plusSeconds(6));
    assertThat(launcher.runs).hasSize(1);
    Launch l = launcher.runs.getFirst();
    assertThat(l.trigger()).isEqualTo("MODEL");
    assertThat(l.info())
        .containsEntry("model.name", "c.s.m")
        .containsEntry("model.alias", "champion")
        .containsEntry("model.version", "2")
        .containsEntry("model.condition", "MODEL_ALIAS_SET");
  }

  @Test
  void a_model_event_committed_late_with_an_earlier_time_still_counts_once() {
    jobs.jobs.add(triggered(1, model(ModelChange.MODEL_VERSION_READY, "c.s", List.of())));
    TriggerService s = service();
    events.event(
        new ModelEvent(ModelChange.MODEL_VERSION_READY, "c.s.m", 1L, null, T0.plusSeconds(20)));
    at(s, T0.plusSeconds(21));
    assertThat(launcher.runs).hasSize(1);
    // A second version stamped at +15 s commits only now (a slow transaction).
    events.event(
        new ModelEvent(ModelChange.MODEL_VERSION_READY, "c.s.n", 1L, null, T0.plusSeconds(15)));
    at(s, T0.plusSeconds(30));
    at(s, T0.plusSeconds(40));
    assertThat(launcher.runs).hasSize(2);
    events.event(
        new ModelEvent(ModelChange.MODEL_VERSION_READY, "other.s.m", 1L, null, T0.plusSeconds(41)));
    at(s, T0.plusSeconds(42));
    assertThat(launcher.runs).hasSize(2);
  }

  @Test
  void model_created_anywhere_fires_with_an_empty_securable() {
    jobs.jobs.add(triggered(1, model(ModelChange.MODEL_CREATED, "", List.of())));
    TriggerService s = service();
    events.event(new ModelEvent(ModelChange.MODEL_CREATED, "x.y.z", null, null, T0.plusSeconds(1)));
    at(s, T0.plusSeconds(2));
    assertThat(launcher.runs).extracting(Launch::trigger).containsExactly("MODEL");
  }

  @Test
  void pending_model_events_survive_a_restart() {
    jobs.jobs.add(
        triggered(
            1,
            new TriggerSettings(
                false,
                null,
                null,
                new ModelTrigger(ModelChange.MODEL_CREATED, "c.s", List.of(), 0, 120))));
    events.event(new ModelEvent(ModelChange.MODEL_CREATED, "c.s.m", null, null, T0.plusSeconds(1)));
    at(service(), T0.plusSeconds(2)); // seen, waiting 120 s of quiet
    assertThat(launcher.runs).isEmpty();
    events.events.clear(); // the event is older than anything a new reader would look at
    at(service(), T0.plusSeconds(1000));
    assertThat(launcher.runs).hasSize(1);
  }

  // ------------------------------------------------------------------ continuous

  @Test
  void continuous_keeps_one_run_alive() {
    jobs.jobs.add(new TriggeredJob(1, null, null, new Continuous(false), T0));
    jobs.jobs.add(new TriggeredJob(2, null, null, new Continuous(true), T0));
    TriggerService s = service();
    at(s, T0.plusSeconds(1));
    assertThat(launcher.runs).extracting(Launch::jobId).containsExactly(1L);
    jobs.active.add(1L);
    at(s, T0.plusSeconds(2));
    assertThat(launcher.runs).hasSize(1);
    jobs.active.remove(1L);
    at(s, T0.plusSeconds(3));
    assertThat(launcher.runs)
        .extracting(Launch::trigger)
        .containsExactly("CONTINUOUS", "CONTINUOUS");
  }

  @Test
  void a_continuous_job_whose_runs_keep_failing_backs_off_exponentially_and_a_success_resets_it() {
    jobs.jobs.add(new TriggeredJob(1, null, null, new Continuous(false), T0));
    TriggerService s = service();
    at(s, T0.plusSeconds(1));
    assertThat(launcher.runs).hasSize(1);
    // The first failure restarts at once (a crash once is not a pattern).
    jobs.ended(1, true, T0.plusSeconds(1), T0.plusSeconds(2));
    at(s, T0.plusSeconds(2));
    assertThat(launcher.runs).hasSize(2);
    // The second failure in a row waits the base delay from that run's end, then it doubles.
    jobs.ended(1, true, T0.plusSeconds(2), T0.plusSeconds(3));
    at(s, T0.plusSeconds(3));
    at(s, T0.plusSeconds(12));
    assertThat(launcher.runs).hasSize(2);
    at(s, T0.plusSeconds(13));
    assertThat(launcher.runs).hasSize(3);
    jobs.ended(1, true, T0.plusSeconds(13), T0.plusSeconds(14));
    at(s, T0.plusSeconds(14 + 19));
    assertThat(launcher.runs).hasSize(3);
    at(s, T0.plusSeconds(14 + 20));
    assertThat(launcher.runs).hasSize(4);
    // A run that succeeds ends the back-off: the next starts at once after any later failure.
    jobs.ended(1, false, T0.plusSeconds(34), T0.plusSeconds(35));
    at(s, T0.plusSeconds(35));
    assertThat(launcher.runs).hasSize(5);
    jobs.ended(1, true, T0.plusSeconds(35), T0.plusSeconds(36));
    at(s, T0.plusSeconds(36));
    assertThat(launcher.runs).hasSize(6);
  }

  @Test
  void a_failed_continuous_run_that_ran_long_counts_as_healthy() {
    jobs.jobs.add(new TriggeredJob(1, null, null, new Continuous(false), T0));
    TriggerService s = service();
    jobs.ended(1, true, T0, T0.plusSeconds(1));
    jobs.ended(1, true, T0.plusSeconds(1), T0.plusSeconds(2));
    jobs.ended(1, true, T0.plusSeconds(2), T0.plusSeconds(2 + 3600));
    at(s, T0.plusSeconds(2 + 3600));
    assertThat(launcher.runs).hasSize(1);
  }

  // ------------------------------------------------------------------ exactly once

  @Test
  void a_fire_whose_launch_was_lost_is_sent_again_with_the_same_token_by_another_server() {
    jobs.jobs.add(scheduled(1, "0 0 9 * * ?", "UTC", false));
    TriggerService first = service();
    launcher.failNext = new IllegalStateException("server died before the launch answered");
    at(first, T0.plusSeconds(3601));
    assertThat(launcher.runs).isEmpty();
    first.close(); // it never comes back
    TriggerService second = service();
    at(second, T0.plusSeconds(3610)); // the fire is younger than the take-over time: not yet
    assertThat(launcher.runs).isEmpty();
    at(second, T0.plusSeconds(3640));
    at(second, T0.plusSeconds(3700));
    assertThat(tokens()).containsExactly("schedule:1:" + T0.plusSeconds(3600).toEpochMilli());
  }

  @Test
  void two_servers_deciding_the_same_fire_start_one_run() throws Exception {
    jobs.jobs.add(triggered(1, tables(false, 0, 0, "c.s.a")));
    // The second server's clock is 1 ms ahead: its token would differ, so only the row's
    // compare-and-set keeps it from recording (and launching) a second run.
    TriggerFakes.TestClock other = new TriggerFakes.TestClock(T0);
    TriggerService a = service();
    TriggerService b = service(other);
    at(a, T0.plusSeconds(1));
    other.set(T0.plusSeconds(1));
    b.pass();
    events.commit("c.s.a", 5, T0.plusSeconds(2));
    clock.set(T0.plusSeconds(3));
    other.set(T0.plusSeconds(3).plusMillis(1));
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
    Thread ta = Thread.ofPlatform().start(() -> passTogether(a, together));
    Thread tb = Thread.ofPlatform().start(() -> passTogether(b, together));
    ta.join();
    tb.join();
    at(a, T0.plusSeconds(4));
    other.set(T0.plusSeconds(4));
    b.pass();
    assertThat(launcher.runs).hasSize(1);
  }

  private static void passTogether(TriggerService s, java.util.concurrent.CyclicBarrier b) {
    try {
      b.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    s.pass();
  }

  @Test
  void removing_a_trigger_removes_its_state() {
    jobs.jobs.add(scheduled(1, "0 0 9 * * ?", "UTC", false));
    TriggerService s = service();
    at(s, T0.plusSeconds(1));
    assertThat(rows()).isEqualTo(1);
    jobs.jobs.clear();
    s.settingsChanged();
    at(s, T0.plusSeconds(2));
    assertThat(rows()).as("another server may have just written it for a new job").isEqualTo(1);
    s.settingsChanged();
    at(s, T0.plusSeconds(62));
    assertThat(rows()).isZero();
  }

  @Test
  void changed_settings_start_counting_from_the_save() {
    jobs.jobs.add(scheduled(1, "0 0 9 * * ?", "UTC", false));
    TriggerService s = service();
    at(s, T0.plusSeconds(1));
    jobs.jobs.clear();
    // Saved again at 10:00 with 09:30: the 09:30 of today is before the save, so tomorrow's.
    jobs.jobs.add(
        new TriggeredJob(
            1, new Schedule("0 30 9 * * ?", "UTC", false), null, null, T0.plusSeconds(7200)));
    s.settingsChanged();
    at(s, T0.plusSeconds(7201));
    assertThat(launcher.runs).isEmpty();
    at(s, Instant.parse("2026-06-02T09:30:00Z"));
    assertThat(launcher.runs).hasSize(1);
  }

  @Test
  void a_table_commit_wakes_the_running_service_within_a_second() throws Exception {
    jobs.jobs.add(triggered(1, tables(false, 0, 0, "c.s.a")));
    TriggerService s =
        new TriggerService(
            new JdbcTriggerStates(db),
            jobs,
            launcher,
            events,
            java.time.Clock.systemUTC(),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30));
    services.add(s);
    s.startThread();
    Thread.sleep(300); // the first pass records the baseline
    long start = System.nanoTime();
    events.commit("c.s.a", 1, Instant.now());
    while (launcher.runs.isEmpty() && System.nanoTime() - start < 5_000_000_000L) {
      Thread.sleep(2);
    }
    assertThat(launcher.runs).hasSize(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  long rows() {
    return db.read(
        h -> h.createQuery("SELECT COUNT(*) FROM job_trigger_state").mapTo(Long.class).one());
  }
}
