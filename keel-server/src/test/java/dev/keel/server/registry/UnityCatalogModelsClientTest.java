package dev.keel.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.registry.ModelFixtures;
import dev.keel.server.TestServer;
import io.unitycatalog.client.ApiClient;
import io.unitycatalog.client.ApiException;
import io.unitycatalog.client.api.ModelVersionsApi;
import io.unitycatalog.client.api.RegisteredModelsApi;
import io.unitycatalog.client.model.CreateModelVersion;
import io.unitycatalog.client.model.CreateRegisteredModel;
import io.unitycatalog.client.model.FinalizeModelVersion;
import io.unitycatalog.client.model.ListModelVersionsResponse;
import io.unitycatalog.client.model.ListRegisteredModelsResponse;
import io.unitycatalog.client.model.ModelVersionInfo;
import io.unitycatalog.client.model.ModelVersionStatus;
import io.unitycatalog.client.model.RegisteredModelInfo;
import io.unitycatalog.client.model.UpdateModelVersion;
import io.unitycatalog.client.model.UpdateRegisteredModel;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Unity Catalog Java client (0.6.0), unchanged, on Keel's registry. */
class UnityCatalogModelsClientTest {
  @TempDir static Path dir;
  static TestServer s;
  static RegisteredModelsApi models;
  static ModelVersionsApi versions;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    URI uri = URI.create(s.url());
    ApiClient client =
        new ApiClient()
            .setScheme(uri.getScheme())
            .setHost(uri.getHost())
            .setPort(uri.getPort())
            .setBasePath("/api/2.1/unity-catalog");
    models = new RegisteredModelsApi(client);
    versions = new ModelVersionsApi(client);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void create_read_update_list_and_delete_models_and_versions() throws Exception {
    RegisteredModelInfo m =
        models.createRegisteredModel(
            new CreateRegisteredModel()
                .catalogName("main")
                .schemaName("default")
                .name("UcClient")
                .comment("c"));
    assertThat(m.getFullName()).isEqualTo("main.default.ucclient");
    assertThat(m.getId()).isNotBlank();
    assertThat(m.getOwner()).isEqualTo("keel");

    RegisteredModelInfo got = models.getRegisteredModel("main.default.ucclient");
    assertThat(got.getComment()).isEqualTo("c");
    assertThat(got.getCreatedAt()).isPositive();

    ListRegisteredModelsResponse list = models.listRegisteredModels("main", "default", 100, null);
    assertThat(list.getRegisteredModels())
        .extracting(RegisteredModelInfo::getName)
        .contains("ucclient");

    ModelVersionInfo v =
        versions.createModelVersion(
            new CreateModelVersion()
                .catalogName("main")
                .schemaName("default")
                .modelName("ucclient")
                .source("mlflow-artifacts:/uploads/x"));
    assertThat(v.getVersion()).isEqualTo(1L);
    assertThat(v.getStatus()).isEqualTo(ModelVersionStatus.PENDING_REGISTRATION);
    assertThat(v.getStorageLocation())
        .isEqualTo("mlflow-artifacts:/models/main/default/ucclient/1");

    ModelFixtures.uploadOnnxModel(s.url(), "models/main/default/ucclient/1");

    ModelVersionInfo ready =
        versions.finalizeModelVersion(
            "main.default.ucclient",
            1L,
            new FinalizeModelVersion().fullName("main.default.ucclient").version(1L));
    assertThat(ready.getStatus()).isEqualTo(ModelVersionStatus.READY);
    assertThat(versions.getModelVersion("main.default.ucclient", 1L).getStatus())
        .isEqualTo(ModelVersionStatus.READY);

    ModelVersionInfo updated =
        versions.updateModelVersion(
            "main.default.ucclient", 1L, new UpdateModelVersion().comment("vc"));
    assertThat(updated.getComment()).isEqualTo("vc");

    ListModelVersionsResponse vs = versions.listModelVersions("main.default.ucclient", 100, null);
    assertThat(vs.getModelVersions()).extracting(ModelVersionInfo::getVersion).containsExactly(1L);

    RegisteredModelInfo renamed =
        models.updateRegisteredModel(
            "main.default.ucclient", new UpdateRegisteredModel().newName("ucclient2"));
    assertThat(renamed.getFullName()).isEqualTo("main.default.ucclient2");

    versions.deleteModelVersion("main.default.ucclient2", 1L);
    models.deleteRegisteredModel("main.default.ucclient2", true);
    assertThatThrownBy(() -> models.getRegisteredModel("main.default.ucclient2"))
        .isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).getCode()).isEqualTo(404));
  }
}
