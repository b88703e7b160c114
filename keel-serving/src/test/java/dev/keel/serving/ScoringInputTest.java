package dev.keel.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.mlmodel.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class ScoringInputTest {
  private static final String JSON = "application/json";

  private static final ModelSignature FOUR_DOUBLES =
      columns(
          col("f0", ColumnType.DOUBLE),
          col("f1", ColumnType.DOUBLE),
          col("f2", ColumnType.DOUBLE),
          col("f3", ColumnType.DOUBLE));

  private static final ModelSignature MIXED =
      columns(
          col("x", ColumnType.FLOAT),
          col("n", ColumnType.INTEGER),
          col("big", ColumnType.LONG),
          col("ok", ColumnType.BOOLEAN),
          col("s", ColumnType.STRING));

  private static ColumnSpec col(String name, ColumnType type) {
    return new ColumnSpec(Optional.of(name), type, true);
  }

  private static ModelSignature columns(SchemaSpec... specs) {
    return new ModelSignature(List.of(specs), List.of(), Optional.empty());
  }

  private static InputBatch parse(String contentType, String body, ModelSignature sig) {
    return ScoringInput.parse(contentType, body.getBytes(StandardCharsets.UTF_8), sig);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> bad(
      String contentType, String body, ModelSignature sig) {
    return assertThatThrownBy(() -> parse(contentType, body, sig))
        .isInstanceOf(KeelException.class)
        .satisfies(
            e ->
                assertThat(((KeelException) e).code())
                    .isIn(ErrorCode.INVALID_ARGUMENT, ErrorCode.UNSUPPORTED_MEDIA_TYPE));
  }

  @Test
  void values_are_converted_to_the_signature_types() {
    InputBatch b =
        parse(
            JSON,
            "{\"dataframe_records\": [{\"x\": 1, \"n\": 7, \"big\": 9007199254740993, \"ok\": true,"
                + " \"s\": \"a\", \"extra\": [1]}, {\"x\": null, \"n\": -2, \"big\": 0, \"ok\": false,"
                + " \"s\": \"\"}]}",
            MIXED);
    assertThat(b.rows()).isEqualTo(2);
    assertThat(b.names()).containsExactly("x", "n", "big", "ok", "s"); // "extra" ignored
    assertThat(b.column("x").orElseThrow().doubles()[0]).isEqualTo(1.0);
    assertThat(Double.isNaN(b.column("x").orElseThrow().doubles()[1])).isTrue();
    assertThat(b.column("n").orElseThrow().longs()).containsExactly(7, -2);
    assertThat(b.column("big").orElseThrow().longs()).containsExactly(9007199254740993L, 0);
    assertThat(b.column("ok").orElseThrow().booleans()).containsExactly(true, false);
    assertThat(b.column("s").orElseThrow().strings()).containsExactly("a", "");
  }

  @Test
  void csv_with_quotes_and_signature_types() {
    InputBatch b =
        parse("text/csv; charset=utf-8", "s,ok,n,big,x\n\"a,\"\"b\"\"\",True,3,4,1.5e0\n", MIXED);
    assertThat(b.column("s").orElseThrow().strings()).containsExactly("a,\"b\"");
    assertThat(b.column("ok").orElseThrow().booleans()).containsExactly(true);
    assertThat(b.column("x").orElseThrow().doubles()).containsExactly(1.5);
  }

  @Test
  void optional_columns_absent_are_nan() {
    ModelSignature sig =
        columns(
            col("a", ColumnType.DOUBLE),
            new ColumnSpec(Optional.of("b"), ColumnType.DOUBLE, false));
    InputBatch b = parse(JSON, "{\"inputs\": {\"a\": [1, 2]}}", sig);
    assertThat(b.column("b").orElseThrow().doubles()).containsExactly(Double.NaN, Double.NaN);
  }

  @Test
  void tensor_signatures_take_nested_lists_and_check_shape() {
    ModelSignature sig =
        new ModelSignature(
            List.of(new TensorSpec(Optional.of("x"), "float32", List.of(-1L, 2L, 2L))),
            List.of(),
            Optional.empty());
    InputBatch b = parse(JSON, "{\"inputs\": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]}", sig);
    assertThat(b.rows()).isEqualTo(2);
    assertThat(b.columns().get(0).shape()).containsExactly(2, 2, 2);
    assertThat(b.columns().get(0).doubles()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(parse(JSON, "{\"inputs\": {\"x\": [[[1, 2], [3, 4]]]}}", sig).rows()).isEqualTo(1);
    assertThat(parse(JSON, "{\"instances\": [[[1, 2], [3, 4]]]}", sig).rows()).isEqualTo(1);
    bad(JSON, "{\"inputs\": [[1, 2], [3, 4]]}", sig).hasMessageContaining("'x' has shape [2, 2]");
    bad(JSON, "{\"inputs\": [[[1, 2], [3]], [[5, 6], [7, 8]]]}", sig)
        .hasMessageContaining("'x' is ragged");
    bad(JSON, "{\"inputs\": {\"y\": [[[1, 2], [3, 4]]]}}", sig)
        .hasMessageContaining("missing input tensors [x]");
  }

  // ------------------------------------------------------------------ bad inputs, per format

  @Test
  void wrong_column_names_are_refused_naming_the_missing_columns() {
    String split =
        "{\"dataframe_split\": {\"columns\": [\"a\", \"b\", \"c\", \"d\"], \"data\": [[1, 2, 3, 4]]}}";
    bad(JSON, split, FOUR_DOUBLES).hasMessageContaining("Model is missing inputs [f0, f1, f2, f3]");
    bad(
            JSON,
            "{\"dataframe_records\": [{\"f0\": 1, \"f1\": 2, \"f2\": 3, \"F3\": 4}]}",
            FOUR_DOUBLES)
        .hasMessageContaining("missing inputs [f3]");
    bad(JSON, "{\"instances\": [{\"f0\": 1, \"f1\": 2, \"f2\": 3, \"g\": 4}]}", FOUR_DOUBLES)
        .hasMessageContaining("missing inputs [f3]");
    bad(JSON, "{\"inputs\": {\"f0\": [1], \"f1\": [2], \"f2\": [3]}}", FOUR_DOUBLES)
        .hasMessageContaining("missing inputs [f3]");
    bad("text/csv", "f0,f1,x,f3\n1,2,3,4\n", FOUR_DOUBLES)
        .hasMessageContaining("missing inputs [f2]");
  }

  @Test
  void wrong_types_are_refused_naming_the_column_and_row() {
    bad(
            JSON,
            "{\"dataframe_split\": {\"columns\": [\"f0\", \"f1\", \"f2\", \"f3\"], \"data\": [[1, 2, 3, 4], [1, \"x\", 3, 4]]}}",
            FOUR_DOUBLES)
        .hasMessageContaining("Input 'f1' (row 1): expected double, got string 'x'");
    bad(
            JSON,
            "{\"dataframe_records\": [{\"f0\": 1, \"f1\": 2, \"f2\": true, \"f3\": 4}]}",
            FOUR_DOUBLES)
        .hasMessageContaining("Input 'f2' (row 0): expected double, got boolean true");
    bad(JSON, "{\"instances\": [[1, 2, 3, [4]]]}", FOUR_DOUBLES)
        .hasMessageContaining("Input 'f3' (row 0): expected double, got an array");
    bad(JSON, "{\"inputs\": {\"f0\": [1], \"f1\": [2], \"f2\": [3], \"f3\": [{}]}}", FOUR_DOUBLES)
        .hasMessageContaining("Input 'f3' (row 0): expected double, got an object");
    bad("text/csv", "f0,f1,f2,f3\n1,2,abc,4\n", FOUR_DOUBLES)
        .hasMessageContaining("Input 'f2' (row 0): expected double, got 'abc'");
    bad("text/csv", "f0,f1,f2,f3\n1,2,NaN,4\n", FOUR_DOUBLES).hasMessageContaining("'NaN'");
    String mixedRow = "\"x\": 1, \"big\": 1, \"ok\": true, \"s\": \"a\"";
    bad(JSON, "{\"dataframe_records\": [{" + mixedRow + ", \"n\": 1.5}]}", MIXED)
        .hasMessageContaining("Input 'n' (row 0): expected integer, got number 1.5");
    bad(JSON, "{\"dataframe_records\": [{" + mixedRow + ", \"n\": 3000000000}]}", MIXED)
        .hasMessageContaining("out of range for integer");
    bad(
            JSON,
            "{\"dataframe_records\": [{\"x\": 1, \"n\": 1, \"big\": 1, \"ok\": \"yes\", \"s\": \"a\"}]}",
            MIXED)
        .hasMessageContaining("Input 'ok' (row 0): expected boolean");
    bad(
            JSON,
            "{\"dataframe_records\": [{\"x\": 1, \"n\": 1, \"big\": 1, \"ok\": true, \"s\": 5}]}",
            MIXED)
        .hasMessageContaining("Input 's' (row 0): expected string, got integer 5");
    bad(
            JSON,
            "{\"dataframe_records\": [{\"x\": 1e300, \"n\": 1, \"big\": 1, \"ok\": true, \"s\": \"a\"}]}",
            MIXED)
        .hasMessageContaining("out of range for float");
  }

  @Test
  void null_is_refused_where_not_allowed() {
    bad(
            JSON,
            "{\"dataframe_records\": [{\"x\": 1, \"n\": null, \"big\": 1, \"ok\": true, \"s\": \"a\"}]}",
            MIXED)
        .hasMessageContaining(
            "Input 'n' (row 0): missing value (null) is not allowed for type integer");
    bad(JSON, "{\"dataframe_records\": [{\"x\": 1, \"n\": 1, \"big\": 1, \"ok\": true}]}", MIXED)
        .hasMessageContaining("missing inputs [s]");
    bad("text/csv", "x,n,big,ok,s\n1,,1,true,a\n", MIXED)
        .hasMessageContaining("Input 'n' (row 0): missing value");
  }

  @Test
  void missing_columns_in_positional_formats_are_ragged_rows() {
    bad(JSON, "{\"instances\": [[1, 2, 3, 4], [1, 2, 3]]}", FOUR_DOUBLES)
        .hasMessageContaining("'instances' row 1 has 3 values, the signature has 4 columns");
    bad(JSON, "{\"inputs\": [[1, 2, 3]]}", FOUR_DOUBLES).hasMessageContaining("ragged");
    bad(
            JSON,
            "{\"dataframe_split\": {\"columns\": [\"f0\", \"f1\", \"f2\", \"f3\"], \"data\": [[1, 2, 3, 4], [1, 2, 3]]}}",
            FOUR_DOUBLES)
        .hasMessageContaining("row 1 has 3 values but there are 4 columns (ragged rows)");
    bad(JSON, "{\"inputs\": {\"f0\": [1, 2], \"f1\": [2], \"f2\": [3], \"f3\": [4]}}", FOUR_DOUBLES)
        .hasMessageContaining("'inputs' column 'f1' has 1 values, other columns have 2");
  }

  @Test
  void csv_with_ragged_rows_is_refused() {
    bad("text/csv", "f0,f1,f2,f3\n1,2,3,4\n1,2,3\n", FOUR_DOUBLES)
        .hasMessageContaining("CSV row 2 has 3 fields but the header has 4 (ragged rows)");
    bad("text/csv", "f0,f1,f2,f3\n1,2,3,4,5\n", FOUR_DOUBLES).hasMessageContaining("ragged");
    bad("text/csv", "f0,f1,f2,f3\n\"1,2,3,4\n", FOUR_DOUBLES)
        .hasMessageContaining("inside a quoted field");
  }

  @Test
  void empty_bodies_and_empty_inputs_are_refused() {
    bad(JSON, "", FOUR_DOUBLES).hasMessage("The request body is empty");
    bad("text/csv", "", FOUR_DOUBLES).hasMessage("The request body is empty");
    bad(JSON, "   ", FOUR_DOUBLES).hasMessage("The request body is empty");
    bad("text/csv", "\n\n", FOUR_DOUBLES).hasMessageContaining("needs a header row");
    bad("text/csv", "f0,f1,f2,f3\n", FOUR_DOUBLES).hasMessageContaining("no rows");
    bad(JSON, "{}", FOUR_DOUBLES).hasMessageContaining("has none of the keys");
    bad(JSON, "{\"dataframe_split\": {\"columns\": [\"f0\"], \"data\": []}}", FOUR_DOUBLES)
        .hasMessageContaining("no rows");
    bad(JSON, "{\"dataframe_records\": []}", FOUR_DOUBLES).hasMessageContaining("no rows");
    bad(JSON, "{\"instances\": []}", FOUR_DOUBLES).hasMessageContaining("no rows");
    bad(JSON, "{\"inputs\": {}}", FOUR_DOUBLES).hasMessageContaining("no rows");
  }

  @Test
  void protocol_errors_are_refused() {
    bad(JSON, "[[1, 2, 3, 4]]", FOUR_DOUBLES).hasMessageContaining("MLflow 2.0 scoring protocol");
    bad(JSON, "{\"instances\": [[1,2,3,4]], \"inputs\": [[1,2,3,4]]}", FOUR_DOUBLES)
        .hasMessageContaining("both 'instances' and 'inputs'");
    bad(JSON, "{\"rows\": []}", FOUR_DOUBLES).hasMessageContaining("Unknown key 'rows'");
    bad(JSON, "{\"instances\": [[1, 2, 3, 4]]", FOUR_DOUBLES)
        .hasMessageContaining("not valid JSON");
    bad(JSON, "{\"instances\": [[1, 2, 3, 4]]} {}", FOUR_DOUBLES)
        .hasMessageContaining("not valid JSON");
    bad(JSON, "{\"instances\": [[NaN, 2, 3, 4]]}", FOUR_DOUBLES)
        .hasMessageContaining("not valid JSON");
    bad(JSON, "{\"a\": 1, \"a\": 2}", FOUR_DOUBLES).hasMessageContaining("not valid JSON");
    bad("application/xml", "<x/>", FOUR_DOUBLES).hasMessageContaining("is not supported");
    bad("application/json; charset=latin-1", "{}", FOUR_DOUBLES)
        .hasMessageContaining("only charset=utf-8");
    assertThat(
            parse("Application/JSON; charset=UTF-8", "{\"instances\": [[1,2,3,4]]}", FOUR_DOUBLES)
                .rows())
        .isEqualTo(1);
  }

  @Test
  void deeply_nested_json_is_refused_fast() {
    String deep = "{\"inputs\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    bad(JSON, deep, FOUR_DOUBLES).hasMessageContaining("nested too deeply");
    String deepObject =
        "{\"inputs\": {\"f0\": " + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + "}}";
    bad(JSON, deepObject, FOUR_DOUBLES).hasMessageContaining("nested too deeply");
  }

  @Test
  void row_and_value_limits_are_enforced() {
    ScoringLimits limits = new ScoringLimits(2, 32, 1_000);
    byte[] three =
        "{\"instances\": [[1,2,3,4],[1,2,3,4],[1,2,3,4]]}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ScoringInput.parse(JSON, three, FOUR_DOUBLES, limits))
        .hasMessageContaining("'instances' has 3 rows; at most 2 are accepted per request");
    byte[] csv = "f0,f1,f2,f3\n1,2,3,4\n1,2,3,4\n1,2,3,4\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ScoringInput.parse("text/csv", csv, FOUR_DOUBLES, limits))
        .hasMessageContaining("more than 2 rows");
    ScoringLimits values = new ScoringLimits(100, 32, 7);
    byte[] two = "{\"instances\": [[1,2,3,4],[1,2,3,4]]}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ScoringInput.parse(JSON, two, FOUR_DOUBLES, values))
        .hasMessageContaining("more than 7 values");
  }

  @Test
  void invalid_utf8_csv_is_refused() {
    byte[] body = {'f', '0', '\n', (byte) 0xC3, (byte) 0x28, '\n'};
    assertThatThrownBy(() -> ScoringInput.parse("text/csv", body, FOUR_DOUBLES))
        .hasMessage("The request body is not valid UTF-8");
  }
}
