package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelConfig;
import dev.keel.core.Page;
import dev.keel.server.KeelServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives every SDK call against a real Keel server on a free port. */
class KeelClientTest {
  @TempDir static Path dataDir;

  static KeelServer server;
  static KeelClient client;

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

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String newExperiment() {
    return client.tracking().createExperiment(unique("exp"));
  }

  // ------------------------------------------------------------------ server

  @Test
  void server_version_is_the_servers() {
    assertThat(client.serverVersion()).isEqualTo(KeelServer.version());
  }

  @Test
  void base_url_trailing_slash_is_ignored() {
    try (KeelClient c = new KeelClient(server.url() + "/")) {
      assertThat(c.baseUrl()).isEqualTo(server.url());
      assertThat(c.tracking().getExperiment("0").name()).isEqualTo("Default");
    }
  }

  @Test
  void client_with_a_bearer_token_sends_it_and_still_works() {
    try (KeelClient c = new KeelClient(server.url(), "secret-token")) {
      assertThat(c.tracking().getExperiment("0").experimentId()).isEqualTo("0");
    }
  }

  @Test
  void malformed_base_url_is_rejected() {
    assertThatThrownBy(() -> new KeelClient("localhost:8080"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KeelClient("ftp://host"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unreachable_server_raises_connection_failed_without_http_status() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (KeelClient c = KeelClient.builder("http://127.0.0.1:" + port).maxAttempts(1).build()) {
      assertThatThrownBy(() -> c.tracking().getExperiment("0"))
          .isInstanceOfSatisfying(
              KeelClientException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(KeelClientException.CONNECTION_FAILED);
                assertThat(e.httpStatus()).isZero();
              });
    }
  }

  // ------------------------------------------------------------------ experiments

  @Test
  void created_experiment_is_returned_by_id_and_by_name() {
    String name = unique("fraud");
    String id = client.tracking().createExperiment(name, "", List.of(new Tag("team", "ml")));

    Experiment byId = client.tracking().getExperiment(id);
    assertThat(byId.name()).isEqualTo(name);
    assertThat(byId.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(byId.artifactLocation()).startsWith("mlflow-artifacts:");
    assertThat(byId.creationTime()).isPositive();
    assertThat(byId.tag("team")).contains("ml");
    assertThat(client.tracking().getExperimentByName(name)).contains(byId);
  }

  @Test
  void get_experiment_by_unknown_name_is_empty() {
    assertThat(client.tracking().getExperimentByName(unique("nope"))).isEmpty();
  }

  @Test
  void get_unknown_experiment_raises_resource_does_not_exist() {
    assertThatThrownBy(() -> client.tracking().getExperiment("987654321"))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
              assertThat(e.httpStatus()).isEqualTo(404);
              assertThat(e.isNotFound()).isTrue();
              assertThat(e.code()).contains(dev.keel.core.ErrorCode.NOT_FOUND);
            });
  }

  @Test
  void creating_a_duplicate_experiment_raises_resource_already_exists() {
    String name = unique("dup");
    client.tracking().createExperiment(name);
    assertThatThrownBy(() -> client.tracking().createExperiment(name))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo("RESOURCE_ALREADY_EXISTS");
              assertThat(e.httpStatus()).isEqualTo(400);
              assertThat(e.getMessage()).isNotBlank();
            });
  }

  @Test
  void search_experiments_pages_through_every_match() {
    String prefix = unique("paged");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(client.tracking().createExperiment(prefix + "-" + i));
    }
    ExperimentQuery q =
        ExperimentQuery.all()
            .withFilter("name LIKE '" + prefix + "-%'")
            .withOrderBy("name ASC")
            .withMaxResults(2);

    Page<Experiment> first = client.tracking().searchExperiments(q);
    assertThat(first.items())
        .extracting(Experiment::name)
        .containsExactly(prefix + "-0", prefix + "-1");
    assertThat(first.nextPageToken()).isPresent();
    Page<Experiment> second =
        client.tracking().searchExperiments(q.withPageToken(first.nextPageToken().get()));
    assertThat(second.items())
        .extracting(Experiment::name)
        .containsExactly(prefix + "-2", prefix + "-3");
    Page<Experiment> third =
        client.tracking().searchExperiments(q.withPageToken(second.nextPageToken().get()));
    assertThat(third.items()).extracting(Experiment::name).containsExactly(prefix + "-4");
    assertThat(third.nextPageToken()).isEmpty();

    assertThat(client.tracking().streamExperiments(q).map(Experiment::experimentId).toList())
        .containsExactlyElementsOf(ids);
    assertThat(
            Pages.stream(token -> client.tracking().searchExperiments(q.withPageToken(token)))
                .map(Experiment::name))
        .hasSize(5);
  }

  @Test
  void search_experiments_orders_descending_and_filters_by_tag() {
    String prefix = unique("ord");
    client.tracking().createExperiment(prefix + "-a", "", List.of(new Tag("kind", "x")));
    client.tracking().createExperiment(prefix + "-b", "", List.of(new Tag("kind", "y")));
    client.tracking().createExperiment(prefix + "-c", "", List.of(new Tag("kind", "x")));

    List<String> names =
        client
            .tracking()
            .streamExperiments(
                ExperimentQuery.all()
                    .withFilter("name LIKE '" + prefix + "%' AND tags.kind = 'x'")
                    .withOrderBy(List.of("name DESC")))
            .map(Experiment::name)
            .toList();
    assertThat(names).containsExactly(prefix + "-c", prefix + "-a");
  }

  @Test
  void invalid_filter_raises_invalid_parameter_value() {
    assertThatThrownBy(
            () ->
                client
                    .tracking()
                    .searchExperiments(ExperimentQuery.all().withFilter("name === oops")))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
              assertThat(e.httpStatus()).isEqualTo(400);
            });
  }

  @Test
  void renamed_deleted_and_restored_experiment_follows_its_lifecycle() {
    String id = newExperiment();
    String newName = unique("renamed");
    client.tracking().renameExperiment(id, newName);
    assertThat(client.tracking().getExperiment(id).name()).isEqualTo(newName);

    client.tracking().deleteExperiment(id);
    assertThat(client.tracking().getExperiment(id).lifecycleStage())
        .isEqualTo(LifecycleStage.DELETED);
    ExperimentQuery byName = ExperimentQuery.all().withFilter("name = '" + newName + "'");
    assertThat(client.tracking().searchExperiments(byName).items()).isEmpty();
    assertThat(
            client.tracking().searchExperiments(byName.withViewType(ViewType.DELETED_ONLY)).items())
        .extracting(Experiment::experimentId)
        .containsExactly(id);
    assertThat(client.tracking().searchExperiments(byName.withViewType(ViewType.ALL)).items())
        .hasSize(1);

    client.tracking().restoreExperiment(id);
    assertThat(client.tracking().getExperiment(id).lifecycleStage())
        .isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void experiment_tags_are_set_overwritten_and_deleted() {
    String id = newExperiment();
    client.tracking().setExperimentTag(id, "owner", "ana");
    client.tracking().setExperimentTag(id, "owner", "bo");
    assertThat(client.tracking().getExperiment(id).tag("owner")).contains("bo");
    client.tracking().deleteExperimentTag(id, "owner");
    assertThat(client.tracking().getExperiment(id).tag("owner")).isEmpty();
  }

  // ------------------------------------------------------------------ runs

  @Test
  void created_run_has_name_start_time_user_and_tags() {
    String exp = newExperiment();
    Run run =
        client
            .tracking()
            .createRun(
                NewRun.in(exp)
                    .withName("baseline")
                    .withStartTime(1_700_000_000_000L)
                    .withUserId("ana")
                    .withTag("team", "ml"));

    assertThat(run.runId()).matches("[0-9a-f]{32}");
    RunInfo info = run.info();
    assertThat(info.runName()).isEqualTo("baseline");
    assertThat(info.experimentId()).isEqualTo(exp);
    assertThat(info.userId()).isEqualTo("ana");
    assertThat(info.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(info.startTime()).isEqualTo(1_700_000_000_000L);
    assertThat(info.endTime()).isEmpty();
    assertThat(info.artifactUri())
        .isEqualTo("mlflow-artifacts:/" + exp + "/" + run.runId() + "/artifacts");
    assertThat(run.tag("team")).contains("ml");
    assertThat(run.tag("mlflow.runName")).contains("baseline");
    assertThat(client.tracking().getRun(run.runId())).isEqualTo(run);
  }

  @Test
  void run_without_a_name_gets_a_generated_one_in_the_default_experiment() {
    Run run = client.tracking().createRun("0");
    assertThat(run.info().experimentId()).isEqualTo("0");
    assertThat(run.info().runName()).isNotBlank();
  }

  @Test
  void get_unknown_run_raises_resource_does_not_exist() {
    assertThatThrownBy(() -> client.tracking().getRun("0123456789abcdef0123456789abcdef"))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
              assertThat(e.httpStatus()).isEqualTo(404);
            });
  }

  @Test
  void create_run_in_unknown_experiment_raises_resource_does_not_exist() {
    assertThatThrownBy(() -> client.tracking().createRun("987654321"))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST"));
  }

  @Test
  void updated_run_has_new_status_end_time_and_name() {
    Run run = client.tracking().createRun(newExperiment());
    RunInfo info =
        client
            .tracking()
            .updateRun(
                run.runId(),
                RunUpdate.none()
                    .withStatus(RunStatus.FAILED)
                    .withEndTime(1_800_000_000_000L)
                    .withRunName("renamed"));
    assertThat(info.status()).isEqualTo(RunStatus.FAILED);
    assertThat(info.endTime()).hasValue(1_800_000_000_000L);
    assertThat(info.runName()).isEqualTo("renamed");
    assertThat(client.tracking().getRun(run.runId()).info()).isEqualTo(info);

    RunInfo ended = client.tracking().endRun(run.runId(), RunStatus.FINISHED);
    assertThat(ended.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(ended.endTime()).isPresent();
  }

  @Test
  void deleted_run_is_hidden_from_default_search_until_restored() {
    String exp = newExperiment();
    Run run = client.tracking().createRun(exp);
    client.tracking().deleteRun(run.runId());
    assertThat(client.tracking().getRun(run.runId()).info().lifecycleStage())
        .isEqualTo(LifecycleStage.DELETED);
    assertThat(client.tracking().searchRuns(RunQuery.in(exp)).items()).isEmpty();
    assertThat(
            client
                .tracking()
                .searchRuns(RunQuery.in(exp).withViewType(ViewType.DELETED_ONLY))
                .items())
        .extracting(Run::runId)
        .containsExactly(run.runId());

    client.tracking().restoreRun(run.runId());
    assertThat(client.tracking().searchRuns(RunQuery.in(exp)).items())
        .extracting(Run::runId)
        .containsExactly(run.runId());
  }

  @Test
  void logged_metrics_params_and_tags_show_on_the_run() {
    Run run = client.tracking().createRun(newExperiment());
    String id = run.runId();
    client.tracking().logMetric(id, "loss", 0.9);
    client.tracking().logMetric(id, "loss", 0.5, 1);
    client.tracking().logMetric(id, new Metric("loss", 0.7, 1_000L, 0));
    client.tracking().logParam(id, "lr", "0.01");
    client.tracking().logParam(id, "lr", "0.01"); // same value: a no-op
    client.tracking().setTag(id, "stage", "dev");
    client.tracking().setTag(id, "gone", "soon");
    client.tracking().deleteTag(id, "gone");

    Run got = client.tracking().getRun(id);
    assertThat(got.metric("loss"))
        .get()
        .extracting(Metric::value, Metric::step)
        .containsExactly(0.5, 1L);
    assertThat(got.param("lr")).contains("0.01");
    assertThat(got.tag("stage")).contains("dev");
    assertThat(got.tag("gone")).isEmpty();
  }

  @Test
  void changing_a_param_value_raises_invalid_parameter_value() {
    String id = client.tracking().createRun(newExperiment()).runId();
    client.tracking().logParam(id, "depth", "3");
    assertThatThrownBy(() -> client.tracking().logParam(id, "depth", "4"))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
              assertThat(e.httpStatus()).isEqualTo(400);
            });
  }

  @Test
  void non_finite_metric_values_round_trip() {
    String id = client.tracking().createRun(newExperiment()).runId();
    client.tracking().logMetric(id, new Metric("nan", Double.NaN, 1L, 0));
    client.tracking().logMetric(id, new Metric("inf", Double.POSITIVE_INFINITY, 1L, 0));
    client.tracking().logMetric(id, new Metric("ninf", Double.NEGATIVE_INFINITY, 1L, 0));
    Run run = client.tracking().getRun(id);
    assertThat(run.metric("nan").orElseThrow().value()).isNaN();
    assertThat(run.metric("inf").orElseThrow().value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(run.metric("ninf").orElseThrow().value()).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void log_batch_writes_metrics_params_and_tags_in_one_call() {
    String id = client.tracking().createRun(newExperiment()).runId();
    client
        .tracking()
        .logBatch(
            id,
            List.of(new Metric("acc", 0.1, 10L, 0), new Metric("acc", 0.8, 20L, 1)),
            List.of(new Param("model", "xgb"), new Param("depth", "6")),
            List.of(new Tag("a", "1"), new Tag("a", "2")));

    Run run = client.tracking().getRun(id);
    assertThat(run.metric("acc").orElseThrow().value()).isEqualTo(0.8);
    assertThat(run.params()).extracting(Param::key).containsExactlyInAnyOrder("model", "depth");
    assertThat(run.tag("a")).contains("2");
    assertThat(client.tracking().metricHistory(id, "acc")).hasSize(2);
  }

  @Test
  void log_batch_over_the_param_limit_raises_invalid_parameter_value() {
    String id = client.tracking().createRun(newExperiment()).runId();
    List<Param> params = IntStream.range(0, 101).mapToObj(i -> new Param("p" + i, "v")).toList();
    assertThatThrownBy(() -> client.tracking().logBatch(id, List.of(), params, List.of()))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> assertThat(e.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE"));
  }

  @Test
  void logged_inputs_show_on_the_run() {
    String id = client.tracking().createRun(newExperiment()).runId();
    Dataset ds =
        new Dataset("train", "abc123", "local", "{\"uri\": \"/data/train.parquet\"}")
            .withSchema("{\"cols\": [\"a\"]}");
    client.tracking().logInputs(id, List.of(DatasetInput.of(ds, "training")));

    Run run = client.tracking().getRun(id);
    assertThat(run.inputs()).hasSize(1);
    DatasetInput in = run.inputs().get(0);
    assertThat(in.dataset().name()).isEqualTo("train");
    assertThat(in.dataset().digest()).isEqualTo("abc123");
    assertThat(in.dataset().sourceType()).isEqualTo("local");
    assertThat(in.dataset().schema()).isPresent();
    assertThat(in.dataset().profile()).isEmpty();
    assertThat(in.tags()).containsExactly(new Tag(DatasetInput.CONTEXT_TAG, "training"));
  }

  @Test
  void metric_history_pages_through_every_point_in_step_order() {
    String id = client.tracking().createRun(newExperiment()).runId();
    List<Metric> points = new ArrayList<>();
    for (int step = 0; step < 7; step++) {
      points.add(new Metric("loss", 1.0 / (step + 1), 1_000L + step, step));
    }
    client.tracking().logBatch(id, points, List.of(), List.of());

    Page<Metric> first = client.tracking().metricHistory(id, "loss", 3, "");
    assertThat(first.items()).hasSize(3);
    assertThat(first.nextPageToken()).isPresent();
    List<Metric> all = client.tracking().metricHistory(id, "loss");
    assertThat(all).extracting(Metric::step).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(Pages.stream(t -> client.tracking().metricHistory(id, "loss", 3, t)).toList())
        .containsExactlyElementsOf(all);
    assertThat(client.tracking().metricHistory(id, "never-logged")).isEmpty();
  }

  @Test
  void search_runs_filters_orders_and_pages() {
    String exp = newExperiment();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = client.tracking().createRun(NewRun.in(exp).withName("r" + i)).runId();
      client.tracking().logMetric(id, new Metric("rmse", i * 0.5, 1L, 0));
      client.tracking().logParam(id, "model", i % 2 == 0 ? "xgb" : "lr");
      ids.add(id);
    }
    RunQuery q =
        RunQuery.in(exp)
            .withFilter("metrics.rmse < 2 AND params.model = 'xgb'")
            .withOrderBy("metrics.rmse DESC")
            .withMaxResults(1);

    Page<Run> first = client.tracking().searchRuns(q);
    assertThat(first.items()).extracting(Run::runId).containsExactly(ids.get(2));
    assertThat(first.nextPageToken()).isPresent();
    assertThat(client.tracking().streamRuns(q).map(Run::runId).toList())
        .containsExactly(ids.get(2), ids.get(0));
    assertThat(
            client.tracking().streamRuns(RunQuery.in(exp).withOrderBy("attributes.run_name ASC")))
        .extracting(r -> r.info().runName())
        .containsExactly("r0", "r1", "r2", "r3", "r4");
  }

  @Test
  void one_client_is_safe_to_share_between_threads() throws Exception {
    String id = client.tracking().createRun(newExperiment()).runId();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 10; i++) {
                    client
                        .tracking()
                        .logMetric(id, new Metric("m", thread * 100 + i, 1L, thread * 100 + i));
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(client.tracking().metricHistory(id, "m")).hasSize(80);
  }

  // ------------------------------------------------------------------ artifacts

  @Test
  void artifacts_round_trip_through_upload_list_download_and_delete(@TempDir Path tmp)
      throws IOException {
    String id = client.tracking().createRun(newExperiment()).runId();
    Path local = tmp.resolve("model.json");
    Files.writeString(local, "{\"trees\": 3}");
    client.tracking().uploadArtifact(id, "model/model.json", local);
    client.tracking().uploadArtifact(id, "notes.txt", "hello".getBytes(StandardCharsets.UTF_8));
    client
        .tracking()
        .uploadArtifact(id, "model/stream.bin", new ByteArrayInputStream(new byte[] {1, 2, 3, 4}));

    assertThat(client.tracking().listArtifacts(id, ""))
        .containsExactlyInAnyOrder(
            new FileInfo("model", true, java.util.OptionalLong.empty()),
            new FileInfo("notes.txt", false, java.util.OptionalLong.of(5)));
    assertThat(client.tracking().listArtifacts(id, "model"))
        .extracting(FileInfo::path)
        .containsExactlyInAnyOrder("model/model.json", "model/stream.bin");
    assertThat(client.tracking().listArtifacts(id, "no/such/dir")).isEmpty();

    Path target = tmp.resolve("out/deep/model.json");
    client.tracking().downloadArtifact(id, "model/model.json", target);
    assertThat(Files.readString(target)).isEqualTo("{\"trees\": 3}");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    client.tracking().downloadArtifact(id, "model/stream.bin", bytes);
    assertThat(bytes.toByteArray()).containsExactly(1, 2, 3, 4);
    try (InputStream in = client.tracking().openArtifact(id, "notes.txt")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    client.tracking().deleteArtifact(id, "model/stream.bin");
    assertThat(client.tracking().listArtifacts(id, "model"))
        .extracting(FileInfo::path)
        .containsExactly("model/model.json");
    assertThatThrownBy(
            () ->
                client
                    .tracking()
                    .downloadArtifact(id, "model/stream.bin", new ByteArrayOutputStream()))
        .isInstanceOfSatisfying(
            KeelClientException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
  }

  @Test
  void artifact_directories_upload_and_download_recursively(@TempDir Path tmp) throws IOException {
    String id = client.tracking().createRun(newExperiment()).runId();
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("a/b"));
    Files.writeString(src.resolve("top.txt"), "top");
    Files.writeString(src.resolve("a/b/leaf.txt"), "leaf");

    assertThat(client.tracking().uploadArtifacts(id, "bundle", src)).isEqualTo(2);
    Path dst = tmp.resolve("dst");
    assertThat(client.tracking().downloadArtifacts(id, "bundle", dst)).isEqualTo(2);
    assertThat(Files.readString(dst.resolve("top.txt"))).isEqualTo("top");
    assertThat(Files.readString(dst.resolve("a/b/leaf.txt"))).isEqualTo("leaf");
  }

  @Test
  void artifact_names_with_spaces_and_unicode_are_percent_encoded() throws IOException {
    String id = client.tracking().createRun(newExperiment()).runId();
    String path = "plots/loss curve ü+&=(1).txt";
    client.tracking().uploadArtifact(id, path, "x".getBytes(StandardCharsets.UTF_8));
    assertThat(client.tracking().listArtifacts(id, "plots"))
        .extracting(FileInfo::path)
        .containsExactly(path);
    try (InputStream in = client.tracking().openArtifact(id, path)) {
      assertThat(in.readAllBytes()).containsExactly('x');
    }
  }

  @Test
  void artifact_paths_escaping_the_run_root_are_rejected_before_sending() {
    String id = client.tracking().createRun(newExperiment()).runId();
    assertThatThrownBy(() -> client.tracking().uploadArtifact(id, "../other/x", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.tracking().deleteArtifact(id, ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void artifacts_of_an_unknown_run_raise_resource_does_not_exist() {
    assertThatThrownBy(
            () -> client.tracking().listArtifacts("0123456789abcdef0123456789abcdef", ""))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> assertThat(e.errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST"));
  }

  @Test
  void uploading_a_missing_local_file_raises_io_error(@TempDir Path tmp) {
    String id = client.tracking().createRun(newExperiment()).runId();
    assertThatThrownBy(() -> client.tracking().uploadArtifact(id, "x", tmp.resolve("missing")))
        .isInstanceOfSatisfying(
            KeelClientException.class,
            e -> assertThat(e.errorCode()).isEqualTo(KeelClientException.IO_ERROR));
  }

  @Test
  void proxy_path_strips_scheme_and_authority() {
    assertThat(ArtifactPaths.proxyPath("mlflow-artifacts:/1/abc/artifacts"))
        .isEqualTo("1/abc/artifacts");
    assertThat(ArtifactPaths.proxyPath("mlflow-artifacts://host:5000/1/abc/artifacts"))
        .isEqualTo("1/abc/artifacts");
    assertThatThrownBy(() -> ArtifactPaths.proxyPath("s3://bucket/x"))
        .isInstanceOf(KeelClientException.class);
    assertThat(Optional.of(ArtifactPaths.encodePath("a b/c#d/é"))).contains("a%20b/c%23d/%C3%A9");
  }
}
