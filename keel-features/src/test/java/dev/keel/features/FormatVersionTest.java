package dev.keel.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.features.training.FeatureLookup;
import dev.keel.features.training.TrainingSet;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableSpec;
import dev.keel.tables.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feature store's persisted documents carry a {@code format_version}: written as 1, read as 1
 * when absent (documents written before it was recorded), refused with a clear error when newer.
 */
class FormatVersionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE = "main.default.user_features";

  @TempDir Path dir;
  FeatureStoreFixture f;

  @BeforeEach
  void setUp() {
    f = new FeatureStoreFixture(dir);
    f.fs.createFeatureTable(
        new TableSpec(
            "main",
            "default",
            "user_features",
            List.of(
                Column.of("user_id", ColumnType.LONG),
                Column.of("ts", ColumnType.TIMESTAMP),
                Column.of("clicks", ColumnType.DOUBLE)),
            List.of("user_id", "ts"),
            Optional.of("ts"),
            false,
            Optional.empty(),
            Map.of()),
        FeatureMetadata.none());
    f.fs.write(
        TABLE,
        WriteMode.UPSERT,
        List.of(
            Map.of("user_id", 1L, "ts", "2024-01-01T00:00:00Z", "clicks", 1.0),
            Map.of("user_id", 1L, "ts", "2024-01-03T00:00:00Z", "clicks", 3.0)));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private static FeatureLookup lookup() {
    return new FeatureLookup(
        TABLE,
        List.of("clicks"),
        List.of("user_id"),
        Optional.of("at"),
        Optional.empty(),
        Map.of(),
        Map.of());
  }

  private String loggedRun() {
    f.tables.create(
        TableSpec.of(
            "main",
            "default",
            "labels",
            List.of(Column.of("user_id", ColumnType.LONG), Column.of("at", ColumnType.TIMESTAMP))));
    f.tables.write(
        "main.default.labels",
        WriteMode.APPEND,
        List.of(
            Map.of("user_id", 1L, "at", "2024-01-02T00:00:00Z"),
            Map.of("user_id", 1L, "at", "2024-01-04T00:00:00Z")));
    String exp = f.tracking.createExperiment("fv", Optional.empty(), List.of());
    String run =
        f.tracking
            .createRun(exp, Optional.empty(), Optional.empty(), OptionalLong.empty(), List.of())
            .info()
            .runId();
    f.fs.createTrainingSet(
        new TrainingSetRequest(
            new SpineSource.Table("main.default.labels", new SnapshotRef.Latest()),
            List.of(lookup()),
            List.of(),
            List.of(),
            false,
            false),
        "main.default.train",
        Optional.of(run));
    return run;
  }

  private Path recordFile() throws IOException {
    try (Stream<Path> s = Files.walk(dir.resolve("artifacts"))) {
      List<Path> found =
          s.filter(p -> p.getFileName().toString().equals("training_set.json")).toList();
      assertThat(found).hasSize(1);
      return found.get(0);
    }
  }

  private List<List<Object>> rebuiltRows(String run) {
    try (TrainingSet set = f.fs.rebuildTrainingSet(run);
        Stream<List<Object>> rows = set.rows()) {
      return rows.collect(Collectors.toList());
    }
  }

  @Test
  void a_training_set_record_is_written_with_format_version_1() throws IOException {
    String run = loggedRun();
    ObjectNode record = (ObjectNode) JSON.readTree(recordFile().toFile());
    assertThat(record.get("format_version").isInt()).isTrue();
    assertThat(record.get("format_version").asInt()).isEqualTo(1);
    assertThat(rebuiltRows(run)).hasSize(2);
  }

  @Test
  void a_training_set_record_without_format_version_is_read_as_version_1() throws IOException {
    String run = loggedRun();
    List<List<Object>> before = rebuiltRows(run);
    Path file = recordFile();
    ObjectNode record = (ObjectNode) JSON.readTree(file.toFile());
    record.remove("format_version");
    Files.write(file, JSON.writeValueAsBytes(record));
    assertThat(rebuiltRows(run)).isEqualTo(before);
  }

  @Test
  void a_training_set_record_of_a_newer_format_version_is_refused_naming_the_version()
      throws IOException {
    String run = loggedRun();
    Path file = recordFile();
    ObjectNode record = (ObjectNode) JSON.readTree(file.toFile());
    record.put("format_version", 2);
    Files.write(file, JSON.writeValueAsBytes(record));
    assertThatThrownBy(() -> f.fs.rebuildTrainingSet(run))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
        .hasMessageContaining("format_version 2")
        .hasMessageContaining(run);
    assertThatThrownBy(() -> f.fs.rebuildTrainingSet(run, "main.default.again"))
        .hasMessageContaining("format_version 2");
    assertThatThrownBy(() -> f.tables.get("main.default.again")).isInstanceOf(KeelException.class);
  }

  @Test
  void a_feature_spec_is_stored_with_format_version_1() throws IOException {
    f.fs.createFeatureSpec("main.default.s1", List.of(lookup()), Optional.empty());
    var doc = JSON.readTree(f.meta.getSpec("main.default.s1").orElseThrow().lookupsJson());
    assertThat(doc.get("format_version").asInt()).isEqualTo(1);
    assertThat(doc.get("lookups").size()).isEqualTo(1);
    assertThat(f.fs.getFeatureSpec("main.default.s1").lookups()).containsExactly(lookup());
  }

  @Test
  void a_feature_spec_without_format_version_is_read_as_version_1() {
    f.meta.createSpec(stored("legacy", "[" + lookup().toJson() + "]"));
    assertThat(f.fs.getFeatureSpec("main.default.legacy").lookups()).containsExactly(lookup());
    f.meta.createSpec(stored("unversioned", "{\"lookups\": [" + lookup().toJson() + "]}"));
    assertThat(f.fs.getFeatureSpec("main.default.unversioned").lookups()).containsExactly(lookup());
  }

  @Test
  void a_feature_spec_of_a_newer_format_version_is_refused_naming_the_version() {
    f.meta.createSpec(
        stored("future", "{\"format_version\": 7, \"lookups\": [" + lookup().toJson() + "]}"));
    assertThatThrownBy(() -> f.fs.getFeatureSpec("main.default.future"))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
        .hasMessageContaining("format_version 7")
        .hasMessageContaining("main.default.future");
  }

  @Test
  void a_malformed_format_version_is_refused() {
    f.meta.createSpec(
        stored("odd", "{\"format_version\": \"one\", \"lookups\": [" + lookup().toJson() + "]}"));
    assertThatThrownBy(() -> f.fs.getFeatureSpec("main.default.odd"))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
        .hasMessageContaining("invalid format_version");
  }

  private static FeatureMetadataStore.StoredSpec stored(String name, String json) {
    return new FeatureMetadataStore.StoredSpec(
        "main", "default", name, json, Optional.empty(), "keel", 0L, "keel");
  }
}
