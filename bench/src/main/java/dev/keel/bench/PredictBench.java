package dev.keel.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.keel.mlmodel.ColumnType;
import dev.keel.serving.InputBatch;
import dev.keel.serving.InputColumn;
import dev.keel.serving.LoadedModel;
import dev.keel.serving.ModelLoader;
import dev.keel.serving.Predictions;
import dev.keel.serving.ScoringInput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * {@code Bench predict}: in-process prediction through keel-serving (the code behind {@code keel
 * serve} and serving endpoints), no HTTP.
 *
 * <ul>
 *   <li>a 20-feature XGBoost model (binary:logistic, 100 trees of depth 6, trained here with
 *       XGBoost4J on 20,000 synthetic rows and loaded through {@link ModelLoader} from an MLflow
 *       package): single-row {@code predict} latency p50/p99 over {@code --calls} calls after
 *       {@code --warmup-calls}, the same for parse + predict + JSON write of a one-row {@code
 *       dataframe_split} body, and batched throughput (rows/s) for batches of {@code --batch} rows
 *       over {@code --duration} seconds on one thread;
 *   <li>the committed 4-feature ONNX fixture: single-row {@code predict} latency.
 * </ul>
 */
final class PredictBench {
  static final int FEATURES = 20;

  /** The options. */
  record Config(
      int calls,
      int warmupCalls,
      int batch,
      java.time.Duration warmup,
      java.time.Duration duration) {
    static Config from(Args args) {
      return new Config(
          args.integer("calls", 100_000),
          args.integer("warmup-calls", 20_000),
          args.integer("batch", 1000),
          args.seconds("warmup", 10),
          args.seconds("duration", 30));
    }
  }

  private PredictBench() {}

  static void run(Path workDir, Config cfg) throws Exception {
    Bench.header("predict: in-process keel-serving predict (no HTTP), one thread");
    Path xgbDir = Files.createDirectories(workDir.resolve("xgboost-20"));
    long t0 = System.nanoTime();
    trainXgboost(xgbDir);
    System.out.printf(
        "trained 100 trees x 20 features in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    try (LoadedModel model = new ModelLoader().load(xgbDir)) {
      Random rnd = new Random(7);
      List<InputBatch> rows = new ArrayList<>();
      List<byte[]> bodies = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        double[] x = new double[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
          x[f] = Math.round(rnd.nextGaussian() * 1000) / 1000.0;
        }
        rows.add(batchOf(new double[][] {x}));
        bodies.add(splitBody(x));
      }
      Latencies single = time(cfg, i -> model.predict(rows.get(i % rows.size())));
      report("XGBoost 20 features, 100 trees: single-row predict", single);
      JsonFactory json = new JsonFactory();
      Latencies full =
          time(
              cfg,
              i -> {
                InputBatch b =
                    ScoringInput.parse(
                        "application/json", bodies.get(i % bodies.size()), model.signature());
                Predictions p = model.predict(b);
                ByteArrayOutputStream out = new ByteArrayOutputStream(64);
                try (JsonGenerator g = json.createGenerator(out)) {
                  p.writeJson(g);
                }
                return p;
              });
      report("XGBoost single-row parse (dataframe_split JSON) + predict + JSON write", full);

      double[][] data = new double[cfg.batch()][FEATURES];
      for (double[] r : data) {
        for (int f = 0; f < FEATURES; f++) {
          r[f] = rnd.nextGaussian();
        }
      }
      InputBatch batch = batchOf(data);
      long warmEnd = System.nanoTime() + cfg.warmup().toNanos();
      while (System.nanoTime() < warmEnd) {
        model.predict(batch);
      }
      long start = System.nanoTime();
      long end = start + cfg.duration().toNanos();
      long batches = 0;
      long now;
      do {
        model.predict(batch);
        batches++;
        now = System.nanoTime();
      } while (now < end);
      double seconds = (now - start) / 1e9;
      double rowsPerSecond = batches * cfg.batch() / seconds;
      System.out.printf(
          "XGBoost batched predict, %d-row batches, one thread: %,.0f rows/s (%d batches in %.1f s, %.3f ms/batch)%n",
          cfg.batch(), rowsPerSecond, batches, seconds, seconds * 1000 / batches);
      System.out.printf(
          "| Batched predict, XGBoost 20 features x 100 trees, %d-row batches, 1 thread | >= 200,000 rows/s | %,.0f rows/s |%n",
          cfg.batch(), rowsPerSecond);

      // The same batches as a dataframe_split body: parse + predict + JSON write.
      StringBuilder body = new StringBuilder("{\"dataframe_split\": {\"columns\": [");
      for (int f = 0; f < FEATURES; f++) {
        body.append(f == 0 ? "" : ", ").append("\"f").append(f).append('"');
      }
      body.append("], \"data\": [");
      for (int r = 0; r < data.length; r++) {
        body.append(r == 0 ? "[" : ", [");
        for (int f = 0; f < FEATURES; f++) {
          body.append(f == 0 ? "" : ", ").append(data[r][f]);
        }
        body.append(']');
      }
      byte[] batchBody = body.append("]}}").toString().getBytes(StandardCharsets.UTF_8);
      warmEnd = System.nanoTime() + cfg.warmup().toNanos();
      while (System.nanoTime() < warmEnd) {
        parsePredictWrite(model, json, batchBody);
      }
      start = System.nanoTime();
      end = start + cfg.duration().toNanos();
      batches = 0;
      do {
        parsePredictWrite(model, json, batchBody);
        batches++;
        now = System.nanoTime();
      } while (now < end);
      seconds = (now - start) / 1e9;
      double fullRate = batches * cfg.batch() / seconds;
      System.out.printf(
          "XGBoost batched parse (dataframe_split JSON, %,d bytes) + predict + JSON write, %d-row batches, one thread: %,.0f rows/s (%.3f ms/batch)%n",
          batchBody.length, cfg.batch(), fullRate, seconds * 1000 / batches);
    }

    Path onnxDir = Files.createDirectories(workDir.resolve("onnx-4"));
    for (String f : RegistryBench.FIXTURE) {
      try (InputStream in = PredictBench.class.getResourceAsStream("onnx-model/" + f)) {
        if (in == null) {
          throw new IOException("missing bench resource onnx-model/" + f);
        }
        Files.copy(in, onnxDir.resolve(f));
      }
    }
    try (LoadedModel model = new ModelLoader().load(onnxDir)) {
      byte[] body =
          "{\"dataframe_split\": {\"columns\": [\"f0\", \"f1\", \"f2\", \"f3\"], \"data\": [[0.1, -0.2, 0.3, 0.4]]}}"
              .getBytes(StandardCharsets.UTF_8);
      InputBatch one = ScoringInput.parse("application/json", body, model.signature());
      report(
          "ONNX fixture (4 float inputs, logistic): single-row predict",
          time(cfg, i -> model.predict(one)));
    }
  }

  private static void parsePredictWrite(LoadedModel model, JsonFactory json, byte[] body)
      throws IOException {
    Predictions p = model.predict(ScoringInput.parse("application/json", body, model.signature()));
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * p.rows());
    try (JsonGenerator g = json.createGenerator(out)) {
      p.writeJson(g);
    }
  }

  private interface Call {
    Predictions call(int i) throws Exception;
  }

  private static Latencies time(Config cfg, Call call) throws Exception {
    double sink = 0;
    for (int i = 0; i < cfg.warmupCalls(); i++) {
      sink += call.call(i).outputs().get(0).doubleAt(0);
    }
    Latencies l = new Latencies();
    for (int i = 0; i < cfg.calls(); i++) {
      long s = System.nanoTime();
      Predictions p = call.call(i);
      l.add(System.nanoTime() - s);
      sink += p.outputs().get(0).doubleAt(0);
    }
    if (Double.isNaN(sink)) {
      System.out.println("(NaN predictions)");
    }
    return l;
  }

  private static void report(String what, Latencies l) {
    System.out.printf(
        "%s: n=%d p50=%.1f us p90=%.1f us p99=%.1f us p99.9=%.1f us max=%.1f us%n",
        what,
        l.size(),
        l.percentile(50) * 1000,
        l.percentile(90) * 1000,
        l.percentile(99) * 1000,
        l.percentile(99.9) * 1000,
        l.percentile(100) * 1000);
    System.out.printf(
        "| %s | p50 %.1f us, p99 %.1f us |%n",
        what, l.percentile(50) * 1000, l.percentile(99) * 1000);
  }

  private static InputBatch batchOf(double[][] rows) {
    List<InputColumn> cols = new ArrayList<>();
    for (int f = 0; f < FEATURES; f++) {
      double[] v = new double[rows.length];
      for (int r = 0; r < rows.length; r++) {
        v[r] = rows[r][f];
      }
      cols.add(InputColumn.ofDoubles("f" + f, ColumnType.DOUBLE, v));
    }
    return InputBatch.ofColumns(cols);
  }

  static byte[] splitBody(double[] x) {
    StringBuilder b = new StringBuilder("{\"dataframe_split\": {\"columns\": [");
    for (int f = 0; f < FEATURES; f++) {
      b.append(f == 0 ? "" : ", ").append("\"f").append(f).append('"');
    }
    b.append("], \"data\": [[");
    for (int f = 0; f < FEATURES; f++) {
      b.append(f == 0 ? "" : ", ").append(x[f]);
    }
    return b.append("]]}}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Trains the model with XGBoost4J and writes it as an MLflow package (JSON model file). */
  static void trainXgboost(Path dir) throws Exception {
    int n = 20_000;
    Random rnd = new Random(42);
    float[] x = new float[n * FEATURES];
    float[] y = new float[n];
    for (int r = 0; r < n; r++) {
      double score = 0;
      for (int f = 0; f < FEATURES; f++) {
        float v = (float) rnd.nextGaussian();
        x[r * FEATURES + f] = v;
        score += (f % 3 == 0 ? 1 : -0.5) * v * (f < 10 ? 1 : 0.3);
      }
      y[r] = score + rnd.nextGaussian() * 0.5 > 0 ? 1 : 0;
    }
    DMatrix train = new DMatrix(x, n, FEATURES, Float.NaN);
    train.setLabel(y);
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("max_depth", 6);
    params.put("eta", 0.1);
    params.put("nthread", 1);
    params.put("seed", 42);
    params.put("tree_method", "hist");
    Booster booster = XGBoost.train(train, params, 100, Map.of(), null, null);
    Files.write(dir.resolve("model.json"), booster.toByteArray("json"));
    booster.dispose();
    train.dispose();
    StringBuilder sig = new StringBuilder("[");
    for (int f = 0; f < FEATURES; f++) {
      sig.append(f == 0 ? "" : ", ")
          .append("{\"type\": \"double\", \"name\": \"f")
          .append(f)
          .append("\", \"required\": true}");
    }
    sig.append(']');
    Files.writeString(
        dir.resolve("MLmodel"),
        "flavors:\n"
            + "  xgboost:\n"
            + "    data: model.json\n"
            + "    model_class: xgboost.core.Booster\n"
            + "    model_format: json\n"
            + "    xgb_version: 3.4.0\n"
            + "signature:\n"
            + "  inputs: '"
            + sig
            + "'\n"
            + "  outputs: '[{\"type\": \"float\", \"required\": true}]'\n");
  }
}
