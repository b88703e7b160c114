package dev.keel.monitoring.alerts;

import static dev.keel.monitoring.alerts.AlertFixtures.TABLE;
import static dev.keel.monitoring.alerts.AlertFixtures.day;
import static dev.keel.monitoring.alerts.AlertFixtures.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelException;
import dev.keel.monitoring.alerts.AlertFixtures.D;
import dev.keel.monitoring.alerts.AlertFixtures.P;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert service against a real metadata database (SQLite and PostgreSQL subclasses). */
abstract class AlertServiceContract {
  @TempDir Path dir;
  Database db;
  final AlertFixtures.Monitors monitors = new AlertFixtures.Monitors().daily(TABLE, true);
  final AlertFixtures.Jobs jobs = new AlertFixtures.Jobs();
  final AlertFixtures.TestClock clock =
      new AlertFixtures.TestClock(Instant.parse("2026-06-20T08:00:00Z"));
  final List<AlertService> services = new ArrayList<>();
  int files;

  abstract Database open(Path dir);

  @BeforeEach
  void openDb() {
    db = open(dir);
  }

  @AfterEach
  void closeAll() {
    services.forEach(AlertService::close);
    db.close();
  }

  AlertService service() {
    AlertService s =
        new AlertService(
            db, monitors, jobs, AlertSettings.defaults().withPrivateAddresses(true), clock);
    services.add(s);
    return s;
  }

  /** Profile metrics: {@code percent_null} of {@code :table} for days 0.. with these values. */
  AlertMetrics profile(Double... values) throws Exception {
    List<P> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(P.table(day(i), values[i]));
      // rows the alert must not read: another column, a slice, a model, the baseline
      rows.add(new P(day(i), "x", null, null, "*", "INPUT", 99.0));
      rows.add(new P(day(i), ":table", "country", "fr", "*", "INPUT", 99.0));
      rows.add(new P(day(i), ":table", null, null, "m1", "INPUT", 99.0));
      rows.add(new P(day(i), ":table", null, null, "*", "BASELINE", 99.0));
    }
    Path p = AlertFixtures.profile(dir, "profile" + (files++) + ".parquet", rows);
    return new AlertMetrics(List.of(p), List.of());
  }

  @Test
  void create_resolves_defaults_from_the_monitor() {
    Alert a = service().create(input("ks_test.pvalue", "LESS_THAN", 0.05), "alice");
    assertThat(a.state()).isEqualTo(AlertState.UNKNOWN);
    assertThat(a.spec().table()).isEqualTo(AlertSpec.MetricTable.DRIFT);
    assertThat(a.spec().columnName()).isEqualTo(":table");
    assertThat(a.spec().modelId()).isEqualTo("*");
    assertThat(a.spec().granularity()).contains("1 day");
    assertThat(a.spec().driftType()).contains(AlertSpec.DriftType.BASELINE);
    assertThat(a.spec().evaluation()).isEqualTo(new AlertSpec.Evaluation(1, 1));
    assertThat(service().get(a.alertId())).isEqualTo(a);
  }

  @Test
  void drift_alerts_default_to_consecutive_without_a_baseline() {
    monitors.daily(TABLE, false);
    Alert a = service().create(input("js_distance", "GREATER_THAN", 0.1), "alice");
    assertThat(a.spec().driftType()).contains(AlertSpec.DriftType.CONSECUTIVE);
  }

  @Test
  void create_on_a_table_without_monitor_returns_404() {
    AlertInput in = input("percent_null", "GREATER_THAN", 0.1);
    AlertInput other =
        new AlertInput(
            in.name(),
            Optional.of("main.ml.nothing"),
            in.metric(),
            in.columnName(),
            in.sliceKey(),
            in.sliceValue(),
            in.modelId(),
            in.granularity(),
            in.driftType(),
            in.op(),
            in.threshold(),
            in.violations(),
            in.windows(),
            in.webhooks(),
            in.runJob(),
            false);
    assertThatThrownBy(() -> service().create(other, "alice"))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code().httpStatus()).isEqualTo(404));
  }

  @Test
  void unknown_metric_is_refused_listing_the_valid_ones() {
    assertThatThrownBy(() -> service().create(input("nope", "GREATER_THAN", 1), "alice"))
        .hasMessageContaining("metric:")
        .hasMessageContaining("js_distance")
        .hasMessageContaining("percent_null")
        .hasMessageContaining("my_ratio");
    assertThat(service().list(Optional.empty(), 0, Optional.empty()).items()).isEmpty();
  }

  @Test
  void list_pages_by_id_and_filters_by_table() {
    monitors.daily("main.ml.other", false);
    AlertService s = service();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(s.create(input("percent_null", "GREATER_THAN", i), "alice").alertId());
    }
    AlertInput in = input("percent_null", "GREATER_THAN", 1);
    s.create(
        new AlertInput(
            in.name(),
            Optional.of("main.ml.other"),
            in.metric(),
            in.columnName(),
            in.sliceKey(),
            in.sliceValue(),
            in.modelId(),
            in.granularity(),
            in.driftType(),
            in.op(),
            in.threshold(),
            in.violations(),
            in.windows(),
            in.webhooks(),
            in.runJob(),
            false),
        "bob");
    List<String> seen = new ArrayList<>();
    Optional<String> token = Optional.empty();
    do {
      var page = s.list(Optional.of(TABLE), 2, token);
      assertThat(page.items().size()).isLessThanOrEqualTo(2);
      page.items().forEach(a -> seen.add(a.alertId()));
      token = page.nextPageToken();
    } while (token.isPresent());
    assertThat(seen).containsExactlyElementsOf(ids.stream().sorted().toList());
    assertThat(s.list(Optional.empty(), 0, Optional.empty()).items()).hasSize(6);
  }

  @Test
  void update_changes_given_fields_and_rearms_a_changed_rule() throws Exception {
    AlertService s = service();
    Alert a = s.create(input("percent_null", "GREATER_THAN", 0.2), "alice");
    s.evaluate(TABLE, "r1", profile(0.5));
    assertThat(s.get(a.alertId()).state()).isEqualTo(AlertState.TRIGGERED);
    AlertInput rename =
        new AlertInput(
            Optional.of("renamed"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            java.util.OptionalDouble.empty(),
            java.util.OptionalInt.empty(),
            java.util.OptionalInt.empty(),
            Optional.empty(),
            Optional.empty(),
            false);
    Alert renamed = s.update(a.alertId(), rename, "alice");
    assertThat(renamed.spec().name()).isEqualTo("renamed");
    assertThat(renamed.state()).isEqualTo(AlertState.TRIGGERED);
    assertThat(renamed.spec().threshold()).isEqualTo(0.2);
    AlertInput threshold =
        new AlertInput(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            java.util.OptionalDouble.of(0.9),
            java.util.OptionalInt.empty(),
            java.util.OptionalInt.empty(),
            Optional.empty(),
            Optional.empty(),
            false);
    Alert changed = s.update(a.alertId(), threshold, "alice");
    assertThat(changed.state()).isEqualTo(AlertState.UNKNOWN);
    assertThat(changed.spec().name()).isEqualTo("renamed");
  }

  @Test
  void delete_removes_the_alert_and_its_firings() throws Exception {
    AlertService s = service();
    Alert a = s.create(input("percent_null", "GREATER_THAN", 0.2), "alice");
    s.evaluate(TABLE, "r1", profile(0.5));
    s.delete(a.alertId());
    assertThatThrownBy(() -> s.get(a.alertId())).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> s.delete(a.alertId())).hasMessageContaining("does not exist");
    long firings =
        db.read(
            h ->
                h.createQuery("SELECT COUNT(*) FROM monitor_alert_firings")
                    .mapTo(Long.class)
                    .one());
    assertThat(firings).isZero();
  }

  @Test
  void a_violation_fires_once_and_not_again_while_triggered() throws Exception {
    AlertService s = service();
    Alert a =
        s.create(
            AlertFixtures.withEvaluation(input("percent_null", "GREATER_THAN", 0.2), 2, 3),
            "alice");
    var first = s.evaluate(TABLE, "r1", profile(0.1, 0.3, 0.4));
    assertThat(first).singleElement().satisfies(e -> assertThat(e.firingId()).isPresent());
    var again = s.evaluate(TABLE, "r2", profile(0.1, 0.3, 0.4, 0.5));
    assertThat(again.get(0).state()).isEqualTo(AlertState.TRIGGERED);
    assertThat(again.get(0).firingId()).isEmpty();
    var page = s.firings(a.alertId(), 0, Optional.empty());
    assertThat(page.items())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.refreshId()).isEqualTo("r1");
              assertThat(f.latest().startMs()).isEqualTo(AlertFixtures.dayMs(2));
              assertThat(f.latest().endMs()).isEqualTo(AlertFixtures.dayMs(3));
              assertThat(f.latest().value()).hasValue(0.4);
              assertThat(f.values())
                  .extracting(v -> v.value().orElse(-1))
                  .containsExactly(0.1, 0.3, 0.4);
            });
  }

  @Test
  void an_ok_evaluation_rearms_the_alert_so_it_fires_again() throws Exception {
    AlertService s = service();
    Alert a = s.create(input("percent_null", "GREATER_THAN", 0.2), "alice");
    s.evaluate(TABLE, "r1", profile(0.5));
    clock.advanceMillis(60_000);
    var ok = s.evaluate(TABLE, "r2", profile(0.5, 0.1));
    assertThat(ok.get(0).state()).isEqualTo(AlertState.OK);
    assertThat(s.get(a.alertId()).lastEvaluatedMs()).hasValue(clock.millis());
    clock.advanceMillis(60_000);
    var again = s.evaluate(TABLE, "r3", profile(0.5, 0.1, 0.7));
    assertThat(again.get(0).firingId()).isPresent();
    var firings = s.firings(a.alertId(), 1, Optional.empty());
    assertThat(firings.items())
        .singleElement()
        .satisfies(f -> assertThat(f.refreshId()).isEqualTo("r3"));
    assertThat(firings.nextPageToken()).isPresent();
    var older = s.firings(a.alertId(), 1, firings.nextPageToken());
    assertThat(older.items())
        .singleElement()
        .satisfies(f -> assertThat(f.refreshId()).isEqualTo("r1"));
    assertThat(older.nextPageToken()).isEmpty();
  }

  @Test
  void rows_of_other_columns_slices_models_and_the_baseline_are_not_read() throws Exception {
    AlertService s = service();
    s.create(input("percent_null", "GREATER_THAN", 50), "alice");
    // the decoy rows hold 99 and would violate
    assertThat(s.evaluate(TABLE, "r1", profile(0.1)).get(0).state()).isEqualTo(AlertState.OK);
    AlertInput fr =
        new AlertInput(
            Optional.of("fr"),
            Optional.of(TABLE),
            Optional.of("percent_null"),
            Optional.empty(),
            Optional.of("country"),
            Optional.of("fr"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("GREATER_THAN"),
            java.util.OptionalDouble.of(50),
            java.util.OptionalInt.empty(),
            java.util.OptionalInt.empty(),
            Optional.empty(),
            Optional.empty(),
            false);
    s.create(fr, "alice");
    var out = s.evaluate(TABLE, "r2", profile(0.1));
    assertThat(out)
        .extracting(AlertService.Evaluated::state)
        .containsExactlyInAnyOrder(AlertState.OK, AlertState.TRIGGERED);
  }

  @Test
  void drift_alerts_read_the_drift_type_and_struct_fields() throws Exception {
    AlertService s = service();
    Alert a = s.create(input("ks_test.pvalue", "LESS_THAN", 0.05), "alice");
    Path drift =
        AlertFixtures.drift(
            dir,
            "drift.parquet",
            List.of(
                new D(day(0), ":table", "BASELINE", 0.5, 0.1),
                new D(day(1), ":table", "BASELINE", 0.01, 0.1),
                new D(day(1), ":table", "CONSECUTIVE", 0.9, 0.1)));
    var out = s.evaluate(TABLE, "r1", new AlertMetrics(List.of(), List.of(drift)));
    assertThat(out.get(0).state()).isEqualTo(AlertState.TRIGGERED);
    assertThat(s.firings(a.alertId(), 0, Optional.empty()).items().get(0).latest().value())
        .hasValue(0.01);
  }

  @Test
  void a_metric_that_cannot_be_read_makes_the_alert_unknown_with_the_reason() throws Exception {
    AlertService s = service();
    Alert a = s.create(input("my_ratio", "GREATER_THAN", 1), "alice");
    var out = s.evaluate(TABLE, "r1", profile(0.1));
    assertThat(out.get(0).state()).isEqualTo(AlertState.UNKNOWN);
    assertThat(s.get(a.alertId()).lastError())
        .hasValueSatisfying(e -> assertThat(e).contains("my_ratio"));
    Alert b = s.create(input("js_distance", "GREATER_THAN", 1), "alice");
    s.evaluate(TABLE, "r2", profile(0.1));
    assertThat(s.get(b.alertId()).lastError())
        .hasValueSatisfying(e -> assertThat(e).contains("no data"));
  }

  @Test
  void a_firing_starts_the_job_with_the_alert_parameters_once() throws Exception {
    jobs.existing.add(7L);
    jobs.mayRun.add("alice");
    AlertService s = service();
    Alert a =
        s.create(
            AlertFixtures.withRunJob(
                input("percent_null", "GREATER_THAN", 0.2),
                new AlertSpec.RunJob(7, Map.of("mode", "retrain", "alert_id", "spoofed"))),
            "alice");
    var fired = s.evaluate(TABLE, "r1", profile(0.1, 0.35));
    String firingId = fired.get(0).firingId().orElseThrow();
    assertThat(jobs.runs).isEmpty(); // started by the outbox, after the commit
    assertThat(s.deliverDue()).isEqualTo(1);
    assertThat(s.deliverDue()).isZero();
    assertThat(jobs.runs)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.jobId()).isEqualTo(7);
              assertThat(r.runAs()).isEqualTo("alice");
              assertThat(r.token()).isEqualTo(firingId);
              assertThat(r.params())
                  .containsEntry("mode", "retrain")
                  .containsEntry("alert_id", a.alertId())
                  .containsEntry("alert_name", "drift of x")
                  .containsEntry("table_name", TABLE)
                  .containsEntry("metric", "percent_null")
                  .containsEntry("value", "0.35")
                  .containsEntry("threshold", "0.2")
                  .containsEntry("window_start", day(1) + "T00:00:00Z")
                  .containsEntry("window_end", day(2) + "T00:00:00Z")
                  .containsEntry("firing_id", firingId);
            });
    Firing f = s.firings(a.alertId(), 0, Optional.empty()).items().get(0);
    assertThat(f.job())
        .hasValueSatisfying(
            j -> {
              assertThat(j.state()).isEqualTo(Firing.JobAction.State.STARTED);
              assertThat(j.runId()).hasValue(jobs.runs.get(0).runId());
            });
  }

  @Test
  void a_job_start_that_fails_transiently_is_retried_with_back_off() throws Exception {
    jobs.existing.add(7L);
    jobs.mayRun.add("alice");
    jobs.down = true;
    AlertService s = service();
    Alert a =
        s.create(
            AlertFixtures.withRunJob(
                input("percent_null", "GREATER_THAN", 0.2), new AlertSpec.RunJob(7, Map.of())),
            "alice");
    s.evaluate(TABLE, "r1", profile(0.5));
    assertThat(s.deliverDue()).isEqualTo(1);
    jobs.down = false;
    assertThat(s.deliverDue()).isZero(); // not due before the back-off
    clock.advanceMillis(1_000);
    assertThat(s.deliverDue()).isEqualTo(1);
    assertThat(jobs.runs).hasSize(1);
    assertThat(
            s.firings(a.alertId(), 0, Optional.empty())
                .items()
                .get(0)
                .job()
                .orElseThrow()
                .attempts())
        .isEqualTo(2);
  }

  @Test
  void run_job_needs_an_existing_job_the_caller_may_run() {
    jobs.existing.add(7L);
    AlertInput in =
        AlertFixtures.withRunJob(
            input("percent_null", "GREATER_THAN", 0.2), new AlertSpec.RunJob(7, Map.of()));
    assertThatThrownBy(() -> service().create(in, "mallory"))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code().httpStatus()).isEqualTo(403));
    AlertInput missing =
        AlertFixtures.withRunJob(
            input("percent_null", "GREATER_THAN", 0.2), new AlertSpec.RunJob(8, Map.of()));
    assertThatThrownBy(() -> service().create(missing, "mallory"))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code().httpStatus()).isEqualTo(400));
    assertThat(service().list(Optional.empty(), 0, Optional.empty()).items()).isEmpty();
  }

  @Test
  void the_outbox_survives_a_restart_on_the_same_database() throws Exception {
    jobs.existing.add(7L);
    jobs.mayRun.add("alice");
    try (AlertFixtures.Receiver hook = new AlertFixtures.Receiver()) {
      AlertService first = service();
      first.create(
          AlertFixtures.withRunJob(
              AlertFixtures.withWebhooks(
                  input("percent_null", "GREATER_THAN", 0.2),
                  List.of(new AlertInput.WebhookInput(hook.url(), Optional.of("k")))),
              new AlertSpec.RunJob(7, Map.of())),
          "alice");
      first.evaluate(TABLE, "r1", profile(0.5));
      first.close(); // "killed" before any delivery: nothing was sent
      assertThat(hook.received).isEmpty();
      AlertService second = service();
      assertThat(second.deliverDue()).isEqualTo(2);
      assertThat(hook.received).hasSize(1);
      assertThat(jobs.runs).hasSize(1);
    }
  }

  @Test
  void a_claimed_attempt_is_not_made_twice_by_two_services() throws Exception {
    try (AlertFixtures.Receiver hook = new AlertFixtures.Receiver()) {
      AlertService one = service();
      AlertService two = service();
      one.create(
          AlertFixtures.withWebhooks(
              input("percent_null", "GREATER_THAN", 0.2),
              List.of(new AlertInput.WebhookInput(hook.url(), Optional.empty()))),
          "alice");
      one.evaluate(TABLE, "r1", profile(0.5));
      JdbcAlertStore store = new JdbcAlertStore(db);
      var due = store.dueDeliveries(clock.millis(), 10);
      assertThat(due).hasSize(1);
      assertThat(
              store.claimDelivery(
                  due.get(0).deliveryId(), 0, clock.millis() + 60_000, clock.millis()))
          .isTrue();
      assertThat(
              store.claimDelivery(
                  due.get(0).deliveryId(), 0, clock.millis() + 60_000, clock.millis()))
          .isFalse();
      assertThat(two.deliverDue()).isZero(); // leased
      clock.advanceMillis(60_000);
      assertThat(two.deliverDue()).isEqualTo(1); // the lease ran out: attempted again
      assertThat(hook.received).hasSize(1);
    }
  }
}
