package dev.keel.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.mlmodel.ColumnType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed fixtures (an XGBoost model trained by Python xgboost, an ONNX model built with
 * Python onnx) score the committed inputs, in every MLflow format, as Python computed them
 * (make_expected.py) within 1e-6.
 */
class InteropTest {
  @TempDir Path tmp;

  @Test
  void xgboost_fixture_matches_python_xgboost_in_every_format() throws Exception {
    try (LoadedModel model = new ModelLoader().load(Fixtures.copy("xgboost-model", tmp))) {
      assertThat(model.flavor()).isEqualTo("xgboost");
      double[] expected = Fixtures.expected("xgboost-model");
      Map<String, Payloads.Payload> payloads = Payloads.all(Fixtures.input("xgboost-model"));
      assertThat(payloads).hasSize(7);
      for (Payloads.Payload p : payloads.values()) {
        InputBatch batch = ScoringInput.parse(p.contentType(), p.body(), model.signature());
        assertThat(batch.rows()).as(p.format()).isEqualTo(expected.length);
        assertThat(Double.isNaN(batch.column("f2").orElseThrow().doubleAt(3)))
            .as(p.format())
            .isTrue();
        Predictions out = model.predict(batch);
        assertThat(out.layout()).isEqualTo(Predictions.Layout.ARRAY);
        JsonNode json = Fixtures.JSON.readTree(out.toJson()).get("predictions");
        assertThat(json.size()).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
          assertThat(json.get(i).isNumber()).as(p.format() + " row " + i).isTrue();
          assertThat(json.get(i).doubleValue())
              .as(p.format() + " row " + i)
              .isCloseTo(expected[i], within(1e-6));
        }
      }
    }
  }

  @Test
  void onnx_fixture_matches_numpy_in_every_format() throws Exception {
    try (LoadedModel model = new ModelLoader().load(Fixtures.copy("onnx-model", tmp))) {
      assertThat(model.flavor()).isEqualTo("onnx");
      double[] expected = Fixtures.expected("onnx-model");
      for (Payloads.Payload p : Payloads.all(Fixtures.input("onnx-model")).values()) {
        InputBatch batch = ScoringInput.parse(p.contentType(), p.body(), model.signature());
        assertThat(batch.columns().get(0).type()).isEqualTo(ColumnType.FLOAT);
        Predictions out = model.predict(batch);
        assertThat(out.layout()).isEqualTo(Predictions.Layout.RECORDS);
        // MLflow's onnx pyfunc returns a DataFrame (one column per output) for column input;
        // the scoring server writes it as records.
        JsonNode json = Fixtures.JSON.readTree(out.toJson()).get("predictions");
        assertThat(json.size()).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
          assertThat(json.get(i).get("probability").doubleValue())
              .as(p.format() + " row " + i)
              .isCloseTo(expected[i], within(1e-6));
        }
      }
    }
  }

  @Test
  void model_is_thread_safe_under_concurrent_predictions() throws Exception {
    try (LoadedModel model = new ModelLoader().load(Fixtures.copy("xgboost-model", tmp))) {
      double[] expected = Fixtures.expected("xgboost-model");
      Payloads.Payload p = Payloads.all(Fixtures.input("xgboost-model")).get("dataframe_split");
      java.util.concurrent.atomic.AtomicInteger wrong =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger predictions =
          new java.util.concurrent.atomic.AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          workers.add(
              pool.submit(
                  () -> {
                    for (int k = 0; k < 200; k++) {
                      Predictions out =
                          model.predict(
                              ScoringInput.parse(p.contentType(), p.body(), model.signature()));
                      predictions.incrementAndGet();
                      for (int i = 0; i < expected.length; i++) {
                        if (Math.abs(out.outputs().get(0).doubleAt(i) - expected[i]) > 1e-6) {
                          wrong.incrementAndGet();
                        }
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : workers) {
          f.get(120, TimeUnit.SECONDS); // an exception inside a worker fails the test here
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(predictions.get()).as("every worker predicted every time").isEqualTo(4 * 200);
      assertThat(wrong.get()).isZero();
    }
  }
}
