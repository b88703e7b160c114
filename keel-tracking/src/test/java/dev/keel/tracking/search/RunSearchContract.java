package dev.keel.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How compiled run searches behave on a real database; run on SQLite and PostgreSQL.
 *
 * <p>Experiment 1 holds r1..r4 (active, start times 1000..4000) and r5 (deleted, 5000); experiment
 * 2 holds r6 (6000). Default order is start_time DESC, so "all active in experiment 1" is r4, r3,
 * r2, r1.
 */
abstract class RunSearchContract {
  @TempDir Path dir;
  Database db;
  Fixture f;

  abstract Database open(Path dir);

  @BeforeEach
  void setUp() {
    db = open(dir);
    f = new Fixture(db);
    f.experiment(1, "exp-one", "active", 1, 1)
        .experiment(2, "exp-two", "active", 2, 2)
        .experiment(3, "exp-ties", "active", 3, 3);
    f.run("r1", 1, "bert-base", "alice", "FINISHED", 1000, 2000, "active")
        .run("r2", 1, "bert-large", "bob", "FAILED", 2000, -1, "active")
        .run("r3", 1, "gpt", "alice", "RUNNING", 3000, -1, "active")
        .run("r4", 1, "t5", "carol", "FINISHED", 4000, 5000, "active")
        .run("r5", 1, "deleted-run", "alice", "FINISHED", 5000, 5500, "deleted")
        .run("r6", 2, "other", "alice", "FINISHED", 6000, 6500, "active");
    f.metric("r1", "acc", 0.95).metric("r1", "loss", 0.1);
    f.metric("r2", "acc", 0.80).metric("r2", "loss", Double.NaN);
    f.metric("r3", "acc", 0.91);
    f.metric("r4", "loss", -1.5);
    f.metric("r5", "acc", 0.99).metric("r6", "acc", 0.97);
    f.param("r1", "model", "xgb").param("r1", "lr", "0.1").param("r1", "note", "50% off");
    f.param("r2", "model", "XGB").param("r2", "note", "500 off");
    f.param("r3", "model", "lgbm").param("r3", "my param", "1");
    f.param("r5", "model", "xgb").param("r6", "model", "xgb");
    f.tag("r1", "mlflow.runName", "bert-base").tag("r1", "team", "Vision");
    f.tag("r2", "team", "vision").tag("r4", "team", "audio");
    f.dataset("d1", 1, "mnist", "abc123").dataset("d2", 1, "cifar", "def456");
    f.input("r1", "d1", "training").input("r1", "d2", "eval").input("r2", "d2", "training");
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  List<String> search(String filter, String... orderBy) {
    return search(List.of(1L), ViewType.ACTIVE_ONLY, filter, List.of(orderBy), 100, 0);
  }

  List<String> search(
      List<Long> experiments,
      ViewType view,
      String filter,
      List<String> orderBy,
      int limit,
      long offset) {
    return f.ids(
        RunSearch.compile(db.dialect(), experiments, view, filter, orderBy, limit, offset));
  }

  @Test
  void empty_filter_returns_active_runs_newest_first() {
    assertThat(search("")).containsExactly("r4", "r3", "r2", "r1");
    assertThat(search("   ")).containsExactly("r4", "r3", "r2", "r1");
  }

  @Test
  void metric_comparisons_compare_numbers() {
    assertThat(search("metrics.acc > 0.9")).containsExactly("r3", "r1");
    assertThat(search("metrics.acc >= 0.91")).containsExactly("r3", "r1");
    assertThat(search("metric.acc < 0.91")).containsExactly("r2");
    assertThat(search("metrics.acc <= 0.91")).containsExactly("r3", "r2");
    assertThat(search("metrics.acc = 0.8")).containsExactly("r2");
    assertThat(search("metrics.acc != 0.8")).containsExactly("r3", "r1");
  }

  @Test
  void negative_and_exponent_literals_are_numbers() {
    assertThat(search("metrics.loss > -2")).containsExactly("r4", "r1");
    assertThat(search("metrics.loss < -1.4")).containsExactly("r4");
    assertThat(search("metrics.acc > 9.1e-1")).containsExactly("r1");
    assertThat(search("metrics.acc < 1E0")).containsExactly("r3", "r2", "r1");
    assertThat(search("metrics.acc > .9")).containsExactly("r3", "r1");
  }

  @Test
  void nan_metric_never_matches_a_numeric_comparison() {
    // r2's loss is NaN, stored as value 0 with is_nan = 1.
    assertThat(search("metrics.loss = 0")).isEmpty();
    assertThat(search("metrics.loss <= 0.1")).containsExactly("r4", "r1");
    assertThat(search("metrics.loss != 5")).containsExactly("r4", "r1");
    assertThat(search("metrics.loss >= -10")).containsExactly("r4", "r1");
  }

  @Test
  void like_is_case_sensitive_and_ilike_is_not() {
    assertThat(search("params.model LIKE 'xg%'")).containsExactly("r1");
    assertThat(search("params.model like 'XG_'")).containsExactly("r2");
    assertThat(search("params.model ILIKE 'xg%'")).containsExactly("r2", "r1");
    assertThat(search("tags.team = 'vision'")).containsExactly("r2");
    assertThat(search("tags.team ILIKE 'VISION'")).containsExactly("r2", "r1");
    assertThat(search("attributes.user_id ILIKE 'ALICE'")).containsExactly("r3", "r1");
    assertThat(search("attributes.user_id LIKE 'ALICE'")).isEmpty();
  }

  @Test
  void equality_on_strings_is_case_sensitive() {
    assertThat(search("params.model = 'xgb'")).containsExactly("r1");
    assertThat(search("params.model = \"XGB\"")).containsExactly("r2");
  }

  @Test
  void a_backslash_escapes_like_wildcards() {
    assertThat(search("params.note LIKE '50%'")).containsExactly("r2", "r1");
    assertThat(search("params.note LIKE '50\\%%'")).containsExactly("r1");
    assertThat(search("params.note ILIKE '50\\% OFF'")).containsExactly("r1");
  }

  @Test
  void missing_key_never_matches_even_for_not_equal() {
    assertThat(search("params.model != 'xgb'")).containsExactly("r3", "r2");
    assertThat(search("tags.team != 'audio'")).containsExactly("r2", "r1");
    assertThat(search("metrics.acc != 12")).containsExactly("r3", "r2", "r1");
    assertThat(search("params.absent LIKE '%'")).isEmpty();
  }

  @Test
  void keys_may_contain_dots_and_be_quoted() {
    assertThat(search("tags.mlflow.runName LIKE 'bert-%'")).containsExactly("r1");
    assertThat(search("tags.\"mlflow.runName\" = 'bert-base'")).containsExactly("r1");
    assertThat(search("tags.`mlflow.runName` = 'bert-base'")).containsExactly("r1");
    assertThat(search("params.`my param` = '1'")).containsExactly("r3");
    assertThat(search("params.\"my param\" = '1'")).containsExactly("r3");
  }

  @Test
  void string_attributes_support_equality_and_patterns() {
    assertThat(search("attributes.status = 'FINISHED'")).containsExactly("r4", "r1");
    assertThat(search("status != 'FINISHED'")).containsExactly("r3", "r2");
    assertThat(search("run_name LIKE 'bert%'")).containsExactly("r2", "r1");
    assertThat(search("attributes.run_name = 'gpt'")).containsExactly("r3");
    assertThat(search("\"run name\" = 'gpt'")).containsExactly("r3");
    assertThat(search("run.artifact_uri LIKE '%/r1/%'")).containsExactly("r1");
    assertThat(search("attr.run_id = 'r2'")).containsExactly("r2");
  }

  @Test
  void run_id_in_and_not_in_lists() {
    assertThat(search("attributes.run_id IN ('r1', 'r3')")).containsExactly("r3", "r1");
    assertThat(search("run_id in (\"r2\")")).containsExactly("r2");
    assertThat(search("attributes.run_id NOT IN ('r1','r2')")).containsExactly("r4", "r3");
    assertThat(search("run_id not in ('nope')")).containsExactly("r4", "r3", "r2", "r1");
  }

  @Test
  void numeric_attributes_compare_numbers_and_unset_end_time_never_matches() {
    assertThat(search("attributes.start_time >= 2000")).containsExactly("r4", "r3", "r2");
    assertThat(search("created < 2000")).containsExactly("r1");
    assertThat(search("Created = 3000")).containsExactly("r3");
    assertThat(search("end_time > 0")).containsExactly("r4", "r1");
    assertThat(search("end_time != 2000")).containsExactly("r4");
    assertThat(search("start_time > 1999.5")).containsExactly("r4", "r3", "r2");
  }

  @Test
  void a_dataset_condition_matches_when_any_input_matches() {
    assertThat(search("datasets.name = 'mnist'")).containsExactly("r1");
    assertThat(search("dataset.digest = 'def456'")).containsExactly("r2", "r1");
    assertThat(search("datasets.context = 'training'")).containsExactly("r2", "r1");
    assertThat(search("datasets.context = 'eval'")).containsExactly("r1");
    assertThat(search("datasets.context != 'eval'")).containsExactly("r2", "r1");
    assertThat(search("datasets.name IN ('cifar', 'imagenet')")).containsExactly("r2", "r1");
    assertThat(search("datasets.name NOT IN ('mnist')")).containsExactly("r2", "r1");
    assertThat(search("datasets.name ILIKE 'MNI%'")).containsExactly("r1");
    assertThat(search("datasets.name LIKE 'MNI%'")).isEmpty();
    assertThat(search("datasets.context IN ('eval')")).containsExactly("r1");
  }

  @Test
  void all_clauses_joined_by_and_must_hold() {
    assertThat(search("metrics.acc > 0.9 and params.model = 'xgb'")).containsExactly("r1");
    assertThat(search("metrics.acc > 0.85 AND metrics.acc < 0.93")).containsExactly("r3");
    assertThat(
            search(
                "params.model ILIKE 'x%' And tags.team ILIKE 'v%' AnD datasets.context ="
                    + " 'training' and status = 'FAILED'"))
        .containsExactly("r2");
  }

  @Test
  void order_by_metric_puts_missing_values_last_in_both_directions() {
    assertThat(search("", "metrics.acc")).containsExactly("r2", "r3", "r1", "r4");
    assertThat(search("", "metrics.acc ASC")).containsExactly("r2", "r3", "r1", "r4");
    assertThat(search("", "metrics.acc DESC")).containsExactly("r1", "r3", "r2", "r4");
  }

  @Test
  void order_by_metric_puts_nan_after_numbers_and_before_missing_values() {
    assertThat(search("", "metrics.loss ASC")).containsExactly("r4", "r1", "r2", "r3");
    assertThat(search("", "metrics.loss desc")).containsExactly("r1", "r4", "r2", "r3");
  }

  @Test
  void order_by_param_and_tag_compare_strings_by_code_point_with_missing_last() {
    assertThat(search("", "params.model")).containsExactly("r2", "r3", "r1", "r4");
    assertThat(search("", "params.model DESC")).containsExactly("r1", "r3", "r2", "r4");
    assertThat(search("", "tags.team ASC")).containsExactly("r1", "r4", "r2", "r3");
    assertThat(search("", "tags.team DESC")).containsExactly("r2", "r4", "r1", "r3");
  }

  @Test
  void order_by_a_filtered_metric_reuses_the_filter() {
    assertThat(search("metrics.acc > 0.85", "metrics.acc ASC")).containsExactly("r3", "r1");
    assertThat(search("metrics.acc > 0.85", "metrics.acc DESC", "params.model"))
        .containsExactly("r1", "r3");
  }

  @Test
  void order_by_attributes() {
    assertThat(search("", "start_time ASC")).containsExactly("r1", "r2", "r3", "r4");
    assertThat(search("", "created")).containsExactly("r1", "r2", "r3", "r4");
    assertThat(search("", "attributes.run_name DESC")).containsExactly("r4", "r3", "r2", "r1");
    assertThat(search("", "status")).containsExactly("r2", "r4", "r1", "r3");
    assertThat(search("", "user_id DESC")).containsExactly("r4", "r2", "r3", "r1");
    assertThat(search("", "run_id DESC")).containsExactly("r4", "r3", "r2", "r1");
    assertThat(search("", "artifact_uri")).containsExactly("r1", "r2", "r3", "r4");
  }

  @Test
  void order_by_end_time_puts_unset_last_in_both_directions() {
    assertThat(search("", "end_time")).containsExactly("r1", "r4", "r3", "r2");
    assertThat(search("", "end_time DESC")).containsExactly("r4", "r1", "r3", "r2");
  }

  @Test
  void order_by_experiment_id_across_experiments() {
    List<String> ids =
        search(List.of(2L, 1L), ViewType.ACTIVE_ONLY, "", List.of("experiment_id DESC"), 10, 0);
    assertThat(ids).containsExactly("r6", "r4", "r3", "r2", "r1");
  }

  @Test
  void ties_break_by_start_time_desc_then_run_id() {
    f.run("t_b", 3, "b", "u", "FINISHED", 100, -1, "active")
        .run("t_a", 3, "a", "u", "FINISHED", 100, -1, "active")
        .run("t_c", 3, "c", "u", "FINISHED", 100, -1, "active")
        .run("t_d", 3, "d", "u", "FINISHED", 200, -1, "active");
    f.metric("t_a", "m", 1).metric("t_b", "m", 1).metric("t_c", "m", 1).metric("t_d", "m", 1);
    List<Long> exp3 = List.of(3L);
    assertThat(search(exp3, ViewType.ACTIVE_ONLY, "", List.of(), 10, 0))
        .containsExactly("t_d", "t_a", "t_b", "t_c");
    assertThat(search(exp3, ViewType.ACTIVE_ONLY, "", List.of("metrics.m DESC"), 10, 0))
        .containsExactly("t_d", "t_a", "t_b", "t_c");
    assertThat(search(exp3, ViewType.ACTIVE_ONLY, "", List.of("start_time"), 10, 0))
        .containsExactly("t_a", "t_b", "t_c", "t_d");
    assertThat(search(exp3, ViewType.ACTIVE_ONLY, "", List.of("user_id"), 10, 0))
        .containsExactly("t_d", "t_a", "t_b", "t_c");
  }

  @Test
  void limit_and_offset_page_through_the_ordered_result() {
    List<Long> exp1 = List.of(1L);
    assertThat(search(exp1, ViewType.ACTIVE_ONLY, "", List.of(), 2, 0)).containsExactly("r4", "r3");
    assertThat(search(exp1, ViewType.ACTIVE_ONLY, "", List.of(), 2, 2)).containsExactly("r2", "r1");
    assertThat(search(exp1, ViewType.ACTIVE_ONLY, "", List.of(), 2, 4)).isEmpty();
    assertThat(search(exp1, ViewType.ACTIVE_ONLY, "", List.of("metrics.acc DESC"), 3, 1))
        .containsExactly("r3", "r2", "r4");
  }

  @Test
  void view_type_selects_lifecycle_stages() {
    List<Long> exp1 = List.of(1L);
    assertThat(search(exp1, ViewType.DELETED_ONLY, "", List.of(), 10, 0)).containsExactly("r5");
    assertThat(search(exp1, ViewType.ALL, "", List.of(), 10, 0))
        .containsExactly("r5", "r4", "r3", "r2", "r1");
    assertThat(search(exp1, ViewType.ALL, "metrics.acc > 0.96", List.of(), 10, 0))
        .containsExactly("r5");
  }

  @Test
  void only_the_given_experiments_are_searched() {
    assertThat(search(List.of(1L, 2L), ViewType.ACTIVE_ONLY, "", List.of(), 10, 0))
        .containsExactly("r6", "r4", "r3", "r2", "r1");
    assertThat(search(List.of(2L), ViewType.ACTIVE_ONLY, "", List.of(), 10, 0))
        .containsExactly("r6");
    assertThat(search(List.of(), ViewType.ALL, "", List.of(), 10, 0)).isEmpty();
    assertThat(search(List.of(99L), ViewType.ALL, "", List.of(), 10, 0)).isEmpty();
  }

  @Test
  void quotes_and_sql_in_values_and_keys_are_plain_data() {
    f.param("r4", "it's", "O'Brien; DROP TABLE runs --");
    assertThat(search("params.\"it's\" = 'O''Brien; DROP TABLE runs --'")).containsExactly("r4");
    assertThat(search("params.`it's` LIKE '%DROP%'")).containsExactly("r4");
    assertThat(search("")).hasSize(4);
  }

  @Test
  void a_bad_filter_is_rejected_before_touching_the_database() {
    assertThatThrownBy(() -> search("metrics.acc > 0.9 OR params.model = 'xgb'"))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("OR params.model = 'xgb'");
            });
  }

  @Test
  void a_filter_past_the_clause_limit_is_a_400_before_the_database_sees_it() {
    // 1,000 AND clauses overflowed SQLite's expression tree: a 500.
    String thousand =
        String.join(
            " AND ",
            java.util.Collections.nCopies(1_000, "params.model != 'x' AND metrics.acc > 0"));
    assertThatThrownBy(() -> search(thousand))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("at most " + SearchFilter.MAX_CLAUSES);
            });
    String atLimit =
        String.join(
            " AND ", java.util.Collections.nCopies(SearchFilter.MAX_CLAUSES, "metrics.acc > 0.9"));
    assertThat(search(atLimit)).containsExactly("r3", "r1");
    String bigList =
        "attributes.run_id IN ("
            + String.join(
                ", ", java.util.Collections.nCopies(SearchFilter.MAX_LIST_VALUES + 1, "'r1'"))
            + ")";
    assertThatThrownBy(() -> search(bigList))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> assertThat(e.getMessage()).contains("at most " + SearchFilter.MAX_LIST_VALUES));
    String longText = "params.model = '" + "x".repeat(SearchFilter.MAX_LENGTH) + "'";
    assertThatThrownBy(() -> search(longText))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> assertThat(e.getMessage()).contains("limit is " + SearchFilter.MAX_LENGTH));
  }
}
