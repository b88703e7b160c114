package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.store.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.Page;

/**
 * The MLflow Java client against a real Keel server whose metadata lives in PostgreSQL (a fresh
 * schema of the database named by {@code KEEL_TEST_POSTGRES_URL}; skipped when it is unset).
 */
class PostgresServerIT {
  @TempDir static Path dir;
  static TestServer server;
  static MlflowClient client;

  @BeforeAll
  static void start() {
    assumeTrue(
        TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set: skipped");
    server = TestServer.start(dir, TestDatabases.freshPostgresSchemaUrl());
    client = new MlflowClient(server.url());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Metric metric(String key, double value, long timestamp, long step) {
    return Metric.newBuilder()
        .setKey(key)
        .setValue(value)
        .setTimestamp(timestamp)
        .setStep(step)
        .build();
  }

  private static Param param(String key, String value) {
    return Param.newBuilder().setKey(key).setValue(value).build();
  }

  private static RunTag tag(String key, String value) {
    return RunTag.newBuilder().setKey(key).setValue(value).build();
  }

  @Test
  void java_client_tracks_runs_on_postgresql() {
    assertThat(client.getExperiment("0").getName()).isEqualTo("Default");
    String exp = client.createExperiment("pg-tracking");
    MlflowHttpException dup = null;
    try {
      client.createExperiment("pg-tracking");
    } catch (MlflowHttpException e) {
      dup = e;
    }
    assertThat(dup).isNotNull();
    assertThat(dup.getStatusCode()).isEqualTo(400);
    assertThat(dup.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS");
    assertThat(client.getExperimentByName("pg-tracking"))
        .map(Experiment::getExperimentId)
        .contains(exp);
    assertThat(client.getExperimentByName("pg-missing")).isEmpty();

    // Seven runs with a param, a tag and a short accuracy curve each.
    List<String> runIds = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String runId = client.createRun(exp).getRunId();
      runIds.add(runId);
      List<Metric> curve = new ArrayList<>();
      for (int step = 0; step <= i; step++) {
        curve.add(metric("acc", (i * 10 + step) / 100.0, 1_000 + step, step));
      }
      client.logBatch(
          runId,
          curve,
          List.of(param("model", i % 2 == 0 ? "tree" : "linear"), param("i", "" + i)),
          List.of(tag("team", "pg")));
    }

    // Values read back bit-exact, NaN and infinities too.
    String exactRun = runIds.get(1);
    double[] exact = {Math.PI, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 0.1 + 0.2};
    List<Metric> exactPoints = new ArrayList<>();
    for (int i = 0; i < exact.length; i++) {
      exactPoints.add(metric("exact" + i, exact[i], 7, 0));
    }
    exactPoints.add(metric("nan", Double.NaN, 7, 0));
    exactPoints.add(metric("inf", Double.NEGATIVE_INFINITY, 7, 0));
    client.logBatch(exactRun, exactPoints, List.of(), List.of());
    for (int i = 0; i < exact.length; i++) {
      List<Metric> h = client.getMetricHistory(exactRun, "exact" + i);
      assertThat(h).hasSize(1);
      assertThat(Double.doubleToRawLongBits(h.get(0).getValue()))
          .as("bit-exact " + exact[i])
          .isEqualTo(Double.doubleToRawLongBits(exact[i]));
    }
    assertThat(client.getMetricHistory(exactRun, "nan").get(0).getValue()).isNaN();
    assertThat(client.getMetricHistory(exactRun, "inf").get(0).getValue())
        .isEqualTo(Double.NEGATIVE_INFINITY);

    // get-run: latest metric is the greatest step.
    Run third = client.getRun(runIds.get(3));
    assertThat(third.getData().getMetricsList())
        .containsExactly(metric("acc", (30 + 3) / 100.0, 1_003, 3));
    Map<String, String> params =
        third.getData().getParamsList().stream()
            .collect(Collectors.toMap(Param::getKey, Param::getValue));
    assertThat(params).containsExactlyInAnyOrderEntriesOf(Map.of("model", "linear", "i", "3"));
    assertThat(third.getData().getTagsList()).contains(tag("team", "pg"));

    // search: filter on a param, a metric and a tag, ordered by the metric, two per page.
    List<String> seen = new ArrayList<>();
    Page<Run> page =
        client.searchRuns(
            List.of(exp),
            "params.model = 'tree' and metrics.acc >= 0.2 and tags.team = 'pg'",
            ViewType.ACTIVE_ONLY,
            2,
            List.of("metrics.acc DESC"));
    int pages = 0;
    while (true) {
      pages++;
      page.getItems().forEach(r -> seen.add(r.getInfo().getRunId()));
      if (!page.hasNextPage()) {
        break;
      }
      page = page.getNextPage();
      assertThat(pages).isLessThan(10);
    }
    // tree runs are i = 0, 2, 4, 6 with latest acc 0.0, 0.22, 0.44, 0.66
    assertThat(seen).containsExactly(runIds.get(6), runIds.get(4), runIds.get(2));
    assertThat(pages).isEqualTo(2);

    // History: several batches, read back whole and in order.
    String curveRun = runIds.get(0);
    List<Metric> expected = new ArrayList<>();
    for (int batch = 0; batch < 5; batch++) {
      List<Metric> points = new ArrayList<>();
      for (int j = 0; j < 1000; j++) {
        int n = batch * 1000 + j;
        points.add(metric("loss", 1.0 / (n + 1), 10_000 + n, n));
      }
      client.logBatch(curveRun, points, List.of(), List.of());
      expected.addAll(points);
    }
    expected.sort(Comparator.comparingLong(Metric::getStep));
    assertThat(client.getMetricHistory(curveRun, "loss")).containsExactlyElementsOf(expected);

    // A param overwrite is refused and changes nothing.
    MlflowHttpException overwrite = null;
    try {
      client.logParam(curveRun, "model", "linear");
    } catch (MlflowHttpException e) {
      overwrite = e;
    }
    assertThat(overwrite).isNotNull();
    assertThat(overwrite.getStatusCode()).isEqualTo(400);
    assertThat(client.getRun(curveRun).getData().getParamsList()).contains(param("model", "tree"));

    // Terminate, then delete and restore the experiment with its runs.
    client.setTerminated(curveRun, RunStatus.FINISHED, 2_000_000_000_000L);
    RunInfo done = client.getRun(curveRun).getInfo();
    assertThat(done.getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(done.getEndTime()).isEqualTo(2_000_000_000_000L);
    client.deleteExperiment(exp);
    assertThat(client.getRun(curveRun).getInfo().getLifecycleStage()).isEqualTo("deleted");
    assertThat(client.searchRuns(List.of(exp), null)).isEmpty();
    client.restoreExperiment(exp);
    assertThat(client.searchRuns(List.of(exp), null)).hasSize(7);
  }
}
