package dev.keel.features.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link OnlineStore} must have; run against each backend. */
abstract class OnlineStoreContract {
  static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  static final List<String> ID = List.of("driver_id");
  static final List<String> STATS = List.of("conv_rate", "trips", "city");

  final MutableClock clock = new MutableClock(T0.plus(Duration.ofMinutes(5)));
  OnlineStore store;

  /** A fresh, empty store using {@link #clock}. */
  abstract OnlineStore open();

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  static OnlineRow row(Object key, Instant t, Object... values) {
    return new OnlineRow(List.of(key), t, Arrays.asList(values));
  }

  static FeatureResult only(OnlineFeatures f) {
    assertThat(f.results()).hasSize(1);
    return f.results().get(0);
  }

  OnlineFeatures readStats(Object driver, String... features) {
    List<FeatureRef> refs = new ArrayList<>();
    for (String f : features) {
      refs.add(FeatureRef.of("driver_stats", f));
    }
    return store.read(refs, EntityRows.of("driver_id", driver));
  }

  @Test
  void written_values_of_every_type_read_back_present_with_their_event_time() {
    List<String> cols =
        List.of("b", "i", "l", "f", "d", "s", "ts", "bytes", "empty_s", "unicode", "neg");
    Instant valueTime = Instant.parse("2025-03-04T05:06:07.123456789Z");
    WriteResult w =
        store.write(
            "all_types",
            ID,
            cols,
            List.of(
                new OnlineRow(
                    List.of(7L),
                    T0,
                    Arrays.asList(
                        true,
                        42,
                        1L << 40,
                        1.5f,
                        Math.PI,
                        "hello",
                        valueTime,
                        new byte[] {0, 1, (byte) 0xFF},
                        "",
                        "ünï €",
                        Long.MIN_VALUE))));
    assertThat(w).isEqualTo(new WriteResult(1, 0));

    List<FeatureRef> refs = cols.stream().map(c -> FeatureRef.of("all_types", c)).toList();
    OnlineFeatures r = store.read(refs, EntityRows.of("driver_id", 7L));
    assertThat(r.entityRows()).isEqualTo(1);
    List<Object> values = r.results().stream().map(x -> x.values().get(0)).toList();
    assertThat(values.subList(0, 7))
        .containsExactly(true, 42, 1L << 40, 1.5f, Math.PI, "hello", valueTime);
    assertThat((byte[]) values.get(7)).containsExactly(0, 1, 0xFF);
    assertThat(values.subList(8, 11)).containsExactly("", "ünï €", Long.MIN_VALUE);
    for (FeatureResult x : r.results()) {
      assertThat(x.statuses()).containsExactly(FeatureStatus.PRESENT);
      assertThat(x.eventTimestamps()).containsExactly(T0);
    }
    assertThat(r.results().get(3).feature()).isEqualTo(FeatureRef.of("all_types", "f"));
  }

  @Test
  void a_row_older_than_or_as_old_as_the_stored_one_is_skipped() {
    Instant t2 = T0.plusSeconds(2);
    assertThat(store.write("driver_stats", ID, STATS, List.of(row(1L, t2, 0.5, 10L, "a"))))
        .isEqualTo(new WriteResult(1, 0));
    assertThat(store.write("driver_stats", ID, STATS, List.of(row(1L, T0, 0.1, 1L, "old"))))
        .isEqualTo(new WriteResult(0, 1));
    assertThat(store.write("driver_stats", ID, STATS, List.of(row(1L, t2, 0.2, 2L, "same"))))
        .isEqualTo(new WriteResult(0, 1));
    assertThat(only(readStats(1L, "city")).values()).containsExactly("a");

    assertThat(
            store.write(
                "driver_stats", ID, STATS, List.of(row(1L, t2.plusNanos(1000), 0.3, 3L, "new"))))
        .isEqualTo(new WriteResult(1, 0));
    FeatureResult city = only(readStats(1L, "city"));
    assertThat(city.values()).containsExactly("new");
    assertThat(city.eventTimestamps()).containsExactly(t2.plusNanos(1000));
  }

  @Test
  void with_replace_equal_a_different_row_of_the_same_event_time_replaces_the_stored_one() {
    Instant t2 = T0.plusSeconds(2);
    store.write("driver_stats", ID, STATS, List.of(row(1L, t2, 0.5, 10L, "a")));
    assertThat(
            store.write(
                "driver_stats",
                ID,
                STATS,
                List.of(row(1L, t2, 0.2, 2L, "b"), row(2L, t2, 0.1, 1L, "x")).iterator(),
                true))
        .isEqualTo(new WriteResult(2, 0));
    assertThat(only(readStats(1L, "city")).values()).containsExactly("b");
    // The same row again is not written; an older one is still skipped.
    assertThat(
            store.write(
                "driver_stats",
                ID,
                STATS,
                List.of(row(1L, t2, 0.2, 2L, "b"), row(2L, T0, 0.9, 9L, "old")).iterator(),
                true))
        .isEqualTo(new WriteResult(0, 2));
    assertThat(only(readStats(1L, "city")).values()).containsExactly("b");
    assertThat(only(readStats(2L, "city")).values()).containsExactly("x");
  }

  @Test
  void event_times_before_1970_and_across_it_are_ordered_by_time() {
    Instant before = Instant.parse("1969-12-31T23:59:59.999999Z");
    assertThat(
            store.write(
                "driver_stats",
                ID,
                STATS,
                List.of(
                    row(1L, Instant.parse("1950-01-01T00:00:00Z"), 0.1, 1L, "1950"),
                    row(1L, before, 0.2, 2L, "1969"),
                    row(1L, Instant.parse("1900-01-01T00:00:00Z"), 0.3, 3L, "1900"),
                    row(1L, Instant.EPOCH, 0.4, 4L, "1970"),
                    row(1L, before, 0.5, 5L, "1969 again"))))
        .isEqualTo(new WriteResult(3, 2));
    FeatureResult city = only(readStats(1L, "city"));
    assertThat(city.values()).containsExactly("1970");
    assertThat(city.eventTimestamps()).containsExactly(Instant.EPOCH);
  }

  @Test
  void within_one_write_the_newest_row_per_key_wins_and_equal_times_keep_the_first() {
    WriteResult w =
        store.write(
            "driver_stats",
            ID,
            STATS,
            List.of(
                row(1L, T0.plusSeconds(1), 0.1, 1L, "first"),
                row(2L, T0, 0.9, 9L, "other"),
                row(1L, T0.plusSeconds(3), 0.3, 3L, "newest"),
                row(1L, T0.plusSeconds(2), 0.2, 2L, "late"),
                row(1L, T0.plusSeconds(3), 0.4, 4L, "same time")));
    assertThat(w).isEqualTo(new WriteResult(3, 2));
    assertThat(only(readStats(1L, "city")).values()).containsExactly("newest");
    assertThat(only(readStats(2L, "city")).values()).containsExactly("other");
  }

  @Test
  void shuffled_times_for_few_keys_keep_the_newest_row_and_count_like_one_by_one_writes() {
    // 300 rows over 10 keys with times in a scrambled order, so rows of one key meet inside one
    // store statement or script call; the expected counts come from applying them one by one.
    List<OnlineRow> rows = new ArrayList<>();
    long[] newest = new long[10];
    java.util.Arrays.fill(newest, -1);
    long written = 0;
    for (int i = 0; i < 300; i++) {
      int key = i % 10;
      long t = (i * 7919L) % 61; // repeats times too, so equal times are skipped
      rows.add(row((long) key, T0.plusSeconds(t), (double) t, (long) i, "k" + key));
      if (t > newest[key]) {
        newest[key] = t;
        written++;
      }
    }
    assertThat(store.write("driver_stats", ID, STATS, rows))
        .isEqualTo(new WriteResult(written, 300 - written));
    for (int key = 0; key < 10; key++) {
      FeatureResult r = only(readStats((long) key, "conv_rate"));
      assertThat(r.values()).containsExactly((double) newest[key]);
      assertThat(r.eventTimestamps()).containsExactly(T0.plusSeconds(newest[key]));
    }
  }

  @Test
  void a_streamed_write_spanning_several_batches_counts_every_row() {
    int n = OnlineStore.BATCH_ROWS * 2 + 17;
    List<OnlineRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(row((long) (i % (n - 5)), T0.plusSeconds(i), (double) i, (long) i, "c" + i));
    }
    // keys 0..4 come twice, the second time newer
    assertThat(store.write("driver_stats", ID, STATS, rows.iterator()))
        .isEqualTo(new WriteResult(n, 0));
    assertThat(only(readStats(3L, "trips")).values()).containsExactly((long) (n - 5 + 3));
    assertThat(store.stats().tables().get(0).entities()).isEqualTo(n - 5);
    assertThat(store.write("driver_stats", ID, STATS, rows.iterator()))
        .isEqualTo(new WriteResult(0, n));
  }

  @Test
  void a_value_older_than_max_age_is_outside_max_age_and_an_age_equal_to_it_is_present() {
    store.write("driver_stats", ID, STATS, List.of(row(1L, T0, 0.5, 10L, "a")));
    Duration maxAge = Duration.ofMinutes(10);
    List<FeatureRef> refs =
        List.of(
            FeatureRef.of("driver_stats", "trips", maxAge), FeatureRef.of("driver_stats", "city"));

    clock.set(T0.plus(maxAge));
    OnlineFeatures atLimit = store.read(refs, EntityRows.of("driver_id", 1L));
    assertThat(atLimit.results().get(0).statuses()).containsExactly(FeatureStatus.PRESENT);
    assertThat(atLimit.results().get(0).values()).containsExactly(10L);

    clock.set(T0.plus(maxAge).plusNanos(1000));
    OnlineFeatures past = store.read(refs, EntityRows.of("driver_id", 1L));
    FeatureResult trips = past.results().get(0);
    assertThat(trips.statuses()).containsExactly(FeatureStatus.OUTSIDE_MAX_AGE);
    assertThat(trips.values()).containsExactly((Object) null);
    assertThat(trips.eventTimestamps()).containsExactly(T0);
    // the same row without a max age is still present
    assertThat(past.results().get(1).statuses()).containsExactly(FeatureStatus.PRESENT);
  }

  @Test
  void unknown_keys_and_unknown_tables_are_not_found_with_epoch_timestamps() {
    store.write("driver_stats", ID, STATS, List.of(row(1L, T0, 0.5, 10L, "a")));
    OnlineFeatures r =
        store.read(
            List.of(FeatureRef.of("driver_stats", "city"), FeatureRef.of("never_written", "x")),
            new EntityRows(ID, List.of(List.of(2L), List.of(1L))));
    assertThat(r.results().get(0).statuses())
        .containsExactly(FeatureStatus.NOT_FOUND, FeatureStatus.PRESENT);
    assertThat(r.results().get(0).values()).containsExactly(null, "a");
    assertThat(r.results().get(0).eventTimestamps()).containsExactly(Instant.EPOCH, T0);
    assertThat(r.results().get(1).statuses())
        .containsExactly(FeatureStatus.NOT_FOUND, FeatureStatus.NOT_FOUND);
  }

  @Test
  void a_read_of_many_entity_rows_and_tables_answers_every_row_in_order() {
    List<OnlineRow> stats = new ArrayList<>();
    List<OnlineRow> profile = new ArrayList<>();
    for (long k = 0; k < 100; k += 2) {
      stats.add(row(k, T0, (double) k, k, "c" + k));
    }
    for (long k = 0; k < 100; k += 3) {
      profile.add(row(k, T0.plusSeconds(k), (int) k));
    }
    store.write("driver_stats", ID, STATS, stats);
    store.write("driver_profile", ID, List.of("age"), profile);
    List<List<Object>> entities = new ArrayList<>();
    for (long k = 99; k >= 0; k--) {
      entities.add(List.of(k));
    }
    entities.add(List.of(4L)); // a repeated entity row
    OnlineFeatures r =
        store.read(
            List.of(
                FeatureRef.of("driver_stats", "trips"),
                FeatureRef.of("driver_profile", "age"),
                FeatureRef.of("driver_stats", "city")),
            new EntityRows(ID, entities));
    assertThat(r.entityRows()).isEqualTo(101);
    for (int i = 0; i < 101; i++) {
      long k = (Long) entities.get(i).get(0);
      assertThat(r.results().get(0).values().get(i)).isEqualTo(k % 2 == 0 ? k : null);
      assertThat(r.results().get(1).values().get(i)).isEqualTo(k % 3 == 0 ? (int) k : null);
      assertThat(r.results().get(1).eventTimestamps().get(i))
          .isEqualTo(k % 3 == 0 ? T0.plusSeconds(k) : Instant.EPOCH);
      assertThat(r.results().get(2).statuses().get(i))
          .isEqualTo(k % 2 == 0 ? FeatureStatus.PRESENT : FeatureStatus.NOT_FOUND);
    }
  }

  @Test
  void a_null_value_is_null_value_with_the_row_event_time() {
    store.write("driver_stats", ID, STATS, List.of(row(1L, T0, null, 10L, null)));
    OnlineFeatures r = readStats(1L, "conv_rate", "trips", "city");
    assertThat(r.results().get(0).statuses()).containsExactly(FeatureStatus.NULL_VALUE);
    assertThat(r.results().get(0).values()).containsExactly((Object) null);
    assertThat(r.results().get(0).eventTimestamps()).containsExactly(T0);
    assertThat(r.results().get(1).statuses()).containsExactly(FeatureStatus.PRESENT);
    assertThat(r.results().get(2).statuses()).containsExactly(FeatureStatus.NULL_VALUE);
  }

  @Test
  void keys_are_typed_so_long_1_and_string_1_are_different_entities() {
    store.write("by_long", List.of("id"), List.of("v"), List.of(row(1L, T0, "long one")));
    store.write("by_string", List.of("id"), List.of("v"), List.of(row("1", T0, "string one")));
    List<FeatureRef> refs = List.of(FeatureRef.of("by_long", "v"), FeatureRef.of("by_string", "v"));

    OnlineFeatures asLong = store.read(refs, EntityRows.of("id", 1L));
    assertThat(asLong.results().get(0).values()).containsExactly("long one");
    assertThat(asLong.results().get(1).statuses()).containsExactly(FeatureStatus.NOT_FOUND);

    OnlineFeatures asString = store.read(refs, EntityRows.of("id", "1"));
    assertThat(asString.results().get(0).statuses()).containsExactly(FeatureStatus.NOT_FOUND);
    assertThat(asString.results().get(1).values()).containsExactly("string one");

    // int and long are one integer family: an int key finds the long entity
    OnlineFeatures asInt = store.read(refs, EntityRows.of("id", 1));
    assertThat(asInt.results().get(0).values()).containsExactly("long one");
  }

  @Test
  void composite_keys_match_whatever_the_column_order_and_need_every_key_column() {
    List<String> keys = List.of("shop_id", "user", "premium");
    store.write(
        "basket",
        keys,
        List.of("items"),
        List.of(
            new OnlineRow(List.of(5, "ana", true), T0, List.of(3L)),
            new OnlineRow(List.of(5, "ana", false), T0, List.of(4L)),
            new OnlineRow(List.of(6, "ana", true), T0, List.of(5L))));
    store.write("driver_stats", ID, STATS, List.of(row(9L, T0, 0.5, 10L, "a")));

    // entity columns in another order, with an extra column used by another table only
    EntityRows entities =
        new EntityRows(
            List.of("premium", "driver_id", "user", "shop_id"),
            List.of(
                List.of(false, 9L, "ana", 5),
                List.of(true, 9L, "ana", 5),
                List.of(true, 1L, "bob", 5)));
    OnlineFeatures r =
        store.read(
            List.of(FeatureRef.of("basket", "items"), FeatureRef.of("driver_stats", "trips")),
            entities);
    assertThat(r.results().get(0).values()).containsExactly(4L, 3L, null);
    assertThat(r.results().get(0).statuses())
        .containsExactly(FeatureStatus.PRESENT, FeatureStatus.PRESENT, FeatureStatus.NOT_FOUND);
    assertThat(r.results().get(1).values()).containsExactly(10L, 10L, null);

    assertThatThrownBy(
            () -> store.read(List.of(FeatureRef.of("basket", "items")), EntityRows.of("user", "x")))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("needs key column 'premium'");
            });
  }

  @Test
  void a_write_with_a_bad_row_changes_nothing() {
    store.write("driver_stats", ID, STATS, List.of(row(1L, T0, 0.5, 10L, "a")));
    List<OnlineRow> rows =
        List.of(
            row(1L, T0.plusSeconds(1), 0.6, 11L, "b"),
            row(2L, T0, 0.6, 11L, "b"),
            row(3L, T0, 0.6, new java.math.BigDecimal("1"), "c"));
    assertThatThrownBy(() -> store.write("driver_stats", ID, STATS, rows))
        .isInstanceOfSatisfying(
            KeelException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("rows[2].values[1] (feature 'trips'): unsupported type BigDecimal"));
    assertThat(only(readStats(1L, "city")).values()).containsExactly("a");
    assertThat(only(readStats(2L, "city")).statuses()).containsExactly(FeatureStatus.NOT_FOUND);

    assertThatThrownBy(
            () ->
                store.write("driver_stats", ID, STATS, List.of(row(4L, T0, 0.1, 1L, "x", "extra"))))
        .hasMessageContaining("rows[0].values: expected 3 values");
    assertThatThrownBy(
            () -> store.write("driver_stats", ID, STATS, List.of(row("4", T0, 0.1, 1L, "x"))))
        .hasMessageContaining("rows[0].key[0] (key column 'driver_id'): expected long, got string");
    assertThatThrownBy(
            () -> store.write("driver_stats", ID, STATS, List.of(row(4.0, T0, 0.1, 1L, "x"))))
        .hasMessageContaining("unsupported type Double");
    assertThat(store.stats().tables().get(0).entities()).isEqualTo(1);
  }

  @Test
  void a_streamed_write_to_a_new_table_with_a_bad_first_batch_leaves_no_layout() {
    List<OnlineRow> rows =
        List.of(row(1L, T0, 0.5, 10L, "a"), row(2L, T0, 0.5, List.of("not a value"), "b"));
    assertThatThrownBy(() -> store.write("driver_stats", ID, STATS, rows.iterator()))
        .hasMessageContaining("rows[1].values[1] (feature 'trips'): unsupported type");
    assertThat(store.stats().tables()).isEmpty();
    assertThat(only(readStats(1L, "city")).statuses()).containsExactly(FeatureStatus.NOT_FOUND);
  }

  @Test
  void the_first_write_fixes_the_layout_until_the_table_is_deleted() {
    store.write("driver_stats", ID, STATS, List.of(row(1L, T0, 0.5, 10L, "a")));
    assertThatThrownBy(
            () ->
                store.write(
                    "driver_stats",
                    ID,
                    List.of("conv_rate", "trips"),
                    List.of(row(1L, T0.plusSeconds(1), 0.5, 10L))))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("feature table 'driver_stats' has keys");
            });
    assertThatThrownBy(() -> readStats(1L, "speed"))
        .hasMessageContaining("feature table 'driver_stats' has no feature 'speed'");

    assertThat(store.deleteTable("driver_stats")).isTrue();
    assertThat(store.deleteTable("driver_stats")).isFalse();
    assertThat(only(readStats(1L, "city")).statuses()).containsExactly(FeatureStatus.NOT_FOUND);
    assertThat(store.stats().tables()).isEmpty();

    assertThat(
            store.write(
                "driver_stats",
                ID,
                List.of("conv_rate", "trips"),
                List.of(row(1L, T0.minusSeconds(60), 0.7, 70L))))
        .isEqualTo(new WriteResult(1, 0));
    assertThat(only(readStats(1L, "trips")).values()).containsExactly(70L);
  }

  @Test
  void delete_table_leaves_other_tables_of_the_same_entity_alone() {
    store.write("driver_stats", ID, STATS, List.of(row(1L, T0, 0.5, 10L, "a")));
    store.write("driver_profile", ID, List.of("age"), List.of(row(1L, T0, 30)));
    store.deleteTable("driver_stats");
    OnlineFeatures r =
        store.read(
            List.of(FeatureRef.of("driver_profile", "age"), FeatureRef.of("driver_stats", "city")),
            EntityRows.of("driver_id", 1L));
    assertThat(r.results().get(0).values()).containsExactly(30);
    assertThat(r.results().get(1).statuses()).containsExactly(FeatureStatus.NOT_FOUND);
    OnlineStoreStats stats = store.stats();
    assertThat(stats.tables())
        .extracting(OnlineTableStats::featureTable)
        .containsExactly("driver_profile");
    assertThat(stats.entities()).isEqualTo(1);
  }

  @Test
  void stats_list_tables_with_layouts_and_entity_counts() {
    store.write(
        "driver_stats",
        ID,
        STATS,
        List.of(row(1L, T0, 0.5, 10L, "a"), row(2L, T0, 0.5, 10L, "a"), row(1L, T0, 0.1, 1L, "x")));
    store.write(
        "b_table",
        List.of("z", "a"),
        List.of("v"),
        List.of(new OnlineRow(List.of("k", 1), T0, List.of(1))));
    OnlineStoreStats s = store.stats();
    assertThat(s.tables())
        .containsExactly(
            new OnlineTableStats(
                "b_table", List.of("a", "z"), List.of("int", "string"), List.of("v"), 1),
            new OnlineTableStats("driver_stats", ID, List.of("long"), STATS, 2));
  }

  @Test
  void bad_requests_are_invalid_argument_errors() {
    assertThatThrownBy(() -> store.read(List.of(), EntityRows.of("driver_id", 1L)))
        .hasMessageContaining("features: at least one feature is required");
    assertThatThrownBy(() -> store.write(" ", ID, STATS, List.of(row(1L, T0, 0.5, 10L, "a"))))
        .hasMessageContaining("featureTable");
    assertThatThrownBy(
            () -> store.write("t", List.of("a", "a"), STATS, List.of(row(1L, T0, 0.5, 10L, "a"))))
        .hasMessageContaining("keyColumns: column 'a' appears twice");
    assertThatThrownBy(
            () ->
                store.read(
                    List.of(FeatureRef.of("t", "f")), new EntityRows(ID, List.of(List.of()))))
        .hasMessageContaining("entities.rows[0]: expected 1 values");
    assertThatThrownBy(() -> FeatureRef.of("t", "f", Duration.ofSeconds(-1)))
        .hasMessageContaining("must not be negative");
    assertThat(store.write("t", ID, STATS, List.of())).isEqualTo(WriteResult.NONE);
    assertThat(store.stats().tables()).isEmpty();
  }
}
