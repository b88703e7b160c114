package dev.keel.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.registry.ModelFixtures;
import dev.keel.server.TestServer;
import dev.keel.store.TestDatabases;
import io.unitycatalog.client.ApiClient;
import io.unitycatalog.client.api.ModelVersionsApi;
import io.unitycatalog.client.api.RegisteredModelsApi;
import io.unitycatalog.client.model.CreateModelVersion;
import io.unitycatalog.client.model.CreateRegisteredModel;
import io.unitycatalog.client.model.FinalizeModelVersion;
import io.unitycatalog.client.model.ModelVersionStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry state survives a server restart on the same data directory, on SQLite and (when {@code
 * KEEL_TEST_POSTGRES_URL} is set) on PostgreSQL, through the Unity Catalog Java client.
 */
class RegistryRestartAndPostgresIT {
  @TempDir Path dir;

  @Test
  void models_versions_and_aliases_survive_a_restart_on_sqlite() throws Exception {
    roundTrip(null);
  }

  @Test
  void models_versions_and_aliases_survive_a_restart_on_postgresql() throws Exception {
    assumeTrue(TestDatabases.postgresUrl().isPresent(), "KEEL_TEST_POSTGRES_URL is not set");
    roundTrip(TestDatabases.freshPostgresSchemaUrl());
  }

  private void roundTrip(String dbUrl) throws Exception {
    try (TestServer s = start(dbUrl)) {
      RegisteredModelsApi models = new RegisteredModelsApi(client(s));
      ModelVersionsApi versions = new ModelVersionsApi(client(s));
      models.createRegisteredModel(
          new CreateRegisteredModel().catalogName("main").schemaName("default").name("durable"));
      versions.createModelVersion(
          new CreateModelVersion()
              .catalogName("main")
              .schemaName("default")
              .modelName("durable")
              .source("mlflow-artifacts:/x"));
      HttpClient http = HttpClient.newHttpClient();
      ModelFixtures.uploadOnnxModel(s.url(), "models/main/default/durable/1");
      versions.finalizeModelVersion(
          "main.default.durable", 1L, new FinalizeModelVersion().fullName("main.default.durable"));
      assertThat(
              http.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  s.url()
                                      + "/api/2.1/unity-catalog/models/main.default.durable/aliases/champion"))
                          .PUT(HttpRequest.BodyPublishers.ofString("{\"version_num\":1}"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
    }
    try (TestServer s = start(dbUrl)) {
      ModelVersionsApi versions = new ModelVersionsApi(client(s));
      assertThat(versions.getModelVersion("main.default.durable", 1L).getStatus())
          .isEqualTo(ModelVersionStatus.READY);
      HttpResponse<String> alias =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              s.url()
                                  + "/api/2.0/mlflow/registered-models/alias?name=main.default.durable&alias=champion"))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(alias.statusCode()).isEqualTo(200);
      assertThat(alias.body()).contains("\"version\":\"1\"");
    }
  }

  private TestServer start(String dbUrl) {
    return dbUrl == null ? TestServer.start(dir) : TestServer.start(dir, dbUrl);
  }

  private static ApiClient client(TestServer s) {
    URI uri = URI.create(s.url());
    return new ApiClient()
        .setScheme(uri.getScheme())
        .setHost(uri.getHost())
        .setPort(uri.getPort())
        .setBasePath("/api/2.1/unity-catalog");
  }
}
