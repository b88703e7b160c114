package dev.keel.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.store.Dialect;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrderByTest {
  private static void rejected(ThrowingConsumer<String> parse, String clause, String... parts) {
    assertThatThrownBy(() -> parse.accept(clause))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains(parts);
            });
  }

  @Test
  void ascending_is_the_default_and_direction_is_case_insensitive() {
    assertThat(OrderBy.parseRuns("metrics.acc")).isEqualTo(new OrderBy(Entity.METRIC, "acc", true));
    assertThat(OrderBy.parseRuns("  metrics.acc  ASC "))
        .isEqualTo(new OrderBy(Entity.METRIC, "acc", true));
    assertThat(OrderBy.parseRuns("metrics.acc DESC").ascending()).isFalse();
    assertThat(OrderBy.parseRuns("metrics.acc desc").ascending()).isFalse();
    assertThat(OrderBy.parseRuns("metrics.acc Desc").ascending()).isFalse();
  }

  @Test
  void run_order_by_accepts_metrics_params_tags_and_orderable_attributes() {
    assertThat(OrderBy.parseRuns("params.model"))
        .isEqualTo(new OrderBy(Entity.PARAM, "model", true));
    assertThat(OrderBy.parseRuns("tag.mlflow.runName DESC"))
        .isEqualTo(new OrderBy(Entity.TAG, "mlflow.runName", false));
    assertThat(OrderBy.parseRuns("metrics.\"my metric\" DESC"))
        .isEqualTo(new OrderBy(Entity.METRIC, "my metric", false));
    assertThat(OrderBy.parseRuns("params.`a b`")).isEqualTo(new OrderBy(Entity.PARAM, "a b", true));
    for (String attr :
        List.of(
            "start_time",
            "end_time",
            "run_name",
            "run_id",
            "status",
            "user_id",
            "artifact_uri",
            "experiment_id")) {
      assertThat(OrderBy.parseRuns("attributes." + attr))
          .isEqualTo(new OrderBy(Entity.ATTRIBUTE, attr, true));
      assertThat(OrderBy.parseRuns(attr + " DESC"))
          .isEqualTo(new OrderBy(Entity.ATTRIBUTE, attr, false));
    }
    assertThat(OrderBy.parseRuns("created").key()).isEqualTo("start_time");
    assertThat(OrderBy.parseRuns("Created DESC").key()).isEqualTo("start_time");
  }

  @Test
  void run_order_by_rejects_datasets_unknown_keys_and_bad_syntax() {
    ThrowingConsumer<String> runs = OrderBy::parseRuns;
    rejected(runs, "datasets.name", "cannot be ordered by datasets");
    rejected(runs, "attributes.lifecycle_stage", "Invalid attribute key 'lifecycle_stage'");
    rejected(runs, "foo.bar", "Invalid entity type 'foo'");
    rejected(runs, "metrics.acc up", "Invalid ordering key", "'up'");
    rejected(runs, "metrics.acc DESC extra", "Invalid order_by clause 'metrics.acc DESC extra'");
    rejected(runs, "metrics.acc, params.a", "Invalid order_by clause");
    rejected(runs, "", "Invalid order_by clause ''");
    rejected(runs, "   ", "Invalid order_by clause");
    rejected(runs, "metrics.`acc", "never closed");
    rejected(runs, "metrics.my metric", "Invalid ordering key");
  }

  @Test
  void experiment_order_by_accepts_only_its_attributes() {
    for (String attr : List.of("name", "experiment_id", "creation_time", "last_update_time")) {
      assertThat(OrderBy.parseExperiments(attr + " DESC"))
          .isEqualTo(new OrderBy(Entity.ATTRIBUTE, attr, false));
      assertThat(OrderBy.parseExperiments("attribute." + attr).ascending()).isTrue();
    }
    ThrowingConsumer<String> exps = OrderBy::parseExperiments;
    rejected(exps, "tags.team", "experiments can only be ordered by");
    rejected(exps, "start_time", "Invalid attribute key 'start_time'");
    rejected(exps, "metrics.acc", "Invalid entity type 'metrics'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"metrics.acc", "params.model", "tags.t", "start_time", "run_id"})
  void duplicate_run_order_by_fields_are_rejected(String field) {
    assertThatThrownBy(
            () ->
                RunSearch.compile(
                    Dialect.SQLITE,
                    List.of(1L),
                    ViewType.ALL,
                    "",
                    List.of(field + " ASC", field + " DESC"),
                    10,
                    0))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> assertThat(e.getMessage()).contains("`order_by` contains duplicate fields"));
  }

  @Test
  void aliases_count_as_the_same_field_for_duplicates() {
    assertThatThrownBy(
            () ->
                RunSearch.compile(
                    Dialect.SQLITE,
                    List.of(1L),
                    ViewType.ALL,
                    "",
                    List.of("created", "attributes.start_time DESC"),
                    10,
                    0))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("duplicate");
    assertThatThrownBy(
            () ->
                ExperimentSearch.compile(
                    Dialect.SQLITE, ViewType.ALL, "", List.of("name", "name DESC"), 10, 0))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("duplicate");
  }
}
