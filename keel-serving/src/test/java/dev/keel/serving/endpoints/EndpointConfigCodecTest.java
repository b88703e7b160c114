package dev.keel.serving.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.serving.http.EndpointConfigJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointConfigCodecTest {
  private static final EndpointConfig AB =
      new EndpointConfig(
          List.of(
              new EndpointConfig.ServedEntity("a", "main.default.churn", "3"),
              new EndpointConfig.ServedEntity("b", "main.default.churn", "@champion"),
              new EndpointConfig.ServedEntity("c", "main.other.fraud", "12")),
          List.of(
              new EndpointConfig.Route("a", 80),
              new EndpointConfig.Route("b", 20),
              new EndpointConfig.Route("c", 0)));

  @Test
  void write_then_read_round_trips_and_writes_format_version_1() {
    String text = EndpointConfigCodec.write(AB);
    assertThat(text).startsWith("{\"format_version\":1,");
    assertThat(EndpointConfigCodec.read(text)).isEqualTo(AB);
  }

  @Test
  void a_row_written_before_format_version_reads_as_version_1() {
    // what the store wrote before the codec: the wire JSON of AB (then EndpointConfig.toJson()),
    // verbatim
    String old =
        "{\"served_entities\":["
            + "{\"name\":\"a\",\"entity_name\":\"main.default.churn\",\"entity_version\":\"3\"},"
            + "{\"name\":\"b\",\"entity_name\":\"main.default.churn\","
            + "\"entity_version\":\"@champion\"},"
            + "{\"name\":\"c\",\"entity_name\":\"main.other.fraud\",\"entity_version\":\"12\"}],"
            + "\"traffic_config\":{\"routes\":["
            + "{\"served_entity_name\":\"a\",\"traffic_percentage\":80},"
            + "{\"served_entity_name\":\"b\",\"traffic_percentage\":20},"
            + "{\"served_entity_name\":\"c\",\"traffic_percentage\":0}]}}";
    assertThat(EndpointConfigCodec.read(old)).isEqualTo(AB);
    assertThat(EndpointConfigCodec.read(EndpointConfigJson.write(AB).toString())).isEqualTo(AB);
    assertThat(EndpointConfigCodec.read(old.replace("{\"served", "{\"format_version\":1,\"served")))
        .isEqualTo(AB);
  }

  @Test
  void a_newer_format_version_fails_naming_it() {
    String newer =
        EndpointConfigCodec.write(AB).replace("\"format_version\":1", "\"format_version\":2");
    assertThatThrownBy(() -> EndpointConfigCodec.read(newer))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR))
        .hasMessageContaining("format_version 2")
        .hasMessageContaining("newer than this Keel reads (up to 1)");
  }

  @Test
  void an_unreadable_row_fails_saying_what_is_wrong() {
    assertThatThrownBy(() -> EndpointConfigCodec.read("not json"))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("unreadable: it is not JSON");
    assertThatThrownBy(() -> EndpointConfigCodec.read("[1]"))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> EndpointConfigCodec.read("{\"format_version\":\"one\"}"))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("invalid format_version \"one\" (expected a positive integer)");
    assertThatThrownBy(() -> EndpointConfigCodec.read("{\"format_version\":1}"))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("'served_entities' is not a non-empty list");
    String noName = EndpointConfigCodec.write(AB).replace("\"name\":\"a\",", "");
    assertThatThrownBy(() -> EndpointConfigCodec.read(noName))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR))
        .hasMessageContaining("'served_entities[0].name' is not a non-empty string");
    String noRoutes = EndpointConfigCodec.write(AB).replaceAll(",\"traffic_config\".*}$", "}");
    assertThatThrownBy(() -> EndpointConfigCodec.read(noRoutes))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("'traffic_config.routes' is not a non-empty list");
  }
}
