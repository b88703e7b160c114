package dev.keel.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SearchFilterTest {
  private static Comparison one(String filter) {
    List<Comparison> cs = SearchFilter.parseRuns(filter).comparisons();
    assertThat(cs).hasSize(1);
    return cs.get(0);
  }

  private static Value.Numeric num(String n) {
    return new Value.Numeric(new BigDecimal(n));
  }

  private static Value.Text text(String t) {
    return new Value.Text(t);
  }

  private static void rejected(String filter, String... messageParts) {
    assertThatThrownBy(() -> SearchFilter.parseRuns(filter))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.code().httpStatus()).isEqualTo(400);
              assertThat(e.getMessage()).contains(messageParts);
            });
  }

  private static void rejectedForExperiments(String filter, String... messageParts) {
    assertThatThrownBy(() -> SearchFilter.parseExperiments(filter))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains(messageParts);
            });
  }

  // ------------------------------------------------------------------ accepted

  @Test
  void empty_and_blank_filters_have_no_comparisons() {
    assertThat(SearchFilter.parseRuns("").comparisons()).isEmpty();
    assertThat(SearchFilter.parseRuns(" \t\n").comparisons()).isEmpty();
    assertThat(SearchFilter.parseExperiments("").comparisons()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "metric,METRIC",
    "metrics,METRIC",
    "param,PARAM",
    "params,PARAM",
    "parameter,PARAM",
    "parameters,PARAM",
    "tag,TAG",
    "tags,TAG",
    "`metrics`,METRIC",
    "`tags`,TAG"
  })
  void every_entity_prefix_alias_names_its_entity(String prefix, Entity entity) {
    String value = entity == Entity.METRIC ? "1" : "'v'";
    assertThat(one(prefix + ".k = " + value).entity()).isEqualTo(entity);
    assertThat(one(prefix + ".k = " + value).key()).isEqualTo("k");
  }

  @ParameterizedTest
  @ValueSource(strings = {"attribute", "attributes", "attr", "run", "`attributes`"})
  void attribute_prefix_aliases_and_no_prefix_name_attributes(String prefix) {
    assertThat(one(prefix + ".status = 'FINISHED'"))
        .isEqualTo(new Comparison(Entity.ATTRIBUTE, "status", Operator.EQ, text("FINISHED")));
    assertThat(one("status = 'FINISHED'").entity()).isEqualTo(Entity.ATTRIBUTE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dataset", "datasets"})
  void dataset_prefix_aliases_name_datasets(String prefix) {
    assertThat(one(prefix + ".context = 'training'"))
        .isEqualTo(new Comparison(Entity.DATASET, "context", Operator.EQ, text("training")));
  }

  @ParameterizedTest
  @CsvSource({"=,EQ", "!=,NE", ">,GT", ">=,GE", "<,LT", "<=,LE"})
  void metrics_accept_every_numeric_comparator(String symbol, Operator op) {
    assertThat(one("metrics.acc " + symbol + " 0.5"))
        .isEqualTo(new Comparison(Entity.METRIC, "acc", op, num("0.5")));
    assertThat(one("metrics.acc" + symbol + "0.5").operator()).isEqualTo(op);
  }

  @ParameterizedTest
  @CsvSource({"=,EQ", "!=,NE", ">,GT", ">=,GE", "<,LT", "<=,LE"})
  void numeric_attributes_accept_every_numeric_comparator(String symbol, Operator op) {
    for (String key : List.of("start_time", "end_time", "attributes.start_time", "run.end_time")) {
      Comparison c = one(key + " " + symbol + " 1700000000000");
      assertThat(c.operator()).isEqualTo(op);
      assertThat(c.value()).isEqualTo(num("1700000000000"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "-1", "0.5", "-0.25", ".5", "1.", "1e3", "1E-3", "-2.5e+2", "007"})
  void numeric_literals_may_be_negative_decimal_or_exponent(String literal) {
    assertThat(one("metrics.m > " + literal).value()).isEqualTo(num(literal));
  }

  @ParameterizedTest
  @CsvSource({"=,EQ", "!=,NE", "LIKE,LIKE", "ILIKE,ILIKE", "like,LIKE", "iLike,ILIKE"})
  void params_and_tags_accept_string_comparators_in_any_case(String symbol, Operator op) {
    assertThat(one("params.model " + symbol + " 'x%'"))
        .isEqualTo(new Comparison(Entity.PARAM, "model", op, text("x%")));
    assertThat(one("tags.team " + symbol + " \"x%\""))
        .isEqualTo(new Comparison(Entity.TAG, "team", op, text("x%")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"run_id", "run_name", "status", "user_id", "artifact_uri"})
  void string_attributes_accept_string_comparators(String key) {
    for (Operator op : List.of(Operator.EQ, Operator.NE, Operator.LIKE, Operator.ILIKE)) {
      assertThat(one("attributes." + key + " " + op.symbol() + " 'v'"))
          .isEqualTo(new Comparison(Entity.ATTRIBUTE, key, op, text("v")));
    }
  }

  @Test
  void run_id_accepts_in_and_not_in_lists() {
    assertThat(one("attributes.run_id IN ('a', 'b')"))
        .isEqualTo(
            new Comparison(
                Entity.ATTRIBUTE, "run_id", Operator.IN, new Value.TextList(List.of("a", "b"))));
    assertThat(one("run_id not  in(\"a\")"))
        .isEqualTo(
            new Comparison(
                Entity.ATTRIBUTE, "run_id", Operator.NOT_IN, new Value.TextList(List.of("a"))));
    assertThat(one("run_id IN ('a',)").value()).isEqualTo(new Value.TextList(List.of("a")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"name", "digest", "context"})
  void datasets_accept_every_string_and_list_comparator(String key) {
    for (Operator op : List.of(Operator.EQ, Operator.NE, Operator.LIKE, Operator.ILIKE)) {
      assertThat(one("datasets." + key + " " + op.symbol() + " 'v'"))
          .isEqualTo(new Comparison(Entity.DATASET, key, op, text("v")));
    }
    assertThat(one("datasets." + key + " IN ('a', 'b')").operator()).isEqualTo(Operator.IN);
    assertThat(one("datasets." + key + " NOT IN ('a')").operator()).isEqualTo(Operator.NOT_IN);
  }

  @Test
  void attribute_aliases_resolve_to_canonical_keys() {
    assertThat(one("created > 1").key()).isEqualTo("start_time");
    assertThat(one("attributes.Created > 1").key()).isEqualTo("start_time");
    assertThat(one("\"run name\" = 'x'").key()).isEqualTo("run_name");
    assertThat(one("attributes.`Run Name` = 'x'").key()).isEqualTo("run_name");
    assertThat(one("attributes.\"Run name\" = 'x'").key()).isEqualTo("run_name");
  }

  @Test
  void keys_may_contain_dots_and_quoted_keys_anything() {
    assertThat(one("tags.mlflow.runName = 'x'").key()).isEqualTo("mlflow.runName");
    assertThat(one("tags.\"user-name\" = 'x'").key()).isEqualTo("user-name");
    assertThat(one("params.`a b` = 'x'").key()).isEqualTo("a b");
    assertThat(one("params.\"say \"\"hi\"\"\" = 'x'").key()).isEqualTo("say \"hi\"");
    assertThat(one("metrics.`loss/val` < 1").key()).isEqualTo("loss/val");
  }

  @Test
  void quoted_values_keep_their_text_and_doubled_quotes_stand_for_one() {
    assertThat(one("params.a = 'it''s'").value()).isEqualTo(text("it's"));
    assertThat(one("params.a = \"say \"\"hi\"\"\"").value()).isEqualTo(text("say \"hi\""));
    assertThat(one("params.a = \"it's\"").value()).isEqualTo(text("it's"));
    assertThat(one("params.a = ''").value()).isEqualTo(text(""));
    assertThat(one("params.a = ' AND b = 1 '").value()).isEqualTo(text(" AND b = 1 "));
  }

  @Test
  void comparisons_join_with_and_in_any_case_and_whitespace() {
    List<Comparison> cs =
        SearchFilter.parseRuns(
                "metrics.acc > 0.9 and params.model = 'xgb'\n\tAND tags.t LIKE 'a%' AnD"
                    + " status='X'")
            .comparisons();
    assertThat(cs)
        .extracting(Comparison::entity)
        .containsExactly(Entity.METRIC, Entity.PARAM, Entity.TAG, Entity.ATTRIBUTE);
    assertThat(SearchFilter.parseRuns("params.a='x'AND params.b='y'").comparisons()).hasSize(2);
  }

  @Test
  void experiment_filters_accept_name_times_and_tags() {
    for (Operator op : List.of(Operator.EQ, Operator.NE, Operator.LIKE, Operator.ILIKE)) {
      assertThat(SearchFilter.parseExperiments("name " + op.symbol() + " 'a'").comparisons())
          .containsExactly(new Comparison(Entity.ATTRIBUTE, "name", op, text("a")));
      assertThat(SearchFilter.parseExperiments("tags.k " + op.symbol() + " 'a'").comparisons())
          .containsExactly(new Comparison(Entity.TAG, "k", op, text("a")));
    }
    for (String op : List.of("=", "!=", ">", ">=", "<", "<=")) {
      assertThat(
              SearchFilter.parseExperiments(
                      "attribute.creation_time " + op + " 1 and last_update_time " + op + " 2")
                  .comparisons())
          .hasSize(2);
    }
    assertThat(SearchFilter.parseExperiments("tag.k = 'a'").comparisons()).hasSize(1);
  }

  // ------------------------------------------------------------------ rejected

  @Test
  void or_is_rejected_naming_the_clause() {
    rejected(
        "metrics.acc > 0.9 OR params.model = 'xgb'",
        "Invalid clause(s) in filter string: 'OR params.model = 'xgb''",
        "AND");
  }

  @Test
  void parentheses_around_comparisons_are_rejected() {
    rejected("(metrics.acc > 0.9)", "Invalid clause(s) in filter string: '(metrics.acc > 0.9)'");
    rejected(
        "metrics.a > 1 AND (params.b = 'x')",
        "Invalid clause(s) in filter string: '(params.b = 'x')'");
  }

  @Test
  void unknown_entity_is_rejected() {
    rejected("foo.bar = 'x'", "Invalid entity type 'foo'", "foo.bar = 'x'");
    rejected("Metrics.acc > 1", "Invalid entity type 'Metrics'");
    rejected("mlflow.runName = 'x'", "Invalid entity type 'mlflow'");
    rejected("\"metrics\".acc > 1", "Invalid entity type '\"metrics\"'");
  }

  @Test
  void unknown_attribute_or_dataset_key_is_rejected() {
    rejected("attributes.foo = 'x'", "Invalid attribute key 'foo'", "run_id");
    rejected("lifecycle_stage = 'active'", "Invalid attribute key 'lifecycle_stage'");
    rejected("experiment_id = '1'", "Invalid attribute key 'experiment_id'");
    rejected("datasets.source = 'x'", "Invalid dataset key 'source'");
  }

  @Test
  void wrong_comparator_for_the_entity_is_rejected() {
    rejected(
        "metrics.acc LIKE 1",
        "Invalid comparator 'LIKE' for metric 'acc' in clause 'metrics.acc LIKE 1'",
        "=, !=, >, >=, <, <=");
    rejected("params.a > 'x'", "Invalid comparator '>' for param 'a'");
    rejected("tags.a IN ('x')", "Invalid comparator 'IN' for tag 'a'");
    rejected("status IN ('A')", "Invalid comparator 'IN' for attribute 'status'", "run_id");
    rejected("run_name NOT IN ('A')", "Invalid comparator 'NOT IN' for attribute 'run_name'");
    rejected("start_time LIKE '1'", "Invalid comparator 'LIKE' for attribute 'start_time'");
    rejected("datasets.name > 'x'", "Invalid comparator '>' for dataset 'name'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"==", "<>", "=>", "!", "IS", "NOT LIKE", "CONTAINS"})
  void unknown_comparators_are_rejected(String op) {
    rejected("params.a " + op + " 'x'", "Invalid comparator '" + op + "'");
  }

  @Test
  void unquoted_strings_are_rejected() {
    rejected(
        "params.model = xgb",
        "Expected a quoted string value for param 'model'",
        "params.model = xgb");
    rejected("tags.t = 1", "Expected a quoted string value for tag 't'");
    rejected("status = FINISHED", "Expected a quoted string value for attribute 'status'");
    rejected("params.a = `x`", "Expected a quoted string value");
  }

  @Test
  void non_numeric_values_for_numbers_are_rejected() {
    rejected("metrics.a > '1'", "Expected a numeric value for metric 'a'");
    rejected("metrics.a > NaN", "Expected a numeric value for metric 'a'");
    rejected("start_time > 'x'", "Expected a numeric value for attribute 'start_time'");
    rejected("metrics.a > 1abc", "Expected a numeric value", "1abc");
    rejected("metrics.a > 1e999", "out of range");
  }

  @Test
  void unterminated_quotes_are_rejected() {
    rejected("params.a = 'xgb", "Invalid clause(s) in filter string", "never closed");
    rejected("params.a = \"xgb", "never closed");
    rejected("params.`a = 'x'", "never closed");
    rejected("run_id IN ('a', 'b", "never closed");
  }

  @Test
  void trailing_garbage_and_incomplete_clauses_are_rejected() {
    rejected("metrics.a > 1 garbage", "Invalid clause(s) in filter string: 'garbage'");
    rejected("metrics.a > 1;", "Invalid clause(s) in filter string: ';'");
    rejected("metrics.a > 1 AND", "Expected a comparison after AND");
    rejected("metrics.a > 1 AND AND metrics.b > 1", "Invalid clause(s)");
    rejected("metrics.a >", "Expected a value");
    rejected("metrics.a", "Expected a comparator");
    rejected("metrics. > 1", "Expected a key");
    rejected("= 'x'", "Expected an identifier");
    rejected("params.a = 'x' 'y'", "Invalid clause(s) in filter string: ''y''");
  }

  @Test
  void malformed_lists_are_rejected() {
    rejected("run_id IN ()", "non-empty list of quoted strings");
    rejected("run_id IN (a, b)", "non-empty list of quoted strings");
    rejected("run_id IN ('a' 'b')", "non-empty list of quoted strings");
    rejected("run_id IN ('a'", "never closed with ')'");
    rejected("run_id IN 'a'", "Expected a parenthesised list");
    rejected("run_id = ('a')", "only allowed with IN and NOT IN");
  }

  @Test
  void like_pattern_ending_in_a_lone_escape_is_rejected() {
    rejected("params.a LIKE 'x\\'", "ends with the escape character");
    assertThat(one("params.a LIKE 'x\\\\'").value()).isEqualTo(text("x\\\\"));
    assertThat(one("params.a = 'x\\'").value()).isEqualTo(text("x\\"));
  }

  @Test
  void experiment_filters_reject_run_entities_and_operators() {
    rejectedForExperiments("metrics.a > 1", "Invalid entity type 'metrics'");
    rejectedForExperiments("attributes.name = 'x'", "Invalid entity type 'attributes'");
    rejectedForExperiments("name IN ('a')", "Invalid comparator 'IN' for attribute 'name'");
    rejectedForExperiments("tags.a > 1", "Invalid comparator '>' for tag 'a'");
    rejectedForExperiments("experiment_id = 1", "Invalid attribute key 'experiment_id'");
    rejectedForExperiments("run_id = 'x'", "Invalid attribute key 'run_id'");
    rejectedForExperiments("creation_time > 'x'", "Expected a numeric value");
    rejectedForExperiments("name = 'a' OR name = 'b'", "Invalid clause(s)");
  }
}
