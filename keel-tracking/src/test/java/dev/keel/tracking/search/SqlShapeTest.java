package dev.keel.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;

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
            "m m",
            evilKey,
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
  void each_metric_param_and_tag_key_is_one_primary_key_join() {
    SqlQuery q =
        RunSearch.compile(
            Dialect.SQLITE,
            List.of(1L),
            ViewType.ALL,
            "metrics.acc > 0.9 and metrics.acc < 0.99 and params.model = 'xgb'",
            List.of("metrics.acc DESC", "metrics.loss"),
            10,
            0);
    assertThat(q.sql())
        .startsWith(
            "SELECT r.run_uuid FROM runs r JOIN latest_metrics k1 ON k1.run_uuid ="
                + " r.run_uuid AND k1.key = ? JOIN params k2 ON k2.run_uuid = r.run_uuid AND k2.key = ?"
                + " LEFT JOIN latest_metrics k3 ON k3.run_uuid = r.run_uuid AND k3.key = ?")
        .endsWith("LIMIT ? OFFSET ?");
    assertThat(q.sql()).doesNotContain("k4");
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
}
