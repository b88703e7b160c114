package dev.keel.serving.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.serving.InputBatch;
import dev.keel.serving.InputColumn;
import dev.keel.serving.OutputTensor;
import dev.keel.serving.Predictions;
import dev.keel.serving.endpoints.InferenceTableConfig;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import dev.keel.tables.Column;
import dev.keel.tables.Preview;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code _predictions} rows the logger writes next to {@code _payload}, on real tables. */
class InferenceLoggerPredictionsTest {
  @TempDir Path dir;

  private static final InferenceTableConfig TABLE =
      new InferenceTableConfig("main", "default", "ep", true);
  private static final String PAYLOAD = "main.default.ep_payload";
  private static final String PREDICTIONS = "main.default.ep_predictions";

  private static final ModelSignature SIGNATURE =
      ModelSignature.builder()
          .inputColumn("f0", dev.keel.mlmodel.ColumnType.DOUBLE)
          .inputColumn("plan", dev.keel.mlmodel.ColumnType.STRING)
          .build();

  private static InferenceLogger.Entry scored(String id, int status, int rows) {
    double[] f0 = new double[rows];
    String[] plan = new String[rows];
    double[] p = new double[rows];
    for (int r = 0; r < rows; r++) {
      f0[r] = r + 0.5;
      plan[r] = "p" + r;
      p[r] = r / 10.0;
    }
    InputBatch in =
        InputBatch.ofColumns(
            List.of(
                InputColumn.ofDoubles("f0", dev.keel.mlmodel.ColumnType.DOUBLE, f0),
                InputColumn.ofStrings(
                    "plan", dev.keel.mlmodel.ColumnType.STRING, new long[] {rows}, plan)));
    Predictions out =
        new Predictions(
            Predictions.Layout.ARRAY,
            List.of(OutputTensor.ofDoubles("predictions", new long[] {rows}, p)));
    return new InferenceLogger.Entry(
        TABLE,
        id,
        Instant.parse("2026-12-07T10:00:00Z"),
        status,
        10,
        ("{\"client_request_id\":\"c-" + id + "\"}").getBytes(StandardCharsets.UTF_8),
        "{}".getBytes(StandardCharsets.UTF_8),
        "churn-2",
        "main.default.churn",
        2,
        "tester",
        Optional.of(new PredictionTable.Scored(in, out)));
  }

  private interface Body {
    void run(TableService tables) throws Exception;
  }

  private void withTables(Body body) throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      Clock clock = Clock.systemUTC();
      CatalogService catalog = new CatalogService(new JdbcCatalogStore(db), clock);
      try (TableService tables = new TableService(db, catalog, dir, clock)) {
        body.run(tables);
      }
    }
  }

  @Test
  void each_scored_row_becomes_a_prediction_row_and_errors_none() throws Exception {
    withTables(
        tables -> {
          InferenceLogger log = new InferenceLogger(tables, 1000, 4, 60_000);
          log.ensureTable(TABLE, PredictionTable.columns(List.of(Optional.of(SIGNATURE))));
          log.log(scored("a", 200, 3));
          log.log(scored("b", 200, 1));
          log.log(scored("c", 400, 2));
          log.log(scored("d", 200, 5));
          log.close();
          assertThat(log.written()).isEqualTo(4);
          assertThat(log.predictionRowsWritten()).isEqualTo(9);
          assertThat(log.predictionRowsFailed()).isZero();
          assertThat(log.failed()).isZero();
          assertThat(tables.count(PAYLOAD, SnapshotRef.latest())).isEqualTo(4);
          Preview p = tables.preview(PREDICTIONS, SnapshotRef.latest(), List.of(), 100);
          List<String> names = p.columns().stream().map(Column::name).toList();
          assertThat(names)
              .containsExactly(
                  "request_id",
                  "client_request_id",
                  "row_index",
                  "prediction_id",
                  "request_time",
                  "served_entity_name",
                  "model_name",
                  "model_version",
                  "model_id",
                  "f0",
                  "plan",
                  "prediction");
          List<String> ids = new ArrayList<>();
          for (List<Object> row : p.rows()) {
            String id = (String) row.get(names.indexOf("prediction_id"));
            ids.add(id);
            int r = ((Number) row.get(names.indexOf("row_index"))).intValue();
            assertThat(id).isEqualTo(row.get(0) + "/" + r);
            assertThat(row.get(1)).isEqualTo("c-" + row.get(0));
            assertThat(row.get(names.indexOf("model_id"))).isEqualTo("main.default.churn/2");
            assertThat(((Number) row.get(names.indexOf("f0"))).doubleValue()).isEqualTo(r + 0.5);
            assertThat(row.get(names.indexOf("plan"))).isEqualTo("p" + r);
            assertThat(((Number) row.get(names.indexOf("prediction"))).doubleValue())
                .isEqualTo(r / 10.0);
          }
          assertThat(ids)
              .containsExactlyInAnyOrder(
                  "a/0", "a/1", "a/2", "b/0", "d/0", "d/1", "d/2", "d/3", "d/4");
        });
  }

  @Test
  void without_a_predictions_table_only_the_payload_is_logged_and_nothing_fails() throws Exception {
    withTables(
        tables -> {
          InferenceLogger log = new InferenceLogger(tables, 1000, 1000, 60_000);
          log.ensureTable(TABLE, PredictionTable.columns(List.of(Optional.empty())));
          log.log(scored("a", 200, 2));
          log.log(scored("b", 200, 2));
          log.close();
          assertThat(log.written()).isEqualTo(2);
          assertThat(log.failed()).isZero();
          assertThat(log.predictionRowsWritten()).isZero();
          assertThat(log.predictionRowsFailed()).isZero();
          assertThatThrownBy(() -> tables.get(PREDICTIONS))
              .isInstanceOfSatisfying(
                  KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        });
  }
}
