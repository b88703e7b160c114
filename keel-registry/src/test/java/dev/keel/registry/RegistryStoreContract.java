package dev.keel.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Changes;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.store.Database;
import dev.keel.tracking.Dataset;
import dev.keel.tracking.DatasetInput;
import dev.keel.tracking.JdbcTrackingStore;
import dev.keel.tracking.Run;
import dev.keel.tracking.Tag;
import dev.keel.tracking.TrackingService;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.LocalArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry store's behaviour (through the service), run on every database Keel supports. */
abstract class RegistryStoreContract {
  @TempDir Path dir;
  Database db;
  LocalArtifactStore artifacts;
  TrackingService tracking;
  RegistryService svc;
  CatalogService catalog;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
    artifacts = new LocalArtifactStore(dir.resolve("artifacts"));
    tracking = new TrackingService(new JdbcTrackingStore(db), clock);
    JdbcRegistryStore registryStore = new JdbcRegistryStore(db);
    catalog =
        new CatalogService(
            new JdbcCatalogStore(
                db, List.of(new RegisteredModelContents(artifacts, registryStore))),
            clock);
    svc = new RegistryService(registryStore, catalog, tracking, artifacts, clock);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  static ErrorCode code(Throwable t) {
    assertThat(t).isInstanceOf(KeelException.class);
    return ((KeelException) t).code();
  }

  void put(String path, String content) throws IOException {
    artifacts.put(
        ArtifactPath.parse("path", path, false),
        new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
  }

  Run run() {
    String exp = tracking.createExperiment("e" + System.nanoTime(), Optional.empty(), List.of());
    return tracking.createRun(
        exp, Optional.empty(), Optional.empty(), OptionalLong.empty(), List.of());
  }

  static String artifactPath(Run r) {
    return r.info().artifactUri().substring("mlflow-artifacts:/".length());
  }

  @Test
  void create_then_get_returns_every_field_with_lower_case_names() {
    RegisteredModel m =
        svc.createModel("MAIN", "Default", "Churn", Optional.of("c"), Map.of("team", "x"));
    RegisteredModel got = svc.getModel("main.default.CHURN");
    assertThat(got).isEqualTo(m);
    assertThat(got.fullName()).isEqualTo("main.default.churn");
    assertThat(got.comment()).contains("c");
    assertThat(got.tags()).containsEntry("team", "x");
    assertThat(got.createdAt()).isEqualTo(1_700_000_000_000L);
  }

  @Test
  void duplicate_model_is_already_exists_and_unknown_schema_is_not_found() {
    svc.createModel("main.default.m", Optional.empty(), Map.of());
    assertThatThrownBy(() -> svc.createModel("main.default.M", Optional.empty(), Map.of()))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.ALREADY_EXISTS));
    assertThatThrownBy(() -> svc.createModel("main.nope.m", Optional.empty(), Map.of()))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void bad_names_are_refused() {
    for (String bad :
        List.of(
            "m",
            "default.m",
            "main.default.a.b",
            "main.default.a/b",
            "main.default.a b",
            "main.default.modèle",
            "main.default." + "x".repeat(300))) {
      assertThatThrownBy(() -> svc.createModel(bad, Optional.empty(), Map.of()))
          .as(bad)
          .satisfies(t -> assertThat(code(t).httpStatus()).isEqualTo(400));
    }
    assertThatThrownBy(() -> svc.createModel("m", Optional.empty(), Map.of()))
        .hasMessageContaining("catalog.schema.model");
  }

  @Test
  void versions_are_numbered_per_model_and_never_reused() throws IOException {
    svc.createModel("main.default.a", Optional.empty(), Map.of());
    svc.createModel("main.default.b", Optional.empty(), Map.of());
    ModelFixtures.putOnnxModel(artifacts, "x");
    ModelVersion a1 =
        svc.createVersion(
            "main.default.a", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    ModelVersion a2 =
        svc.createVersion(
            "main.default.a", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    ModelVersion b1 =
        svc.createVersion(
            "main.default.b", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    assertThat(List.of(a1.version(), a2.version(), b1.version())).containsExactly(1L, 2L, 1L);
    assertThat(a2.status()).isEqualTo(ModelVersionStatus.PENDING_REGISTRATION);
    assertThat(a2.storageLocation()).isEqualTo("mlflow-artifacts:/models/main/default/a/2");
    svc.deleteVersion("main.default.a", 2);
    ModelVersion a3 =
        svc.createVersion(
            "main.default.a", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    assertThat(a3.version()).isEqualTo(3);
  }

  @Test
  void concurrent_version_creates_get_distinct_numbers() throws Exception {
    svc.createModel("main.default.c", Optional.empty(), Map.of());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ModelVersion>> fs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        fs.add(
            pool.submit(
                () ->
                    svc.createVersion(
                        "main.default.c",
                        "mlflow-artifacts:/x",
                        Optional.empty(),
                        Optional.empty(),
                        Map.of())));
      }
      List<Long> numbers = new ArrayList<>();
      for (Future<ModelVersion> f : fs) {
        numbers.add(f.get().version());
      }
      assertThat(numbers).doesNotHaveDuplicates().hasSize(20);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sources_outside_managed_storage_are_refused() {
    svc.createModel("main.default.s", Optional.empty(), Map.of());
    for (String src :
        List.of(
            "file:///etc",
            "http://169.254.169.254/",
            "../x",
            "s3://b/k",
            "/etc/passwd",
            "mlflow-artifacts:/../etc",
            "mlflow-artifacts://evil/x",
            "mlflow-artifacts:/a/%2e%2e/b",
            "runs:/../x",
            "models:/main.default.s/1")) {
      assertThatThrownBy(
              () ->
                  svc.createVersion(
                      "main.default.s", src, Optional.empty(), Optional.empty(), Map.of()))
          .as(src)
          .satisfies(t -> assertThat(code(t).httpStatus()).isEqualTo(400));
    }
    assertThat(svc.listVersions("main.default.s", OptionalLong.empty(), Optional.empty()).items())
        .isEmpty();
  }

  @Test
  void finalize_without_mlmodel_fails_registration() {
    svc.createModel("main.default.f", Optional.empty(), Map.of());
    ModelVersion v =
        svc.createVersion(
            "main.default.f",
            "mlflow-artifacts:/empty",
            Optional.empty(),
            Optional.empty(),
            Map.of());
    ModelVersion f = svc.finalizeVersion("main.default.f", v.version());
    assertThat(f.status()).isEqualTo(ModelVersionStatus.FAILED_REGISTRATION);
    assertThat(f.statusMessage().orElseThrow()).contains("MLmodel");
    assertThatThrownBy(() -> svc.downloadUri("main.default.f", 1))
        .satisfies(t -> assertThat(code(t).httpStatus()).isEqualTo(400));
  }

  @Test
  void a_registration_is_owned_by_one_live_server_and_taken_over_when_its_owner_is_silent() {
    svc.createModel("main.default.own", Optional.empty(), Map.of());
    JdbcRegistryStore a = new JdbcRegistryStore(db);
    JdbcRegistryStore b = new JdbcRegistryStore(db);
    long t0 = 1_700_000_000_000L;
    ModelVersion v =
        a.createVersion(
            "main.default.own",
            new VersionDraft("mlflow-artifacts:/src", Optional.empty(), Optional.empty(), Map.of()),
            n -> "mlflow-artifacts:/models/main/default/own/" + n,
            Optional.of("server-a"),
            t0,
            "keel");
    long lease = 20_000;
    assertThat(
            b.claimRegistration("main.default.own", 1, "server-b", t0 + 5_000, t0 + 5_000 - lease))
        .as("a live owner keeps it")
        .isFalse();
    assertThat(b.abandonedRegistrations(t0 + 5_000 - lease, 10)).isEmpty();
    assertThat(a.heartbeatRegistrations("server-a", t0 + 10_000)).isEqualTo(1);
    assertThat(
            b.claimRegistration(
                "main.default.own", 1, "server-b", t0 + 25_000, t0 + 25_000 - lease))
        .as("renewed at t0+10s: still alive at t0+25s")
        .isFalse();
    assertThat(b.abandonedRegistrations(t0 + 40_000 - lease, 10))
        .extracting(ModelVersion::version)
        .containsExactly(v.version());
    assertThat(
            b.claimRegistration(
                "main.default.own", 1, "server-b", t0 + 40_000, t0 + 40_000 - lease))
        .as("silent for 30s: taken over")
        .isTrue();
    assertThat(
            a.claimRegistration(
                "main.default.own", 1, "server-a", t0 + 41_000, t0 + 41_000 - lease))
        .as("the old owner cannot take it back while the new one is alive")
        .isFalse();
    b.setVersionStatus(
        "main.default.own",
        1,
        ModelVersionStatus.READY,
        Optional.empty(),
        Map.of("keel.servable", "onnx"),
        t0 + 42_000,
        "keel");
    assertThat(
            b.claimRegistration(
                "main.default.own", 1, "server-b", t0 + 43_000, t0 + 43_000 - lease))
        .as("a finalized version is not pending")
        .isFalse();
    assertThat(b.abandonedRegistrations(Long.MAX_VALUE, 10)).isEmpty();
    assertThat(svc.getVersion("main.default.own", 1).tags()).containsEntry("keel.servable", "onnx");
  }

  @Test
  void the_files_of_finalized_versions_are_guarded_against_writes() throws IOException {
    svc.createModel("main.default.guard", Optional.empty(), Map.of());
    ModelFixtures.putOnnxModel(artifacts, "src/guard");
    ModelVersion ready =
        svc.createVersionMlflow(
            "main.default.guard",
            "mlflow-artifacts:/src/guard",
            Optional.empty(),
            Optional.empty(),
            Map.of());
    assertThat(ready.status()).isEqualTo(ModelVersionStatus.READY);
    svc.createVersion(
        "main.default.guard",
        "mlflow-artifacts:/somewhere",
        Optional.empty(),
        Optional.empty(),
        Map.of());
    var guard = svc.artifactWriteGuard();
    for (String refused :
        List.of(
            "models/main/default/guard/1/model.onnx",
            "models/main/default/guard/1",
            "models/main/default/guard",
            "models/main",
            "models")) {
      assertThatThrownBy(() -> guard.checkWrite(ArtifactPath.parse("p", refused, false)))
          .as(refused)
          .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.PERMISSION_DENIED))
          .hasMessageContaining("version 1 of registered model 'main.default.guard'");
    }
    for (String allowed :
        List.of(
            "models/main/default/guard/2/model.onnx",
            "models/main/default/guard/10/x",
            "models/main/default/guard/1-x/y",
            "src/guard/model.onnx",
            "models/main/default/other/1")) {
      guard.checkWrite(ArtifactPath.parse("p", allowed, false));
    }
  }

  @Test
  void an_abandoned_registration_is_copied_again_from_its_source() throws IOException {
    svc.createModel("main.default.resume", Optional.empty(), Map.of());
    ModelFixtures.putOnnxModel(artifacts, "src/model");
    new JdbcRegistryStore(db)
        .createVersion(
            "main.default.resume",
            new VersionDraft(
                "mlflow-artifacts:/src/model", Optional.empty(), Optional.empty(), Map.of()),
            n -> "mlflow-artifacts:/models/main/default/resume/" + n,
            Optional.of("a-killed-server"),
            1_700_000_000_000L - 60_000,
            "keel");
    // What the killed copy left: one file, torn content, no MLmodel.
    put("models/main/default/resume/1/model.onnx", "half");
    put("models/main/default/resume/1/stale.bin", "x");

    assertThat(svc.recoverAbandonedRegistrations()).isEqualTo(1);

    ModelVersion v = svc.getVersion("main.default.resume", 1);
    assertThat(v.status()).isEqualTo(ModelVersionStatus.READY);
    assertThat(v.tags()).containsEntry("keel.servable", "onnx");
    assertThat(
            artifacts.size(
                ArtifactPath.parse("p", "models/main/default/resume/1/model.onnx", false)))
        .isEqualTo(artifacts.size(ArtifactPath.parse("p", "src/model/model.onnx", false)));
    assertThat(
            artifacts.size(
                ArtifactPath.parse("p", "models/main/default/resume/1/stale.bin", false)))
        .isEmpty();
    assertThat(svc.recoverAbandonedRegistrations()).isZero();
  }

  @Test
  void an_abandoned_registration_whose_source_is_gone_fails_with_the_reason() {
    svc.createModel("main.default.gone", Optional.empty(), Map.of());
    new JdbcRegistryStore(db)
        .createVersion(
            "main.default.gone",
            new VersionDraft(
                "mlflow-artifacts:/deleted/model", Optional.empty(), Optional.empty(), Map.of()),
            n -> "mlflow-artifacts:/models/main/default/gone/" + n,
            Optional.of("a-killed-server"),
            1_700_000_000_000L - 60_000,
            "keel");

    assertThat(svc.recoverAbandonedRegistrations()).isEqualTo(1);

    ModelVersion v = svc.getVersion("main.default.gone", 1);
    assertThat(v.status()).isEqualTo(ModelVersionStatus.FAILED_REGISTRATION);
    assertThat(v.statusMessage().orElseThrow())
        .startsWith("The registration was interrupted")
        .contains("MLmodel");
  }

  @Test
  void latest_ready_versions_for_a_page_of_models_are_read_at_once() throws IOException {
    svc.createModel("main.default.la", Optional.empty(), Map.of());
    svc.createModel("main.default.lb", Optional.empty(), Map.of());
    for (int i = 1; i <= 3; i++) {
      svc.createVersion(
          "main.default.la", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
      if (i < 3) {
        ModelFixtures.putOnnxModel(artifacts, "models/main/default/la/" + i);
        svc.finalizeVersion("main.default.la", i);
      }
    }
    svc.createVersion(
        "main.default.lb", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    Map<String, ModelVersion> latest =
        svc.latestVersions(
            List.of(svc.getModel("main.default.la"), svc.getModel("main.default.lb")));
    assertThat(latest).containsOnlyKeys("main.default.la");
    assertThat(latest.get("main.default.la").version()).isEqualTo(2);
    assertThat(latest.get("main.default.la").status()).isEqualTo(ModelVersionStatus.READY);
  }

  @Test
  void the_committed_xgboost_package_finalizes_ready() throws IOException {
    svc.createModel("main.default.xgb", Optional.empty(), Map.of());
    ModelVersion v =
        svc.createVersion(
            "main.default.xgb",
            "mlflow-artifacts:/x",
            Optional.empty(),
            Optional.empty(),
            Map.of());
    ModelFixtures.putXgboostModel(artifacts, "models/main/default/xgb/1");
    assertThat(svc.finalizeVersion("main.default.xgb", v.version()).status())
        .isEqualTo(ModelVersionStatus.READY);
  }

  @Test
  void finalize_with_a_corrupt_model_file_fails_with_the_reason() throws IOException {
    svc.createModel("main.default.corrupt", Optional.empty(), Map.of());
    ModelVersion v =
        svc.createVersion(
            "main.default.corrupt",
            "mlflow-artifacts:/x",
            Optional.empty(),
            Optional.empty(),
            Map.of());
    ModelFixtures.putOnnxModel(artifacts, "models/main/default/corrupt/1");
    put("models/main/default/corrupt/1/model.onnx", "not an onnx model");
    ModelVersion f = svc.finalizeVersion("main.default.corrupt", v.version());
    assertThat(f.status()).isEqualTo(ModelVersionStatus.FAILED_REGISTRATION);
    assertThat(f.statusMessage().orElseThrow()).contains("model.onnx");
    assertThatThrownBy(() -> svc.downloadUri("main.default.corrupt", 1))
        .isInstanceOf(KeelException.class);
  }

  @Test
  void finalize_after_upload_to_storage_location_is_ready() throws IOException {
    svc.createModel("main.default.u", Optional.empty(), Map.of());
    ModelVersion v =
        svc.createVersion(
            "main.default.u",
            "mlflow-artifacts:/somewhere",
            Optional.empty(),
            Optional.empty(),
            Map.of());
    ModelFixtures.putOnnxModel(artifacts, "models/main/default/u/1");
    ModelVersion f = svc.finalizeVersion("main.default.u", v.version());
    assertThat(f.status()).isEqualTo(ModelVersionStatus.READY);
    assertThat(svc.downloadUri("main.default.u", 1))
        .isEqualTo("mlflow-artifacts:/models/main/default/u/1");
  }

  @Test
  void finalize_from_a_run_copies_the_model_directory() throws IOException {
    Run r = run();
    ModelFixtures.putOnnxModel(artifacts, artifactPath(r) + "/model");
    put(artifactPath(r) + "/model/sub/model.onnx", "bytes");
    svc.createModel("main.default.r", Optional.empty(), Map.of());
    ModelVersion v =
        svc.createVersionMlflow(
            "main.default.r",
            "runs:/" + r.info().runId() + "/model",
            Optional.empty(),
            Optional.empty(),
            Map.of());
    assertThat(v.status()).isEqualTo(ModelVersionStatus.READY);
    assertThat(v.runId()).contains(r.info().runId());
    assertThat(
            artifacts.size(
                ArtifactPath.parse("p", "models/main/default/r/1/sub/model.onnx", false)))
        .hasValue(5);
  }

  @Test
  void events_are_read_back_from_durable_records_and_heard_by_listeners() throws IOException {
    List<RegistryEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    svc.addListener(heard::add);
    Instant t = Instant.ofEpochMilli(1_700_000_000_000L);
    svc.createModel("main.default.ev", Optional.empty(), Map.of());
    ModelFixtures.putOnnxModel(artifacts, "evsrc");
    svc.createVersion(
        "main.default.ev", "mlflow-artifacts:/evsrc", Optional.empty(), Optional.empty(), Map.of());
    assertThat(svc.eventsSince(t, 100)).as("a pending version is no event").hasSize(1);
    assertThat(svc.finalizeVersion("main.default.ev", 1).status())
        .isEqualTo(ModelVersionStatus.READY);
    svc.setAlias("main.default.ev", "champion", 1);
    svc.updateVersion("main.default.ev", 1, "edited later: not a second READY");
    svc.deleteAlias("main.default.ev", "champion"); // a deleted alias is no event
    List<RegistryEvent> read = svc.eventsSince(t, 100);
    assertThat(read)
        .extracting(RegistryEvent::kind, e -> e.version(), e -> e.alias(), RegistryEvent::at)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                RegistryEvent.Kind.MODEL_CREATED, OptionalLong.empty(), Optional.empty(), t),
            org.assertj.core.groups.Tuple.tuple(
                RegistryEvent.Kind.VERSION_READY, OptionalLong.of(1), Optional.empty(), t),
            org.assertj.core.groups.Tuple.tuple(
                RegistryEvent.Kind.ALIAS_SET, OptionalLong.of(1), Optional.of("champion"), t));
    assertThat(read).allMatch(e -> e.modelFullName().equals("main.default.ev"));
    assertThat(heard).containsExactlyInAnyOrderElementsOf(read);
    assertThat(svc.eventsSince(t.plusMillis(1), 100)).isEmpty();
    assertThat(svc.eventsSince(t, 2)).hasSize(2);
    assertThatThrownBy(() -> svc.eventsSince(t, 0)).hasMessageContaining("limit");
  }

  @Test
  void aliases_move_with_history_and_reserved_names_are_refused() {
    svc.createModel("main.default.al", Optional.empty(), Map.of());
    for (int i = 0; i < 2; i++) {
      svc.createVersion(
          "main.default.al", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    }
    svc.setAlias("main.default.al", "champion", 1);
    assertThat(svc.versionByAlias("main.default.al", "champion").version()).isEqualTo(1);
    svc.setVersionTag("main.default.al", 1, "stage", "shadow");
    assertThat(svc.versionByAlias("main.default.al", "champion").tags())
        .as("a cached answer is dropped when its version changes")
        .containsEntry("stage", "shadow");
    svc.setAlias("main.default.al", "Champion", 2);
    assertThat(svc.versionByAlias("main.default.al", "champion").version()).isEqualTo(2);
    assertThat(svc.getModel("main.default.al").aliases())
        .containsExactly(Map.entry("champion", 2L));
    assertThat(svc.getVersion("main.default.al", 2).aliases()).containsExactly("champion");
    svc.deleteAlias("main.default.al", "champion");
    List<AliasMove> h = svc.aliasHistory("main.default.al", "champion");
    assertThat(h).hasSize(3);
    assertThat(h.get(0).fromVersion()).isEmpty();
    assertThat(h.get(0).toVersion()).hasValue(1);
    assertThat(h.get(1).fromVersion()).hasValue(1);
    assertThat(h.get(1).toVersion()).hasValue(2);
    assertThat(h.get(2).toVersion()).isEmpty();
    assertThat(h.get(2).movedBy()).isEqualTo("keel");
    for (String bad : List.of("latest", "LATEST", "v1", "V12", "a.b", "a b", "x".repeat(256))) {
      assertThatThrownBy(() -> svc.setAlias("main.default.al", bad, 1))
          .as(bad)
          .satisfies(t -> assertThat(code(t).httpStatus()).isEqualTo(400));
    }
    assertThatThrownBy(() -> svc.setAlias("main.default.al", "x", 9))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void search_filters_and_pages_in_the_database() {
    for (int i = 0; i < 5; i++) {
      svc.createModel(
          "main.default.sm" + i, Optional.empty(), Map.of("k", i % 2 == 0 ? "even" : "odd"));
    }
    svc.createModel("main.default.other", Optional.empty(), Map.of());
    Page<RegisteredModel> p1 =
        svc.searchModels(
            Optional.of("name LIKE 'main.default.sm%'"),
            OptionalLong.of(3),
            List.of(),
            Optional.empty());
    assertThat(p1.items()).extracting(RegisteredModel::name).containsExactly("sm0", "sm1", "sm2");
    Page<RegisteredModel> p2 =
        svc.searchModels(
            Optional.of("name LIKE 'main.default.sm%'"),
            OptionalLong.of(3),
            List.of(),
            p1.nextPageToken());
    assertThat(p2.items()).extracting(RegisteredModel::name).containsExactly("sm3", "sm4");
    assertThat(p2.nextPageToken()).isEmpty();
    assertThat(
            svc.searchModels(
                    Optional.of("tags.k = 'even' AND name != 'main.default.sm0'"),
                    OptionalLong.empty(),
                    List.of(),
                    Optional.empty())
                .items())
        .extracting(RegisteredModel::name)
        .containsExactly("sm2", "sm4");
    assertThat(
            svc.searchModels(
                    Optional.of("name = 'MAIN.DEFAULT.OTHER'"),
                    OptionalLong.empty(),
                    List.of("name DESC"),
                    Optional.empty())
                .items())
        .hasSize(1);
    assertThatThrownBy(
            () ->
                svc.searchModels(
                    Optional.of("bogus = 1"), OptionalLong.empty(), List.of(), Optional.empty()))
        .satisfies(t -> assertThat(code(t).httpStatus()).isEqualTo(400));
    svc.createVersion(
        "main.default.sm1", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    svc.createVersion(
        "main.default.sm1", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    assertThat(
            svc.searchVersions(
                    Optional.of("name = 'main.default.sm1' AND version_number >= 2"),
                    OptionalLong.empty(),
                    List.of(),
                    Optional.empty())
                .items())
        .extracting(ModelVersion::version)
        .containsExactly(2L);
  }

  @Test
  void rename_update_tags_and_delete() {
    svc.createModel("main.default.old", Optional.empty(), Map.of());
    svc.createVersion(
        "main.default.old", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    RegisteredModel r =
        svc.updateModel("main.default.old", Optional.of("main.default.new"), Optional.of("d"));
    assertThat(r.fullName()).isEqualTo("main.default.new");
    assertThat(r.comment()).contains("d");
    assertThat(svc.getVersion("main.default.new", 1).modelName()).isEqualTo("new");
    svc.setModelTag("main.default.new", "a", "1");
    svc.setVersionTag("main.default.new", 1, "b", "2");
    assertThat(svc.getModel("main.default.new").tags()).containsEntry("a", "1");
    assertThat(svc.getVersion("main.default.new", 1).tags()).containsEntry("b", "2");
    svc.deleteModelTag("main.default.new", "a");
    svc.deleteVersionTag("main.default.new", 1, "b");
    assertThat(svc.getModel("main.default.new").tags()).isEmpty();
    assertThat(svc.updateVersion("main.default.new", 1, "v1 notes").comment()).contains("v1 notes");
    svc.deleteModel("main.default.new");
    assertThatThrownBy(() -> svc.getModel("main.default.new"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void the_feature_spec_tag_is_fixed_once_ready_even_against_racing_writers() throws Exception {
    svc.createModel("main.default.fs", Optional.empty(), Map.of());
    svc.createVersion(
        "main.default.fs", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    svc.setVersionTag("main.default.fs", 1, "keel.feature_spec", "main.default.spec0"); // pending
    ModelFixtures.putOnnxModel(artifacts, "models/main/default/fs/1");
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> writers = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int writer = t;
      writers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; !stop.get(); i++) {
                      try {
                        svc.setVersionTag(
                            "main.default.fs",
                            1,
                            "keel.feature_spec",
                            "main.default.spec_" + writer + "_" + i);
                      } catch (KeelException e) {
                        if (e.code() != ErrorCode.INVALID_ARGUMENT) {
                          unexpected.add(e);
                        }
                      } catch (RuntimeException e) {
                        unexpected.add(e);
                      }
                    }
                  }));
    }
    ModelVersion ready = svc.finalizeVersion("main.default.fs", 1);
    String atReady = svc.getVersion("main.default.fs", 1).tags().get("keel.feature_spec");
    Thread.sleep(100); // writers keep trying against the READY version
    stop.set(true);
    for (Thread w : writers) {
      w.join();
    }
    assertThat(unexpected).isEmpty();
    assertThat(ready.status()).isEqualTo(ModelVersionStatus.READY);
    assertThat(svc.getVersion("main.default.fs", 1).tags())
        .as("a READY version's feature spec never changes")
        .containsEntry("keel.feature_spec", atReady);
    assertThatThrownBy(
            () -> svc.setVersionTag("main.default.fs", 1, "keel.feature_spec", "main.default.x"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> svc.deleteVersionTag("main.default.fs", 1, "keel.feature_spec"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    svc.setVersionTag("main.default.fs", 1, "owner", "ml-team"); // other tags stay editable
    assertThat(svc.getVersion("main.default.fs", 1).tags()).containsEntry("owner", "ml-team");
  }

  @Test
  void a_new_version_never_sees_files_of_a_deleted_or_renamed_model() throws IOException {
    svc.createModel("main.default.reuse", Optional.empty(), Map.of());
    svc.createVersion(
        "main.default.reuse", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    ModelFixtures.putOnnxModel(artifacts, "models/main/default/reuse/1");
    assertThat(svc.finalizeVersion("main.default.reuse", 1).status())
        .isEqualTo(ModelVersionStatus.READY);
    svc.updateModel("main.default.reuse", Optional.of("main.default.moved"), Optional.empty());
    assertThat(svc.getVersion("main.default.moved", 1).storageLocation())
        .isEqualTo("mlflow-artifacts:/models/main/default/reuse/1");
    svc.createModel("main.default.reuse", Optional.empty(), Map.of());
    ModelVersion fresh =
        svc.createVersion(
            "main.default.reuse",
            "mlflow-artifacts:/x",
            Optional.empty(),
            Optional.empty(),
            Map.of());
    assertThat(fresh.storageLocation())
        .startsWith("mlflow-artifacts:/models/main/default/reuse/1-");
    assertThat(svc.finalizeVersion("main.default.reuse", 1).status())
        .isEqualTo(ModelVersionStatus.FAILED_REGISTRATION);
    svc.deleteModel("main.default.moved");
    assertThat(
            artifacts.size(ArtifactPath.parse("p", "models/main/default/reuse/1/MLmodel", false)))
        .isEmpty();
  }

  @Test
  void delete_requiring_empty_refuses_a_model_with_versions() {
    svc.createModel("main.default.full", Optional.empty(), Map.of());
    svc.createVersion(
        "main.default.full", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    assertThatThrownBy(() -> svc.deleteModel("main.default.full", true))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.FAILED_PRECONDITION));
    svc.deleteVersion("main.default.full", 1);
    svc.deleteModel("main.default.full", true);
  }

  // ---------------------------------------------------------------- lineage

  Run runWithLineage() {
    String exp = tracking.createExperiment("e" + System.nanoTime(), Optional.empty(), List.of());
    Run r =
        tracking.createRun(
            exp,
            Optional.empty(),
            Optional.empty(),
            OptionalLong.empty(),
            List.of(new Tag("mlflow.source.git.commit", "abc123")));
    tracking.logInputs(
        r.info().runId(),
        List.of(
            new DatasetInput(
                List.of(new Tag("mlflow.data.context", "training")),
                new Dataset(
                    "churn_train",
                    "d1",
                    "delta_table",
                    "{\"table_name\":\"main.sales.churn\",\"version\":7}",
                    Optional.empty(),
                    Optional.empty())),
            new DatasetInput(
                List.of(),
                new Dataset(
                    "churn_eval",
                    "d2",
                    "local",
                    "{\"uri\":\"e.csv\"}",
                    Optional.empty(),
                    Optional.empty()))));
    return tracking.getRun(r.info().runId());
  }

  @Test
  void lineage_is_captured_at_creation_and_survives_later_run_changes() throws IOException {
    Run r = runWithLineage();
    ModelFixtures.putOnnxModel(artifacts, artifactPath(r) + "/model");
    svc.createModel("main.default.lin", Optional.empty(), Map.of());
    ModelVersion v =
        svc.createVersionMlflow(
            "main.default.lin",
            "runs:/" + r.info().runId() + "/model",
            Optional.empty(),
            Optional.empty(),
            Map.of());
    svc.createVersion(
        "main.default.lin", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    // the run changes afterwards; the version keeps what it was created from
    tracking.setTag(r.info().runId(), new Tag("mlflow.source.git.commit", "later"));

    ModelVersionLineage one = svc.versionLineage("main.default.lin", v.version());
    VersionLineage l = one.lineage().orElseThrow();
    assertThat(l.runId()).isEqualTo(r.info().runId());
    assertThat(l.experimentId()).isEqualTo(r.info().experimentId());
    assertThat(l.codeVersion()).contains("abc123");
    assertThat(l.datasets())
        .extracting(VersionLineage.LineageDataset::name)
        .containsExactlyInAnyOrder("churn_train", "churn_eval");
    VersionLineage.LineageDataset train =
        l.datasets().stream().filter(d -> d.name().equals("churn_train")).findFirst().orElseThrow();
    assertThat(train.digest()).isEqualTo("d1");
    assertThat(train.sourceType()).isEqualTo("delta_table");
    assertThat(train.source()).contains("main.sales.churn");
    assertThat(train.context()).contains("training");

    List<ModelVersionLineage> all =
        svc.modelLineage("main.default.lin", OptionalLong.empty(), Optional.empty()).items();
    assertThat(all).hasSize(2);
    assertThat(all.get(0).lineage()).isPresent();
    assertThat(all.get(1).lineage()).isEmpty();

    assertThat(svc.versionsFromRun(r.info().runId()))
        .extracting(ModelVersion::modelFullName, ModelVersion::version)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("main.default.lin", 1L));
    assertThat(svc.versionsFromRun(run().info().runId())).isEmpty();
    assertThatThrownBy(() -> svc.versionsFromRun("0123456789abcdef0123456789abcdef"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));

    svc.deleteVersion("main.default.lin", 1);
    assertThat(svc.versionsFromRun(r.info().runId())).isEmpty();
  }

  @Test
  void a_run_id_without_a_runs_source_still_records_lineage() {
    Run r = runWithLineage();
    svc.createModel("main.default.byid", Optional.empty(), Map.of());
    ModelVersion v =
        svc.createVersion(
            "main.default.byid",
            "mlflow-artifacts:/x",
            Optional.of(r.info().runId()),
            Optional.empty(),
            Map.of());
    assertThat(svc.versionLineage("main.default.byid", v.version()).lineage().orElseThrow().runId())
        .isEqualTo(r.info().runId());
  }

  // ---------------------------------------------------------------- URIs

  @Test
  void model_uris_resolve_by_version_and_alias() throws IOException {
    svc.createModel("main.default.uri", Optional.empty(), Map.of());
    svc.createVersion(
        "main.default.uri", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    ModelFixtures.putOnnxModel(artifacts, "models/main/default/uri/1");
    svc.finalizeVersion("main.default.uri", 1);
    svc.createVersion(
        "main.default.uri", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    svc.setAlias("main.default.uri", "Champion", 1);
    svc.setAlias("main.default.uri", "pending", 2);

    assertThat(svc.resolve("models:/main.default.uri/1").version()).isEqualTo(1);
    assertThat(svc.resolve("models:/MAIN.default.uri@champion").version()).isEqualTo(1);
    assertThat(svc.resolve("models:/main.default.uri@CHAMPION").version()).isEqualTo(1);
    for (String missing :
        List.of(
            "models:/main.default.uri@nope",
            "models:/main.default.uri/9",
            "models:/main.default.none/1")) {
      assertThatThrownBy(() -> svc.resolve(missing))
          .as(missing)
          .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    }
    for (String bad :
        List.of(
            "models:/main.default.uri/latest",
            "models:/main.default.uri/Production",
            "models:/main.default.uri/0",
            "models:/main.default.uri",
            "models:/uri/1",
            "models:/default.uri@champion",
            "models:/main.default.uri@",
            "models:/main.default.uri@latest",
            "models://main.default.uri/1",
            "models:/main.default.uri/1/2",
            "runs:/abc/model",
            "mlflow-artifacts:/models/main/default/uri/1",
            "",
            "models:/main.default.uri/2",
            "models:/main.default.uri@pending")) {
      assertThatThrownBy(() -> svc.resolve(bad))
          .as(bad)
          .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
  }

  // ---------------------------------------------------------------- cascades

  @Test
  void deleting_a_schema_refuses_without_force_and_cascades_with_it() throws IOException {
    catalog.createSchema("main", "doomed", Optional.empty(), Map.of());
    svc.createModel("main.doomed.m", Optional.empty(), Map.of());
    svc.createVersion(
        "main.doomed.m", "mlflow-artifacts:/x", Optional.empty(), Optional.of("c"), Map.of());
    ModelFixtures.putOnnxModel(artifacts, "models/main/doomed/m/1");
    svc.setAlias("main.doomed.m", "champion", 1);

    assertThatThrownBy(() -> catalog.deleteSchema("main.doomed", false))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.FAILED_PRECONDITION));
    assertThat(svc.getModel("main.doomed.m").name()).isEqualTo("m");

    catalog.deleteSchema("main.doomed", true);
    assertThatThrownBy(() -> svc.getModel("main.doomed.m"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(artifacts.size(ArtifactPath.parse("p", "models/main/doomed/m/1/MLmodel", false)))
        .isEmpty();
    // the names are free again
    catalog.createSchema("main", "doomed", Optional.empty(), Map.of());
    svc.createModel("main.doomed.m", Optional.empty(), Map.of());
    assertThat(svc.listVersions("main.doomed.m", OptionalLong.empty(), Optional.empty()).items())
        .isEmpty();
    // an empty schema still deletes without force
    catalog.createSchema("main", "empty", Optional.empty(), Map.of());
    catalog.deleteSchema("main.empty", false);
  }

  @Test
  void deleting_a_catalog_with_force_deletes_the_models_of_all_its_schemas() {
    catalog.createCatalog("gone", Optional.empty(), Map.of());
    catalog.createSchema("gone", "a", Optional.empty(), Map.of());
    catalog.createSchema("gone", "b", Optional.empty(), Map.of());
    svc.createModel("gone.a.m", Optional.empty(), Map.of());
    svc.createModel("gone.b.m", Optional.empty(), Map.of());
    svc.createVersion(
        "gone.b.m", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    svc.createModel("main.default.kept", Optional.empty(), Map.of());

    assertThatThrownBy(() -> catalog.deleteCatalog("gone", false))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.FAILED_PRECONDITION));
    catalog.deleteCatalog("gone", true);
    assertThat(
            svc.searchModels(Optional.empty(), OptionalLong.empty(), List.of(), Optional.empty())
                .items())
        .extracting(RegisteredModel::fullName)
        .containsExactly("main.default.kept");
    assertThat(
            svc.searchVersions(
                    Optional.of("name = 'gone.b.m'"),
                    OptionalLong.empty(),
                    List.of(),
                    Optional.empty())
                .items())
        .isEmpty();
  }

  @Test
  void renaming_a_catalog_or_schema_keeps_its_models_reachable_under_the_new_name() {
    catalog.createCatalog("old", Optional.empty(), Map.of());
    catalog.createSchema("old", "s", Optional.empty(), Map.of());
    svc.createModel("old.s.m", Optional.empty(), Map.of());
    svc.createVersion(
        "old.s.m", "mlflow-artifacts:/x", Optional.empty(), Optional.empty(), Map.of());
    svc.setAlias("old.s.m", "champion", 1);
    assertThat(svc.versionByAlias("old.s.m", "champion").version()).isEqualTo(1); // now cached

    catalog.updateCatalog("old", new Changes(Optional.of("new"), Optional.empty(), Map.of()));
    RegisteredModel m = svc.getModel("new.s.m");
    assertThat(m.catalogName()).isEqualTo("new");
    assertThat(svc.versionByAlias("new.s.m", "champion").catalogName()).isEqualTo("new");
    assertThatThrownBy(() -> svc.getModel("old.s.m"))
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> svc.versionByAlias("old.s.m", "champion"))
        .as("the cached answer under the old name is gone with the rename")
        .satisfies(t -> assertThat(code(t)).isEqualTo(ErrorCode.NOT_FOUND));

    catalog.updateSchema("new.s", new Changes(Optional.of("t"), Optional.empty(), Map.of()));
    assertThat(svc.getVersion("new.t.m", 1).schemaName()).isEqualTo("t");
    assertThat(
            svc.listModels(
                    Optional.of("new"), Optional.of("t"), OptionalLong.empty(), Optional.empty())
                .items())
        .extracting(RegisteredModel::fullName)
        .containsExactly("new.t.m");
    // versions keep the storage location they were created with
    assertThat(svc.getVersion("new.t.m", 1).storageLocation())
        .isEqualTo("mlflow-artifacts:/models/old/s/m/1");
    // a model created under the old name again does not see the moved one's files
    catalog.createCatalog("old", Optional.empty(), Map.of());
    catalog.createSchema("old", "s", Optional.empty(), Map.of());
    svc.createModel("old.s.m", Optional.empty(), Map.of());
    assertThat(svc.listVersions("old.s.m", OptionalLong.empty(), Optional.empty()).items())
        .isEmpty();
  }

  @Test
  void a_model_created_while_its_schema_is_deleted_is_never_left_orphaned() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 20; i++) {
        String schema = "race" + i;
        catalog.createSchema("main", schema, Optional.empty(), Map.of());
        Future<?> create =
            pool.submit(() -> svc.createModel("main." + schema + ".m", Optional.empty(), Map.of()));
        Future<?> delete = pool.submit(() -> catalog.deleteSchema("main." + schema, false));
        boolean created = succeeded(create);
        boolean deleted = succeeded(delete);
        assertThat(created && deleted).as("both won in round " + i).isFalse();
      }
      List<RegisteredModel> models =
          svc.listModels(
                  Optional.of("main"), Optional.empty(), OptionalLong.of(100), Optional.empty())
              .items();
      for (RegisteredModel m : models) {
        assertThat(catalog.getSchema(m.catalogName() + "." + m.schemaName()))
            .as(m.fullName() + " has a schema")
            .isNotNull();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean succeeded(Future<?> f) throws InterruptedException {
    try {
      f.get();
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(KeelException.class);
      return false;
    }
  }
}
