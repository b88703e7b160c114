package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelConfig;
import dev.keel.core.Page;
import dev.keel.server.KeelServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the SDK's registry calls (models, versions, aliases, URIs) against a real Keel server. */
class RegistryClientTest {
  static final List<String> ONNX_FILES =
      List.of("MLmodel", "model.onnx", "input_example.json", "serving_input_example.json");

  @TempDir static Path dataDir;
  @TempDir Path work;

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

  /** A copy of the committed ONNX fixture (MLmodel + model.onnx) in a fresh directory. */
  Path onnxModel() throws IOException {
    Path dir = Files.createTempDirectory(work, "onnx");
    for (String f : ONNX_FILES) {
      try (InputStream in =
          RegistryClientTest.class.getResourceAsStream("/fixtures/onnx-model/" + f)) {
        assertThat(in).as(f).isNotNull();
        Files.copy(in, dir.resolve(f));
      }
    }
    return dir;
  }

  String newModel() {
    String full = "main.default." + unique("m");
    client.registry().createModel(full, "");
    return full;
  }

  // ------------------------------------------------------------------ models

  @Test
  void create_get_update_delete_model() {
    String name = unique("Crud");
    RegisteredModel m = client.registry().createModel("main.default." + name, "first");
    assertThat(m.name()).isEqualTo(name.toLowerCase());
    assertThat(m.fullName()).isEqualTo("main.default." + name.toLowerCase());
    assertThat(m.comment()).isEqualTo("first");
    assertThat(m.storageLocation()).isEqualTo("mlflow-artifacts:/models/main/default/" + m.name());
    assertThat(m.owner()).isNotEmpty();
    assertThat(client.registry().getModel(m.fullName().toUpperCase()).id()).isEqualTo(m.id());

    RegisteredModel c =
        client.registry().updateModel(m.fullName(), SecurableUpdate.none().withComment("second"));
    assertThat(c.comment()).isEqualTo("second");
    String renamed = m.name() + "_r";
    RegisteredModel r =
        client.registry().updateModel(m.fullName(), SecurableUpdate.none().withNewName(renamed));
    assertThat(r.fullName()).isEqualTo("main.default." + renamed);
    assertThat(failure(() -> client.registry().getModel(m.fullName())).httpStatus()).isEqualTo(404);
    assertThatThrownBy(
            () ->
                client
                    .registry()
                    .updateModel(
                        r.fullName(), SecurableUpdate.none().withProperties(Map.of("a", "b"))))
        .isInstanceOf(IllegalArgumentException.class);

    client.registry().createVersion(r.fullName(), r.storageLocation(), "");
    KeelClientException refused = failure(() -> client.registry().deleteModel(r.fullName(), false));
    assertThat(refused.httpStatus()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("FAILED_PRECONDITION");
    client.registry().deleteModel(r.fullName(), true);
    assertThat(failure(() -> client.registry().getModel(r.fullName())).errorCode())
        .isEqualTo("NOT_FOUND");
  }

  @Test
  void unknown_model_is_404() {
    KeelClientException e = failure(() -> client.registry().getModel("main.default.no_such_model"));
    assertThat(e.httpStatus()).isEqualTo(404);
    assertThat(e.errorCode()).isEqualTo("NOT_FOUND");
    assertThat(e.isNotFound()).isTrue();
    assertThat(
            failure(() -> client.registry().getVersion("main.default.no_such_model", 1))
                .httpStatus())
        .isEqualTo(404);
    assertThat(
            failure(() -> client.registry().resolve("models:/main.default.no_such_model@champion"))
                .httpStatus())
        .isEqualTo(404);
    assertThat(
            failure(() -> client.registry().createModel("main.no_such_schema.m", "")).httpStatus())
        .isEqualTo(404);
    assertThatThrownBy(() -> client.registry().createModel("main.m", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("catalog.schema.model");
  }

  @Test
  void list_models_pages_through_a_schema() {
    String schema = unique("paging");
    client.catalogs().createSchema("main", schema);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      names.add(client.registry().createModel("main." + schema + ".m" + i, "").fullName());
    }
    Page<RegisteredModel> first = client.registry().listModels("main", schema, 2, "");
    assertThat(first.items())
        .extracting(RegisteredModel::fullName)
        .containsExactly(names.get(0), names.get(1));
    assertThat(first.nextPageToken()).isPresent();
    Page<RegisteredModel> second =
        client.registry().listModels("main", schema, 2, first.nextPageToken().get());
    assertThat(second.items())
        .extracting(RegisteredModel::fullName)
        .containsExactly(names.get(2), names.get(3));
    Page<RegisteredModel> third =
        client.registry().listModels("main", schema, 2, second.nextPageToken().get());
    assertThat(third.items()).extracting(RegisteredModel::fullName).containsExactly(names.get(4));
    assertThat(third.nextPageToken()).isEmpty();
    assertThat(
            client.registry().streamModels("main", schema).map(RegisteredModel::fullName).toList())
        .isEqualTo(names);
    assertThat(client.registry().streamModels("", "").map(RegisteredModel::fullName).toList())
        .containsAll(names);
  }

  // ------------------------------------------------------------------ versions

  @Test
  void register_uploads_the_directory_and_finalizes_ready() throws IOException {
    String full = newModel();
    ModelVersion v = client.registry().registerModel(full, onnxModel(), "");
    assertThat(v.status()).isEqualTo(ModelVersionStatus.READY);
    assertThat(v.statusMessage()).isEmpty();
    assertThat(v.version()).isEqualTo(1);
    assertThat(v.modelFullName()).isEqualTo(full);
    assertThat(v.storageLocation())
        .isEqualTo("mlflow-artifacts:/models/" + full.replace('.', '/') + "/1");
    assertThat(v.uri()).isEqualTo("models:/" + full + "/1");
    assertThat(client.registry().getVersion(full, 1).status()).isEqualTo(ModelVersionStatus.READY);
  }

  @Test
  void step_by_step_create_upload_finalize_with_a_run() throws IOException {
    String full = newModel();
    String exp = client.tracking().createExperiment(unique("reg"));
    Run run = client.tracking().createRun(exp);
    ModelVersion pending =
        client.registry().createVersion(full, "runs:/" + run.runId() + "/model", run.runId());
    assertThat(pending.status()).isEqualTo(ModelVersionStatus.PENDING_REGISTRATION);
    assertThat(pending.runId()).isEqualTo(run.runId());
    assertThat(client.registry().uploadModelDirectory(pending, onnxModel()))
        .isEqualTo(ONNX_FILES.size());
    ModelVersion ready = client.registry().finalizeVersion(full, pending.version());
    assertThat(ready.status()).isEqualTo(ModelVersionStatus.READY);
    assertThat(ready.source()).isEqualTo("runs:/" + run.runId() + "/model");

    client.registry().createVersion(full, "mlflow-artifacts:/x", "");
    assertThat(client.registry().listVersions(full, 1, "").items()).hasSize(1);
    assertThat(client.registry().streamVersions(full).map(ModelVersion::version).toList())
        .containsExactlyInAnyOrder(1L, 2L);
    client.registry().deleteVersion(full, 2);
    assertThat(failure(() -> client.registry().getVersion(full, 2)).httpStatus()).isEqualTo(404);
    assertThat(client.registry().createVersion(full, "mlflow-artifacts:/x", "").version())
        .isEqualTo(3);
  }

  @Test
  void corrupt_model_file_fails_registration_with_the_reason() throws IOException {
    String full = newModel();
    Path dir = onnxModel();
    Files.writeString(
        dir.resolve("model.onnx"), "this is not an onnx model", StandardCharsets.UTF_8);
    ModelVersion v = client.registry().registerModel(full, dir, "");
    assertThat(v.status()).isEqualTo(ModelVersionStatus.FAILED_REGISTRATION);
    assertThat(v.statusMessage()).isNotBlank().containsIgnoringCase("onnx");
    assertThat(client.registry().getVersion(full, v.version()).statusMessage())
        .isEqualTo(v.statusMessage());
  }

  @Test
  void finalize_without_mlmodel_fails() {
    String full = newModel();
    ModelVersion v = client.registry().createVersion(full, "mlflow-artifacts:/nothing", "");
    ModelVersion f = client.registry().finalizeVersion(full, v.version());
    assertThat(f.status()).isEqualTo(ModelVersionStatus.FAILED_REGISTRATION);
    assertThat(f.statusMessage()).contains("MLmodel");
  }

  @Test
  void source_outside_managed_storage_is_refused() {
    String full = newModel();
    KeelClientException e = failure(() -> client.registry().createVersion(full, "file:///etc", ""));
    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.errorCode()).isEqualTo("INVALID_ARGUMENT");
  }

  // ------------------------------------------------------------------ aliases and URIs

  @Test
  void aliases_set_move_delete_and_history() throws IOException {
    String full = newModel();
    client.registry().registerModel(full, onnxModel(), "");
    client.registry().registerModel(full, onnxModel(), "");

    client.registry().setAlias(full, "Champion", 1);
    assertThat(client.registry().getAlias(full, "champion").version()).isEqualTo(1);
    assertThat(client.registry().getModel(full).aliases()).isEqualTo(Map.of("champion", 1L));
    assertThat(client.registry().getVersion(full, 1).aliases()).containsExactly("champion");

    client.registry().setAlias(full, "champion", 2);
    client.registry().setAlias(full, "challenger", 1);
    assertThat(client.registry().getAlias(full, "champion").version()).isEqualTo(2);
    assertThat(client.registry().getModel(full).aliases())
        .isEqualTo(Map.of("champion", 2L, "challenger", 1L));

    client.registry().deleteAlias(full, "champion");
    assertThat(failure(() -> client.registry().getAlias(full, "champion")).httpStatus())
        .isEqualTo(404);

    List<AliasMove> h = client.registry().aliasHistory(full, "champion");
    assertThat(h).hasSize(3);
    assertThat(h.get(0).fromVersion()).isEmpty();
    assertThat(h.get(0).toVersion()).hasValue(1);
    assertThat(h.get(1).fromVersion()).hasValue(1);
    assertThat(h.get(1).toVersion()).hasValue(2);
    assertThat(h.get(2).fromVersion()).hasValue(2);
    assertThat(h.get(2).toVersion()).isEmpty();
    assertThat(h).allSatisfy(m -> assertThat(m.alias()).isEqualTo("champion"));
    assertThat(h).allSatisfy(m -> assertThat(m.movedAt()).isPositive());
    assertThat(h).allSatisfy(m -> assertThat(m.movedBy()).isNotEmpty());
  }

  @Test
  void reserved_aliases_are_refused() {
    String full = newModel();
    client.registry().createVersion(full, "mlflow-artifacts:/x", "");
    for (String a : List.of("latest", "LATEST", "v1")) {
      KeelClientException e = failure(() -> client.registry().setAlias(full, a, 1));
      assertThat(e.httpStatus()).as(a).isEqualTo(400);
      assertThat(e.errorCode()).as(a).isEqualTo("INVALID_ARGUMENT");
    }
    assertThat(failure(() -> client.registry().setAlias(full, "champion", 9)).httpStatus())
        .isEqualTo(404);
  }

  @Test
  void resolve_by_version_and_by_alias() throws IOException {
    String full = newModel();
    client.registry().registerModel(full, onnxModel(), "");
    client.registry().registerModel(full, onnxModel(), "");
    client.registry().setAlias(full, "champion", 2);

    ModelVersion byVersion = client.registry().resolve("models:/" + full + "/1");
    assertThat(byVersion.version()).isEqualTo(1);
    assertThat(byVersion.status()).isEqualTo(ModelVersionStatus.READY);
    ModelVersion byAlias = client.registry().resolve("models:/" + full + "@champion");
    assertThat(byAlias.version()).isEqualTo(2);
    assertThat(byAlias.aliases()).contains("champion");
    assertThat(client.registry().resolve("models:/" + full.toUpperCase() + "@CHAMPION").version())
        .isEqualTo(2);
    assertThat(failure(() -> client.registry().resolve("models:/" + full + "/7")).httpStatus())
        .isEqualTo(404);
    assertThat(failure(() -> client.registry().resolve("models:/" + full + "@nobody")).httpStatus())
        .isEqualTo(404);
  }

  @Test
  void malformed_uris_are_illegal_arguments() {
    for (String bad :
        List.of(
            "main.default.m/1",
            "runs:/abc/model",
            "models:/main.default.m",
            "models:/main.default.m/",
            "models:/main.default.m/0",
            "models:/main.default.m/-1",
            "models:/main.default.m/latest",
            "models:/main.default.m@",
            "models:/main.default.m@a/b",
            "models:/default.m/1",
            "models:/m@champion",
            "models:/a..m/1",
            "models:/a.b.c.d/1",
            "models:/main.default.m/99999999999999999999")) {
      assertThatThrownBy(() -> client.registry().resolve(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid model URI");
    }
    assertThat(ModelUri.parse("models:/a.b.c/3")).isEqualTo(ModelUri.ofVersion("a.b.c", 3));
    assertThat(ModelUri.parse("models:/a.b.c@champ-1"))
        .isEqualTo(ModelUri.ofAlias("a.b.c", "champ-1"));
    assertThat(ModelUri.ofAlias("a.b.c", "x").toString()).isEqualTo("models:/a.b.c@x");
  }

  @Test
  void json_round_trips_through_the_records() throws IOException {
    String full = newModel();
    client.registry().registerModel(full, onnxModel(), "");
    client.registry().setAlias(full, "champion", 1);
    RegisteredModel m = client.registry().getModel(full);
    assertThat(RegistryJson.registeredModel(KeelJson.toJson(m))).isEqualTo(m);
    ModelVersion v = client.registry().getVersion(full, 1);
    assertThat(RegistryJson.modelVersion(KeelJson.toJson(v))).isEqualTo(v);
    AliasMove a = client.registry().aliasHistory(full, "champion").get(0);
    assertThat(RegistryJson.aliasMove(KeelJson.toJson(a))).isEqualTo(a);
  }
}
