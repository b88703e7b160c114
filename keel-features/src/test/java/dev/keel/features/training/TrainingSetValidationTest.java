package dev.keel.features.training;

import static dev.keel.features.training.Pit.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Bad specs fail before any join with INVALID_PARAMETER_VALUE naming the field. */
class TrainingSetValidationTest {
  @TempDir Path dir;
  @RegisterExtension final Engines engines = new Engines();

  private final List<FeatureSource> sources = new ArrayList<>();
  private Spine spine;

  @BeforeEach
  void setUp() throws Exception {
    sources.add(
        Pit.write(
            dir,
            new Pit.Table(
                "feats",
                List.of("id"),
                "ts",
                "ing",
                List.of("x"),
                List.<Object[]>of(new Object[] {1L, at(0), at(0), 1.0}),
                1,
                1)));
    sources.add(
        Pit.write(
            dir,
            new Pit.Table(
                "plain",
                List.of("id"),
                null,
                null,
                List.of("z"),
                List.<Object[]>of(new Object[] {1L, 3.0}),
                1,
                1)));
    Path naive = dir.resolve("naive.parquet");
    try (Connection c = Pit.duck();
        Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT 1::BIGINT AS id, TIMESTAMP '2026-01-01 00:00:00' AS ts, 2.0::DOUBLE AS w)"
              + " TO '"
              + naive
              + "' (FORMAT parquet)");
    }
    sources.add(
        new FeatureSource(
            "naive",
            1,
            List.of(naive),
            List.of("id", "ts"),
            false,
            Optional.of("ts"),
            Optional.empty()));
    spine =
        Spine.rows(
            List.of(
                new Spine.Column("id", ColumnType.BIGINT),
                new Spine.Column("small", ColumnType.INTEGER),
                new Spine.Column("name", ColumnType.VARCHAR),
                new Spine.Column("t", ColumnType.TIMESTAMPTZ)),
            List.of(Arrays.asList(1L, 1, "a", at(5))));
  }

  private void invalid(TrainingSetSpec spec, String... fragments) {
    TrainingSetEngine engine =
        engines.track(
            new TrainingSetEngine(
                new StaticFeatureSourceResolver(sources),
                new OnDemandRegistry(),
                TrainingSetEngine.Options.defaults()));
    assertThatThrownBy(() -> engine.build(spec).close())
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains(fragments);
            });
  }

  private TrainingSetSpec with(FeatureLookup... lookups) {
    return TrainingSetSpec.of(spine, List.of(lookups));
  }

  private static FeatureLookup feats() {
    return FeatureLookup.of("feats", List.of("id")).withTimestamp("t");
  }

  @Test
  void unknown_table_feature_and_spine_columns_are_named() {
    invalid(with(FeatureLookup.of("nope", List.of("id"))), "lookups[0].table", "'nope'");
    invalid(with(feats().withFeatures(List.of("w"))), "lookups[0].feature_names", "'w'");
    invalid(with(feats().withFeatures(List.of("ts"))), "lookups[0].feature_names", "not a feature");
    invalid(with(FeatureLookup.of("feats", List.of("uid"))), "lookups[0].lookup_key", "'uid'");
    invalid(
        with(FeatureLookup.of("feats", List.of("id")).withTimestamp("when")),
        "lookups[0].timestamp_lookup_key",
        "'when'");
    invalid(with(feats().withRenames(Map.of("nope", "n"))), "lookups[0].rename_outputs", "'nope'");
  }

  @Test
  void key_count_and_type_mismatches_are_refused() {
    invalid(
        with(FeatureLookup.of("feats", List.of("id", "small"))),
        "lookups[0].lookup_key",
        "1 entity key(s) [id]");
    invalid(
        with(FeatureLookup.of("feats", List.of("small"))),
        "lookups[0].lookup_key",
        "INTEGER",
        "BIGINT");
    invalid(with(FeatureLookup.of("feats", List.of("name"))), "lookups[0].lookup_key", "VARCHAR");
  }

  @Test
  void timestamps_without_time_zone_are_refused() throws Exception {
    invalid(
        with(FeatureLookup.of("naive", List.of("id")).withTimestamp("t")),
        "lookups[0].table",
        "timeseries key 'ts'",
        "TIMESTAMPTZ");
    Path naiveSpine = dir.resolve("spine.parquet");
    try (Connection c = Pit.duck();
        Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT 1::BIGINT AS id, TIMESTAMP '2026-01-01 00:00:00' AS t) TO '"
              + naiveSpine
              + "' (FORMAT parquet)");
    }
    invalid(
        TrainingSetSpec.of(Spine.parquet(List.of(naiveSpine)), List.of(feats())),
        "lookups[0].timestamp_lookup_key",
        "TIMESTAMPTZ");
    invalid(
        with(FeatureLookup.of("feats", List.of("id")).withTimestamp("name")),
        "lookups[0].timestamp_lookup_key",
        "VARCHAR");
  }

  @Test
  void colliding_output_names_need_a_rename() {
    invalid(with(feats(), feats().withLookback(Duration.ofHours(1))), "'x'", "collides");
    invalid(
        with(feats().withRenames(Map.of("x", "name"))),
        "lookups[0].rename_outputs",
        "'name'",
        "spine column");
  }

  @Test
  void windows_filters_defaults_exclusions_and_on_demand_are_checked() {
    invalid(
        with(FeatureLookup.of("plain", List.of("id")).withLookback(Duration.ofHours(1))),
        "lookups[0].lookback_window");
    invalid(
        new TrainingSetSpec(
            spine,
            List.of(FeatureLookup.of("plain", List.of("id")).withTimestamp("t")),
            List.of(),
            List.of(),
            true,
            false),
        "lookups[0].table",
        "ingestion-time column");
    invalid(
        new TrainingSetSpec(
            spine,
            List.of(FeatureLookup.of("feats", List.of("id"))),
            List.of(),
            List.of(),
            true,
            false),
        "lookups[0].timestamp_lookup_key");
    invalid(with(feats().withDefaults(Map.of("x", "abc"))), "lookups[0].default_values.x");
    invalid(
        new TrainingSetSpec(spine, List.of(feats()), List.of(), List.of("nope"), false, false),
        "exclude_columns",
        "'nope'");
    invalid(
        new TrainingSetSpec(
            spine,
            List.of(feats()),
            List.of(new OnDemandFeature("missing_fn", Map.of(), "out")),
            List.of(),
            false,
            false),
        "on_demand[0].function",
        "'missing_fn'");
    assertThatThrownBy(() -> feats().withLookback(Duration.ofMinutes(-1)))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("lookback_window");
    assertThatThrownBy(
            () ->
                Spine.rows(
                    List.of(new Spine.Column("t", ColumnType.TIMESTAMPTZ)),
                    List.of(List.of("yesterday"))))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("spine.rows[0].t");
  }
}
