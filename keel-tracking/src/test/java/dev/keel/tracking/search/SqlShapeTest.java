package dev.keel.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.store.Dialect;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated SQL binds every user value and key and joins on (id, key) primary keys. */
class SqlShapeTest {
  @Test
  void user_keys_and_values_are_bound_never_inlined() {
    String evilKey = "x' OR '1'='1";
    String evilValue = "'; DROP TABLE runs; --";
    SqlQuery q =
        RunSearch.compile(
            Dialect.POSTGRESQL,
            List.of(7L),
            ViewType.ACTIVE_ONLY,
            "params.\""
                + evilKey
                + "\" = \""
                + evilValue
                + "\" and metrics.`m m` > 1"
                + " and datasets.context ILIKE 'T%'",
            List.of("tags.`" + evilKey + "` DESC"),
            25,
            50);
    assertThat(q.sql()).doesNotContain(evilKey, "DROP", "m m", "T%");
    assertThat(q.binds())
        .containsExactly(
            evilKey,
            evilKey,
            "m m",
            7L,
            "active",
            evilValue,
            1.0,
            "mlflow.data.context",
            "T%",
            25,
            50L);
    assertThat(q.sql().chars().filter(c -> c == '?').count()).isEqualTo(q.binds().size());
  }

  @Test
  void a_metric_filter_drives_the_search_and_each_key_is_one_primary_key_join() {
    SqlQuery q =
        RunSearch.compile(
            Dialect.SQLITE,
            List.of(1L),
            ViewType.ALL,
            "params.model = 'xgb' and metrics.acc != 0.5 and metrics.loss > 0.9"
                + " and metrics.loss < 0.99",
            List.of("metrics.loss DESC", "metrics.acc", "metrics.m"),
            10,
            0);
    assertThat(q.sql())
        .startsWith(
            "SELECT r.run_uuid FROM latest_metrics k1"
                + " JOIN params k2 ON k2.run_uuid = k1.run_uuid AND k2.key = ?"
                + " JOIN latest_metrics k3 ON k3.run_uuid = k1.run_uuid AND k3.key = ?"
                + " JOIN runs r ON r.run_uuid = k1.run_uuid"
                + " LEFT JOIN latest_metrics k4 ON k4.run_uuid = r.run_uuid AND k4.key = ?"
                + " WHERE k1.key = ? AND ")
        .endsWith("LIMIT ? OFFSET ?");
    assertThat(q.sql()).doesNotContain("k5");
    assertThat(q.binds().subList(0, 4)).containsExactly("model", "acc", "m", "loss");
  }

  @Test
  void without_a_metric_filter_the_search_starts_from_runs() {
    SqlQuery q =
        RunSearch.compile(
            Dialect.SQLITE, List.of(1L), ViewType.ALL, "tags.t = 'x'", List.of(), 10, 0);
    assertThat(q.sql())
        .startsWith(
            "SELECT r.run_uuid FROM runs r JOIN tags k1 ON k1.run_uuid = r.run_uuid AND k1.key = ?");
  }

  @Test
  void nan_guard_is_added_only_when_zero_would_match() {
    String above =
        RunSearch.compile(
                Dialect.SQLITE, List.of(1L), ViewType.ALL, "metrics.a > 0.5", List.of(), 1, 0)
            .sql();
    String below =
        RunSearch.compile(
                Dialect.SQLITE, List.of(1L), ViewType.ALL, "metrics.a < 0.5", List.of(), 1, 0)
            .sql();
    assertThat(above).doesNotContain("is_nan");
    assertThat(below).contains("is_nan = 0");
  }

  @Test
  void postgres_orders_strings_by_code_point_like_sqlite() {
    String pg =
        ExperimentSearch.compile(Dialect.POSTGRESQL, ViewType.ALL, "", List.of("name"), 1, 0).sql();
    String lite =
        ExperimentSearch.compile(Dialect.SQLITE, ViewType.ALL, "", List.of("name"), 1, 0).sql();
    assertThat(pg).contains("e.name COLLATE \"C\"");
    assertThat(lite).doesNotContain("COLLATE");
  }

  @Test
  void too_many_distinct_keys_is_a_400_not_a_database_error() {
    String filter =
        java.util.stream.IntStream.range(0, 41)
            .mapToObj(i -> "params.p" + i + " = 'x'")
            .collect(java.util.stream.Collectors.joining(" AND "));
    assertThatThrownBy(
            () ->
                RunSearch.compile(
                    Dialect.SQLITE, List.of(1L), ViewType.ALL, filter, List.of(), 1, 0))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("41 distinct", "at most 40");
            });
    String forty = filter.substring(0, filter.lastIndexOf(" AND "));
    assertThat(
            RunSearch.compile(Dialect.SQLITE, List.of(1L), ViewType.ALL, forty, List.of(), 1, 0)
                .sql())
        .contains("k40");
  }

  @Test
  void too_many_values_is_a_400_not_a_database_error() {
    String ids =
        java.util.stream.IntStream.range(0, 30_001)
            .mapToObj(i -> "'r" + i + "'")
            .collect(java.util.stream.Collectors.joining(","));
    assertThatThrownBy(
            () ->
                RunSearch.compile(
                    Dialect.SQLITE,
                    List.of(1L),
                    ViewType.ALL,
                    "run_id IN (" + ids + ")",
                    List.of(),
                    1,
                    0))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              // the filter's own limits (length, list size) refuse it before any SQL is built
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("the limit is");
            });
  }

  @Test
  void ordering_by_a_filtered_metric_adds_no_missing_value_term_so_the_index_serves_the_order() {
    SqlQuery filtered =
        RunSearch.compile(
            Dialect.SQLITE,
            List.of(1L),
            ViewType.ACTIVE_ONLY,
            "metrics.acc > 0.9 and params.model = 'xgb'",
            List.of("metrics.acc DESC", "params.model"),
            100,
            0);
    assertThat(filtered.sql()).doesNotContain("CASE");
    SqlQuery unfiltered =
        RunSearch.compile(
            Dialect.SQLITE,
            List.of(1L),
            ViewType.ACTIVE_ONLY,
            "",
            List.of("metrics.acc DESC"),
            100,
            0);
    assertThat(unfiltered.sql()).contains("CASE");
  }
}
