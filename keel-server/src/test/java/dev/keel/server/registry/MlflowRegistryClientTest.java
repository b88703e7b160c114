package dev.keel.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.registry.ModelFixtures;
import dev.keel.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionStatus;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.ModelVersionsPage;

/** The official MLflow Java client (2.17.2), unchanged, on Keel's registry. */
class MlflowRegistryClientTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static TestServer s;
  static MlflowClient client;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    client = new MlflowClient(s.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    s.close();
  }

  static void upload(String storePath, String content) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(s.url() + "/api/2.0/mlflow-artifacts/artifacts/" + storePath))
                    .PUT(HttpRequest.BodyPublishers.ofString(content))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void the_client_registers_a_run_model_and_reads_it_back() throws Exception {
    String expId = client.createExperiment("registry-client");
    RunInfo run = client.createRun(expId);
    String root = run.getArtifactUri().substring("mlflow-artifacts:/".length());
    ModelFixtures.uploadOnnxModel(s.url(), root + "/model");

    JsonNode created =
        JSON.readTree(
            client.sendPost(
                "registered-models/create",
                "{\"name\":\"main.default.client_model\",\"description\":\"from java\"}"));
    assertThat(created.at("/registered_model/name").asText())
        .isEqualTo("main.default.client_model");
    JsonNode v =
        JSON.readTree(
            client.sendPost(
                "model-versions/create",
                "{\"name\":\"main.default.client_model\",\"source\":\"runs:/"
                    + run.getRunId()
                    + "/model\",\"run_id\":\""
                    + run.getRunId()
                    + "\"}"));
    assertThat(v.at("/model_version/status").asText()).isEqualTo("READY");
    client.sendPost(
        "registered-models/alias",
        "{\"name\":\"main.default.client_model\",\"alias\":\"champion\",\"version\":\"1\"}");

    RegisteredModel m = client.getRegisteredModel("main.default.client_model");
    assertThat(m.getName()).isEqualTo("main.default.client_model");
    assertThat(m.getDescription()).isEqualTo("from java");
    assertThat(m.getLatestVersionsList()).extracting(ModelVersion::getVersion).containsExactly("1");
    assertThat(m.getAliasesList()).hasSize(1);
    assertThat(m.getAliases(0).getAlias()).isEqualTo("champion");

    ModelVersion mv = client.getModelVersion("main.default.client_model", "1");
    assertThat(mv.getStatus()).isEqualTo(ModelVersionStatus.READY);
    assertThat(mv.getRunId()).isEqualTo(run.getRunId());
    assertThat(mv.getSource()).isEqualTo("runs:/" + run.getRunId() + "/model");
    assertThat(mv.getAliasesList()).containsExactly("champion");

    List<ModelVersion> latest = client.getLatestVersions("main.default.client_model");
    assertThat(latest).extracting(ModelVersion::getVersion).containsExactly("1");

    ModelVersionsPage page = client.searchModelVersions("name = 'main.default.client_model'");
    assertThat(page.getItems()).extracting(ModelVersion::getVersion).containsExactly("1");

    assertThat(client.getModelVersionDownloadUri("main.default.client_model", "1"))
        .isEqualTo("mlflow-artifacts:/models/main/default/client_model/1");
  }

  @Test
  void the_client_sees_unknown_models_as_resource_does_not_exist() {
    assertThatThrownBy(() -> client.getRegisteredModel("main.default.nope"))
        .isInstanceOf(MlflowHttpException.class)
        .satisfies(e -> assertThat(((MlflowHttpException) e).getStatusCode()).isEqualTo(404))
        .hasMessageContaining("RESOURCE_DOES_NOT_EXIST");
  }
}
