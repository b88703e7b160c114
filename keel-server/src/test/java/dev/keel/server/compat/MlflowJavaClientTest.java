package dev.keel.server.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.server.TestServer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.DatasetInput;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.ExperimentTag;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.ActiveRun;
import org.mlflow.tracking.ExperimentsPage;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowContext;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.Page;
import org.mlflow.tracking.RunsPage;

/**
 * The official MLflow Java client ({@code org.mlflow:mlflow-client}) unchanged against a real Keel
 * server on port 0 (SQLite in a temp dir). Every value the client reads back is asserted.
 */
class MlflowJavaClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static java.nio.file.Path dir;
  static TestServer server;
  static MlflowClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir);
    client = new MlflowClient(server.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  /** A name no other test uses. */
  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
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

  private static Map<String, String> params(Run run) {
    return run.getData().getParamsList().stream()
        .collect(Collectors.toMap(Param::getKey, Param::getValue));
  }

  private static Map<String, String> tags(Run run) {
    return run.getData().getTagsList().stream()
        .collect(Collectors.toMap(RunTag::getKey, RunTag::getValue));
  }

  private static Map<String, Metric> latestMetrics(Run run) {
    Map<String, Metric> out = new HashMap<>();
    for (Metric m : run.getData().getMetricsList()) {
      assertThat(out.put(m.getKey(), m)).as("one latest value per key: " + m.getKey()).isNull();
    }
    return out;
  }

  /** Runs {@code call}, expecting the client's exception for an HTTP error. */
  private static MlflowHttpException httpError(Runnable call) {
    try {
      call.run();
    } catch (MlflowHttpException e) {
      return e;
    }
    throw new AssertionError("expected an MlflowHttpException");
  }

  private static String errorCode(MlflowHttpException e) {
    try {
      return JSON.readTree(e.getBodyMessage()).path("error_code").asText();
    } catch (java.io.IOException ex) {
      throw new AssertionError("error body is not JSON: " + e.getBodyMessage(), ex);
    }
  }

  // ------------------------------------------------------------------ experiments

  @Test
  void experiment_create_get_rename_and_tag_round_trip() {
    String name = unique("exp");
    long before = System.currentTimeMillis();
    String id = client.createExperiment(name);
    assertThat(id).matches("[1-9][0-9]*");

    MlflowHttpException dup = httpError(() -> client.createExperiment(name));
    assertThat(dup.getStatusCode()).isEqualTo(400);
    assertThat(errorCode(dup)).isEqualTo("RESOURCE_ALREADY_EXISTS");

    Experiment e = client.getExperiment(id);
    assertThat(e.getExperimentId()).isEqualTo(id);
    assertThat(e.getName()).isEqualTo(name);
    assertThat(e.getArtifactLocation()).isEqualTo("mlflow-artifacts:/" + id);
    assertThat(e.getLifecycleStage()).isEqualTo("active");
    assertThat(e.getCreationTime()).isBetween(before, System.currentTimeMillis());
    assertThat(e.getLastUpdateTime()).isGreaterThanOrEqualTo(e.getCreationTime());
    assertThat(e.getTagsList()).isEmpty();

    assertThat(client.getExperimentByName(name)).map(Experiment::getExperimentId).contains(id);
    assertThat(client.getExperimentByName(unique("no-such-experiment"))).isEmpty();

    String renamed = unique("renamed");
    client.renameExperiment(id, renamed);
    assertThat(client.getExperiment(id).getName()).isEqualTo(renamed);
    assertThat(client.getExperimentByName(name)).isEmpty();
    assertThat(client.getExperimentByName(renamed)).map(Experiment::getExperimentId).contains(id);

    client.setExperimentTag(id, "team", "vision");
    client.setExperimentTag(id, "owner", "ada");
    client.setExperimentTag(id, "team", "nlp"); // overwrite
    Map<String, String> tags =
        client.getExperiment(id).getTagsList().stream()
            .collect(Collectors.toMap(ExperimentTag::getKey, ExperimentTag::getValue));
    assertThat(tags).containsExactlyInAnyOrderEntriesOf(Map.of("team", "nlp", "owner", "ada"));
  }

  @Test
  void default_experiment_zero_is_found_by_the_client() {
    Experiment e = client.getExperiment("0");
    assertThat(e.getName()).isEqualTo("Default");
    assertThat(e.getLifecycleStage()).isEqualTo("active");
    assertThat(client.getExperimentByName("Default"))
        .map(Experiment::getExperimentId)
        .contains("0");
  }

  @Test
  void search_experiments_filters_and_pages_through_page_objects() {
    String prefix = unique("pager");
    List<String> names = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    for (int i = 0; i < 7; i++) {
      String n = prefix + "-" + (char) ('g' - i); // created in reverse name order
      names.add(n);
      ids.put(n, client.createExperiment(n));
    }
    names.sort(Comparator.naturalOrder());

    ExperimentsPage first =
        client.searchExperiments(
            "name LIKE '" + prefix + "-%'", ViewType.ACTIVE_ONLY, 3, List.of("name ASC"));
    List<Experiment> all = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    Page<Experiment> page = first;
    while (true) {
      List<Experiment> items = new ArrayList<>();
      page.getItems().forEach(items::add);
      pageSizes.add(items.size());
      all.addAll(items);
      if (!page.hasNextPage()) {
        assertThat(page.getNextPageToken()).isEmpty();
        break;
      }
      assertThat(page.getNextPageToken()).isPresent();
      page = page.getNextPage();
      assertThat(pageSizes).hasSizeLessThan(10); // the paging loop must end
    }
    assertThat(pageSizes).containsExactly(3, 3, 1);
    assertThat(all).extracting(Experiment::getName).containsExactlyElementsOf(names);
    assertThat(all)
        .allSatisfy(e -> assertThat(e.getExperimentId()).isEqualTo(ids.get(e.getName())));

    // Filter on a tag, and an empty result comes back as an empty last page.
    client.setExperimentTag(ids.get(names.get(2)), "stage", "prod");
    ExperimentsPage tagged =
        client.searchExperiments(
            "tags.stage = 'prod' AND name LIKE '" + prefix + "%'",
            ViewType.ACTIVE_ONLY,
            100,
            List.of());
    assertThat(tagged.getItems()).extracting(Experiment::getName).containsExactly(names.get(2));
    assertThat(tagged.hasNextPage()).isFalse();
    ExperimentsPage none =
        client.searchExperiments(
            "name = '" + unique("nothing") + "'", ViewType.ALL, 10, List.of("name DESC"));
    assertThat(none.getItems()).isEmpty();
    assertThat(none.hasNextPage()).isFalse();
  }

  @Test
  void deleting_an_experiment_deletes_its_runs_and_restoring_brings_them_back() {
    String name = unique("lifecycle");
    String id = client.createExperiment(name);
    String a = client.createRun(id).getRunId();
    String b = client.createRun(id).getRunId();

    client.deleteExperiment(id);
    Experiment deleted = client.getExperiment(id);
    assertThat(deleted.getLifecycleStage()).isEqualTo("deleted");
    // A deleted experiment is still found by name and its name stays taken.
    assertThat(client.getExperimentByName(name))
        .map(Experiment::getLifecycleStage)
        .contains("deleted");
    MlflowHttpException dup = httpError(() -> client.createExperiment(name));
    assertThat(dup.getStatusCode()).isEqualTo(400);
    assertThat(errorCode(dup)).isEqualTo("RESOURCE_ALREADY_EXISTS");
    assertThat(client.getRun(a).getInfo().getLifecycleStage()).isEqualTo("deleted");
    assertThat(client.getRun(b).getInfo().getLifecycleStage()).isEqualTo("deleted");
    assertThat(client.searchRuns(List.of(id), null, ViewType.ACTIVE_ONLY)).isEmpty();
    assertThat(client.searchRuns(List.of(id), null, ViewType.DELETED_ONLY))
        .extracting(RunInfo::getRunId)
        .containsExactlyInAnyOrder(a, b);
    assertThat(
            client
                .searchExperiments("name = '" + name + "'", ViewType.DELETED_ONLY, 10, List.of())
                .getItems())
        .extracting(Experiment::getExperimentId)
        .containsExactly(id);
    assertThat(
            client
                .searchExperiments("name = '" + name + "'", ViewType.ACTIVE_ONLY, 10, List.of())
                .getItems())
        .isEmpty();

    client.restoreExperiment(id);
    assertThat(client.getExperiment(id).getLifecycleStage()).isEqualTo("active");
    assertThat(client.getRun(a).getInfo().getLifecycleStage()).isEqualTo("active");
    assertThat(client.searchRuns(List.of(id), null, ViewType.ACTIVE_ONLY))
        .extracting(RunInfo::getRunId)
        .containsExactlyInAnyOrder(a, b);
  }

  // ------------------------------------------------------------------ runs

  @Test
  void create_run_in_an_experiment_and_in_the_default_one() {
    String exp = client.createExperiment(unique("runs"));
    long before = System.currentTimeMillis();
    RunInfo info = client.createRun(exp);
    long after = System.currentTimeMillis();
    assertThat(info.getRunId()).matches("[0-9a-f]{32}");
    assertThat(info.getRunUuid()).isEqualTo(info.getRunId());
    assertThat(info.getExperimentId()).isEqualTo(exp);
    assertThat(info.getStatus()).isEqualTo(RunStatus.RUNNING);
    assertThat(info.getStartTime()).isBetween(before, after);
    assertThat(info.hasEndTime()).isFalse();
    assertThat(info.getUserId()).isEqualTo(System.getProperty("user.name"));
    assertThat(info.getLifecycleStage()).isEqualTo("active");
    assertThat(info.getArtifactUri())
        .isEqualTo("mlflow-artifacts:/" + exp + "/" + info.getRunId() + "/artifacts");
    assertThat(info.getRunName()).matches("[a-z]+-[a-z]+-\\d+");
    Run run = client.getRun(info.getRunId());
    assertThat(run.getInfo()).isEqualTo(info);
    assertThat(tags(run)).containsEntry("mlflow.runName", info.getRunName());

    RunInfo inDefault = client.createRun();
    assertThat(inDefault.getExperimentId()).isEqualTo("0");
    assertThat(client.getRun(inDefault.getRunId()).getInfo().getExperimentId()).isEqualTo("0");
  }

  @Test
  void create_run_request_with_name_start_time_and_tags_is_kept() {
    String exp = client.createExperiment(unique("create-run"));
    RunInfo info =
        client.createRun(
            CreateRun.newBuilder()
                .setExperimentId(exp)
                .setRunName("baseline")
                .setStartTime(1_700_000_000_123L)
                .addTags(tag("mlflow.user", "grace"))
                .addTags(tag("git.sha", "abc123"))
                .addTags(tag("note", "é ✓ 名前"))
                .build());
    assertThat(info.getRunName()).isEqualTo("baseline");
    assertThat(info.getStartTime()).isEqualTo(1_700_000_000_123L);
    assertThat(info.getUserId()).isEqualTo("grace");
    Run run = client.getRun(info.getRunId());
    assertThat(tags(run))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "mlflow.runName", "baseline",
                "mlflow.user", "grace",
                "git.sha", "abc123",
                "note", "é ✓ 名前"));
  }

  @Test
  void params_metrics_and_batches_come_back_with_every_value() {
    String runId = client.createRun(client.createExperiment(unique("logging"))).getRunId();
    client.logParam(runId, "lr", "0.01");
    client.logParam(runId, "lr", "0.01"); // same value again is a no-op
    client.logMetric(runId, "loss", 2.5, 1_700_000_000_000L, 3);
    client.logMetric(runId, "loss", 9.0, 1_700_000_000_500L, 1); // lower step: not the latest
    client.logMetric(runId, "single", 42.0);

    // Several hundred metrics, 50 params, 20 tags in one batch.
    List<Metric> metrics = new ArrayList<>();
    Map<String, Metric> expectedLatest = new HashMap<>();
    for (int k = 0; k < 60; k++) {
      for (int step = 0; step < 10; step++) {
        Metric m = metric("m" + k, k * 1000 + step + 0.25, 1_700_000_100_000L + step, step);
        metrics.add(m);
        if (step == 9) {
          expectedLatest.put(m.getKey(), m);
        }
      }
    }
    // Ties on step: greater timestamp wins, then greater value.
    metrics.add(metric("tie", 1.0, 100, 5));
    metrics.add(metric("tie", 3.0, 200, 5));
    metrics.add(metric("tie", 2.0, 200, 5));
    metrics.add(metric("tie", 99.0, 999, 4));
    expectedLatest.put("tie", metric("tie", 3.0, 200, 5));
    // Values that must read back bit-exact, and the NaN/Infinity strings. (-0.0 is left out: the
    // client's protobuf JSON parser reads every double through BigDecimal, which drops its sign.)
    double[] exact = {
      Math.PI,
      -Math.E,
      1e-300,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      -Double.MAX_VALUE,
      0.1 + 0.2,
      123456789.123456789,
      4503599627370497.0
    };
    for (int i = 0; i < exact.length; i++) {
      Metric m = metric("exact" + i, exact[i], 5, 0);
      metrics.add(m);
      expectedLatest.put(m.getKey(), m);
    }
    metrics.add(metric("nan", Double.NaN, 5, 0));
    metrics.add(metric("pinf", Double.POSITIVE_INFINITY, 5, 0));
    metrics.add(metric("ninf", Double.NEGATIVE_INFINITY, 5, 0));
    assertThat(metrics).hasSizeGreaterThan(600);
    List<Param> params = new ArrayList<>();
    Map<String, String> expectedParams = new HashMap<>(Map.of("lr", "0.01"));
    for (int i = 0; i < 50; i++) {
      params.add(param("p" + i, "value-" + i));
      expectedParams.put("p" + i, "value-" + i);
    }
    params.add(param("long", "x".repeat(6000)));
    expectedParams.put("long", "x".repeat(6000));
    List<RunTag> batchTags = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batchTags.add(tag("t" + i, "v" + i));
    }
    batchTags.add(tag("t0", "last-wins"));
    client.logBatch(runId, metrics, params, batchTags);

    Run run = client.getRun(runId);
    assertThat(params(run)).containsExactlyInAnyOrderEntriesOf(expectedParams);
    Map<String, String> expectedTags = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      expectedTags.put("t" + i, "v" + i);
    }
    expectedTags.put("t0", "last-wins");
    expectedTags.put("mlflow.runName", run.getInfo().getRunName());
    assertThat(tags(run)).containsExactlyInAnyOrderEntriesOf(expectedTags);

    Map<String, Metric> latest = latestMetrics(run);
    assertThat(latest).hasSize(expectedLatest.size() + 5); // + loss, single, nan, pinf, ninf
    expectedLatest.forEach((k, m) -> assertThat(latest.get(k)).as(k).isEqualTo(m));
    assertThat(latest.get("loss")).isEqualTo(metric("loss", 2.5, 1_700_000_000_000L, 3));
    assertThat(latest.get("single").getValue()).isEqualTo(42.0);
    assertThat(latest.get("single").getStep()).isZero();
    assertThat(latest.get("single").getTimestamp())
        .isCloseTo(System.currentTimeMillis(), within(60_000L));
    assertThat(latest.get("nan").getValue()).isNaN();
    assertThat(latest.get("pinf").getValue()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(latest.get("ninf").getValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    for (int i = 0; i < exact.length; i++) {
      assertThat(Double.doubleToRawLongBits(latest.get("exact" + i).getValue()))
          .as("bit-exact " + exact[i])
          .isEqualTo(Double.doubleToRawLongBits(exact[i]));
    }

    assertThat(client.getMetricHistory(runId, "loss"))
        .containsExactly(
            metric("loss", 9.0, 1_700_000_000_500L, 1), metric("loss", 2.5, 1_700_000_000_000L, 3));
    assertThat(client.getMetricHistory(runId, "tie")).hasSize(4);
    assertThat(client.getMetricHistory(runId, "m7"))
        .extracting(Metric::getStep)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(client.getMetricHistory(runId, "never-logged")).isEmpty();
  }

  @Test
  void metric_history_of_30000_points_comes_back_whole_to_the_java_client() {
    String runId = client.createRun(client.createExperiment(unique("history"))).getRunId();
    int total = 30_000;
    List<Metric> expected = new ArrayList<>(total);
    for (int batch = 0; batch < total / 1000; batch++) {
      List<Metric> points = new ArrayList<>(1000);
      for (int i = 0; i < 1000; i++) {
        int n = batch * 1000 + i;
        points.add(metric("curve", n * 0.5 + 0.125, 1_700_000_000_000L + n, n));
      }
      client.logBatch(runId, points, List.of(), List.of());
      expected.addAll(points);
    }
    // The client asks for max_results=25000 and cannot follow a next_page_token: Keel must answer
    // it with the whole history in one response.
    List<Metric> history = client.getMetricHistory(runId, "curve");
    assertThat(history).hasSize(total);
    assertThat(history).containsExactlyElementsOf(expected);
    assertThat(client.getRun(runId).getData().getMetricsList())
        .containsExactly(expected.get(total - 1));

    // The same client's raw calls still page when they ask for pages.
    JsonNode raw =
        readJson(
            client.sendGet(
                "metrics/get-history?run_id=" + runId + "&metric_key=curve&max_results=1000"));
    assertThat(raw.get("metrics")).hasSize(1000);
    assertThat(raw.get("next_page_token").asText()).isNotEmpty();

    // Other clients still page at 25,000 with an opaque token.
    String first =
        server
            .get(
                "/api/2.0/mlflow/metrics/get-history?run_id="
                    + runId
                    + "&metric_key=curve&max_results=25000")
            .body();
    JsonNode page1 = readJson(first);
    assertThat(page1.get("metrics")).hasSize(25_000);
    String token = page1.get("next_page_token").asText();
    assertThat(token).isNotEmpty();
    JsonNode page2 =
        readJson(
            server
                .get(
                    "/api/2.0/mlflow/metrics/get-history?run_id="
                        + runId
                        + "&metric_key=curve&max_results=25000&page_token="
                        + java.net.URLEncoder.encode(
                            token, java.nio.charset.StandardCharsets.UTF_8))
                .body());
    assertThat(page2.get("metrics")).hasSize(5_000);
    assertThat(page2.has("next_page_token")).isFalse();
  }

  private static JsonNode readJson(String body) {
    try {
      return JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  @Test
  void search_runs_filters_orders_and_pages_until_done() {
    String exp = client.createExperiment(unique("search"));
    String other = client.createExperiment(unique("search-other"));
    Map<String, Double> accuracy = new LinkedHashMap<>();
    int linear = 0;
    for (int i = 0; i < 23; i++) {
      String runId = client.createRun(exp).getRunId();
      double acc = ((i * 7) % 23) / 23.0; // distinct, not in creation order
      String model = i % 3 == 0 ? "tree" : "linear";
      client.logBatch(
          runId,
          List.of(metric("acc", acc, 1000, 0)),
          List.of(param("model", model)),
          List.of(tag("team", i % 2 == 0 ? "red" : "blue")));
      linear += model.equals("linear") ? 1 : 0;
      if (model.equals("linear") && acc > 0.2) {
        accuracy.put(runId, acc);
      }
    }
    // A matching run in another experiment, not searched.
    String elsewhere = client.createRun(other).getRunId();
    client.logBatch(
        elsewhere,
        List.of(metric("acc", 0.99, 1000, 0)),
        List.of(param("model", "linear")),
        List.of());
    List<String> expected =
        accuracy.entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
            .map(Map.Entry::getKey)
            .toList();
    assertThat(expected).hasSizeGreaterThan(8);

    String filter = "params.model = 'linear' and metrics.acc > 0.2";
    RunsPage first =
        client.searchRuns(
            List.of(exp), filter, ViewType.ACTIVE_ONLY, 4, List.of("metrics.acc DESC"));
    List<String> seen = new ArrayList<>();
    int pages = 0;
    Page<Run> page = first;
    while (true) {
      pages++;
      for (Run r : page.getItems()) {
        seen.add(r.getInfo().getRunId());
        assertThat(params(r)).containsEntry("model", "linear");
        assertThat(latestMetrics(r).get("acc").getValue())
            .isEqualTo(accuracy.get(r.getInfo().getRunId()));
      }
      if (!page.hasNextPage()) {
        break;
      }
      page = page.getNextPage();
      assertThat(pages).isLessThan(20); // the paging loop must end
    }
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(pages).isEqualTo((expected.size() + 3) / 4);

    // A tag filter together with a param filter; then a search over two experiments.
    List<RunInfo> red =
        client.searchRuns(List.of(exp, other), "tags.team = 'red' and params.model = 'tree'");
    assertThat(red).hasSize(4); // i = 0, 6, 12, 18
    RunsPage linearRuns =
        client.searchRuns(
            List.of(exp, other),
            "params.model = 'linear'",
            ViewType.ALL,
            1000,
            List.of("metrics.acc DESC"));
    assertThat(linearRuns.getItems().get(0).getInfo().getRunId()).isEqualTo(elsewhere);
    assertThat(linearRuns.getItems()).hasSize(linear + 1);
    assertThat(linearRuns.hasNextPage()).isFalse();
  }

  @Test
  void set_tag_and_delete_tag_change_the_run() {
    String runId = client.createRun(client.createExperiment(unique("tags"))).getRunId();
    client.setTag(runId, "color", "red");
    client.setTag(runId, "color", "blue");
    client.setTag(runId, "shape", "round");
    assertThat(tags(client.getRun(runId)))
        .containsEntry("color", "blue")
        .containsEntry("shape", "round");
    client.deleteTag(runId, "color");
    assertThat(tags(client.getRun(runId)))
        .doesNotContainKey("color")
        .containsEntry("shape", "round");
    MlflowHttpException missing = httpError(() -> client.deleteTag(runId, "color"));
    assertThat(missing.getStatusCode()).isEqualTo(404);
    assertThat(errorCode(missing)).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    // Renaming through the mlflow.runName tag renames the run.
    client.setTag(runId, "mlflow.runName", "renamed-run");
    assertThat(client.getRun(runId).getInfo().getRunName()).isEqualTo("renamed-run");
  }

  @Test
  void set_terminated_sets_status_and_end_time() {
    String exp = client.createExperiment(unique("terminate"));
    String failed = client.createRun(exp).getRunId();
    client.setTerminated(failed, RunStatus.FAILED, 1_800_000_000_000L);
    RunInfo f = client.getRun(failed).getInfo();
    assertThat(f.getStatus()).isEqualTo(RunStatus.FAILED);
    assertThat(f.hasEndTime()).isTrue();
    assertThat(f.getEndTime()).isEqualTo(1_800_000_000_000L);

    String finished = client.createRun(exp).getRunId();
    long before = System.currentTimeMillis();
    client.setTerminated(finished);
    RunInfo done = client.getRun(finished).getInfo();
    assertThat(done.getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(done.getEndTime()).isBetween(before, System.currentTimeMillis());

    String killed = client.createRun(exp).getRunId();
    client.setTerminated(killed, RunStatus.KILLED);
    assertThat(client.getRun(killed).getInfo().getStatus()).isEqualTo(RunStatus.KILLED);
    assertThat(client.searchRuns(List.of(exp), "attributes.status = 'FAILED'"))
        .extracting(RunInfo::getRunId)
        .containsExactly(failed);
  }

  @Test
  void deleted_run_is_refused_writes_until_restored() {
    String exp = client.createExperiment(unique("delete-run"));
    String runId = client.createRun(exp).getRunId();
    client.logParam(runId, "a", "1");
    client.deleteRun(runId);
    assertThat(client.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("deleted");
    assertThat(client.searchRuns(List.of(exp), null)).isEmpty();
    assertThat(client.searchRuns(List.of(exp), null, ViewType.DELETED_ONLY))
        .extracting(RunInfo::getRunId)
        .containsExactly(runId);

    MlflowHttpException refused = httpError(() -> client.logMetric(runId, "m", 1.0));
    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(errorCode(refused)).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(client.getMetricHistory(runId, "m")).isEmpty();

    client.restoreRun(runId);
    assertThat(client.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("active");
    assertThat(client.searchRuns(List.of(exp), null))
        .extracting(RunInfo::getRunId)
        .containsExactly(runId);
    client.logMetric(runId, "m", 1.0);
    assertThat(client.getMetricHistory(runId, "m")).hasSize(1);
    assertThat(params(client.getRun(runId))).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void unknown_run_is_404_resource_does_not_exist() {
    MlflowHttpException e = httpError(() -> client.getRun("0123456789abcdef0123456789abcdef"));
    assertThat(e.getStatusCode()).isEqualTo(404);
    assertThat(errorCode(e)).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    MlflowHttpException exp = httpError(() -> client.getExperiment("987654321"));
    assertThat(exp.getStatusCode()).isEqualTo(404);
  }

  @Test
  void param_overwrite_is_refused_and_changes_nothing() {
    String runId = client.createRun(client.createExperiment(unique("overwrite"))).getRunId();
    client.logParam(runId, "lr", "0.1");
    Run before = client.getRun(runId);

    // The client sends a refused request three times; each one must change nothing.
    MlflowHttpException single = httpError(() -> client.logParam(runId, "lr", "0.2"));
    assertThat(single.getStatusCode()).isEqualTo(400);
    assertThat(errorCode(single)).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(single.getBodyMessage()).contains("Changing param values is not allowed");

    // A batch with an overwrite writes none of its metrics, params or tags.
    MlflowHttpException batch =
        httpError(
            () ->
                client.logBatch(
                    runId,
                    List.of(metric("m", 1.0, 10, 0)),
                    List.of(param("fresh", "x"), param("lr", "0.3")),
                    List.of(tag("t", "v"))));
    assertThat(batch.getStatusCode()).isEqualTo(400);
    assertThat(errorCode(batch)).isEqualTo("INVALID_PARAMETER_VALUE");

    Run after = client.getRun(runId);
    assertThat(after).isEqualTo(before);
    assertThat(params(after)).containsExactly(Map.entry("lr", "0.1"));
    assertThat(client.getMetricHistory(runId, "m")).isEmpty();
  }

  // ------------------------------------------------------------------ fluent API

  @Test
  void fluent_context_starts_logs_and_ends_a_run() {
    String name = unique("fluent");
    String exp = client.createExperiment(name);
    MlflowContext ctx = new MlflowContext(client).setExperimentName(name);
    assertThat(ctx.getExperimentId()).isEqualTo(exp);

    long before = System.currentTimeMillis();
    ActiveRun run = ctx.startRun("fluent-run");
    run.logParam("optimizer", "adam");
    run.logParams(Map.of("epochs", "3", "batch", "64"));
    run.logMetric("loss", 0.9);
    run.logMetric("loss", 0.5, 1);
    run.logMetrics(Map.of("loss", 0.25, "acc", 0.75), 2);
    run.setTag("stage", "dev");
    run.setTags(Map.of("owner", "ada", "stage", "test"));
    run.endRun();
    long after = System.currentTimeMillis();

    Run r = client.getRun(run.getId());
    RunInfo info = r.getInfo();
    assertThat(info.getExperimentId()).isEqualTo(exp);
    assertThat(info.getRunName()).isEqualTo("fluent-run");
    assertThat(info.getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(info.getStartTime()).isBetween(before, after);
    assertThat(info.getEndTime()).isBetween(info.getStartTime(), after);
    assertThat(run.getArtifactUri()).isEqualTo(info.getArtifactUri());
    assertThat(params(r))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("optimizer", "adam", "epochs", "3", "batch", "64"));
    assertThat(tags(r))
        .containsEntry("mlflow.runName", "fluent-run")
        .containsEntry("mlflow.source.type", "LOCAL")
        .containsEntry("mlflow.user", System.getProperty("user.name"))
        .containsEntry("stage", "test")
        .containsEntry("owner", "ada");
    Map<String, Metric> latest = latestMetrics(r);
    assertThat(latest.get("loss").getValue()).isEqualTo(0.25);
    assertThat(latest.get("loss").getStep()).isEqualTo(2);
    assertThat(latest.get("acc").getValue()).isEqualTo(0.75);
    assertThat(client.getMetricHistory(run.getId(), "loss"))
        .extracting(Metric::getValue)
        .containsExactly(0.9, 0.5, 0.25);

    // withActiveRun ends the run as FAILED when the body throws (the client swallows the error).
    String[] id = new String[1];
    ctx.withActiveRun(
        "failing",
        active -> {
          id[0] = active.getId();
          active.logMetric("partial", 1.0);
          throw new IllegalStateException("boom");
        });
    RunInfo failed = client.getRun(id[0]).getInfo();
    assertThat(failed.getStatus()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.getRunName()).isEqualTo("failing");
    assertThat(failed.hasEndTime()).isTrue();
    assertThat(client.getMetricHistory(id[0], "partial"))
        .extracting(Metric::getValue)
        .containsExactly(1.0);
  }

  // ------------------------------------------------------------------ raw escape hatch

  @Test
  void log_inputs_through_send_post_reads_back_through_get_run() throws Exception {
    String runId = client.createRun(client.createExperiment(unique("inputs"))).getRunId();
    String body =
        """
        {"run_id":"%s","datasets":[{
          "tags":[{"key":"mlflow.data.context","value":"training"}],
          "dataset":{"name":"iris","digest":"d41d8cd9","source_type":"local",
                     "source":"{\\"uri\\":\\"file:///data/iris.csv\\"}",
                     "schema":"{\\"mlflow_colspec\\":[]}","profile":"{\\"num_rows\\":150}"}}]}
        """
            .formatted(runId);
    assertThat(JSON.readTree(client.sendPost("runs/log-inputs", body)).isEmpty()).isTrue();
    // Logging the same input again does not duplicate it.
    client.sendPost("runs/log-inputs", body);

    Run run = client.getRun(runId);
    assertThat(run.getInputs().getDatasetInputsList()).hasSize(1);
    DatasetInput in = run.getInputs().getDatasetInputs(0);
    assertThat(in.getTagsList())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getKey()).isEqualTo("mlflow.data.context");
              assertThat(t.getValue()).isEqualTo("training");
            });
    assertThat(in.getDataset().getName()).isEqualTo("iris");
    assertThat(in.getDataset().getDigest()).isEqualTo("d41d8cd9");
    assertThat(in.getDataset().getSourceType()).isEqualTo("local");
    assertThat(in.getDataset().getSource()).isEqualTo("{\"uri\":\"file:///data/iris.csv\"}");
    assertThat(in.getDataset().getSchema()).isEqualTo("{\"mlflow_colspec\":[]}");
    assertThat(in.getDataset().getProfile()).isEqualTo("{\"num_rows\":150}");

    JsonNode raw = JSON.readTree(client.sendGet("runs/get?run_id=" + runId));
    assertThat(raw.at("/run/inputs/dataset_inputs/0/dataset/name").asText()).isEqualTo("iris");
    assertThat(raw.at("/run/info/run_id").asText()).isEqualTo(runId);

    MlflowHttpException bad =
        httpError(
            () ->
                client.sendPost(
                    "runs/log-inputs",
                    "{\"run_id\":\""
                        + runId
                        + "\",\"datasets\":[{\"dataset\":{\"name\":\"x\"}}]}"));
    assertThat(bad.getStatusCode()).isEqualTo(400);
    assertThat(errorCode(bad)).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(client.getRun(runId).getInputs().getDatasetInputsList()).hasSize(1);
  }
}
