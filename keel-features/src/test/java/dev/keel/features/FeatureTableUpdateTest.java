package dev.keel.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.features.FeatureTableUpdate.FeatureUpdate;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import dev.keel.tables.TableSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FeatureStore#updateFeatureTable(String, FeatureTableUpdate)} changes what the update names
 * and nothing else. Each case starts from a table whose every metadata field is set (features
 * {@code a} and {@code b} with their own description and max age, {@code c} with neither), applies
 * one change and compares the whole stored metadata with the expected result.
 */
class FeatureTableUpdateTest {
  private static final FeatureMetadata START =
      new FeatureMetadata(
          Optional.of("d0"),
          Map.of("team", "growth", "tier", "gold"),
          Optional.of(Duration.ofHours(1)),
          Map.of("a", "about a", "b", "about b"),
          Map.of("a", Duration.ofDays(10), "b", Duration.ofDays(20)));

  @TempDir Path dir;
  FeatureStoreFixture f;
  int tables;

  @BeforeEach
  void setUp() {
    f = new FeatureStoreFixture(dir);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private FeatureTable table() {
    return f.fs.createFeatureTable(
        new TableSpec(
            "main",
            "default",
            "t" + tables++,
            List.of(
                Column.of("id", ColumnType.LONG),
                Column.of("ts", ColumnType.TIMESTAMP),
                Column.of("a", ColumnType.DOUBLE),
                Column.of("b", ColumnType.DOUBLE),
                Column.of("c", ColumnType.STRING)),
            List.of("id", "ts"),
            Optional.of("ts"),
            false,
            Optional.empty(),
            Map.of()),
        START);
  }

  /** The metadata as stored, not as the feature table shows it (no inherited max ages). */
  private FeatureMetadata stored(FeatureTable t) {
    return f.meta.get(t.table().tableId()).orElseThrow().metadata();
  }

  private static FeatureMetadata with(
      FeatureMetadata m,
      UnaryOperator<Optional<String>> description,
      UnaryOperator<Map<String, String>> tags,
      UnaryOperator<Optional<Duration>> maxAge,
      UnaryOperator<Map<String, String>> descriptions,
      UnaryOperator<Map<String, Duration>> ages) {
    return new FeatureMetadata(
        description.apply(m.description()),
        tags.apply(m.tags()),
        maxAge.apply(m.maxAge()),
        descriptions.apply(new HashMap<>(m.featureDescriptions())),
        ages.apply(new HashMap<>(m.featureMaxAges())));
  }

  private static <K, V> UnaryOperator<Map<K, V>> put(K k, V v) {
    return m -> {
      m.put(k, v);
      return m;
    };
  }

  private static <K, V> UnaryOperator<Map<K, V>> remove(K k) {
    return m -> {
      m.remove(k);
      return m;
    };
  }

  private record Case(String name, FeatureTableUpdate update, FeatureMetadata expected) {}

  @Test
  void every_field_of_an_update_changes_that_field_and_nothing_else() {
    UnaryOperator<Optional<String>> sameD = UnaryOperator.identity();
    UnaryOperator<Map<String, String>> sameT = UnaryOperator.identity();
    UnaryOperator<Optional<Duration>> sameA = UnaryOperator.identity();
    UnaryOperator<Map<String, String>> sameFd = UnaryOperator.identity();
    UnaryOperator<Map<String, Duration>> sameFa = UnaryOperator.identity();
    List<Case> cases =
        List.of(
            new Case("nothing", FeatureTableUpdate.none(), START),
            new Case(
                "description",
                FeatureTableUpdate.none().withDescription("d1"),
                with(START, d -> Optional.of("d1"), sameT, sameA, sameFd, sameFa)),
            new Case(
                "no description",
                FeatureTableUpdate.none().withoutDescription(),
                with(START, d -> Optional.empty(), sameT, sameA, sameFd, sameFa)),
            new Case(
                "tags",
                FeatureTableUpdate.none().withTags(Map.of("team", "risk")),
                with(START, sameD, t -> Map.of("team", "risk"), sameA, sameFd, sameFa)),
            new Case(
                "max age",
                FeatureTableUpdate.none().withMaxAge(Duration.ofHours(2)),
                with(START, sameD, sameT, a -> Optional.of(Duration.ofHours(2)), sameFd, sameFa)),
            new Case(
                "no max age",
                FeatureTableUpdate.none().withoutMaxAge(),
                with(START, sameD, sameT, a -> Optional.empty(), sameFd, sameFa)),
            new Case(
                "feature description",
                FeatureTableUpdate.none()
                    .withFeature("a", FeatureUpdate.none().withDescription("A")),
                with(START, sameD, sameT, sameA, put("a", "A"), sameFa)),
            new Case(
                "no feature description",
                FeatureTableUpdate.none()
                    .withFeature("a", FeatureUpdate.none().withoutDescription()),
                with(START, sameD, sameT, sameA, remove("a"), sameFa)),
            new Case(
                "feature max age",
                FeatureTableUpdate.none()
                    .withFeature("a", FeatureUpdate.none().withMaxAge(Duration.ofDays(5))),
                with(START, sameD, sameT, sameA, sameFd, put("a", Duration.ofDays(5)))),
            new Case(
                "no feature max age",
                FeatureTableUpdate.none().withFeature("b", FeatureUpdate.none().withoutMaxAge()),
                with(START, sameD, sameT, sameA, sameFd, remove("b"))),
            new Case(
                "first metadata of a feature",
                FeatureTableUpdate.none()
                    .withFeature(
                        "c",
                        FeatureUpdate.none().withDescription("C").withMaxAge(Duration.ofDays(1))),
                with(START, sameD, sameT, sameA, put("c", "C"), put("c", Duration.ofDays(1)))));
    for (Case c : cases) {
      FeatureTable t = table();
      FeatureTable u = f.fs.updateFeatureTable(t.fullName(), c.update());
      assertThat(stored(u)).as(c.name()).isEqualTo(c.expected());
      assertThat(f.fs.getFeatureTable(t.fullName())).as(c.name()).isEqualTo(u);
      assertThat(u.table()).as(c.name()).isEqualTo(t.table());
      assertThat(u.createdAt()).as(c.name()).isEqualTo(t.createdAt());
    }
  }

  @Test
  void patching_the_description_keeps_every_feature_max_age() {
    FeatureTable t = table();
    FeatureTable u =
        f.fs.updateFeatureTable(t.fullName(), FeatureTableUpdate.none().withDescription("v2"));
    assertThat(u.description()).hasValue("v2");
    assertThat(u.features()).isEqualTo(t.features());
    assertThat(maxAges(u))
        .containsExactly(
            Map.entry("a", Optional.of(Duration.ofDays(10))),
            Map.entry("b", Optional.of(Duration.ofDays(20))),
            Map.entry("c", Optional.of(Duration.ofHours(1))));
  }

  @Test
  void patching_one_features_max_age_keeps_the_others() {
    FeatureTable t = table();
    FeatureTable u =
        f.fs.updateFeatureTable(
            t.fullName(),
            FeatureTableUpdate.none()
                .withFeature("a", FeatureUpdate.none().withMaxAge(Duration.ofDays(3))));
    assertThat(maxAges(u))
        .containsExactly(
            Map.entry("a", Optional.of(Duration.ofDays(3))),
            Map.entry("b", Optional.of(Duration.ofDays(20))),
            Map.entry("c", Optional.of(Duration.ofHours(1))));
    assertThat(u.feature("a").orElseThrow().description()).hasValue("about a");
  }

  @Test
  void a_table_max_age_reaches_only_features_without_their_own() {
    FeatureTable t = table();
    FeatureTable u =
        f.fs.updateFeatureTable(
            t.fullName(), FeatureTableUpdate.none().withMaxAge(Duration.ofMinutes(5)));
    assertThat(maxAges(u))
        .containsExactly(
            Map.entry("a", Optional.of(Duration.ofDays(10))),
            Map.entry("b", Optional.of(Duration.ofDays(20))),
            Map.entry("c", Optional.of(Duration.ofMinutes(5))));
  }

  @Test
  void an_update_naming_a_column_that_is_not_a_feature_is_refused_and_changes_nothing() {
    FeatureTable t = table();
    for (String name : List.of("id", "ts", "_ingested_at", "nope")) {
      assertThatThrownBy(
              () ->
                  f.fs.updateFeatureTable(
                      t.fullName(),
                      FeatureTableUpdate.none()
                          .withDescription("changed")
                          .withFeature(name, FeatureUpdate.none().withDescription("x"))))
          .isInstanceOfSatisfying(
              KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessageContaining("'" + name + "' is not a feature");
    }
    assertThat(stored(f.fs.getFeatureTable(t.fullName()))).isEqualTo(START);
  }

  @Test
  void bad_updates_are_refused() {
    assertThatThrownBy(() -> FeatureTableUpdate.none().withMaxAge(Duration.ZERO))
        .hasMessageContaining("max_age: must be positive");
    assertThatThrownBy(
            () ->
                FeatureTableUpdate.none()
                    .withFeature("a", FeatureUpdate.none().withMaxAge(Duration.ofSeconds(-1))))
        .hasMessageContaining("features.a.max_age: must be positive");
    FeatureTable t = table();
    assertThatThrownBy(
            () ->
                f.fs.updateFeatureTable(
                    t.fullName(), FeatureTableUpdate.none().withTags(Map.of(" ", "x"))))
        .hasMessageContaining("tags:");
    assertThatThrownBy(
            () ->
                f.fs.updateFeatureTable(
                    "main.default.missing", FeatureTableUpdate.none().withDescription("x")))
        .isInstanceOf(KeelException.class);
    assertThat(stored(f.fs.getFeatureTable(t.fullName()))).isEqualTo(START);
  }

  private static Map<String, Optional<Duration>> maxAges(FeatureTable t) {
    Map<String, Optional<Duration>> m = new LinkedHashMap<>();
    t.features().forEach(x -> m.put(x.name(), x.maxAge()));
    return m;
  }
}
