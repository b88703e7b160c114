package dev.keel.catalog.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit store and log's behaviour, run on every database Keel supports. */
abstract class AuditStoreContract {
  static final long T0 = 1_700_000_000_000L;
  static final long DAY = Duration.ofDays(1).toMillis();

  @TempDir Path dir;
  Database db;
  JdbcAuditStore store;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    store = new JdbcAuditStore(db);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  static AuditEntry entry(long time, String principal, String action, String securable) {
    return new AuditEntry(
        UUID.randomUUID().toString(),
        time,
        Optional.ofNullable(principal).map(p -> "id-" + p),
        Optional.ofNullable(principal),
        action.substring(0, action.indexOf('.')),
        action,
        "GET",
        "/api/2.1/unity-catalog/tables/{full_name}",
        Optional.of("TABLE"),
        Optional.ofNullable(securable),
        Optional.of("READ"),
        principal == null ? AuditEntry.Result.DENIED : AuditEntry.Result.ALLOWED,
        principal == null ? 401 : 200,
        Optional.of("127.0.0.1"),
        Optional.of("test-agent"),
        "req-" + time,
        3);
  }

  static AuditQuery query(
      String principal, String action, String securable, Long since, Long until, int limit) {
    return new AuditQuery(
        Optional.ofNullable(principal),
        Optional.ofNullable(action),
        Optional.ofNullable(securable),
        since == null ? OptionalLong.empty() : OptionalLong.of(since),
        until == null ? OptionalLong.empty() : OptionalLong.of(until),
        limit,
        Optional.empty());
  }

  @Test
  void appended_entries_come_back_newest_first_with_every_field() {
    AuditEntry a = entry(T0, "alice", "unity-catalog.tables.get", "main.s.t");
    AuditEntry b = entry(T0 + 5, null, "mlflow.runs.log-batch", null);
    store.append(List.of(a, b));

    List<AuditEntry> found = store.find(AuditQuery.all(10));
    assertThat(found).containsExactly(b, a);
  }

  @Test
  void filters_match_principal_action_exactly_or_by_prefix_securable_and_time() {
    store.append(
        List.of(
            entry(T0, "alice", "unity-catalog.tables.get", "main.s.t"),
            entry(T0 + 1, "bob", "unity-catalog.tables.delete", "main.s.t"),
            entry(T0 + 2, "alice", "mlflow.runs.log-batch", "run1"),
            entry(T0 + 3, "alice", "unity-catalog.tables_x.get", "main.s.u")));

    assertThat(store.find(query("alice", null, null, null, null, 10)))
        .extracting(AuditEntry::eventTime)
        .containsExactly(T0 + 3, T0 + 2, T0);
    assertThat(store.find(query(null, "unity-catalog.tables.delete", null, null, null, 10)))
        .extracting(AuditEntry::principalName)
        .containsExactly(Optional.of("bob"));
    // a prefix; LIKE's '_' is not a wildcard: tables_x is not under tables.
    assertThat(store.find(query(null, "unity-catalog.tables.*", null, null, null, 10)))
        .extracting(AuditEntry::eventTime)
        .containsExactly(T0 + 1, T0);
    assertThat(store.find(query(null, "unity-catalog.tables_*", null, null, null, 10)))
        .extracting(AuditEntry::eventTime)
        .containsExactly(T0 + 3);
    assertThat(store.find(query("alice", null, "main.s.t", null, null, 10)))
        .extracting(AuditEntry::eventTime)
        .containsExactly(T0);
    assertThat(store.find(query(null, null, null, T0 + 1, T0 + 3, 10)))
        .extracting(AuditEntry::eventTime)
        .containsExactly(T0 + 2, T0 + 1);
  }

  @Test
  void pages_by_position_see_every_entry_once_even_with_equal_times() {
    List<AuditEntry> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      all.add(entry(T0 + i / 3, "alice", "mlflow.runs.get", "r" + i)); // three per ms
    }
    store.append(all);
    AuditLog log = log(store, Clock.systemUTC(), 0);
    try {
      List<String> seen = new ArrayList<>();
      Optional<String> token = Optional.empty();
      int pages = 0;
      do {
        Page<AuditEntry> p = log.search(AuditQuery.all(7), token);
        p.items().forEach(e -> seen.add(e.eventId()));
        token = p.nextPageToken();
        pages++;
      } while (token.isPresent());
      assertThat(pages).isEqualTo(4);
      assertThat(seen).doesNotHaveDuplicates().hasSize(25);
      assertThat(seen)
          .containsExactlyElementsOf(
              store.find(AuditQuery.all(100)).stream().map(AuditEntry::eventId).toList());
    } finally {
      log.close();
    }
  }

  @Test
  void a_token_the_log_did_not_hand_out_is_refused_naming_page_token() {
    AuditLog log = log(store, Clock.systemUTC(), 0);
    try {
      for (String bad :
          List.of(
              "garbage!",
              dev.keel.core.PageToken.ofName("nocolon"),
              dev.keel.core.PageToken.ofOffset(3))) {
        assertThatThrownBy(() -> log.search(AuditQuery.all(5), Optional.of(bad)))
            .isInstanceOf(KeelException.class)
            .hasMessageContaining("page_token")
            .satisfies(
                e -> assertThat(((KeelException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
      }
    } finally {
      log.close();
    }
  }

  @Test
  void recorded_entries_are_committed_by_the_writer_and_close_drains_the_queue() {
    AuditLog log = log(store, Clock.systemUTC(), 0);
    for (int i = 0; i < 5_000; i++) {
      log.record(entry(T0 + i, "alice", "mlflow.runs.log-batch", "r"));
    }
    log.close(); // no wait before: close must write what is queued
    assertThat(store.find(AuditQuery.all(10_000))).hasSize(5_000);
    assertThat(log.written()).isEqualTo(5_000);
    assertThat(log.dropped()).isZero();
  }

  @Test
  void a_search_sees_the_entries_recorded_before_it() {
    AuditLog log = log(store, Clock.systemUTC(), 0);
    try {
      log.record(entry(T0, "alice", "mlflow.runs.get", "r"));
      assertThat(log.search(AuditQuery.all(10), Optional.empty()).items()).hasSize(1);
    } finally {
      log.close();
    }
  }

  @Test
  void entries_past_their_retention_are_deleted_at_start_and_the_others_kept() {
    long now = T0 + 400 * DAY;
    List<AuditEntry> rows = new ArrayList<>();
    for (int i = 0; i < AuditLog.DELETE_CHUNK + 10; i++) {
      rows.add(entry(now - 31 * DAY - i, "old", "mlflow.runs.get", null)); // more than one chunk
    }
    rows.add(entry(now - 29 * DAY, "recent", "mlflow.runs.get", null));
    store.append(rows);

    AuditLog log = log(store, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC), 30);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (store.find(AuditQuery.all(2)).size() > 1 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(store.find(AuditQuery.all(10)))
          .extracting(AuditEntry::principalName)
          .containsExactly(Optional.of("recent"));
    } finally {
      log.close();
    }
  }

  @Test
  void entries_are_numbered_in_commit_order_and_numbers_are_never_reused() {
    assertThat(store.lastSequence()).isZero();
    assertThat(store.append(List.of(entry(T0 + 5, "a", "mlflow.runs.get", null)))).isEqualTo(1);
    // numbered in the order they were appended, not by their time
    assertThat(
            store.append(
                List.of(
                    entry(T0 + 1, "b", "mlflow.runs.get", null),
                    entry(T0 + 9, "c", "mlflow.runs.get", null))))
        .isEqualTo(3);
    assertThat(store.after(0, 10))
        .extracting(e -> e.sequence() + ":" + e.entry().principalName().orElseThrow())
        .containsExactly("1:a", "2:b", "3:c");
    assertThat(store.after(1, 1)).extracting(SequencedEntry::sequence).containsExactly(2L);
    assertThat(store.append(List.of())).isEqualTo(3);

    // retention deletes every entry: the next number still follows the last one given
    assertThat(store.deleteBefore(T0 + 100, 10)).isEqualTo(3);
    assertThat(store.append(List.of(entry(T0 + 200, "d", "mlflow.runs.get", null)))).isEqualTo(4);
    assertThat(store.after(0, 10)).extracting(SequencedEntry::sequence).containsExactly(4L);
    assertThat(store.lastSequence()).isEqualTo(4);
  }

  @Test
  void sinks_hear_of_each_commit_and_read_what_it_committed() throws Exception {
    AuditLog log = log(store, Clock.systemUTC(), 0);
    java.util.concurrent.BlockingQueue<Long> heard =
        new java.util.concurrent.LinkedBlockingQueue<>();
    log.addSink(heard::add);
    log.addSink(
        last -> {
          throw new IllegalStateException("a broken sink is ignored");
        });
    try {
      log.record(entry(T0, "alice", "mlflow.runs.get", "r"));
      Long last = heard.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(last).isEqualTo(1L);
      assertThat(log.lastSequence()).isEqualTo(1L);
      assertThat(log.after(0, 10))
          .extracting(e -> e.entry().securableName())
          .containsExactly(Optional.of("r"));
    } finally {
      log.close();
    }
  }

  @Test
  void retention_zero_keeps_everything() {
    store.append(List.of(entry(1, "ancient", "mlflow.runs.get", null)));
    AuditLog log = log(store, Clock.systemUTC(), 0);
    try {
      assertThat(log.applyRetention()).isZero();
      assertThat(store.find(AuditQuery.all(10))).hasSize(1);
    } finally {
      log.close();
    }
  }

  @Test
  void a_full_queue_drops_after_the_wait_and_counts_it() {
    // A database that is gone: nothing commits, the queue of 1 fills, the next entry waits for
    // room, then is dropped.
    Database gone = open(dir.resolve("gone"));
    gone.close();
    AuditStore stuck = new JdbcAuditStore(gone);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    AuditLog log =
        new AuditLog(
            stuck, Clock.systemUTC(), new AuditLog.Options(1, Duration.ofMillis(50), 0), metrics);
    try {
      log.record(entry(T0, "alice", "mlflow.runs.get", null));
      // the writer took it and retries it every second; the queue (of one) is empty again
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (metrics.get("keel.audit.queued").gauge().value() > 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      long t = System.nanoTime();
      for (int i = 1; i < 5; i++) {
        log.record(entry(T0 + i, "alice", "mlflow.runs.get", null));
      }
      assertThat(log.dropped()).isEqualTo(3); // one queued, three dropped after waiting
      assertThat(System.nanoTime() - t).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
      assertThat(metrics.get("keel.audit.dropped").counter().count()).isEqualTo(log.dropped());
    } finally {
      log.close();
    }
  }

  static AuditLog log(AuditStore store, Clock clock, int retentionDays) {
    return new AuditLog(
        store,
        clock,
        new AuditLog.Options(10_000, Duration.ofSeconds(2), retentionDays),
        new SimpleMeterRegistry());
  }
}
