package dev.keel.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What every {@link MonitorStore} does; subclasses give the store. */
abstract class MonitorStoreContract {
  abstract MonitorStore store();

  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  static MonitorSpec spec(String table) {
    return new MonitorSpec(
        table,
        "main.mon",
        Optional.of("/Shared/x"),
        new ProfileType.TimeSeries("ts", List.of(Granularity.parse("g", "1 day"))),
        Optional.of("main.ml.base"),
        List.of("region"),
        List.of(),
        Optional.of(new MonitorSchedule("0 0 6 * * ?", "UTC", false)),
        Optional.empty(),
        true);
  }

  static MonitorInfo monitor(String table, Optional<Instant> next) {
    return new MonitorInfo(
        spec(table),
        MonitorInfo.Status.MONITOR_STATUS_ACTIVE,
        1,
        Optional.empty(),
        next,
        "alice",
        T0,
        T0);
  }

  static MonitorRefresh pending(long id, String table, Instant at) {
    return new MonitorRefresh(
        id,
        table,
        MonitorRefresh.State.PENDING,
        MonitorRefresh.Trigger.MANUAL,
        1,
        at,
        Optional.empty(),
        Optional.empty(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        OptionalLong.empty());
  }

  @Test
  void a_monitor_round_trips_and_a_second_one_on_the_table_is_refused() {
    MonitorStore s = store();
    MonitorInfo m = monitor("main.ml.t", Optional.of(T0.plusSeconds(60)));
    s.insert(m);
    assertThat(s.get("main.ml.t")).hasValue(m);
    assertThatThrownBy(() -> s.insert(m))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("already exists");
    MonitorInfo u = s.update("main.ml.t", spec("main.ml.t"), Optional.empty(), T0.plusSeconds(5));
    assertThat(u.monitorVersion()).isEqualTo(2);
    assertThat(u.nextRefreshAt()).isEmpty();
    assertThat(s.watching("main.ml.base"))
        .extracting(x -> x.spec().tableName())
        .containsExactly("main.ml.t");
    assertThat(s.watching("main.ml.other")).isEmpty();
    assertThat(s.dataChangeMonitors()).hasSize(1);
    assertThat(s.delete("main.ml.t")).isTrue();
    assertThat(s.get("main.ml.t")).isEmpty();
    assertThat(s.delete("main.ml.t")).isFalse();
  }

  @Test
  void a_refresh_is_queued_once_claimed_by_one_server_and_ended_only_by_it() {
    MonitorStore s = store();
    s.insert(monitor("main.ml.t", Optional.empty()));
    MonitorRefresh first = s.queue(pending(11, "main.ml.t", T0));
    assertThat(first.refreshId()).isEqualTo(11);
    // a second request while one is pending answers the pending one
    assertThat(s.queue(pending(12, "main.ml.t", T0.plusSeconds(1))).refreshId()).isEqualTo(11);
    MonitorRefresh claimed = s.claim("a", T0.plusSeconds(2), T0.minusSeconds(60)).orElseThrow();
    assertThat(claimed.refreshId()).isEqualTo(11);
    assertThat(claimed.state()).isEqualTo(MonitorRefresh.State.RUNNING);
    // one RUNNING per table: the next one queues but is not claimed
    assertThat(s.queue(pending(13, "main.ml.t", T0.plusSeconds(3))).refreshId()).isEqualTo(13);
    assertThat(s.claim("b", T0.plusSeconds(4), T0.minusSeconds(60))).isEmpty();
    assertThat(
            s.end(
                11,
                "b",
                MonitorRefresh.State.SUCCESS,
                Optional.empty(),
                T0,
                OptionalLong.of(5),
                OptionalLong.empty(),
                OptionalLong.empty()))
        .isFalse();
    assertThat(
            s.end(
                11,
                "a",
                MonitorRefresh.State.SUCCESS,
                Optional.of("ok"),
                T0.plusSeconds(5),
                OptionalLong.of(5),
                OptionalLong.of(6),
                OptionalLong.empty()))
        .isTrue();
    MonitorRefresh done = s.lastSuccess("main.ml.t").orElseThrow();
    assertThat(done.inputSnapshotId()).hasValue(5);
    assertThat(done.baselineSnapshotId()).hasValue(6);
    assertThat(done.labelSnapshotId()).isEmpty();
    assertThat(done.message()).hasValue("ok");
    assertThat(s.claim("b", T0.plusSeconds(6), T0.minusSeconds(60)).orElseThrow().refreshId())
        .isEqualTo(13);
    assertThat(s.refreshes("main.ml.t", 10))
        .extracting(MonitorRefresh::refreshId)
        .containsExactly(13L, 11L);
  }

  @Test
  void a_refresh_whose_server_stopped_renewing_is_claimed_again() {
    MonitorStore s = store();
    s.insert(monitor("main.ml.t", Optional.empty()));
    s.queue(pending(21, "main.ml.t", T0));
    s.claim("a", T0, T0.minusSeconds(60)).orElseThrow();
    assertThat(s.heartbeat(21, "a", T0.plusSeconds(10))).isTrue();
    assertThat(s.claim("b", T0.plusSeconds(20), T0.minusSeconds(40))).isEmpty();
    MonitorRefresh again = s.claim("b", T0.plusSeconds(100), T0.plusSeconds(40)).orElseThrow();
    assertThat(again.refreshId()).isEqualTo(21);
    assertThat(s.heartbeat(21, "a", T0.plusSeconds(101))).isFalse();
    s.release(21, "b");
    assertThat(s.refresh("main.ml.t", 21).orElseThrow().state())
        .isEqualTo(MonitorRefresh.State.PENDING);
  }

  @Test
  void cancel_ends_a_pending_refresh_and_flags_a_running_one() {
    MonitorStore s = store();
    s.insert(monitor("main.ml.t", Optional.empty()));
    s.queue(pending(31, "main.ml.t", T0));
    assertThat(s.cancel(31, T0.plusSeconds(1))).isTrue();
    assertThat(s.refresh("main.ml.t", 31).orElseThrow().state())
        .isEqualTo(MonitorRefresh.State.CANCELED);
    assertThat(s.cancel(31, T0.plusSeconds(2))).isFalse();
    s.queue(pending(32, "main.ml.t", T0.plusSeconds(3)));
    s.claim("a", T0.plusSeconds(3), T0.minusSeconds(60)).orElseThrow();
    assertThat(s.cancelRequested(32)).isFalse();
    assertThat(s.cancel(32, T0.plusSeconds(4))).isTrue();
    assertThat(s.cancelRequested(32)).isTrue();
  }

  @Test
  void a_due_schedule_fires_once_across_servers() {
    MonitorStore s = store();
    Instant due = T0.plusSeconds(60);
    s.insert(monitor("main.ml.t", Optional.of(due)));
    assertThat(s.due(T0)).isEmpty();
    assertThat(s.due(due)).hasSize(1);
    assertThat(s.fireSchedule("main.ml.t", due, Optional.of(due.plusSeconds(86400)), 41, due))
        .isTrue();
    assertThat(s.fireSchedule("main.ml.t", due, Optional.of(due.plusSeconds(86400)), 42, due))
        .isFalse();
    assertThat(s.refreshes("main.ml.t", 10))
        .singleElement()
        .satisfies(r -> assertThat(r.trigger()).isEqualTo(MonitorRefresh.Trigger.SCHEDULE));
    assertThat(s.get("main.ml.t").orElseThrow().nextRefreshAt()).hasValue(due.plusSeconds(86400));
  }

  @Test
  void status_records_the_latest_failure() {
    MonitorStore s = store();
    s.insert(monitor("main.ml.t", Optional.empty()));
    s.setStatus("main.ml.t", MonitorInfo.Status.MONITOR_STATUS_ERROR, Optional.of("boom"));
    assertThat(s.get("main.ml.t").orElseThrow().failureMsg()).hasValue("boom");
    s.setStatus("main.ml.t", MonitorInfo.Status.MONITOR_STATUS_ACTIVE, Optional.empty());
    assertThat(s.get("main.ml.t").orElseThrow().failureMsg()).isEmpty();
  }
}
