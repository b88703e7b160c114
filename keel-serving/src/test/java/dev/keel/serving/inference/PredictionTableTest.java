package dev.keel.serving.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.TensorSpec;
import dev.keel.serving.InputBatch;
import dev.keel.serving.InputColumn;
import dev.keel.serving.OutputTensor;
import dev.keel.serving.Predictions;
import dev.keel.serving.endpoints.InferenceTableConfig;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PredictionTableTest {
  private static final InferenceTableConfig TABLE =
      new InferenceTableConfig("main", "default", "ep", true);

  private static Map<String, ColumnType> types(List<Column> columns) {
    Map<String, ColumnType> m = new LinkedHashMap<>();
    columns.forEach(c -> m.put(c.name(), c.type()));
    return m;
  }

  private static Map<String, ColumnType> keel() {
    return types(PredictionTable.keelColumns());
  }

  @Test
  void the_table_is_named_after_the_prefix() {
    assertThat(PredictionTable.tableName(TABLE)).isEqualTo("main.default.ep_predictions");
  }

  @Test
  void columns_are_keels_then_the_union_of_the_entities_inputs_then_the_prediction() {
    ModelSignature a =
        ModelSignature.builder()
            .inputColumn("f0", dev.keel.mlmodel.ColumnType.DOUBLE)
            .inputColumn("Plan", dev.keel.mlmodel.ColumnType.STRING)
            .inputColumn("n", dev.keel.mlmodel.ColumnType.LONG)
            .outputColumn("score", dev.keel.mlmodel.ColumnType.FLOAT)
            .build();
    ModelSignature b =
        ModelSignature.builder()
            .inputColumn("f0", dev.keel.mlmodel.ColumnType.DOUBLE)
            .inputColumn("n", dev.keel.mlmodel.ColumnType.DOUBLE)
            .inputColumn("ok", dev.keel.mlmodel.ColumnType.BOOLEAN)
            .inputColumn("i", dev.keel.mlmodel.ColumnType.INTEGER)
            .build();
    Map<String, ColumnType> t =
        types(
            PredictionTable.columns(List.of(Optional.of(a), Optional.empty(), Optional.of(b)))
                .orElseThrow());
    Map<String, ColumnType> expected = keel();
    expected.put("f0", ColumnType.DOUBLE);
    expected.put("plan", ColumnType.STRING);
    expected.put("n", ColumnType.STRING); // LONG in one entity, DOUBLE in the other
    expected.put("ok", ColumnType.BOOLEAN);
    expected.put("i", ColumnType.INT);
    expected.put("prediction", ColumnType.DOUBLE);
    assertThat(t).containsExactlyEntriesOf(expected);
    assertThat(List.copyOf(t.keySet()).subList(0, 9))
        .containsExactly(
            "request_id",
            "client_request_id",
            "row_index",
            "prediction_id",
            "request_time",
            "served_entity_name",
            "model_name",
            "model_version",
            "model_id");
  }

  @Test
  void without_a_declared_signature_with_named_columns_there_is_no_table() {
    ModelSignature tensors = ModelSignature.builder().inputTensor("x", "float32", -1, 4).build();
    assertThat(PredictionTable.columns(List.of(Optional.empty(), Optional.of(tensors)))).isEmpty();
    assertThat(PredictionTable.columns(List.of())).isEmpty();
  }

  @Test
  void inputs_named_like_keel_columns_are_prefixed_and_unusable_names_dropped() {
    ModelSignature s =
        ModelSignature.builder()
            .inputColumn("request_id", dev.keel.mlmodel.ColumnType.STRING)
            .inputColumn("prediction_hint", dev.keel.mlmodel.ColumnType.DOUBLE)
            .inputColumn("sepal length (cm)", dev.keel.mlmodel.ColumnType.DOUBLE)
            .inputColumn("rowid", dev.keel.mlmodel.ColumnType.DOUBLE)
            .inputColumn("A", dev.keel.mlmodel.ColumnType.DOUBLE)
            .inputColumn("a", dev.keel.mlmodel.ColumnType.LONG)
            .build();
    Map<String, ColumnType> t =
        types(PredictionTable.columns(List.of(Optional.of(s))).orElseThrow());
    assertThat(t)
        .containsEntry("input_request_id", ColumnType.STRING)
        .containsEntry("input_prediction_hint", ColumnType.DOUBLE)
        .containsEntry("a", ColumnType.DOUBLE)
        .doesNotContainKeys("sepal length (cm)", "rowid");
    assertThat(t).hasSize(9 + 3 + 1);
  }

  @Test
  void a_classifier_declaring_label_and_probabilities_gets_a_label_and_a_proba_column() {
    ModelSignature s =
        ModelSignature.builder()
            .inputColumn("f0", dev.keel.mlmodel.ColumnType.FLOAT)
            .output(TensorSpec.of("label", "str", -1))
            .output(TensorSpec.of("probabilities", "float32", -1, 2))
            .output(TensorSpec.of("margin", "float32", -1))
            .build();
    Map<String, ColumnType> t =
        types(PredictionTable.columns(List.of(Optional.of(s))).orElseThrow());
    assertThat(t)
        .containsEntry("f0", ColumnType.FLOAT)
        .containsEntry("prediction", ColumnType.STRING)
        .containsEntry("prediction_proba", ColumnType.DOUBLE)
        .containsEntry("prediction_margin", ColumnType.DOUBLE)
        .doesNotContainKey("prediction_probabilities");
    ModelSignature skl2onnx =
        ModelSignature.builder()
            .inputColumn("f0", dev.keel.mlmodel.ColumnType.FLOAT)
            .output(TensorSpec.of("output_label", "int64", -1))
            .output(TensorSpec.of("output_probability", "float32", -1, 2))
            .build();
    assertThat(types(PredictionTable.columns(List.of(Optional.of(skl2onnx))).orElseThrow()))
        .containsEntry("prediction", ColumnType.DOUBLE)
        .containsEntry("prediction_proba", ColumnType.DOUBLE)
        .doesNotContainKey("prediction_output_probability");
    ModelSignature strings =
        ModelSignature.builder()
            .inputColumn("f0", dev.keel.mlmodel.ColumnType.FLOAT)
            .output(ColumnSpec.of("species", "string"))
            .build();
    assertThat(types(PredictionTable.columns(List.of(Optional.of(strings))).orElseThrow()))
        .containsEntry("prediction", ColumnType.STRING)
        .doesNotContainKey("prediction_proba");
  }

  private static InferenceLogger.Entry entry(InputBatch in, Predictions out) {
    return new InferenceLogger.Entry(
        TABLE,
        "req-7",
        Instant.parse("2026-12-07T10:00:00Z"),
        200,
        5,
        "{}".getBytes(StandardCharsets.UTF_8),
        "{}".getBytes(StandardCharsets.UTF_8),
        "churn-3",
        "main.default.churn",
        3,
        "tester",
        Optional.of(new PredictionTable.Scored(in, out)));
  }

  @Test
  void n_scored_rows_give_n_rows_keyed_by_request_id_slash_row_index() {
    InputBatch in =
        InputBatch.ofColumns(
            List.of(
                InputColumn.ofDoubles(
                    "f0", dev.keel.mlmodel.ColumnType.DOUBLE, new double[] {0.5, Double.NaN, 2}),
                InputColumn.ofLongs("n", dev.keel.mlmodel.ColumnType.LONG, new long[] {1, 2, 3}),
                InputColumn.ofLongs(
                    "i", dev.keel.mlmodel.ColumnType.LONG, new long[] {1, 5_000_000_000L, 3})));
    Predictions out =
        new Predictions(
            Predictions.Layout.ARRAY,
            List.of(
                OutputTensor.ofDoubles(
                    "predictions", new long[] {3}, new double[] {0.1, 0.2, 0.3})));
    Map<String, ColumnType> table = keel();
    table.put("f0", ColumnType.DOUBLE);
    table.put("n", ColumnType.STRING);
    table.put("i", ColumnType.INT);
    table.put("prediction", ColumnType.DOUBLE);
    List<Map<String, Object>> rows =
        PredictionTable.rows(entry(in, out), "c-1", new PredictionTable.Scored(in, out), table);
    assertThat(rows).hasSize(3);
    for (int r = 0; r < 3; r++) {
      Map<String, Object> row = rows.get(r);
      assertThat(row)
          .containsEntry("request_id", "req-7")
          .containsEntry("client_request_id", "c-1")
          .containsEntry("row_index", r)
          .containsEntry("prediction_id", "req-7/" + r)
          .containsEntry("request_time", Instant.parse("2026-12-07T10:00:00Z"))
          .containsEntry("served_entity_name", "churn-3")
          .containsEntry("model_name", "main.default.churn")
          .containsEntry("model_version", 3L)
          .containsEntry("model_id", "main.default.churn/3")
          .containsEntry("prediction", new double[] {0.1, 0.2, 0.3}[r])
          .containsEntry("n", Long.toString(r + 1));
      assertThat(row.keySet()).isEqualTo(table.keySet());
    }
    assertThat(rows.get(0)).containsEntry("f0", 0.5).containsEntry("i", 1);
    assertThat(rows.get(1)).as("a NaN input is null").containsEntry("f0", null);
    assertThat(rows.get(1)).as("out of INT range").containsEntry("i", null);
    assertThat(PredictionTable.predictionId("req-7", 12)).isEqualTo("req-7/12");
  }

  @Test
  void a_binary_classifier_logs_its_label_and_the_second_probability() {
    InputBatch in =
        InputBatch.ofColumns(
            List.of(
                InputColumn.ofDoubles(
                    "f0", dev.keel.mlmodel.ColumnType.FLOAT, new double[] {0.25, 1.5})));
    Predictions out =
        new Predictions(
            Predictions.Layout.RECORDS,
            List.of(
                OutputTensor.ofLongs("label", new long[] {2}, new long[] {0, 1}),
                OutputTensor.ofDoubles(
                    "probabilities", new long[] {2, 2}, new double[] {0.75, 0.25, 0.125, 0.875}),
                OutputTensor.ofDoubles("margin", new long[] {2}, new double[] {-1, 2})));
    Map<String, ColumnType> table = keel();
    table.put("f0", ColumnType.FLOAT);
    table.put("prediction", ColumnType.DOUBLE);
    table.put("prediction_proba", ColumnType.DOUBLE);
    table.put("prediction_margin", ColumnType.DOUBLE);
    List<Map<String, Object>> rows =
        PredictionTable.rows(entry(in, out), null, new PredictionTable.Scored(in, out), table);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0))
        .containsEntry("f0", 0.25)
        .containsEntry("prediction", 0.0)
        .containsEntry("prediction_proba", 0.25)
        .containsEntry("prediction_margin", -1.0)
        .containsEntry("client_request_id", null);
    assertThat(rows.get(1))
        .containsEntry("prediction", 1.0)
        .containsEntry("prediction_proba", 0.875)
        .containsEntry("prediction_margin", 2.0);
  }

  @Test
  void a_string_label_in_a_double_column_and_a_wide_output_are_null() {
    InputBatch in =
        InputBatch.ofColumns(
            List.of(
                InputColumn.ofDoubles("f0", dev.keel.mlmodel.ColumnType.DOUBLE, new double[] {1})));
    Predictions label =
        new Predictions(
            Predictions.Layout.RECORDS,
            List.of(OutputTensor.ofStrings("species", new long[] {1}, new String[] {"setosa"})));
    Predictions wide =
        new Predictions(
            Predictions.Layout.ARRAY,
            List.of(
                OutputTensor.ofDoubles("predictions", new long[] {1, 3}, new double[] {1, 2, 3})));
    Map<String, ColumnType> doubles = keel();
    doubles.put("prediction", ColumnType.DOUBLE);
    Map<String, ColumnType> strings = keel();
    strings.put("prediction", ColumnType.STRING);
    assertThat(
            PredictionTable.rows(
                    entry(in, label), null, new PredictionTable.Scored(in, label), doubles)
                .get(0))
        .containsEntry("prediction", null);
    assertThat(
            PredictionTable.rows(
                    entry(in, label), null, new PredictionTable.Scored(in, label), strings)
                .get(0))
        .containsEntry("prediction", "setosa");
    assertThat(
            PredictionTable.rows(
                    entry(in, wide), null, new PredictionTable.Scored(in, wide), doubles)
                .get(0))
        .containsEntry("prediction", null);
  }
}
