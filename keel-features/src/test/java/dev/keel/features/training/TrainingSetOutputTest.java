package dev.keel.features.training;

import static dev.keel.features.training.Pit.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** On-demand features, exclusions, Parquet output with field ids, JSON specs and snapshots. */
class TrainingSetOutputTest {
  @TempDir Path dir;
  @RegisterExtension final Engines engines = new Engines();

  private final OnDemandRegistry registry =
      new OnDemandRegistry()
          .register(
              "ratio",
              List.of("num", "den"),
              ColumnType.DOUBLE,
              in ->
                  in.get(0) == null || in.get(1) == null
                      ? null
                      : ((Number) in.get(0)).doubleValue() / ((Number) in.get(1)).doubleValue())
          .register(
              "is_recent",
              List.of("time"),
              ColumnType.BOOLEAN,
              in -> in.get(0) != null && !((java.time.Instant) in.get(0)).isBefore(at(10)));

  private List<FeatureSource> snapshots() throws Exception {
    List<FeatureSource> s = new ArrayList<>();
    s.add(
        Pit.write(
            dir,
            new Pit.Table(
                "feats",
                List.of("id"),
                "ts",
                "ing",
                List.of("x", "y"),
                List.<Object[]>of(new Object[] {1L, at(0), at(0), 4.0, 2.0}),
                1,
                1)));
    s.add(
        Pit.write(
            dir,
            new Pit.Table(
                "feats",
                List.of("id"),
                "ts",
                "ing",
                List.of("x", "y"),
                List.<Object[]>of(
                    new Object[] {1L, at(0), at(0), 4.0, 2.0},
                    new Object[] {1L, at(1), at(1), 9.0, 3.0}),
                1,
                2)));
    return s;
  }

  private TrainingSetEngine engine() throws Exception {
    return engines.track(
        new TrainingSetEngine(
            new StaticFeatureSourceResolver(snapshots()),
            registry,
            TrainingSetEngine.Options.defaults()));
  }

  private TrainingSetSpec spec() {
    Spine spine =
        Spine.rows(
            List.of(
                new Spine.Column("id", ColumnType.BIGINT),
                new Spine.Column("t", ColumnType.TIMESTAMPTZ),
                new Spine.Column("label", ColumnType.BOOLEAN)),
            List.of(
                Arrays.asList(1L, at(20), true),
                Arrays.asList(2L, at(5), false),
                Arrays.asList(1L, null, null)));
    return new TrainingSetSpec(
        spine,
        List.of(
            FeatureLookup.of("feats", List.of("id"))
                .withTimestamp("t")
                .withRenames(Map.of("x", "feats_x"))),
        List.of(
            new OnDemandFeature("ratio", Map.of("num", "feats_x", "den", "y"), "x_per_y"),
            new OnDemandFeature("is_recent", Map.of("time", "t"), "recent")),
        List.of("y"),
        true,
        true);
  }

  @Test
  void on_demand_features_follow_the_lookups_and_excluded_columns_still_feed_them()
      throws Exception {
    TrainingSetEngine engine = engine();
    try (TrainingSet set = engine.build(spec());
        Stream<List<Object>> rows = set.rows()) {
      assertThat(set.columns())
          .containsExactly(
              new TrainingSet.Column("id", "BIGINT"),
              new TrainingSet.Column("t", "TIMESTAMP WITH TIME ZONE"),
              new TrainingSet.Column("label", "BOOLEAN"),
              new TrainingSet.Column("feats_x", "DOUBLE"),
              new TrainingSet.Column("feats__status", "VARCHAR"),
              new TrainingSet.Column("x_per_y", "DOUBLE"),
              new TrainingSet.Column("recent", "BOOLEAN"));
      assertThat(set.rowCount()).isEqualTo(3);
      assertThat(set.snapshotIds()).isEqualTo(Map.of("feats", 2L));
      assertThat(rows.toList())
          .containsExactly(
              Arrays.asList(1L, at(20), true, 9.0, "PRESENT", 3.0, true),
              Arrays.asList(2L, at(5), false, null, "MISSING", null, false),
              Arrays.asList(1L, null, null, null, "MISSING", null, false));
    }
  }

  @Test
  void training_sets_of_one_engine_are_independent_and_a_closed_engine_refuses_builds()
      throws Exception {
    TrainingSetEngine engine = engine();
    List<List<Object>> expected;
    try (TrainingSet first = engine.build(spec());
        Stream<List<Object>> rows = first.rows()) {
      expected = rows.toList();
    }
    // Four threads build, stream and close training sets at once, each holding one open while
    // the others come and go: every one sees its own spine and on-demand tables.
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<List<List<Object>>>> runs = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        runs.add(
            pool.submit(
                () -> {
                  try (TrainingSet set = engine.build(spec());
                      Stream<List<Object>> rows = set.rows()) {
                    return rows.toList();
                  }
                }));
      }
      for (java.util.concurrent.Future<List<List<Object>>> r : runs) {
        assertThat(r.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdown();
    }
    TrainingSet open = engine.build(spec());
    engine.build(spec()).close();
    try (Stream<List<Object>> rows = open.rows()) {
      assertThat(rows.toList()).as("closing another set leaves this one").isEqualTo(expected);
    }
    open.close();
    open.close(); // closing twice does nothing
    engine.close();
    assertThatThrownBy(() -> engine.build(spec()))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> assertThat(e.code()).isEqualTo(dev.keel.core.ErrorCode.TEMPORARILY_UNAVAILABLE));
  }

  @Test
  void spec_round_trips_through_json_and_rebuilds_at_the_recorded_snapshot() throws Exception {
    TrainingSetSpec spec = spec();
    String json = spec.toJson();
    assertThat(TrainingSetSpec.fromJson(json)).isEqualTo(spec);
    assertThat(TrainingSetSpec.fromJson(json).toJson()).isEqualTo(json);
    TrainingSetEngine engine = engine();
    try (TrainingSet old = engine.build(TrainingSetSpec.fromJson(json), Map.of("feats", 1L));
        Stream<List<Object>> rows = old.rows()) {
      assertThat(old.snapshotIds()).isEqualTo(Map.of("feats", 1L));
      assertThat(rows.findFirst().orElseThrow().get(3)).isEqualTo(4.0);
    }
    assertThatThrownBy(() -> TrainingSetSpec.fromJson("{\"lookups\": []}"))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("spine");
  }

  @Test
  void parquet_output_keeps_order_and_carries_field_ids() throws Exception {
    TrainingSetEngine engine = engine();
    try (TrainingSet set = engine.build(spec())) {
      Map<String, Integer> ids = new HashMap<>();
      for (int i = 0; i < set.columns().size(); i++) {
        ids.put(set.columns().get(i).name(), 100 + i);
      }
      Path file = set.writeParquet(dir.resolve("out/train.parquet"), ids);
      try (Connection c = Pit.duck();
          Statement s = c.createStatement()) {
        try (ResultSet r =
            s.executeQuery(
                "SELECT name, field_id FROM parquet_schema('"
                    + file
                    + "') WHERE name = 'feats_x'")) {
          assertThat(r.next()).isTrue();
          assertThat(r.getInt("field_id")).isEqualTo(103);
        }
        try (ResultSet r = s.executeQuery("SELECT id, feats_x FROM '" + file + "'")) {
          List<Object> got = new ArrayList<>();
          while (r.next()) {
            got.add(r.getLong(1) + ":" + r.getObject(2));
          }
          assertThat(got).containsExactly("1:9.0", "2:null", "1:null");
        }
      }
      Map<String, Integer> partial = new HashMap<>(ids);
      partial.remove("recent");
      assertThatThrownBy(() -> set.writeParquet(dir.resolve("x.parquet"), partial))
          .isInstanceOf(KeelException.class)
          .hasMessageContaining("'recent'");
      Map<String, Integer> extra = new HashMap<>(ids);
      extra.put("nope", 1);
      assertThatThrownBy(() -> set.writeParquet(dir.resolve("x.parquet"), extra))
          .isInstanceOf(KeelException.class)
          .hasMessageContaining("'nope'");
      assertThat(set.writeParquet(dir.resolve("plain.parquet"))).exists();
    }
  }

  @Test
  void an_on_demand_result_of_the_wrong_type_names_the_function() throws Exception {
    OnDemandRegistry bad =
        new OnDemandRegistry().register("oops", List.of("v"), ColumnType.DOUBLE, in -> "text");
    TrainingSetEngine engine =
        engines.track(
            new TrainingSetEngine(
                new StaticFeatureSourceResolver(snapshots()),
                bad,
                TrainingSetEngine.Options.defaults()));
    TrainingSetSpec s = spec();
    TrainingSetSpec oops =
        new TrainingSetSpec(
            s.spine(),
            s.lookups(),
            List.of(new OnDemandFeature("oops", Map.of("v", "feats_x"), "o")),
            List.of(),
            false,
            false);
    assertThatThrownBy(() -> engine.build(oops))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("on_demand[0] (oops)");
    assertThatThrownBy(() -> bad.register("oops", List.of(), ColumnType.DOUBLE, in -> 1.0))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("already registered");
    assertThat(Optional.of(bad.get("oops").orElseThrow().outputType())).contains(ColumnType.DOUBLE);
  }

  @Test
  void two_row_streams_read_independently_and_closing_the_set_ends_an_open_one() throws Exception {
    TrainingSetEngine engine = engine();
    TrainingSet set = engine.build(spec());
    Stream<List<Object>> a = set.rows();
    java.util.Iterator<List<Object>> ia = a.iterator();
    assertThat(ia.next().get(0)).isEqualTo(1L);
    try (Stream<List<Object>> b = set.rows()) {
      assertThat(b.map(r -> r.get(0)).toList()).containsExactly(1L, 2L, 1L);
    }
    assertThat(ia.next().get(0)).isEqualTo(2L);
    set.close();
    a.close();
  }
}
