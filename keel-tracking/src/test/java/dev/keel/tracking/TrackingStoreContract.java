package dev.keel.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.catalog.identity.Identity;
import dev.keel.catalog.permissions.AccessControl;
import dev.keel.catalog.permissions.Grantee;
import dev.keel.catalog.permissions.JdbcObjectPermissionStore;
import dev.keel.catalog.permissions.ObjectPermissions;
import dev.keel.catalog.permissions.ObjectType;
import dev.keel.catalog.permissions.PermissionLevel;
import dev.keel.core.Authorizer;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracking store's behaviour, run on every database Keel supports. */
abstract class TrackingStoreContract {
  @TempDir Path dir;
  Database db;
  TrackingService svc;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    svc = new TrackingService(new JdbcTrackingStore(db), Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  String newRun(String experimentName) {
    String exp = svc.createExperiment(experimentName, Optional.empty(), List.of());
    return svc.createRun(
            exp, Optional.empty(), Optional.of("alice"), OptionalLong.of(1000), List.of())
        .info()
        .runId();
  }

  static KeelException keel(Throwable t) {
    assertThat(t).isInstanceOf(KeelException.class);
    return (KeelException) t;
  }

  @Test
  void experiments_get_ids_from_a_sequence_and_artifact_locations_from_them() {
    String a = svc.createExperiment("a", Optional.empty(), List.of(new Tag("team", "x")));
    String b = svc.createExperiment("b", Optional.empty(), List.of());
    assertThat(Long.parseLong(b)).isGreaterThan(Long.parseLong(a));
    Experiment e = svc.getExperiment(a);
    assertThat(e.name()).isEqualTo("a");
    assertThat(e.artifactLocation()).isEqualTo("mlflow-artifacts:/" + a);
    assertThat(e.tags()).containsExactly(new Tag("team", "x"));
    assertThat(svc.getExperimentByName("b").experimentId()).isEqualTo(b);
  }

  @Test
  void duplicate_experiment_name_is_already_exists_even_when_deleted() {
    String a = svc.createExperiment("dup", Optional.empty(), List.of());
    svc.deleteExperiment(a);
    assertThatThrownBy(() -> svc.createExperiment("dup", Optional.empty(), List.of()))
        .satisfies(t -> assertThat(keel(t).code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
  }

  @Test
  void rename_to_a_taken_name_is_refused_and_changes_nothing() {
    String a = svc.createExperiment("one", Optional.empty(), List.of());
    svc.createExperiment("two", Optional.empty(), List.of());
    assertThatThrownBy(() -> svc.renameExperiment(a, "two")).isInstanceOf(KeelException.class);
    assertThat(svc.getExperiment(a).name()).isEqualTo("one");
    svc.renameExperiment(a, "three");
    assertThat(svc.getExperiment(a).name()).isEqualTo("three");
  }

  @Test
  void default_experiment_cannot_be_deleted() {
    assertThatThrownBy(() -> svc.deleteExperiment("0"))
        .satisfies(t -> assertThat(keel(t).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void run_name_comes_from_argument_then_tag_then_generator() {
    String exp = svc.createExperiment("names", Optional.empty(), List.of());
    Run named =
        svc.createRun(exp, Optional.of("given"), Optional.empty(), OptionalLong.empty(), List.of());
    assertThat(named.info().runName()).isEqualTo("given");
    assertThat(named.tags()).contains(new Tag(TrackingService.RUN_NAME_TAG, "given"));
    Run tagged =
        svc.createRun(
            exp,
            Optional.empty(),
            Optional.empty(),
            OptionalLong.empty(),
            List.of(new Tag(TrackingService.RUN_NAME_TAG, "from-tag")));
    assertThat(tagged.info().runName()).isEqualTo("from-tag");
    Run generated =
        svc.createRun(exp, Optional.empty(), Optional.empty(), OptionalLong.empty(), List.of());
    assertThat(generated.info().runName()).matches("[a-z]+-[a-z]+-\\d+");
  }

  @Test
  void setting_the_run_name_tag_renames_the_run() {
    String run = newRun("rename-by-tag");
    svc.setTag(run, new Tag(TrackingService.RUN_NAME_TAG, "renamed"));
    assertThat(svc.getRun(run).info().runName()).isEqualTo("renamed");
  }

  @Test
  void log_batch_is_all_or_nothing() {
    String run = newRun("atomic");
    svc.logParam(run, new Param("p", "1"));
    assertThatThrownBy(
            () ->
                svc.logBatch(
                    run,
                    List.of(new Metric("m", 1, 1, 0)),
                    List.of(new Param("q", "2"), new Param("p", "changed")),
                    List.of(new Tag("t", "v"))))
        .isInstanceOf(KeelException.class);
    Run r = svc.getRun(run);
    assertThat(r.metrics()).isEmpty();
    assertThat(r.params()).containsExactly(new Param("p", "1"));
    assertThat(r.tags()).extracting(Tag::key).doesNotContain("t");
  }

  @Test
  void identical_metric_points_are_idempotent() {
    String run = newRun("idempotent");
    Metric m = new Metric("loss", 0.5, 10, 1);
    svc.logBatch(run, List.of(m, m), List.of(), List.of());
    svc.logMetric(run, m);
    assertThat(svc.metricHistory(run, "loss", OptionalLong.empty(), Optional.empty()).items())
        .containsExactly(m);
  }

  @Test
  void latest_metric_follows_step_then_timestamp_then_value_across_batches() {
    String run = newRun("latest");
    svc.logMetric(run, new Metric("m", 9, 100, 5));
    svc.logMetric(run, new Metric("m", 1, 200, 4));
    assertThat(svc.getRun(run).metrics()).containsExactly(new Metric("m", 9, 100, 5));
    svc.logMetric(run, new Metric("m", 2, 101, 5));
    assertThat(svc.getRun(run).metrics()).containsExactly(new Metric("m", 2, 101, 5));
    svc.logMetric(run, new Metric("m", 3, 101, 5));
    assertThat(svc.getRun(run).metrics()).containsExactly(new Metric("m", 3, 101, 5));
  }

  @Test
  void nan_and_infinities_are_stored_and_read_back() {
    String run = newRun("special-values");
    svc.logBatch(
        run,
        List.of(
            new Metric("nan", Double.NaN, 1, 0),
            new Metric("inf", Double.POSITIVE_INFINITY, 1, 0),
            new Metric("ninf", Double.NEGATIVE_INFINITY, 1, 0)),
        List.of(),
        List.of());
    List<Metric> ms = svc.getRun(run).metrics();
    assertThat(ms).extracting(Metric::key).containsExactly("inf", "nan", "ninf");
    assertThat(ms.get(0).value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(ms.get(1).value()).isNaN();
    assertThat(ms.get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void deleted_runs_refuse_writes_and_restore_allows_them_again() {
    String run = newRun("lifecycle");
    svc.deleteRun(run);
    assertThatThrownBy(() -> svc.logMetric(run, new Metric("m", 1, 1, 0)))
        .satisfies(t -> assertThat(keel(t).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    svc.restoreRun(run);
    svc.logMetric(run, new Metric("m", 1, 1, 0));
    assertThat(svc.getRun(run).metrics()).hasSize(1);
  }

  @Test
  void deleting_an_experiment_hides_its_runs_from_active_search() {
    String exp = svc.createExperiment("hide", Optional.empty(), List.of());
    String run =
        svc.createRun(exp, Optional.empty(), Optional.empty(), OptionalLong.empty(), List.of())
            .info()
            .runId();
    svc.deleteExperiment(exp);
    Page<Run> active =
        svc.searchRuns(List.of(exp), "", "", OptionalLong.empty(), List.of(), Optional.empty());
    assertThat(active.items()).isEmpty();
    Page<Run> deleted =
        svc.searchRuns(
            List.of(exp), "", "DELETED_ONLY", OptionalLong.empty(), List.of(), Optional.empty());
    assertThat(deleted.items()).extracting(r -> r.info().runId()).containsExactly(run);
    assertThatThrownBy(() -> svc.restoreRun(run)).isInstanceOf(KeelException.class);
  }

  @Test
  void search_pages_cover_every_run_once_in_order() {
    String exp = svc.createExperiment("pages", Optional.empty(), List.of());
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      created.add(
          svc.createRun(
                  exp, Optional.empty(), Optional.empty(), OptionalLong.of(1000 + i), List.of())
              .info()
              .runId());
    }
    List<String> seen = new ArrayList<>();
    Optional<String> token = Optional.empty();
    do {
      Page<Run> p = svc.searchRuns(List.of(exp), "", "", OptionalLong.of(5), List.of(), token);
      p.items().forEach(r -> seen.add(r.info().runId()));
      token = p.nextPageToken();
    } while (token.isPresent());
    // default order: start_time DESC
    assertThat(seen).containsExactlyElementsOf(created.reversed());
  }

  @Test
  void search_filters_on_latest_metrics_params_and_tags() {
    String exp = svc.createExperiment("filters", Optional.empty(), List.of());
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String run =
          svc.createRun(exp, Optional.empty(), Optional.empty(), OptionalLong.of(i), List.of())
              .info()
              .runId();
      svc.logBatch(
          run,
          List.of(new Metric("acc", i / 10.0, 1, 0)),
          List.of(new Param("model", i % 2 == 0 ? "xgb" : "lr")),
          List.of(new Tag("owner", i < 5 ? "Ann" : "bob")));
      runs.add(run);
    }
    Page<Run> p =
        svc.searchRuns(
            List.of(exp),
            "metrics.acc >= 0.4 and params.model = 'xgb' and tags.owner ILIKE 'a%'",
            "",
            OptionalLong.empty(),
            List.of("metrics.acc DESC"),
            Optional.empty());
    assertThat(p.items()).extracting(r -> r.info().runId()).containsExactly(runs.get(4));
  }

  @Test
  void log_inputs_reuses_a_dataset_by_name_and_digest() {
    String run = newRun("inputs");
    Dataset d =
        new Dataset("iris", "d1", "local", "{}", Optional.of("{\"cols\":[]}"), Optional.empty());
    svc.logInputs(
        run, List.of(new DatasetInput(List.of(new Tag("mlflow.data.context", "train")), d)));
    svc.logInputs(
        run, List.of(new DatasetInput(List.of(new Tag("mlflow.data.context", "train")), d)));
    Run r = svc.getRun(run);
    assertThat(r.inputs()).hasSize(1);
    assertThat(r.inputs().get(0).dataset()).isEqualTo(d);
    assertThat(r.inputs().get(0).tags()).containsExactly(new Tag("mlflow.data.context", "train"));
  }

  @Test
  void inputs_mentioning_a_table_match_its_name_or_source_and_not_lookalikes() {
    String a = newRun("mentions-a");
    String b = newRun("mentions-b");
    svc.logInputs(
        a,
        List.of(
            new DatasetInput(
                List.of(new Tag("keel.role", "spine")),
                new Dataset(
                    "main.s.t_1",
                    "5",
                    "keel_table",
                    "{\"table\":\"main.s.t_1\",\"snapshot_id\":5}",
                    Optional.empty(),
                    Optional.empty())),
            new DatasetInput(
                List.of(),
                new Dataset(
                    "other",
                    "x",
                    "local",
                    "{\"uri\":\"a.csv\"}",
                    Optional.empty(),
                    Optional.empty()))));
    svc.logInputs(
        b,
        List.of(
            new DatasetInput(
                List.of(),
                new Dataset(
                    "churn",
                    "d1",
                    "delta_table",
                    "{\"delta_table_name\":\"main.s.t_1\",\"delta_table_version\":7}",
                    Optional.empty(),
                    Optional.empty())),
            new DatasetInput(
                List.of(),
                new Dataset(
                    "lookalike",
                    "d2",
                    "delta_table",
                    "{\"delta_table_name\":\"main.s.tx1\"}",
                    Optional.empty(),
                    Optional.empty()))));

    List<RunInput> found = svc.inputsMentioning("main.s.t_1");
    assertThat(found)
        .extracting(i -> i.runId() + ":" + i.input().dataset().name())
        .containsExactlyInAnyOrder(a + ":main.s.t_1", b + ":churn");
    RunInput spine = found.stream().filter(i -> i.runId().equals(a)).findFirst().orElseThrow();
    assertThat(spine.input().tags()).containsExactly(new Tag("keel.role", "spine"));
    assertThat(spine.runStartTime()).isEqualTo(1000);
    assertThat(svc.inputsMentioning("main.s.nothing")).isEmpty();
    assertThat(svc.inputsMentioning("50%_off")).isEmpty();
  }

  @Test
  void concurrent_batches_to_one_run_all_land() throws Exception {
    String run = newRun("concurrent");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      fs.add(
          pool.submit(
              () -> {
                for (int b = 0; b < 10; b++) {
                  List<Metric> ms = new ArrayList<>();
                  for (int i = 0; i < 100; i++) {
                    ms.add(new Metric("m", i, thread * 1000L + b, b * 100L + i));
                  }
                  svc.logBatch(run, ms, List.of(), List.of());
                }
              }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    assertThat(svc.metricHistory(run, "m", OptionalLong.empty(), Optional.empty()).items())
        .hasSize(8000);
    assertThat(svc.getRun(run).metrics().get(0).step()).isEqualTo(999);
  }

  // ---------------------------------------------------------------- visibility and access

  static final Principal BOB =
      new Principal("b", "bob", Principal.Kind.USER, false, Set.of("team"));

  @Test
  void searches_with_readers_keep_what_they_may_see_and_pages_stay_full() {
    ObjectPermissions perms = new ObjectPermissions(new JdbcObjectPermissionStore(db));
    List<String> all = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String e = svc.createExperiment("vis-" + i, Optional.empty(), List.of());
      all.add(e);
      svc.createRun(e, Optional.empty(), Optional.empty(), OptionalLong.of(i), List.of());
      if (i % 2 == 1) {
        perms.update(
            dev.keel.core.Principal.LOCAL,
            ObjectType.EXPERIMENTS,
            e,
            List.of(
                new AccessControl(
                    new Grantee(
                        i == 1 ? "bob" : "team", i == 1 ? Identity.Kind.USER : Identity.Kind.GROUP),
                    PermissionLevel.CAN_READ)));
        seen.add(e);
      }
    }
    Optional<List<String>> readers = ObjectPermissions.readers(BOB);
    List<String> found = new ArrayList<>();
    Optional<String> token = Optional.empty();
    do {
      Page<Experiment> p =
          svc.searchExperiments("", "", List.of(), OptionalLong.of(2), token, readers);
      if (p.nextPageToken().isPresent()) {
        assertThat(p.items()).hasSize(2);
      }
      p.items().forEach(e -> found.add(e.experimentId()));
      token = p.nextPageToken();
    } while (token.isPresent());
    assertThat(found).containsExactlyInAnyOrderElementsOf(seen);
    List<String> runExperiments =
        svc
            .searchRuns(all, "", "", OptionalLong.of(100), List.of(), Optional.empty(), readers)
            .items()
            .stream()
            .map(r -> r.info().experimentId())
            .toList();
    assertThat(runExperiments).containsExactlyInAnyOrderElementsOf(seen);
    assertThat(
            svc.searchRuns(
                    all,
                    "",
                    "",
                    OptionalLong.of(100),
                    List.of(),
                    Optional.empty(),
                    Optional.of(List.of("nobody")))
                .items())
        .isEmpty();
    assertThat(
            svc.searchExperiments("", "", List.of(), OptionalLong.of(100), Optional.empty())
                .items()
                .size())
        .isGreaterThanOrEqualTo(8); // no readers: everything (with experiment 0)
  }

  @Test
  void a_run_names_its_experiment_and_artifact_paths_name_the_experiments_that_hold_them() {
    String exp = svc.createExperiment("owned-art", Optional.empty(), List.of());
    Run run = svc.createRun(exp, Optional.empty(), Optional.empty(), OptionalLong.of(1), List.of());
    assertThat(svc.experimentIdOfRun(run.info().runId())).contains(exp);
    assertThat(svc.experimentIdOfRun("0123456789abcdef0123456789abcdef")).isEmpty();
    String path = run.info().artifactUri().substring(JdbcTrackingStore.ARTIFACT_ROOT.length());
    assertThat(svc.experimentsOwningArtifact(path + "/model/MLmodel")).containsExactly(exp);
    String nested =
        svc.createExperiment(
            "nested-art", Optional.of("mlflow-artifacts:/" + exp + "/inner"), List.of());
    assertThat(svc.experimentsOwningArtifact(exp + "/inner/x"))
        .containsExactlyInAnyOrder(exp, nested);
    assertThat(svc.experimentsOwningArtifact("models/main/default/m/1/MLmodel")).isEmpty();
  }

  @Test
  void
      experiment_access_decides_runs_on_their_experiment_and_model_files_through_the_model_authorizer() {
    ObjectPermissions perms = new ObjectPermissions(new JdbcObjectPermissionStore(db));
    Map<SecurableType, Authorizer> authorizers = new EnumMap<>(SecurableType.class);
    ExperimentAccess access = new ExperimentAccess(svc, perms, authorizers);
    String exp = svc.createExperiment("access", Optional.empty(), List.of());
    Run run = svc.createRun(exp, Optional.empty(), Optional.empty(), OptionalLong.of(1), List.of());
    perms.update(
        dev.keel.core.Principal.LOCAL,
        ObjectType.EXPERIMENTS,
        exp,
        List.of(
            new AccessControl(new Grantee("team", Identity.Kind.GROUP), PermissionLevel.CAN_EDIT)));
    String runId = run.info().runId();
    assertThat(access.decide(BOB, SecurableType.RUN, runId, Privilege.EDIT).allowed()).isTrue();
    Authorizer.Decision manage = access.decide(BOB, SecurableType.RUN, runId, Privilege.MANAGE);
    assertThat(manage.allowed()).isFalse();
    assertThat(manage.reason())
        .isEqualTo(
            "User bob does not have CAN_MANAGE on experiment "
                + exp
                + " (the experiment of run "
                + runId
                + ").");
    assertThatThrownBy(
            () ->
                access.decide(
                    BOB, SecurableType.RUN, "0123456789abcdef0123456789abcdef", Privilege.READ))
        .isInstanceOf(KeelException.class)
        .extracting(t -> ((KeelException) t).code())
        .isEqualTo(ErrorCode.NOT_FOUND);

    String file = "models/main/default/churn/3/MLmodel";
    assertThat(access.decide(BOB, SecurableType.ARTIFACT, file, Privilege.READ).reason())
        .contains("model versions");
    authorizers.put(
        SecurableType.REGISTERED_MODEL,
        (c, t, name, p) ->
            new Authorizer.Decision(
                name.equals("main.default.churn") && p == Privilege.READ,
                "REGISTERED_MODEL",
                name,
                "EXECUTE",
                "model rule"));
    assertThat(access.decide(BOB, SecurableType.ARTIFACT, file, Privilege.READ).allowed()).isTrue();
    assertThat(access.decide(BOB, SecurableType.ARTIFACT, file, Privilege.EDIT).allowed())
        .isFalse();
    assertThat(access.decide(BOB, SecurableType.ARTIFACT, "", Privilege.READ).allowed()).isFalse();
  }
}
