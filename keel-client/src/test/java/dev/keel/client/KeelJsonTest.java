package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class KeelJsonTest {
  static JsonNode parse(String json) throws Exception {
    return KeelJson.MAPPER.readTree(json);
  }

  @Test
  void run_survives_a_round_trip_through_wire_json() {
    Run run =
        new Run(
            new RunInfo(
                "a".repeat(32),
                "r",
                "1",
                "ana",
                RunStatus.FINISHED,
                10,
                OptionalLong.of(20),
                "mlflow-artifacts:/1/" + "a".repeat(32) + "/artifacts",
                LifecycleStage.DELETED),
            List.of(new Metric("m", Double.NaN, 5, 2)),
            List.of(new Param("p", "v")),
            List.of(new Tag("t", "u")),
            List.of(
                DatasetInput.of(
                    new Dataset(
                        "d", "x1", "local", "{}", Optional.of("{\"s\":1}"), Optional.empty()),
                    "training")));
    JsonNode json = KeelJson.toJson(run);
    assertThat(json.at("/info/run_uuid").asText()).isEqualTo(run.runId());
    assertThat(json.at("/info/lifecycle_stage").asText()).isEqualTo("deleted");
    assertThat(json.at("/data/metrics/0/value").asText()).isEqualTo("NaN");
    assertThat(json.at("/inputs/dataset_inputs/0/dataset").has("profile")).isFalse();
    assertThat(TrackingJson.run(json)).isEqualTo(run);
  }

  @Test
  void unset_end_time_and_empty_lists_are_left_out() {
    RunInfo info =
        new RunInfo(
            "b".repeat(32),
            "",
            "0",
            "",
            RunStatus.RUNNING,
            1,
            OptionalLong.empty(),
            "",
            LifecycleStage.ACTIVE);
    JsonNode json = KeelJson.toJson(new Run(info, List.of(), List.of(), List.of(), List.of()));
    assertThat(json.at("/info").has("end_time")).isFalse();
    assertThat(json.get("data").isEmpty()).isTrue();
    assertThat(KeelJson.toJson(new FileInfo("dir", true, OptionalLong.empty())).has("file_size"))
        .isFalse();
  }

  @Test
  void reading_accepts_int64_as_strings_and_missing_fields_as_empty() throws Exception {
    Experiment e =
        TrackingJson.experiment(
            parse("{\"experiment_id\": 3, \"name\": \"x\", \"creation_time\": \"42\"}"));
    assertThat(e.experimentId()).isEqualTo("3");
    assertThat(e.creationTime()).isEqualTo(42);
    assertThat(e.lastUpdateTime()).isZero();
    assertThat(e.artifactLocation()).isEmpty();
    assertThat(e.tags()).isEmpty();
    assertThat(TrackingJson.metric(parse("{\"key\":\"k\",\"value\":\"-Infinity\"}")).value())
        .isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void pretty_output_uses_two_space_indent_and_compact_empty_objects() {
    String text = KeelJson.write(KeelJson.toJson(new Tag("k", "v")), true);
    assertThat(text).contains("\"key\": \"k\"");
    assertThat(KeelJson.write(KeelJson.object(), true)).isEqualTo("{}");
  }
}
