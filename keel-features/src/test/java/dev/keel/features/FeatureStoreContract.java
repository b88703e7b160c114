package dev.keel.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.features.online.EntityRows;
import dev.keel.features.online.FeatureStatus;
import dev.keel.features.online.OnlineFeatures;
import dev.keel.features.online.OnlineStore;
import dev.keel.features.online.OnlineStores;
import dev.keel.features.training.FeatureLookup;
import dev.keel.features.training.OnDemandRegistry;
import dev.keel.features.training.TrainingSet;
import dev.keel.features.training.TrainingSetEngine;
import dev.keel.store.Database;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import dev.keel.tracking.DatasetInput;
import dev.keel.tracking.JdbcTrackingStore;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.LocalArtifactStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature store end to end on a real metadata database, the embedded online store and real
 * Iceberg tables; run on SQLite ({@link FeatureStoreSqliteTest}) and PostgreSQL ({@link
 * FeatureStorePostgresIT}).
 */
abstract class FeatureStoreContract {
  @TempDir Path dir;
  Database db;
  TableService tables;
  TrackingService tracking;
  OnlineStore online;
  FeatureStore fs;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    Clock clock = Clock.systemUTC();
    CatalogService catalog =
        new CatalogService(
            new JdbcCatalogStore(
                db,
                List.of(TableService.schemaContents(dir), JdbcFeatureMetadataStore.specContents())),
            clock);
    tables = new TableService(db, catalog, dir, clock);
    tracking = new TrackingService(new JdbcTrackingStore(db), clock);
    online = OnlineStores.open("embedded", dir);
    fs =
        new FeatureStore(
            tables,
            new JdbcFeatureMetadataStore(db),
            tracking,
            new LocalArtifactStore(dir.resolve("artifacts")),
            online,
            "embedded",
            new OnDemandRegistry(),
            TrainingSetEngine.Options.defaults(),
            clock);
  }

  @AfterEach
  void tearDown() {
    fs.close();
    online.close();
    tables.close();
    db.close();
  }

  private FeatureTable userFeatures() {
    return fs.createFeatureTable(
        new TableSpec(
            "main",
            "default",
            "user_features",
            List.of(
                Column.of("user_id", ColumnType.LONG),
                Column.of("ts", ColumnType.TIMESTAMP),
                Column.of("clicks", ColumnType.DOUBLE),
                Column.of("country", ColumnType.STRING)),
            List.of("user_id", "ts"),
            Optional.of("ts"),
            false,
            Optional.empty(),
            Map.of()),
        new FeatureMetadata(
            Optional.of("per-user activity"),
            Map.of("team", "growth"),
            Optional.empty(),
            Map.of("clicks", "clicks in the last hour"),
            Map.of("clicks", Duration.ofDays(3650))));
  }

  private static Map<String, Object> row(long user, String ts, double clicks, String country) {
    Map<String, Object> m = new HashMap<>();
    m.put("user_id", user);
    m.put("ts", ts);
    m.put("clicks", clicks);
    m.put("country", country);
    return m;
  }

  private void spine(String name, List<Object[]> rows) {
    tables.create(
        TableSpec.of(
            "main",
            "default",
            name,
            List.of(
                Column.of("user_id", ColumnType.LONG),
                Column.of("at", ColumnType.TIMESTAMP),
                Column.of("label", ColumnType.INT))));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(Map.of("user_id", r[0], "at", r[1], "label", r[2]));
    }
    tables.write("main.default." + name, WriteMode.APPEND, out);
  }

  private static FeatureLookup lookup() {
    return new FeatureLookup(
        "main.default.user_features",
        List.of("clicks", "country"),
        List.of("user_id"),
        Optional.of("at"),
        Optional.empty(),
        Map.of(),
        Map.of());
  }

  /** The labels table as the spine, one lookup, no on-demand features or exclusions. */
  private static TrainingSetRequest labelsRequest(FeatureLookup lookup, boolean indicators) {
    return new TrainingSetRequest(
        new SpineSource.Table("main.default.labels", new SnapshotRef.Latest()),
        List.of(lookup),
        List.of(),
        List.of(),
        false,
        indicators);
  }

  private static List<List<Object>> rows(TrainingSet s) {
    try (var st = s.rows()) {
      return st.collect(Collectors.toList());
    }
  }

  @Test
  void a_feature_table_carries_keys_features_and_metadata() {
    FeatureTable t = userFeatures();
    assertThat(t.fullName()).isEqualTo("main.default.user_features");
    assertThat(t.entityKeys()).containsExactly("user_id");
    assertThat(t.features()).extracting(Feature::name).containsExactly("clicks", "country");
    assertThat(t.feature("clicks").orElseThrow().description()).hasValue("clicks in the last hour");
    assertThat(t.table().ingestionTime()).isTrue();
    assertThat(t.tags()).containsEntry("team", "growth");
    assertThat(
            fs.listFeatureTables("main", "default", OptionalLong.empty(), Optional.empty()).items())
        .extracting(FeatureTable::fullName)
        .containsExactly("main.default.user_features");

    FeatureTable u =
        fs.updateFeatureTable(
            t.fullName(),
            new FeatureMetadata(
                Optional.of("v2"), Map.of(), Optional.of(Duration.ofHours(1)), Map.of(), Map.of()));
    assertThat(u.description()).hasValue("v2");
    assertThat(u.feature("country").orElseThrow().maxAge()).hasValue(Duration.ofHours(1));
  }

  @Test
  void bad_feature_table_input_is_refused_and_creates_nothing() {
    assertThatThrownBy(
            () ->
                fs.createFeatureTable(
                    TableSpec.of(
                        "main", "default", "nokeys", List.of(Column.of("x", ColumnType.LONG))),
                    FeatureMetadata.none()))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("primary_keys");
    assertThatThrownBy(
            () ->
                fs.createFeatureTable(
                    new TableSpec(
                        "main",
                        "default",
                        "badmeta",
                        List.of(Column.of("k", ColumnType.LONG), Column.of("f", ColumnType.DOUBLE)),
                        List.of("k"),
                        Optional.empty(),
                        false,
                        Optional.empty(),
                        Map.of()),
                    new FeatureMetadata(
                        Optional.empty(),
                        Map.of(),
                        Optional.empty(),
                        Map.of("nope", "x"),
                        Map.of())))
        .hasMessageContaining("'nope' is not a feature");
    assertThat(tables.list("main", "default", OptionalLong.empty(), Optional.empty()).items())
        .isEmpty();
    // a plain table is not a feature table until registered
    tables.create(
        TableSpec.of("main", "default", "plain", List.of(Column.of("x", ColumnType.LONG))));
    assertThatThrownBy(() -> fs.getFeatureTable("main.default.plain"))
        .satisfies(e -> assertThat(((KeelException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> fs.registerFeatureTable("main.default.plain", FeatureMetadata.none()))
        .hasMessageContaining("no primary key");
  }

  @Test
  void a_training_set_logged_to_a_run_is_rebuilt_row_for_row_after_the_tables_change() {
    userFeatures();
    fs.write(
        "main.default.user_features",
        WriteMode.UPSERT,
        List.of(
            row(1, "2024-01-01T00:00:00Z", 1.0, "fr"),
            row(1, "2024-01-03T00:00:00Z", 3.0, "fr"),
            row(2, "2024-01-02T00:00:00Z", 20.0, "de")));
    spine(
        "labels",
        List.of(
            new Object[] {1L, "2024-01-02T00:00:00Z", 1},
            new Object[] {1L, "2024-01-04T00:00:00Z", 0},
            new Object[] {2L, "2024-01-01T00:00:00Z", 1},
            new Object[] {3L, "2024-01-05T00:00:00Z", 0}));
    String exp = tracking.createExperiment("ts", Optional.empty(), List.of());
    String run =
        tracking
            .createRun(exp, Optional.empty(), Optional.empty(), OptionalLong.empty(), List.of())
            .info()
            .runId();
    TrainingSetRequest req = labelsRequest(lookup(), true);
    TrainingSetResult r = fs.createTrainingSet(req, "main.default.train_v1", Optional.of(run));
    assertThat(r.rows()).isEqualTo(4);
    assertThat(r.sources()).containsKeys("main.default.labels", "main.default.user_features");
    List<List<Object>> written =
        tables.preview("main.default.train_v1", new SnapshotRef.Latest(), List.of(), 100).rows();
    assertThat(written).hasSize(4);
    // spine order, point in time: 1@01-02 sees 1.0, 1@01-04 sees 3.0, 2@01-01 nothing yet, 3
    // nothing
    assertThat(written.stream().map(x -> x.get(3)).toList()).containsExactly(1.0, 3.0, null, null);

    List<DatasetInput> inputs = tracking.getRun(run).inputs();
    assertThat(inputs)
        .extracting(i -> i.dataset().name())
        .containsExactlyInAnyOrder("main.default.labels", "main.default.user_features");
    assertThat(inputs)
        .allSatisfy(i -> assertThat(i.dataset().sourceType()).isEqualTo("keel_table"));

    List<List<Object>> before;
    try (TrainingSet again = fs.rebuildTrainingSet(run)) {
      before = rows(again);
    }
    // the tables change: a backfill for user 2 and a new spine row
    fs.write(
        "main.default.user_features",
        WriteMode.UPSERT,
        List.of(row(2, "2023-12-31T00:00:00Z", 7.0, "de")));
    tables.write(
        "main.default.labels",
        WriteMode.APPEND,
        List.of(Map.of("user_id", 2L, "at", "2024-02-01T00:00:00Z", "label", 1)));
    try (TrainingSet rebuilt = fs.rebuildTrainingSet(run)) {
      assertThat(rows(rebuilt)).isEqualTo(before);
    }
    try (TrainingSet fresh = fs.buildTrainingSet(req)) {
      assertThat(rows(fresh)).hasSize(5).isNotEqualTo(before);
    }
  }

  @Test
  void appended_upserted_and_optimized_feature_tables_give_the_training_set_the_rule_gives() {
    userFeatures();
    String t = "main.default.user_features";
    fs.write(
        t,
        WriteMode.APPEND,
        List.of(
            row(1, "2024-01-01T00:00:00Z", 1.0, "fr"), row(2, "2024-01-01T00:00:00Z", 2.0, "de")));
    fs.write(t, WriteMode.APPEND, List.of(row(1, "2024-01-01T00:00:00Z", 5.0, "fr")));
    spine(
        "labels",
        List.of(
            new Object[] {1L, "2024-01-02T00:00:00Z", 1},
            new Object[] {2L, "2024-01-02T00:00:00Z", 0},
            new Object[] {1L, "2023-12-31T00:00:00Z", 1}));
    TrainingSetRequest req = labelsRequest(lookup(), false);
    java.util.function.Supplier<List<Object>> clicks =
        () -> {
          try (TrainingSet s = fs.buildTrainingSet(req)) {
            return rows(s).stream().map(r -> r.get(3)).toList();
          }
        };
    java.util.function.Supplier<Boolean> marked =
        () -> tables.resolve(t, new SnapshotRef.Latest()).primaryKeyUnique();
    // (1, 2024-01-01) twice: the row read last (the second append) wins; no mark.
    assertThat(marked.get()).isFalse();
    assertThat(clicks.get()).containsExactly(5.0, 2.0, null);
    assertThat(tables.optimize(t).primaryKeyUnique()).isFalse();
    assertThat(clicks.get())
        .as("optimizing keeps the read order of ties")
        .containsExactly(5.0, 2.0, null);
    // An upsert replaces both rows of the key; optimizing then finds the keys distinct and marks
    // them, and the event-time join gives what the full-order join gave.
    fs.write(t, WriteMode.UPSERT, List.of(row(1, "2024-01-01T00:00:00Z", 7.0, "fr")));
    assertThat(marked.get()).isFalse();
    assertThat(clicks.get()).containsExactly(7.0, 2.0, null);
    assertThat(tables.optimize(t).primaryKeyUnique()).isTrue();
    assertThat(marked.get()).isTrue();
    assertThat(clicks.get()).containsExactly(7.0, 2.0, null);
  }

  @Test
  void lookups_must_name_feature_tables_and_the_output_table_must_be_new() {
    userFeatures();
    spine("labels", List.<Object[]>of(new Object[] {1L, "2024-01-02T00:00:00Z", 1}));
    tables.create(
        TableSpec.of("main", "default", "plain", List.of(Column.of("user_id", ColumnType.LONG))));
    FeatureLookup plain =
        new FeatureLookup(
            "main.default.plain",
            List.of(),
            List.of("user_id"),
            Optional.empty(),
            Optional.empty(),
            Map.of(),
            Map.of());
    TrainingSetRequest bad = labelsRequest(plain, false);
    assertThatThrownBy(() -> fs.createTrainingSet(bad, "main.default.out", Optional.empty()))
        .hasMessageContaining("not a feature table");
    fs.write(
        "main.default.user_features",
        WriteMode.UPSERT,
        List.of(row(1, "2024-01-01T00:00:00Z", 1.0, "fr")));
    TrainingSetRequest ok = labelsRequest(lookup(), false);
    assertThatThrownBy(() -> fs.createTrainingSet(ok, "main.default.labels", Optional.empty()))
        .isInstanceOf(KeelException.class);
    assertThatThrownBy(
            () -> fs.createTrainingSet(ok, "main.default.out", Optional.of("no-such-run")))
        .isInstanceOf(KeelException.class);
    assertThat(tables.list("main", "default", OptionalLong.empty(), Optional.empty()).items())
        .extracting(t -> t.name())
        .doesNotContain("out");
  }

  @Test
  void publish_sends_the_latest_row_per_entity_and_triggered_publishes_only_new_files() {
    userFeatures();
    fs.write(
        "main.default.user_features",
        WriteMode.UPSERT,
        List.of(
            row(1, "2024-01-01T00:00:00Z", 1.0, "fr"),
            row(1, "2024-01-03T00:00:00Z", 3.0, "fr"),
            row(2, "2024-01-02T00:00:00Z", 20.0, "de")));
    PublishResult first = fs.publish("main.default.user_features", PublishMode.TRIGGERED);
    assertThat(first.mode()).isEqualTo(PublishMode.SNAPSHOT); // nothing to start from
    assertThat(first.rowsRead()).isEqualTo(2);
    assertThat(first.rowsWritten()).isEqualTo(2);

    OnlineFeatures f =
        fs.onlineFeatures(
            List.of("main.default.user_features:clicks", "main.default.user_features:country"),
            new EntityRows(List.of("user_id"), List.of(List.of(1L), List.of(2L), List.of(9L))));
    assertThat(f.results().get(0).values()).containsExactly(3.0, 20.0, null);
    assertThat(f.results().get(0).statuses())
        .containsExactly(FeatureStatus.PRESENT, FeatureStatus.PRESENT, FeatureStatus.NOT_FOUND);
    assertThat(f.results().get(0).eventTimestamps().get(0))
        .isEqualTo(Instant.parse("2024-01-03T00:00:00Z"));

    fs.write(
        "main.default.user_features",
        WriteMode.UPSERT,
        List.of(row(2, "2024-01-05T00:00:00Z", 50.0, "de")));
    PublishResult second = fs.publish("main.default.user_features", PublishMode.TRIGGERED);
    assertThat(second.mode()).isEqualTo(PublishMode.TRIGGERED);
    assertThat(second.rowsRead()).isEqualTo(1);
    PublishResult again = fs.publish("main.default.user_features", PublishMode.SNAPSHOT);
    assertThat(again.rowsWritten()).isZero(); // nothing newer than what the store holds
    assertThat(again.rowsSkipped()).isEqualTo(2);
    assertThat(
            fs.onlineFeatures(
                    List.of("main.default.user_features:clicks"), EntityRows.of("user_id", 2L))
                .results()
                .get(0)
                .values())
        .containsExactly(50.0);
  }

  /** What the online store serves for user 1's clicks. */
  private Object onlineClicks() {
    return fs.onlineFeatures(
            List.of("main.default.user_features:clicks"), EntityRows.of("user_id", 1L))
        .results()
        .get(0)
        .values()
        .get(0);
  }

  /** What a training set at 2024-01-02 (after every row) picks for user 1's clicks. */
  private Object offlineClicks() {
    tables.delete("main.default.labels");
    spine("labels", List.<Object[]>of(new Object[] {1L, "2024-01-02T00:00:00Z", 1}));
    try (TrainingSet s = fs.buildTrainingSet(labelsRequest(lookup(), false))) {
      return rows(s).get(0).get(3);
    }
  }

  @Test
  void online_and_offline_break_ties_by_the_same_rule() {
    userFeatures();
    String t = "main.default.user_features";
    spine("labels", List.<Object[]>of(new Object[] {1L, "2024-01-02T00:00:00Z", 1}));
    // One append: the two rows tie on event time and on ingestion time; the row read last wins.
    fs.write(
        t,
        WriteMode.APPEND,
        List.of(
            row(1, "2024-01-01T00:00:00Z", 1.0, "fr"),
            row(1, "2024-01-01T00:00:00Z", 2.0, "fr"),
            row(2, "2024-01-01T00:00:00Z", 5.0, "de")));
    assertThat(offlineClicks()).isEqualTo(2.0);
    fs.publish(t, PublishMode.SNAPSHOT);
    assertThat(onlineClicks()).as("a snapshot publish").isEqualTo(offlineClicks());

    // A later write at the same event time (a correction): newer ingestion time, it wins offline
    // and must replace the published row, whichever publish mode sends it.
    fs.write(t, WriteMode.APPEND, List.of(row(1, "2024-01-01T00:00:00Z", 3.0, "fr")));
    assertThat(offlineClicks()).isEqualTo(3.0);
    PublishResult p = fs.publish(t, PublishMode.TRIGGERED);
    assertThat(p.mode()).isEqualTo(PublishMode.TRIGGERED);
    assertThat(onlineClicks()).as("a triggered publish").isEqualTo(3.0);

    // Replaying changes nothing and writes nothing.
    PublishResult again = fs.publish(t, PublishMode.SNAPSHOT);
    assertThat(again.rowsWritten()).isZero();
    assertThat(onlineClicks()).isEqualTo(3.0);
  }

  private FeatureTable withCreationTime() {
    return fs.createFeatureTable(
        new TableSpec(
            "main",
            "default",
            "user_features",
            List.of(
                Column.of("user_id", ColumnType.LONG),
                Column.of("ts", ColumnType.TIMESTAMP),
                Column.of("clicks", ColumnType.DOUBLE),
                Column.of("country", ColumnType.STRING),
                Column.of("created", ColumnType.TIMESTAMP)),
            List.of("user_id", "ts"),
            Optional.of("ts"),
            true,
            Optional.empty(),
            Map.of()),
        FeatureMetadata.none(),
        Optional.of("created"));
  }

  private static Map<String, Object> created(Map<String, Object> row, String created) {
    Map<String, Object> m = new HashMap<>(row);
    m.put("created", created);
    return m;
  }

  @Test
  void a_declared_creation_time_column_breaks_ties_and_filters_availability_online_and_offline() {
    FeatureTable f = withCreationTime();
    assertThat(f.creationTimeColumn()).hasValue("created");
    assertThat(f.features()).extracting(Feature::name).containsExactly("clicks", "country");
    assertThat(fs.getFeatureTable(f.fullName()).creationTimeColumn()).hasValue("created");
    String t = f.fullName();
    spine("labels", List.<Object[]>of(new Object[] {1L, "2024-01-02T00:00:00Z", 1}));
    // A backfilled row (created 01-05) and one created on time, read after it: same event time.
    fs.write(
        t,
        WriteMode.APPEND,
        List.of(
            created(row(1, "2024-01-01T00:00:00Z", 1.0, "fr"), "2024-01-05T00:00:00Z"),
            created(row(1, "2024-01-01T00:00:00Z", 2.0, "fr"), "2024-01-01T12:00:00Z")));
    assertThat(offlineClicks()).as("the later creation time wins the tie").isEqualTo(1.0);
    fs.publish(t, PublishMode.SNAPSHOT);
    assertThat(onlineClicks()).isEqualTo(1.0);

    // Available at 01-02: only the row created on 01-01 counts.
    tables.delete("main.default.labels");
    spine("labels", List.<Object[]>of(new Object[] {1L, "2024-01-02T00:00:00Z", 1}));
    TrainingSetRequest avail =
        new TrainingSetRequest(
            new SpineSource.Table("main.default.labels", new SnapshotRef.Latest()),
            List.of(lookup()),
            List.of(),
            List.of(),
            true,
            false);
    try (TrainingSet s = fs.buildTrainingSet(avail)) {
      assertThat(rows(s).get(0).get(3)).isEqualTo(2.0);
    }
  }

  @Test
  void a_creation_time_column_must_be_a_timestamp_column_that_is_not_a_key() {
    for (String bad : List.of("nope", "country", "ts", "user_id")) {
      assertThatThrownBy(
              () ->
                  fs.createFeatureTable(
                      new TableSpec(
                          "main",
                          "default",
                          "user_features",
                          List.of(
                              Column.of("user_id", ColumnType.LONG),
                              Column.of("ts", ColumnType.TIMESTAMP),
                              Column.of("country", ColumnType.STRING)),
                          List.of("user_id", "ts"),
                          Optional.of("ts"),
                          true,
                          Optional.empty(),
                          Map.of()),
                      FeatureMetadata.none(),
                      Optional.of(bad)))
          .isInstanceOf(KeelException.class)
          .hasMessageContaining("creation_time_column");
    }
    assertThat(tables.list("main", "default", OptionalLong.empty(), Optional.empty()).items())
        .isEmpty();
  }

  @Test
  void online_lookups_honour_max_age_and_refuse_unknown_features() {
    userFeatures();
    fs.write(
        "main.default.user_features",
        WriteMode.UPSERT,
        List.of(row(1, "2024-01-01T00:00:00Z", 1.0, "fr")));
    fs.publish("main.default.user_features", PublishMode.SNAPSHOT);
    // clicks may be 10 years old, country has no limit... until the table gets a 1 h max age
    fs.updateFeatureTable(
        "main.default.user_features",
        new FeatureMetadata(
            Optional.empty(),
            Map.of(),
            Optional.of(Duration.ofHours(1)),
            Map.of(),
            Map.of("clicks", Duration.ofDays(3650))));
    OnlineFeatures f =
        fs.onlineFeatures(
            List.of("main.default.user_features:clicks", "main.default.user_features:country"),
            EntityRows.of("user_id", 1L));
    assertThat(f.results().get(0).statuses()).containsExactly(FeatureStatus.PRESENT);
    assertThat(f.results().get(1).statuses()).containsExactly(FeatureStatus.OUTSIDE_MAX_AGE);
    assertThatThrownBy(
            () ->
                fs.onlineFeatures(
                    List.of("main.default.user_features:nope"), EntityRows.of("user_id", 1L)))
        .hasMessageContaining("'nope' is not a feature");
    assertThatThrownBy(() -> fs.onlineFeatures(List.of("clicks"), EntityRows.of("user_id", 1L)))
        .hasMessageContaining("features[0]");
  }

  @Test
  void feature_specs_are_stored_checked_and_served_online() {
    userFeatures();
    fs.write(
        "main.default.user_features",
        WriteMode.UPSERT,
        List.of(row(1, "2024-01-01T00:00:00Z", 1.0, "fr")));
    fs.publish("main.default.user_features", PublishMode.SNAPSHOT);
    FeatureSpecInfo spec =
        fs.createFeatureSpec(
            "main.default.churn_features", List.of(lookup()), Optional.of("for churn"));
    assertThat(fs.getFeatureSpec("main.default.churn_features").lookups())
        .isEqualTo(spec.lookups());
    assertThat(fs.listFeatureSpecs("main", "default"))
        .extracting(FeatureSpecInfo::name)
        .containsExactly("churn_features");
    OnlineFeatures f =
        fs.onlineFeaturesForSpec("main.default.churn_features", EntityRows.of("user_id", 1L));
    assertThat(f.results()).hasSize(2);
    assertThat(f.results().get(1).values()).containsExactly("fr");
    assertThatThrownBy(
            () ->
                fs.createFeatureSpec(
                    "main.default.churn_features", List.of(lookup()), Optional.empty()))
        .satisfies(e -> assertThat(((KeelException) e).code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    FeatureLookup badFeature =
        new FeatureLookup(
            "main.default.user_features",
            List.of("nope"),
            List.of("user_id"),
            Optional.empty(),
            Optional.empty(),
            Map.of(),
            Map.of());
    assertThatThrownBy(
            () -> fs.createFeatureSpec("main.default.s2", List.of(badFeature), Optional.empty()))
        .hasMessageContaining("'nope' is not a feature");
    fs.deleteFeatureSpec("main.default.churn_features");
    assertThatThrownBy(() -> fs.getFeatureSpec("main.default.churn_features"))
        .isInstanceOf(KeelException.class);
  }

  @Test
  void names_the_query_engine_uses_internally_work_as_keys_and_features_of_training_sets() {
    fs.createFeatureTable(
        new TableSpec(
            "main",
            "default",
            "by_file",
            List.of(
                Column.of("filename", ColumnType.STRING),
                Column.of("ts", ColumnType.TIMESTAMP),
                Column.of("file_index", ColumnType.DOUBLE)),
            List.of("filename", "ts"),
            Optional.of("ts"),
            false,
            Optional.empty(),
            Map.of()),
        FeatureMetadata.none());
    String t = "main.default.by_file";
    fs.write(
        t,
        WriteMode.APPEND,
        List.of(Map.of("filename", "a", "ts", "2024-01-01T00:00:00Z", "file_index", 1.0)));
    fs.write(
        t,
        WriteMode.APPEND,
        List.of(Map.of("filename", "a", "ts", "2024-01-03T00:00:00Z", "file_index", 3.0)));
    tables.create(
        TableSpec.of(
            "main",
            "default",
            "file_spine",
            List.of(
                Column.of("filename", ColumnType.STRING), Column.of("at", ColumnType.TIMESTAMP))));
    tables.write(
        "main.default.file_spine",
        WriteMode.APPEND,
        List.of(
            Map.of("filename", "a", "at", "2024-01-02T00:00:00Z"),
            Map.of("filename", "a", "at", "2024-01-04T00:00:00Z"),
            Map.of("filename", "b", "at", "2024-01-04T00:00:00Z")));
    TrainingSetRequest req =
        new TrainingSetRequest(
            new SpineSource.Table("main.default.file_spine", new SnapshotRef.Latest()),
            List.of(
                new FeatureLookup(
                    t,
                    List.of("file_index"),
                    List.of("filename"),
                    Optional.of("at"),
                    Optional.empty(),
                    Map.of(),
                    Map.of())),
            List.of(),
            List.of(),
            false,
            false);
    for (int pass = 0; pass < 2; pass++) {
      try (TrainingSet set = fs.buildTrainingSet(req)) {
        assertThat(rows(set).stream().map(r -> r.get(2)).toList())
            .as(pass == 0 ? "two files" : "optimized into one")
            .containsExactly(1.0, 3.0, null);
      }
      tables.optimize(t);
    }
  }
}
