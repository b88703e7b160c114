package dev.keel.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {
  private static ColumnType parse(String text) {
    return ColumnType.parse("columns[0].type_text", text);
  }

  @Test
  void flat_types_parse_as_before() {
    assertThat(parse("bigint")).isEqualTo(ColumnType.LONG);
    assertThat(parse("LONG")).isEqualTo(ColumnType.LONG);
    assertThat(parse("Integer")).isEqualTo(ColumnType.INT);
    assertThat(parse(" decimal( 10 , 2 ) ")).isEqualTo(ColumnType.decimal(10, 2));
    assertThat(parse("decimal")).isEqualTo(ColumnType.decimal(10, 0));
    assertThat(ColumnType.LONG.typeText()).isEqualTo("bigint");
    assertThat(ColumnType.INT.sparkJsonType()).isEqualTo("integer");
    assertThat(ColumnType.decimal(10, 2).sparkJsonType()).isEqualTo("decimal(10,2)");
    assertThat(ColumnType.DOUBLE.isNested()).isFalse();
  }

  @Test
  void monitoring_types_parse_into_nested_types() {
    ColumnType window = parse("struct<start:timestamp,end:timestamp>");
    assertThat(window)
        .isEqualTo(
            ColumnType.struct(
                List.of(
                    ColumnType.Field.of("start", ColumnType.TIMESTAMP),
                    ColumnType.Field.of("end", ColumnType.TIMESTAMP))));
    assertThat(window.typeName()).isEqualTo("STRUCT");
    assertThat(parse("ARRAY<DOUBLE>")).isEqualTo(ColumnType.array(ColumnType.DOUBLE));
    assertThat(parse("array<struct<item:string,count:bigint>>").elementType().fields())
        .extracting(ColumnType.Field::name)
        .containsExactly("item", "count");
    ColumnType precision =
        parse("STRUCT< one_vs_all : MAP<STRING, DOUBLE>, macro DOUBLE, weighted: double>");
    assertThat(precision.fields().get(0).type())
        .isEqualTo(ColumnType.map(ColumnType.STRING, ColumnType.DOUBLE));
    assertThat(precision.fields().get(1).type()).isEqualTo(ColumnType.DOUBLE);
    assertThat(parse("map<int,array<map<string,decimal(5,2)>>>").valueType().elementType())
        .isEqualTo(ColumnType.map(ColumnType.STRING, ColumnType.decimal(5, 2)));
    assertThat(parse("struct<`Count`:long NOT NULL>").fields().get(0))
        .isEqualTo(new ColumnType.Field("count", ColumnType.LONG, false));
  }

  @Test
  void type_text_is_canonical_and_parses_back_to_the_same_type() {
    for (String text :
        List.of(
            "struct<start:timestamp,end:timestamp>",
            "array<double>",
            "map<string,double>",
            "array<struct<item:string,count:bigint>>",
            "struct<one_vs_all:map<string,double>,macro:double,weighted:double>",
            "struct<a:int NOT NULL,b:array<array<date>>,c:map<bigint,struct<x:decimal(10,2)>>>")) {
      ColumnType t = parse(text);
      assertThat(t.typeText()).isEqualTo(text);
      assertThat(parse(t.typeText())).isEqualTo(t);
      assertThat(parse(t.typeText().toUpperCase(java.util.Locale.ROOT))).isEqualTo(t);
    }
    assertThat(parse("Struct < A : Int , B : BigInt >").typeText())
        .isEqualTo("struct<a:int,b:bigint>");
  }

  @Test
  void spark_json_of_nested_types_is_spark_s_data_type_json() {
    assertThat(parse("struct<start:timestamp,end:timestamp NOT NULL>").sparkJsonType())
        .isEqualTo(
            "{\"type\":\"struct\",\"fields\":["
                + "{\"name\":\"start\",\"type\":\"timestamp\",\"nullable\":true,\"metadata\":{}},"
                + "{\"name\":\"end\",\"type\":\"timestamp\",\"nullable\":false,\"metadata\":{}}]}");
    assertThat(parse("array<int>").sparkJsonType())
        .isEqualTo("{\"type\":\"array\",\"elementType\":\"integer\",\"containsNull\":true}");
    assertThat(parse("map<string,array<bigint>>").sparkJsonType())
        .isEqualTo(
            "{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":"
                + "{\"type\":\"array\",\"elementType\":\"long\",\"containsNull\":true},"
                + "\"valueContainsNull\":true}");
  }

  @Test
  void bad_type_text_is_refused_naming_the_field_and_the_reason() {
    assertRefused("struct<>", "expected a field name");
    assertRefused("array<double", "expected '>' at the end");
    assertRefused("array<>", "expected a type");
    assertRefused("map<string>", "expected ','");
    assertRefused("struct<a:int,a:string>", "'a' appears twice");
    assertRefused("struct<a:whatever>", "unsupported type 'whatever'");
    assertRefused("array<binary>", "BINARY is not supported inside ARRAY");
    assertRefused("map<array<int>,int>", "MAP keys must be a flat type");
    assertRefused("array<decimal(40,2)>", "precision must be 1 to 38");
    assertRefused("struct<a:int> x", "unexpected 'x'");
    assertRefused("struct<a:int COMMENT 'x'>", "field comments are not supported");
    assertRefused("struct<a-b:int>", "expected a type (at character 9)");
    assertRefused("struct", "STRUCT needs its parts");
    assertRefused("array<".repeat(20) + "int" + ">".repeat(20), "nest at most 16 levels");
    assertRefused("varchar(3)", "unsupported type 'varchar(3)'");
    assertRefused("timestamp_ntz", "TIMESTAMP_NTZ is not supported");
  }

  private static void assertRefused(String text, String reason) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOf(KeelException.class)
        .satisfies(
            e -> assertThat(((KeelException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("'columns[0].type_text'")
        .hasMessageContaining(reason);
  }
}
