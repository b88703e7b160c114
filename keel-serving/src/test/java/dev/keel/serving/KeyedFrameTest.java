package dev.keel.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.ModelSignature;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyedFrameTest {
  private static KeyedFrame read(String body) {
    return KeyedFrame.read(body.getBytes(StandardCharsets.UTF_8), "main.default.spec");
  }

  @Test
  void split_and_records_read_into_the_same_typed_columns() {
    KeyedFrame split =
        read(
            "{\"dataframe_split\":{\"columns\":[\"id\",\"x\",\"ok\"],"
                + "\"data\":[[7,1.5,true],[\"b\",null,false]]}}");
    KeyedFrame records =
        read(
            "{\"dataframe_records\":[{\"id\":7,\"x\":1.5,\"ok\":true},"
                + "{\"id\":\"b\",\"ok\":false}]}");
    for (KeyedFrame f : List.of(split, records)) {
      assertThat(f.rows()).isEqualTo(2);
      assertThat(f.has("id")).isTrue();
      assertThat(f.has("nope")).isFalse();
      assertThat(f.scalar("id", 0)).hasValue(7L);
      assertThat(f.scalar("id", 1)).hasValue("b");
      assertThat(f.scalar("x", 0)).hasValue(1.5);
      assertThat(f.scalar("x", 1)).isEmpty();
      assertThat(f.scalar("ok", 0)).hasValue(true);
      assertThat(f.scalar("nope", 0)).isEmpty();
    }
  }

  @Test
  void with_takes_request_columns_as_sent_and_the_rest_from_the_other_columns() {
    KeyedFrame f = read("{\"dataframe_records\":[{\"id\":1,\"x\":2.5},{\"id\":2,\"x\":3}]}");
    ModelSignature sig =
        new ModelSignature(
            List.of(
                new ColumnSpec(Optional.of("x"), ColumnType.DOUBLE, true),
                new ColumnSpec(Optional.of("f"), ColumnType.DOUBLE, true)),
            List.of(),
            Optional.empty());
    InputBatch b =
        f.with(
            List.of("x", "f"), Map.of("f", Arrays.asList(0.5, null)), sig, ScoringLimits.DEFAULT);
    assertThat(b.rows()).isEqualTo(2);
    assertThat(b.column("x").orElseThrow().doubles()).containsExactly(2.5, 3.0);
    assertThat(b.column("f").orElseThrow().doubleAt(0)).isEqualTo(0.5);
    assertThat(b.column("f").orElseThrow().doubleAt(1)).isNaN();
  }

  @Test
  void bad_bodies_and_content_types_say_what_is_wrong() {
    assertThatThrownBy(() -> KeyedFrame.requireJson("text/csv", "s"))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("feature spec 's' take JSON");
    KeyedFrame.requireJson("", "s");
    KeyedFrame.requireJson("application/json; charset=utf-8", "s");
    assertThatThrownBy(() -> read("{")).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> read("[1]")).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> read("{\"instances\":[]}"))
        .hasMessageContaining("dataframe_split or dataframe_records");
    assertThatThrownBy(() -> read("{\"dataframe_split\":{\"columns\":[\"a\"],\"data\":[[1,2]]}}"))
        .hasMessageContaining("'dataframe_split.data[0]' must hold 1 values");
    assertThatThrownBy(() -> read("{\"dataframe_records\":[1]}"))
        .hasMessageContaining("'dataframe_records[0]' must be an object");
  }
}
