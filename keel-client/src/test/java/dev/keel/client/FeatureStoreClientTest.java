package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.KeelConfig;
import dev.keel.core.Page;
import dev.keel.server.KeelServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives {@link FeatureStoreClient} against a real Keel server on a free port. */
class FeatureStoreClientTest {
  @TempDir static Path dataDir;

  static KeelServer server;
  static KeelClient client;
  static FeatureStoreClient fs;
  static String drivers;

  @BeforeAll
  static void start() {
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
    client = new KeelClient(server.url());
    fs = client.features();
    drivers = unique("drivers");
    fs.create(driversTable(drivers), FeatureMetadata.none().withDescription("driver stats"));
    fs.writeRows(
        drivers,
        WriteMode.UPSERT,
        List.of(
            row(1001, "2024-01-01T00:00:00Z", 0.5, "Paris"),
            row(1001, "2024-01-03T00:00:00Z", 0.7, "Paris"),
            row(1002, "2024-01-02T00:00:00Z", 0.1, "Lyon")));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static NewTable driversTable(String name) {
    return NewTable.of(
            name,
            List.of(
                ColumnInfo.of("driver_id", "LONG"),
                ColumnInfo.of("ts", "TIMESTAMP"),
                ColumnInfo.of("conv_rate", "DOUBLE"),
                ColumnInfo.of("city", "STRING")))
        .withPrimaryKeys("driver_id", "ts")
        .withTimeseriesKey("ts");
  }

  static Map<String, Object> row(long id, String ts, double rate, String city) {
    return Map.of("driver_id", id, "ts", Instant.parse(ts), "conv_rate", rate, "city", city);
  }

  static String unique(String prefix) {
    return "main.default." + prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  static KeelClientException failure(Runnable call) {
    try {
      call.run();
    } catch (KeelClientException e) {
      return e;
    }
    throw new AssertionError("expected a KeelClientException");
  }

  static Spine spineRows() {
    return Spine.rows(
        List.of(
            new TrainingSetColumn("driver_id", "LONG"), new TrainingSetColumn("at", "TIMESTAMP")),
        List.of(
            List.of(1001L, Instant.parse("2024-01-02T00:00:00Z")),
            List.of(1002L, "2024-01-01T00:00:00Z"),
            List.of(1001L, "2024-01-04T00:00:00Z")));
  }

  static FeatureLookup conv() {
    return FeatureLookup.of(drivers, "driver_id", "conv_rate").withTimestampLookupKey("at");
  }

  @Test
  void feature_tables_are_created_described_listed_updated_and_deleted() {
    String name = unique("ft");
    FeatureTableInfo t =
        fs.create(
            driversTable(name),
            FeatureMetadata.none()
                .withDescription("stats")
                .withTags(Map.of("team", "ops"))
                .withMaxAge(Duration.ofDays(2))
                .withFeatureDescription("conv_rate", "conversion")
                .withFeatureMaxAge("conv_rate", Duration.ofHours(1)));
    assertThat(t.name()).isEqualTo(name);
    assertThat(t.entityKeys()).containsExactly("driver_id");
    assertThat(t.primaryKeys()).containsExactly("driver_id", "ts");
    assertThat(t.timeseriesKey()).contains("ts");
    assertThat(t.featureNames()).containsExactly("conv_rate", "city");
    assertThat(t.features().get(0).description()).contains("conversion");
    assertThat(t.features().get(0).maxAge()).contains(Duration.ofHours(1));
    assertThat(t.features().get(0).typeText()).isEqualToIgnoringCase("DOUBLE");
    assertThat(t.description()).contains("stats");
    assertThat(t.tags()).containsExactly(Map.entry("team", "ops"));
    assertThat(t.maxAge()).contains(Duration.ofDays(2));
    assertThat(t.table().fullName()).isEqualTo(name);
    assertThat(fs.get(name)).isEqualTo(t);

    FeatureTableInfo u = fs.update(name, FeatureMetadata.none().withDescription("v2"));
    assertThat(u.description()).contains("v2");
    assertThat(u.tags()).containsExactly(Map.entry("team", "ops"));
    assertThat(u.maxAge()).contains(Duration.ofDays(2));

    List<String> names = new ArrayList<>();
    String token = "";
    do {
      Page<FeatureTableInfo> p = fs.list("main", "default", 1, token);
      p.items().forEach(x -> names.add(x.name()));
      token = p.nextPageToken().orElse("");
    } while (!token.isEmpty());
    assertThat(names).contains(name, drivers);

    fs.delete(name, false);
    assertThat(failure(() -> fs.get(name)).httpStatus()).isEqualTo(404);
    assertThat(client.tables().get(name).fullName()).isEqualTo(name);

    FeatureTableInfo again = fs.register(name, FeatureMetadata.none().withTags(Map.of("k", "v")));
    assertThat(again.tags()).containsExactly(Map.entry("k", "v"));
    assertThat(again.entityKeys()).containsExactly("driver_id");
    fs.delete(name, true);
    assertThat(failure(() -> client.tables().get(name)).httpStatus()).isEqualTo(404);
  }

  @Test
  void published_features_are_looked_up_online_by_list_and_by_spec() {
    PublishResult p = fs.publish(drivers, PublishMode.SNAPSHOT);
    assertThat(p.table()).isEqualTo(drivers);
    assertThat(p.mode()).isEqualTo(PublishMode.SNAPSHOT);
    assertThat(p.rowsWritten()).isEqualTo(2);
    assertThat(p.onlineStore()).isNotEmpty();

    OnlineFeatures f =
        fs.onlineFeatures(
            List.of(drivers + ":conv_rate", drivers + ":city"),
            Map.of("driver_id", List.of(1001, 1002, 9)));
    assertThat(f.featureNames()).containsExactly("driver_id", "conv_rate", "city");
    assertThat(f.get("driver_id").values()).containsExactly(1001L, 1002L, 9L);
    FeatureValues rate = f.get("conv_rate");
    assertThat(rate.values()).containsExactly(0.7, 0.1, null);
    assertThat(rate.statuses())
        .containsExactly(FeatureStatus.PRESENT, FeatureStatus.PRESENT, FeatureStatus.NOT_FOUND);
    assertThat(rate.eventTimestamps().get(0)).isEqualTo(Instant.parse("2024-01-03T00:00:00Z"));
    assertThat(f.get("city").values()).containsExactly("Paris", "Lyon", null);

    String spec = unique("spec");
    FeatureSpecInfo s =
        fs.createFeatureSpec(
            spec, List.of(FeatureLookup.of(drivers, "driver_id", "city")), "for serving");
    assertThat(s.name()).isEqualTo(spec);
    assertThat(s.comment()).contains("for serving");
    assertThat(s.lookups().get(0).tableName()).isEqualTo(drivers);
    assertThat(s.lookups().get(0).lookupKey()).containsExactly("driver_id");
    assertThat(fs.getFeatureSpec(spec)).isEqualTo(s);
    assertThat(fs.listFeatureSpecs("main", "default"))
        .extracting(FeatureSpecInfo::name)
        .contains(spec);
    OnlineFeatures bySpec = fs.onlineFeaturesForSpec(spec, Map.of("driver_id", List.of(1002)));
    assertThat(bySpec.get("city").values()).containsExactly("Lyon");
    fs.deleteFeatureSpec(spec);
    assertThat(failure(() -> fs.getFeatureSpec(spec)).httpStatus()).isEqualTo(404);

    PublishResult again = fs.publish(drivers, PublishMode.TRIGGERED);
    assertThat(again.mode()).isEqualTo(PublishMode.TRIGGERED);
  }

  @Test
  void a_training_set_from_java_rows_is_written_and_streamed_row_by_row() {
    TrainingSetSpec spec = TrainingSetSpec.of(spineRows(), conv()).withIndicators(true);
    String out = unique("train");
    TrainingSetResult r = fs.createTrainingSet(spec, out, Optional.empty());
    assertThat(r.outputTable()).isEqualTo(out);
    assertThat(r.rows()).isEqualTo(3);
    assertThat(r.sources()).containsKey(drivers);
    assertThat(r.runId()).isEmpty();
    assertThat(client.tables().count(out)).isEqualTo(3);

    List<List<Object>> rows = new ArrayList<>();
    try (TrainingSetStream set = fs.stream(spec)) {
      assertThat(set.columnNames()).startsWith("driver_id", "at", "conv_rate");
      assertThat(set.columns()).hasSize(4);
      set.forEachRemaining(rows::add);
      assertThat(set.hasNext()).isFalse();
    }
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).get(0)).isEqualTo(1001L);
    assertThat(rows.get(0).get(2)).isEqualTo(0.5);
    assertThat(rows.get(1).get(2)).isNull();
    assertThat(rows.get(1).get(3)).isEqualTo("MISSING");
    assertThat(rows.get(2).get(2)).isEqualTo(0.7);

    try (var stream = fs.stream(spec).stream()) {
      assertThat(stream.map(x -> x.get(0)).toList()).containsExactly(1001L, 1002L, 1001L);
    }
  }

  @Test
  void a_training_set_logged_to_a_run_is_rebuilt_row_for_row_after_the_features_change() {
    String labels = unique("labels");
    client
        .tables()
        .create(
            NewTable.of(
                labels,
                List.of(ColumnInfo.of("driver_id", "LONG"), ColumnInfo.of("at", "TIMESTAMP"))));
    client
        .tables()
        .writeRows(
            labels,
            WriteMode.APPEND,
            List.of(
                Map.of("driver_id", 1001, "at", "2024-01-05T00:00:00Z"),
                Map.of("driver_id", 1002, "at", "2024-01-05T00:00:00Z")));
    String feats = unique("feats");
    fs.create(driversTable(feats), FeatureMetadata.none());
    fs.writeRows(
        feats,
        WriteMode.UPSERT,
        List.of(
            row(1001, "2024-01-01T00:00:00Z", 0.5, "Paris"),
            row(1002, "2024-01-02T00:00:00Z", 0.1, "Lyon")));
    FeatureLookup lookup =
        FeatureLookup.of(feats, "driver_id", "conv_rate").withTimestampLookupKey("at");
    long twoLabels = client.tables().history(labels).get(0).snapshotId();
    Instant afterTwo = client.tables().history(labels).get(0).committedAt();
    client
        .tables()
        .writeRows(
            labels,
            WriteMode.APPEND,
            List.of(Map.of("driver_id", 1002, "at", "2024-01-06T00:00:00Z")));
    assertThat(
            fs.createTrainingSet(
                    TrainingSetSpec.of(Spine.table(labels, twoLabels), lookup),
                    unique("at_snapshot"),
                    Optional.empty())
                .rows())
        .isEqualTo(2);
    assertThat(
            fs.createTrainingSet(
                    TrainingSetSpec.of(Spine.table(labels, afterTwo.plusMillis(1)), lookup),
                    unique("as_of"),
                    Optional.empty())
                .sources())
        .containsEntry(labels, twoLabels);
    String exp = client.tracking().createExperiment("ts_" + UUID.randomUUID());
    Run run = client.tracking().createRun(exp);
    String out = unique("logged");
    TrainingSetResult r =
        fs.createTrainingSet(
            TrainingSetSpec.of(Spine.table(labels), lookup), out, Optional.of(run.runId()));
    assertThat(r.runId()).contains(run.runId());
    assertThat(r.sources()).containsKeys(labels, feats);

    fs.writeRows(feats, WriteMode.UPSERT, List.of(row(1002, "2024-01-04T00:00:00Z", 0.9, "Lyon")));

    String rebuilt = unique("rebuilt");
    TrainingSetResult again = fs.rebuildTrainingSet(run.runId(), rebuilt);
    assertThat(again.outputTable()).isEqualTo(rebuilt);
    assertThat(again.rows()).isEqualTo(3);
    assertThat(again.sources()).containsEntry(feats, r.sources().get(feats));
    // the same rows; their order follows the spine table's data files, which the server does not
    // keep stable between builds of a multi-file spine (reported, not worked around)
    assertThat(client.tables().preview(rebuilt, 10).rows())
        .containsExactlyInAnyOrderElementsOf(client.tables().preview(out, 10).rows());
    assertThat(client.tables().preview(rebuilt, 10).rows())
        .anySatisfy(row -> assertThat(row).containsExactly(1002L, row.get(1), 0.1))
        .noneSatisfy(row -> assertThat(row).contains(0.9));
  }

  @Test
  void bad_input_surfaces_as_the_servers_error_and_changes_nothing() {
    String noKeys = unique("nokeys");
    KeelClientException keys =
        failure(
            () ->
                fs.create(
                    NewTable.of(noKeys, List.of(ColumnInfo.of("x", "LONG"))),
                    FeatureMetadata.none()));
    assertThat(keys.httpStatus()).isEqualTo(400);
    assertThat(keys.getMessage()).contains("primary_keys");
    assertThat(failure(() -> client.tables().get(noKeys)).httpStatus()).isEqualTo(404);

    KeelClientException ref =
        failure(() -> fs.onlineFeatures(List.of("conv_rate"), Map.of("driver_id", List.of(1))));
    assertThat(ref.httpStatus()).isEqualTo(400);
    assertThat(ref.getMessage()).contains("features[0]");

    KeelClientException ragged =
        failure(
            () ->
                fs.onlineFeatures(
                    List.of(drivers + ":city"),
                    Map.of("driver_id", List.of(1, 2), "x", List.of(1))));
    assertThat(ragged.httpStatus()).isEqualTo(400);
    assertThat(ragged.getMessage()).contains("same number of values");

    String never = unique("never");
    KeelClientException unknownTable =
        failure(
            () ->
                fs.createTrainingSet(
                    TrainingSetSpec.of(
                        spineRows(),
                        FeatureLookup.of("main.default.nope", "driver_id", "conv_rate")),
                    never,
                    Optional.empty()));
    assertThat(unknownTable.getMessage()).contains("main.default.nope");
    KeelClientException unknownFeature =
        failure(
            () ->
                fs.createTrainingSet(
                    TrainingSetSpec.of(spineRows(), FeatureLookup.of(drivers, "driver_id", "nope")),
                    never,
                    Optional.empty()));
    assertThat(unknownFeature.httpStatus()).isEqualTo(400);
    assertThat(unknownFeature.getMessage()).contains("nope");
    KeelClientException onDemand =
        failure(
            () ->
                fs.createTrainingSet(
                    TrainingSetSpec.of(spineRows(), conv())
                        .withOnDemand(
                            new OnDemandFeature("no_such_fn", Map.of("x", "conv_rate"), "y")),
                    never,
                    Optional.empty()));
    assertThat(onDemand.httpStatus()).isEqualTo(400);
    assertThat(onDemand.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(onDemand.getMessage()).contains("no_such_fn");
    KeelClientException streamed =
        failure(
            () ->
                fs.stream(
                    TrainingSetSpec.of(
                        spineRows(), FeatureLookup.of(drivers, "driver_id", "nope"))));
    assertThat(streamed.httpStatus()).isEqualTo(400);
    assertThat(streamed.getMessage()).contains("nope");
    assertThat(failure(() -> client.tables().get(never)).httpStatus()).isEqualTo(404);

    KeelClientException zone =
        failure(
            () ->
                fs.writeRows(
                    drivers,
                    WriteMode.UPSERT,
                    List.of(
                        Map.of("driver_id", 7, "ts", "2024-01-01T00:00:00", "conv_rate", 1.0))));
    assertThat(zone.httpStatus()).isEqualTo(400);
    assertThat(zone.getMessage()).contains("ts");
    assertThat(failure(() -> fs.rebuildTrainingSet("nope", unique("r"))).httpStatus())
        .isEqualTo(404);
    // the feature-store API answers in Databricks' dialect, as its other errors do
    assertThat(failure(() -> fs.get("main.default.nope")).errorCode())
        .isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }
}
