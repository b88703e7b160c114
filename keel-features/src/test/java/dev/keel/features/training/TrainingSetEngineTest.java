package dev.keel.features.training;

import static dev.keel.features.training.Pit.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Point-in-time edge cases and a randomized comparison, engine vs {@link Pit#reference}. */
class TrainingSetEngineTest {
  @TempDir Path dir;
  @RegisterExtension final Engines engines = new Engines();

  static final List<Spine.Column> SPINE =
      List.of(
          new Spine.Column("id", ColumnType.BIGINT),
          new Spine.Column("t", ColumnType.TIMESTAMPTZ),
          new Spine.Column("label", ColumnType.DOUBLE));

  private final Map<String, Pit.Table> tables = new HashMap<>();
  private final List<FeatureSource> sources = new ArrayList<>();

  private void table(Pit.Table t) throws Exception {
    tables.put(t.name(), t);
    sources.add(Pit.write(dir, t));
  }

  /** A table {@code feats(id, ts, ing, x, y)} from rows {@code {id, tsMin, ingMin|null, x}}. */
  private void feats(int files, long[]... rows) throws Exception {
    List<Object[]> r = new ArrayList<>();
    for (long[] row : rows) {
      r.add(
          new Object[] {
            row[0], at(row[1]), row[2] < 0 ? null : at(row[2]), (double) row[3], row[3] * 10.0
          });
    }
    table(new Pit.Table("feats", List.of("id"), "ts", "ing", List.of("x", "y"), r, files, 1));
  }

  private static List<Object> srow(Long id, Long minute, double label) {
    return Arrays.asList(id, minute == null ? null : at(minute), label);
  }

  private TrainingSetEngine engine() {
    return engines.track(
        new TrainingSetEngine(
            new StaticFeatureSourceResolver(sources),
            new OnDemandRegistry(),
            new TrainingSetEngine.Options(2, Optional.of(dir.resolve("spill")), Optional.empty())));
  }

  private List<List<Object>> run(TrainingSetSpec spec) {
    try (TrainingSet set = engine().build(spec);
        Stream<List<Object>> rows = set.rows()) {
      return rows.toList();
    }
  }

  /** Runs the engine, checks it against the reference, returns the rows. */
  private List<List<Object>> check(List<List<Object>> spine, TrainingSetSpec spec) {
    List<List<Object>> got = run(spec);
    List<List<Object>> want = Pit.reference(SPINE, spine, tables, spec);
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      assertThat(got.get(i)).as("row %d (spine %s)", i, spine.get(i)).isEqualTo(want.get(i));
    }
    return got;
  }

  private static TrainingSetSpec spec(
      List<List<Object>> spine, boolean avail, boolean indicators, FeatureLookup... lookups) {
    return new TrainingSetSpec(
        Spine.rows(SPINE, spine), List.of(lookups), List.of(), List.of(), avail, indicators);
  }

  private static FeatureLookup pit() {
    return FeatureLookup.of("feats", List.of("id")).withTimestamp("t");
  }

  @Test
  void feature_row_at_exactly_the_spine_time_matches() throws Exception {
    feats(1, new long[] {1, 10, 10, 1}, new long[] {1, 20, 20, 2});
    List<List<Object>> spine = List.of(srow(1L, 20L, 0), srow(1L, 19L, 0), srow(1L, 9L, 0));
    List<List<Object>> got = check(spine, spec(spine, false, true, pit()));
    assertThat(got.get(0).subList(3, 6)).containsExactly(2.0, 20.0, "PRESENT");
    assertThat(got.get(1).subList(3, 6)).containsExactly(1.0, 10.0, "PRESENT");
    assertThat(got.get(2).subList(3, 6)).containsExactly(null, null, "MISSING");
  }

  @Test
  void event_time_ties_go_to_the_latest_ingestion_then_the_last_row_read() throws Exception {
    feats(
        2,
        new long[] {1, 10, 15, 1}, // file 0
        new long[] {1, 10, 12, 2},
        new long[] {1, 10, -1, 3}, // null ingestion counts as oldest
        new long[] {2, 10, 11, 4}, // file 1
        new long[] {2, 10, 11, 5}, // same event and ingestion time: the later row wins
        new long[] {2, 10, -1, 6});
    List<List<Object>> spine = List.of(srow(1L, 30L, 0), srow(2L, 30L, 0));
    List<List<Object>> got = check(spine, spec(spine, false, false, pit()));
    assertThat(got.get(0).get(3)).isEqualTo(1.0);
    assertThat(got.get(1).get(3)).isEqualTo(5.0);
  }

  @Test
  void lookback_window_bound_is_inclusive_and_older_rows_are_outside_the_window() throws Exception {
    feats(1, new long[] {1, 100, 100, 1}, new long[] {2, 100, 100, 2});
    List<List<Object>> spine =
        List.of(srow(1L, 160L, 0), srow(1L, 161L, 0), srow(2L, 99L, 0), srow(2L, 100L, 0));
    FeatureLookup l = pit().withLookback(Pit.minutes(60)).withDefaults(Map.of("x", -1));
    List<List<Object>> got = check(spine, spec(spine, false, true, l));
    assertThat(got.get(0).subList(3, 6)).containsExactly(1.0, 10.0, "PRESENT");
    assertThat(got.get(1).subList(3, 6)).containsExactly(-1.0, null, "OUTSIDE_WINDOW");
    assertThat(got.get(2).subList(3, 6)).containsExactly(-1.0, null, "MISSING");
    assertThat(got.get(3).get(5)).isEqualTo("PRESENT");
    FeatureLookup exact = pit().withLookback(java.time.Duration.ZERO);
    List<List<Object>> zero = check(spine, spec(spine, false, true, exact));
    assertThat(zero.get(3).get(5)).isEqualTo("PRESENT");
    assertThat(zero.get(0).get(5)).isEqualTo("OUTSIDE_WINDOW");
  }

  @Test
  void rows_ingested_after_the_spine_time_count_only_without_the_availability_filter()
      throws Exception {
    feats(
        1,
        new long[] {1, 10, 10, 1},
        new long[] {1, 20, 50, 2}, // backfilled at minute 50
        new long[] {1, 5, 40, 3}, // late arrival of an old event
        new long[] {1, 25, -1, 4}); // unknown ingestion time
    List<List<Object>> spine =
        List.of(srow(1L, 30L, 0), srow(1L, 45L, 0), srow(1L, 60L, 0), srow(1L, 9L, 0));
    List<List<Object>> leak = check(spine, spec(spine, false, false, pit()));
    assertThat(leak.get(0).get(3)).isEqualTo(4.0);
    List<List<Object>> noLeak = check(spine, spec(spine, true, true, pit()));
    assertThat(noLeak.get(0).subList(3, 6)).containsExactly(1.0, 10.0, "PRESENT");
    assertThat(noLeak.get(1).get(3)).isEqualTo(1.0);
    assertThat(noLeak.get(2).get(3)).isEqualTo(2.0);
    assertThat(noLeak.get(3).get(5)).isEqualTo("MISSING");
  }

  @Test
  void null_lookup_keys_and_null_spine_times_match_nothing() throws Exception {
    feats(1, new long[] {1, 10, 10, 1});
    List<List<Object>> spine = List.of(srow(null, 20L, 0), srow(1L, null, 0), srow(1L, 20L, 0));
    for (boolean avail : new boolean[] {false, true}) {
      List<List<Object>> got = check(spine, spec(spine, avail, true, pit()));
      assertThat(got.get(0).get(5)).isEqualTo("MISSING");
      assertThat(got.get(1).get(5)).isEqualTo("MISSING");
      assertThat(got.get(2).get(5)).isEqualTo("PRESENT");
    }
  }

  @Test
  void two_lookups_on_one_table_with_different_keys() throws Exception {
    table(
        new Pit.Table(
            "pairs",
            List.of("a"),
            "ts",
            null,
            List.of("score"),
            List.of(
                new Object[] {1L, at(0), 100.0},
                new Object[] {2L, at(0), 200.0},
                new Object[] {2L, at(50), 250.0}),
            1,
            1));
    List<Spine.Column> cols =
        List.of(
            new Spine.Column("src", ColumnType.BIGINT),
            new Spine.Column("dst", ColumnType.BIGINT),
            new Spine.Column("t", ColumnType.TIMESTAMPTZ));
    Spine spine =
        Spine.rows(cols, List.of(Arrays.asList(1L, 2L, at(10)), Arrays.asList(2L, 1L, at(60))));
    FeatureLookup bySrc =
        FeatureLookup.of("pairs", List.of("src"))
            .withTimestamp("t")
            .withRenames(Map.of("score", "src_score"));
    FeatureLookup byDst =
        FeatureLookup.of("pairs", List.of("dst"))
            .withTimestamp("t")
            .withRenames(Map.of("score", "dst_score"));
    TrainingSetSpec spec =
        new TrainingSetSpec(spine, List.of(bySrc, byDst), List.of(), List.of(), false, true);
    try (TrainingSet set = engine().build(spec);
        Stream<List<Object>> rows = set.rows()) {
      assertThat(set.columns().stream().map(TrainingSet.Column::name))
          .containsExactly(
              "src",
              "dst",
              "t",
              "src_score",
              "dst_score",
              "pairs__src__status",
              "pairs__dst__status");
      List<List<Object>> got = rows.toList();
      assertThat(got.get(0).subList(3, 5)).containsExactly(100.0, 200.0);
      assertThat(got.get(1).subList(3, 5)).containsExactly(250.0, 100.0);
    }
  }

  @Test
  void composite_keys_match_on_every_key() throws Exception {
    table(
        new Pit.Table(
            "cell",
            List.of("a", "b"),
            "ts",
            "ing",
            List.of("v"),
            List.of(
                new Object[] {1L, 1L, at(0), at(0), 11.0},
                new Object[] {1L, 2L, at(0), at(0), 12.0},
                new Object[] {2L, 1L, at(0), at(0), 21.0}),
            1,
            1));
    List<Spine.Column> cols =
        List.of(
            new Spine.Column("x", ColumnType.BIGINT),
            new Spine.Column("y", ColumnType.BIGINT),
            new Spine.Column("t", ColumnType.TIMESTAMPTZ));
    Spine spine =
        Spine.rows(
            cols,
            List.of(
                Arrays.asList(1L, 2L, at(5)),
                Arrays.asList(2L, 1L, at(5)),
                Arrays.asList(2L, 2L, at(5)),
                Arrays.asList(1L, null, at(5))));
    FeatureLookup l = FeatureLookup.of("cell", List.of("x", "y")).withTimestamp("t");
    try (TrainingSet set = engine().build(TrainingSetSpec.of(spine, List.of(l)));
        Stream<List<Object>> rows = set.rows()) {
      assertThat(rows.map(r -> r.get(3)).toList()).containsExactly(12.0, 21.0, null, null);
    }
  }

  @Test
  void every_spine_row_gives_one_row_in_spine_order_duplicates_included() throws Exception {
    feats(1, new long[] {1, 10, 10, 1}, new long[] {2, 10, 10, 2});
    List<List<Object>> spine =
        List.of(
            srow(2L, 30L, 1),
            srow(9L, 30L, 2), // no features for this entity
            srow(1L, 30L, 3),
            srow(2L, 30L, 1), // duplicate of the first
            srow(1L, 5L, 4)); // before any feature
    FeatureLookup l = pit().withDefaults(Map.of("y", 0.5));
    List<List<Object>> got = check(spine, spec(spine, false, true, l));
    assertThat(got.stream().map(r -> r.get(2)).toList()).containsExactly(1.0, 2.0, 3.0, 1.0, 4.0);
    assertThat(got.get(1).subList(3, 6)).containsExactly(null, 0.5, "MISSING");
    assertThat(got.get(3)).isEqualTo(got.get(0));
  }

  @Test
  void parquet_spine_keeps_file_then_row_order() throws Exception {
    feats(1, new long[] {1, 10, 10, 1}, new long[] {2, 10, 10, 2});
    List<List<Object>> rows = new ArrayList<>();
    Random rnd = new Random(7);
    for (int i = 0; i < 3000; i++) {
      rows.add(srow((long) rnd.nextInt(3), (long) rnd.nextInt(30), i));
    }
    List<Path> files = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      Pit.Table part =
          new Pit.Table(
              "spine" + f,
              List.of("id"),
              "t",
              null,
              List.of("label"),
              rows.subList(f * 1000, (f + 1) * 1000).stream().map(List::toArray).toList(),
              1,
              0);
      files.addAll(Pit.write(dir, part).parquetFiles());
    }
    TrainingSetSpec spec =
        new TrainingSetSpec(
            Spine.parquet(files), List.of(pit()), List.of(), List.of(), false, true);
    List<List<Object>> got = run(spec);
    List<List<Object>> want = Pit.reference(SPINE, rows, tables, spec(rows, false, true, pit()));
    assertThat(got).isEqualTo(want);
  }

  @Test
  void key_lookup_without_spine_time_takes_the_latest_row() throws Exception {
    table(
        new Pit.Table(
            "profile",
            List.of("id"),
            null,
            "ing",
            List.of("age"),
            List.of(
                new Object[] {1L, at(5), 30.0},
                new Object[] {1L, at(9), 31.0},
                new Object[] {1L, null, 99.0},
                new Object[] {2L, at(1), 40.0}),
            2,
            1));
    feats(1, new long[] {1, 10, 10, 1}, new long[] {1, 20, 15, 2});
    List<List<Object>> spine = List.of(srow(1L, 7L, 0), srow(2L, null, 0), srow(3L, 1L, 0));
    FeatureLookup latestFeats = FeatureLookup.of("feats", List.of("id")).withFeatures(List.of("x"));
    FeatureLookup profile = FeatureLookup.of("profile", List.of("id"));
    List<List<Object>> got = check(spine, spec(spine, false, true, latestFeats, profile));
    assertThat(got.get(0).subList(3, 5)).containsExactly(2.0, 31.0);
    // With a spine time and the availability filter, the profile is as of t.
    FeatureLookup profileAsOf = profile.withTimestamp("t");
    List<List<Object>> asOf = check(spine, spec(spine, true, true, pit(), profileAsOf));
    assertThat(asOf.get(0).get(5)).isEqualTo(30.0);
  }

  @Test
  void randomized_engine_matches_the_reference_cell_by_cell() throws Exception {
    Random rnd = new Random(20261126L);
    List<Object[]> a = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      long ev = rnd.nextInt(200);
      a.add(
          new Object[] {
            rnd.nextInt(20) == 0 ? null : (long) rnd.nextInt(40),
            rnd.nextInt(50) == 0 ? null : at(ev),
            rnd.nextInt(10) == 0 ? null : at(ev + rnd.nextInt(4) * 20),
            rnd.nextInt(10) == 0 ? null : (double) i,
            (double) -i
          });
    }
    table(new Pit.Table("a", List.of("id"), "ts", "ing", List.of("p", "q"), a, 3, 1));
    List<Object[]> c = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      c.add(
          new Object[] {
            (long) rnd.nextInt(40), rnd.nextInt(10) == 0 ? null : at(rnd.nextInt(200)), (double) i
          });
    }
    table(new Pit.Table("c", List.of("id"), null, "ing", List.of("r"), c, 2, 1));
    List<List<Object>> spine = randomSpine(rnd, 220);
    FeatureLookup pa = FeatureLookup.of("a", List.of("id")).withTimestamp("t");
    FeatureLookup pc = FeatureLookup.of("c", List.of("id")).withTimestamp("t");
    FeatureLookup windowed =
        pa.withLookback(Pit.minutes(30))
            .withRenames(Map.of("p", "p30", "q", "q30"))
            .withDefaults(Map.of("q", 7));
    check(spine, spec(spine, false, true, pa, windowed.withFeatures(List.of("q", "p")), pc));
    FeatureLookup windowedAsOf =
        pa.withLookback(Pit.minutes(30))
            .withFeatures(List.of("p"))
            .withRenames(Map.of("p", "p30"))
            .withDefaults(Map.of("p", -2.5));
    check(
        spine,
        spec(spine, true, false, pa.withRenames(Map.of("p", "p0", "q", "q0")), windowedAsOf, pc));
    FeatureLookup latest = FeatureLookup.of("a", List.of("id"));
    check(spine, spec(spine, false, true, latest, FeatureLookup.of("c", List.of("id"))));
  }

  @Test
  void randomized_tables_with_a_unique_key_join_on_the_event_time_and_match_the_reference()
      throws Exception {
    Random rnd = new Random(11);
    List<Object[]> u = new ArrayList<>();
    java.util.Set<List<Long>> seen = new java.util.HashSet<>();
    while (u.size() < 3000) {
      long id = rnd.nextInt(40);
      long ev = rnd.nextInt(400);
      if (!seen.add(List.of(id, ev))) {
        continue;
      }
      u.add(
          new Object[] {
            id,
            at(ev),
            rnd.nextInt(10) == 0 ? null : at(ev + rnd.nextInt(4) * 20),
            rnd.nextInt(10) == 0 ? null : (double) u.size(),
            (double) -u.size()
          });
    }
    table(new Pit.Table("u", List.of("id"), "ts", "ing", List.of("p", "q"), u, 3, 1));
    assertThat(sources.get(0).primaryKeyUnique()).isTrue();
    List<List<Object>> spine = randomSpine(rnd, 420);
    FeatureLookup pu = FeatureLookup.of("u", List.of("id")).withTimestamp("t");
    FeatureLookup windowed =
        pu.withLookback(Pit.minutes(30))
            .withRenames(Map.of("p", "p30", "q", "q30"))
            .withDefaults(Map.of("q", 7));
    check(spine, spec(spine, false, true, pu, windowed));
    check(spine, spec(spine, true, true, pu, windowed));
  }

  /** 3,000 spine rows: ids 0-44 and minutes 0 to {@code minutes - 1}, each null 1 time in 30. */
  private static List<List<Object>> randomSpine(Random rnd, int minutes) {
    List<List<Object>> spine = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      spine.add(
          srow(
              rnd.nextInt(30) == 0 ? null : (long) rnd.nextInt(45),
              rnd.nextInt(30) == 0 ? null : (long) rnd.nextInt(minutes),
              i));
    }
    return spine;
  }
}
