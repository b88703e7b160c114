package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.client.ColumnInfo;
import dev.keel.client.FeatureLookup;
import dev.keel.client.FeatureMetadata;
import dev.keel.client.KeelClient;
import dev.keel.client.Metric;
import dev.keel.client.NewTable;
import dev.keel.client.OnlineFeatures;
import dev.keel.client.Preview;
import dev.keel.client.Run;
import dev.keel.client.RunStatus;
import dev.keel.client.TableRead;
import dev.keel.client.WriteMode;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code keel ml ...} in-process against a real server on a free port, on generated data: the
 * retrain loop train → evaluate → promote → batch-score, with every metric checked against a count
 * made here from the scored rows read back.
 */
class MlCliTest {
  @TempDir static Path dataDir;

  static KeelServer server;
  static KeelClient client;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() {
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
    client = new KeelClient(server.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  record Result(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out + "\n" + err, e);
      }
    }
  }

  static Result keelAt(String url, Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url=" + url);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine(env, args);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(all.toArray(String[]::new));
    return new Result(exit, out.toString(), err.toString());
  }

  static Result ok(String... args) {
    Result r = keelAt(server.url(), Map.of(), args);
    assertThat(r.exit()).as(r.err()).isZero();
    return r;
  }

  static String unique(String prefix) {
    return "main.default." + prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * A table of {@code rows} rows: id, x1..x3 uniform in [0, 1), label 1 when x1 + x2/2 plus a
   * little noise passes 0.8 (x3 is noise only).
   */
  static String table(String prefix, int rows, long seed) {
    return table(client, prefix, rows, seed);
  }

  /** {@link #table(String, int, long)} through {@code client}. */
  static String table(KeelClient client, String prefix, int rows, long seed) {
    String name = unique(prefix);
    client
        .tables()
        .create(
            NewTable.of(
                name,
                List.of(
                    ColumnInfo.of("id", "LONG"),
                    ColumnInfo.of("x1", "DOUBLE"),
                    ColumnInfo.of("x2", "DOUBLE"),
                    ColumnInfo.of("x3", "DOUBLE"),
                    ColumnInfo.of("label", "LONG"))));
    Random r = new Random(seed);
    List<Map<String, Object>> data = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      double x1 = r.nextDouble();
      double x2 = r.nextDouble();
      double x3 = r.nextDouble();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", (long) i);
      row.put("x1", x1);
      row.put("x2", x2);
      row.put("x3", x3);
      row.put("label", x1 + x2 / 2 + r.nextGaussian() * 0.1 > 0.8 ? 1L : 0L);
      data.add(row);
    }
    client.tables().writeRows(name, WriteMode.APPEND, data);
    return name;
  }

  /** The (label, prediction, model_version) of each scored row, read back from the table. */
  static List<double[]> scored(String table) {
    Preview p = client.tables().preview(table, TableRead.latest(10_000));
    List<String> cols = p.columnNames();
    int label = cols.indexOf("label");
    int pred = cols.indexOf("prediction");
    int version = cols.indexOf("model_version");
    List<double[]> out = new ArrayList<>();
    for (List<Object> row : p.rows()) {
      out.add(
          new double[] {
            ((Number) row.get(label)).doubleValue(),
            ((Number) row.get(pred)).doubleValue(),
            ((Number) row.get(version)).doubleValue()
          });
    }
    return out;
  }

  /** AUC by counting every (positive, negative) pair, ties half: independent of the rank sum. */
  static double pairAuc(List<double[]> rows) {
    double right = 0;
    long pairs = 0;
    for (double[] a : rows) {
      for (double[] b : rows) {
        if (a[0] == 1 && b[0] == 0) {
          pairs++;
          right += a[1] > b[1] ? 1 : a[1] == b[1] ? 0.5 : 0;
        }
      }
    }
    return right / pairs;
  }

  static double countedAccuracy(List<double[]> rows) {
    long right = rows.stream().filter(r -> (r[1] >= 0.5 ? 1 : 0) == r[0]).count();
    return (double) right / rows.size();
  }

  @Test
  void xgboost_retrain_loop_trains_evaluates_promotes_and_batch_scores() {
    String train = table("train", 600, 1);
    String holdout = table("holdout", 300, 2);
    String model = unique("churn");
    client.registry().createModel(model, "");

    // v1: 20 rounds of depth-3 trees.
    JsonNode v1 =
        ok(
                "ml",
                "train",
                "--table=" + train,
                "--label=label",
                "--exclude=id",
                "--model=" + model,
                "--seed=7",
                "--param.num_round=20",
                "--param.max_depth=3",
                "-o",
                "json")
            .json();
    assertThat(v1.get("model_version").asLong()).isEqualTo(1);
    assertThat(v1.get("model_uri").asText()).isEqualTo("models:/" + model + "/1");
    assertThat(v1.get("model_name").asText()).isEqualTo(model);
    Run run1 = client.tracking().getRun(v1.get("run_id").asText());
    assertThat(run1.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run1.param("num_round")).contains("20");
    assertThat(run1.param("max_depth")).contains("3");
    assertThat(run1.param("features")).contains("x1,x2,x3");
    assertThat(run1.param("train_rows")).contains("480");
    assertThat(run1.param("validation_rows")).contains("120");
    assertThat(run1.inputs()).hasSize(1);
    assertThat(run1.inputs().get(0).dataset().name()).isEqualTo(train);
    List<Metric> rounds = client.tracking().metricHistory(run1.runId(), "validation-auc");
    assertThat(rounds).hasSize(20);
    // XGBoost's own AUC of the last round (computed inside the library on its float predictions)
    // and ours, from the registered package scored by the serving runtime, agree.
    double xgbAuc = rounds.stream().filter(m -> m.step() == 19).findFirst().orElseThrow().value();
    assertThat(v1.get("validation_auc").asDouble()).isCloseTo(xgbAuc, within(1e-4));
    assertThat(run1.metric("validation_auc").orElseThrow().value())
        .isEqualTo(v1.get("validation_auc").asDouble());
    assertThat(v1.get("validation_auc").asDouble()).isGreaterThan(0.9);

    // First evaluation: no champion yet, so the challenger is better.
    JsonNode first =
        ok(
                "ml",
                "evaluate",
                "--model=" + model,
                "--challenger=1",
                "--table=" + holdout,
                "--label=label",
                "-o",
                "json")
            .json();
    assertThat(first.get("is_better").asText()).isEqualTo("true");
    assertThat(first.get("champion_metric").isNull()).isTrue();
    ok(
        "ml",
        "promote",
        "--model=" + model,
        "--version=1",
        "--alias=champion",
        "--if=" + first.get("is_better").asText());
    assertThat(client.registry().getAlias(model, "champion").version()).isEqualTo(1);

    // v2: one stump, registered as the challenger; worse than the champion.
    JsonNode v2 =
        ok(
                "ml",
                "train",
                "--table=" + train,
                "--label=label",
                "--features=x1,x3",
                "--model=" + model,
                "--alias=challenger",
                "--param.num_round=1",
                "--param.max_depth=1",
                "-o",
                "json")
            .json();
    assertThat(v2.get("model_version").asLong()).isEqualTo(2);
    assertThat(client.registry().getAlias(model, "challenger").version()).isEqualTo(2);
    JsonNode eval =
        ok(
                "ml",
                "evaluate",
                "--model=" + model,
                "--table=" + holdout,
                "--label=label",
                "--metric=auc",
                "--min_improvement=0.001",
                "-o",
                "json")
            .json();
    assertThat(eval.get("challenger_version").asLong()).isEqualTo(2);
    assertThat(eval.get("champion_version").asLong()).isEqualTo(1);
    assertThat(eval.get("is_better").asText()).isEqualTo("false");
    Result skipped =
        ok(
            "ml",
            "promote",
            "--model=" + model,
            "--from-alias=challenger",
            "--alias=champion",
            "--if=" + eval.get("is_better").asText(),
            "-o",
            "json");
    assertThat(skipped.json().get("promoted").asBoolean()).isFalse();
    assertThat(client.registry().getAlias(model, "champion").version()).isEqualTo(1);

    // Batch-score the holdout with both, in batches of 64, and check the evaluation's numbers
    // against counts made here from the rows read back.
    String out1 = unique("scored");
    JsonNode s1 =
        ok(
                "ml",
                "batch-score",
                "--model-uri=models:/" + model + "@champion",
                "--table=" + holdout,
                "--output-table=" + out1,
                "--batch-size=64",
                "-o",
                "json")
            .json();
    assertThat(s1.get("rows").asLong()).isEqualTo(300);
    assertThat(s1.get("model_version").asLong()).isEqualTo(1);
    List<double[]> rows1 = scored(out1);
    assertThat(rows1).hasSize(300).allMatch(r -> r[2] == 1);
    // ceil(300 / 64) writes of at most 64 rows (the table's creation is a snapshot of its own)
    assertThat(
            client.tables().history(out1).stream()
                .filter(h -> h.addedRows() > 0)
                .map(h -> h.addedRows())
                .sorted()
                .toList())
        .containsExactly(44L, 64L, 64L, 64L, 64L);
    assertThat(client.tables().get(out1).properties()).containsEntry("ml.model_name", model);
    assertThat(eval.get("champion_metric").asDouble()).isCloseTo(pairAuc(rows1), within(1e-9));

    String out2 = unique("scored");
    ok(
        "ml",
        "batch-score",
        "--model-uri=models:/" + model + "/2",
        "--table=" + holdout,
        "--output-table=" + out2);
    List<double[]> rows2 = scored(out2);
    assertThat(rows2).hasSize(300).allMatch(r -> r[2] == 2);
    assertThat(eval.get("challenger_metric").asDouble()).isCloseTo(pairAuc(rows2), within(1e-9));
    assertThat(pairAuc(rows2)).isLessThan(pairAuc(rows1));

    JsonNode acc =
        ok(
                "ml",
                "evaluate",
                "--model=" + model,
                "--challenger=1",
                "--table=" + holdout,
                "--label=label",
                "--metric=accuracy",
                "-o",
                "json")
            .json();
    assertThat(acc.get("challenger_metric").asDouble()).isEqualTo(countedAccuracy(rows1));
    // Same version both sides: no improvement, so not better.
    assertThat(acc.get("is_better").asText()).isEqualTo("false");

    // Scoring again overwrites: the output holds one run's rows.
    ok(
        "ml",
        "batch-score",
        "--model-uri=models:/" + model + "/2",
        "--table=" + holdout,
        "--output-table=" + out2,
        "--batch-size=1000");
    assertThat(scored(out2)).hasSize(300);
  }

  @Test
  void tribuo_logistic_regression_registers_an_onnx_version_scored_by_the_serving_runtime() {
    String train = table("ttrain", 400, 3);
    String holdout = table("tholdout", 200, 4);
    String model = unique("tribuo");
    client.registry().createModel(model, "");
    JsonNode v =
        ok(
                "ml",
                "train",
                "--trainer=tribuo-logistic",
                "--table=" + train,
                "--label=label",
                "--exclude=id",
                "--model=" + model,
                "--param.epochs=30",
                "-o",
                "json")
            .json();
    assertThat(v.get("model_version").asLong()).isEqualTo(1);
    assertThat(client.registry().getVersion(model, 1).status().name()).isEqualTo("READY");
    Run run = client.tracking().getRun(v.get("run_id").asText());
    assertThat(run.param("epochs")).contains("30");
    assertThat(run.param("trainer")).contains("tribuo-logistic");

    String out = unique("tscored");
    ok(
        "ml",
        "batch-score",
        "--model-uri=models:/" + model + "/1",
        "--table=" + holdout,
        "--output-table=" + out);
    List<double[]> rows = scored(out);
    assertThat(rows).hasSize(200).allMatch(r -> r[1] >= 0 && r[1] <= 1);
    JsonNode acc =
        ok(
                "ml",
                "evaluate",
                "--model=" + model,
                "--challenger=1",
                "--table=" + holdout,
                "--label=label",
                "--metric=accuracy",
                "-o",
                "json")
            .json();
    assertThat(acc.get("challenger_metric").asDouble()).isEqualTo(countedAccuracy(rows));
    // The classes are nearly linearly separable: a logistic regression gets most right.
    assertThat(countedAccuracy(rows)).isGreaterThan(0.8);
    JsonNode auc =
        ok(
                "ml",
                "evaluate",
                "--model=" + model,
                "--challenger=1",
                "--table=" + holdout,
                "--label=label",
                "-o",
                "json")
            .json();
    assertThat(auc.get("challenger_metric").asDouble()).isCloseTo(pairAuc(rows), within(1e-9));
  }

  @Test
  void a_feature_spec_joins_features_for_training_and_scoring_and_publish_features_serves_them() {
    String feats = unique("feats");
    client
        .features()
        .create(
            NewTable.of(
                    feats,
                    List.of(
                        ColumnInfo.of("id", "LONG"),
                        ColumnInfo.of("x1", "DOUBLE"),
                        ColumnInfo.of("x2", "DOUBLE")))
                .withPrimaryKeys("id"),
            FeatureMetadata.none());
    String spine = unique("spine");
    client
        .tables()
        .create(
            NewTable.of(
                spine, List.of(ColumnInfo.of("id", "LONG"), ColumnInfo.of("label", "LONG"))));
    Random r = new Random(8);
    List<Map<String, Object>> featureRows = new ArrayList<>();
    List<Map<String, Object>> spineRows = new ArrayList<>();
    for (long id = 0; id < 300; id++) {
      double x1 = r.nextDouble();
      double x2 = r.nextDouble();
      featureRows.add(Map.of("id", id, "x1", x1, "x2", x2));
      spineRows.add(Map.of("id", id, "label", x1 + x2 / 2 > 0.8 ? 1L : 0L));
    }
    client.features().writeRows(feats, WriteMode.UPSERT, featureRows);
    client.tables().writeRows(spine, WriteMode.APPEND, spineRows);
    String spec = unique("spec");
    client
        .features()
        .createFeatureSpec(spec, List.of(FeatureLookup.of(feats, "id", "x1", "x2")), "");
    String model = unique("fs");
    client.registry().createModel(model, "");

    JsonNode v =
        ok(
                "ml",
                "train",
                "--table=" + spine,
                "--feature_spec=" + spec,
                "--label=label",
                "--exclude=id",
                "--model=" + model,
                "--param.num_round=10",
                "-o",
                "json")
            .json();
    Run run = client.tracking().getRun(v.get("run_id").asText());
    assertThat(run.param("features")).contains("x1,x2");
    assertThat(run.param("feature_spec")).contains(spec);
    assertThat(v.get("validation_auc").asDouble()).isGreaterThan(0.9);

    String out = unique("fscored");
    ok(
        "ml",
        "batch-score",
        "--model-uri=models:/" + model + "/1",
        "--table=" + spine,
        "--feature-spec=" + spec,
        "--output-table=" + out);
    Preview p = client.tables().preview(out, TableRead.latest(10_000));
    assertThat(p.columnNames()).contains("id", "label", "x1", "x2", "prediction", "model_version");
    assertThat(p.rows()).hasSize(300);

    JsonNode pub =
        ok("ml", "publish-features", "--table=" + feats, "--mode=snapshot", "-o", "json").json();
    assertThat(pub.get("rows_written").asLong()).isEqualTo(300);
    OnlineFeatures online =
        client.features().onlineFeatures(List.of(feats + ":x1"), Map.of("id", List.of(5L)));
    assertThat(online.get("x1").values()).containsExactly(featureRows.get(5).get("x1"));
  }
}
