package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.KeelConfig;
import dev.keel.core.Page;
import dev.keel.mlmodel.ModelInfo;
import dev.keel.mlmodel.ModelPackage;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model, version and run lineage through the SDK against a real Keel server. */
class LineageClientTest {
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
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  static KeelClientException failure(Runnable call) {
    try {
      call.run();
    } catch (KeelClientException e) {
      return e;
    }
    throw new AssertionError("expected a KeelClientException");
  }

  static ModelPackage onnx() throws IOException {
    try (InputStream in =
        LineageClientTest.class.getResourceAsStream("/fixtures/onnx-model/model.onnx")) {
      return ModelPackage.onnx(in.readAllBytes());
    }
  }

  @Test
  void lineage_names_the_run_its_experiment_code_version_and_datasets() throws IOException {
    String exp = client.tracking().createExperiment(unique("lin"));
    Run run = client.tracking().createRun(exp);
    client.tracking().setTag(run.runId(), "mlflow.source.git.commit", "9f3c1e2");
    Dataset train =
        new Dataset(
            "churn_train",
            "d1",
            "delta_table",
            "{\"table_name\":\"main.sales.churn\",\"version\":7}");
    client.tracking().logInputs(run.runId(), List.of(DatasetInput.of(train, "training")));
    ModelInfo info = client.tracking().logModel(run.runId(), "model", onnx());

    String full = "main.default." + unique("lin");
    client.registry().createModel(full, "");
    ModelVersion v1 = client.registry().registerModel(full, info);
    assertThat(v1.status()).as(v1.statusMessage()).isEqualTo(ModelVersionStatus.READY);
    client.registry().setAlias(full, "champion", v1.version());
    ModelVersion v2 = client.registry().createVersion(full, "mlflow-artifacts:/elsewhere", "");

    VersionLineage l = client.registry().versionLineage(full, v1.version());
    assertThat(l.modelFullName()).isEqualTo(full);
    assertThat(l.version()).isEqualTo(1);
    assertThat(l.status()).isEqualTo(ModelVersionStatus.READY);
    assertThat(l.source()).isEqualTo(info.modelUri());
    assertThat(l.aliases()).containsExactly("champion");
    assertThat(l.run()).contains(new LineageRun(run.runId(), exp, "9f3c1e2"));
    assertThat(l.capturedAt()).isPresent();
    assertThat(l.datasets())
        .containsExactly(
            new LineageDataset("churn_train", "d1", "delta_table", train.source(), "training"));
    assertThat(l.uri()).isEqualTo("models:/" + full + "/1");

    VersionLineage none = client.registry().versionLineage(full, v2.version());
    assertThat(none.run()).isEmpty();
    assertThat(none.datasets()).isEmpty();
    assertThat(none.status()).isEqualTo(ModelVersionStatus.PENDING_REGISTRATION);

    Page<VersionLineage> page = client.registry().modelLineage(full, 1, "");
    assertThat(page.items()).hasSize(1);
    assertThat(page.items().get(0).modelFullName()).isEqualTo(full);
    assertThat(page.nextPageToken()).isPresent();
    assertThat(client.registry().streamModelLineage(full).map(VersionLineage::version).toList())
        .containsExactlyInAnyOrder(1L, 2L);
    assertThat(client.registry().streamModelLineage(full).filter(x -> x.version() == 1).findFirst())
        .contains(l);

    List<RunModelVersion> fromRun = client.registry().runLineage(run.runId());
    assertThat(fromRun).hasSize(1);
    assertThat(fromRun.get(0).modelFullName()).isEqualTo(full);
    assertThat(fromRun.get(0).version()).isEqualTo(1);
    assertThat(fromRun.get(0).aliases()).containsExactly("champion");
    assertThat(fromRun.get(0).uri()).isEqualTo("models:/" + full + "/1");
  }

  @Test
  void unknown_model_version_and_run_are_not_found() {
    assertThat(
            failure(() -> client.registry().modelLineage("main.default.nope_x", 0, ""))
                .httpStatus())
        .isEqualTo(404);
    assertThat(
            failure(() -> client.registry().versionLineage("main.default.nope_x", 1)).httpStatus())
        .isEqualTo(404);
    assertThat(failure(() -> client.registry().runLineage("0123456789abcdef")).httpStatus())
        .isEqualTo(404);
  }

  @Test
  void a_run_without_registered_versions_has_an_empty_lineage() {
    Run run = client.tracking().createRun(client.tracking().createExperiment(unique("empty")));
    assertThat(client.registry().runLineage(run.runId())).isEmpty();
  }
}
