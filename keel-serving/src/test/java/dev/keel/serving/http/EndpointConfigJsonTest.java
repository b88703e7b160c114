package dev.keel.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.core.KeelException;
import dev.keel.serving.endpoints.EndpointConfig;
import dev.keel.serving.endpoints.InferenceTableConfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointConfigJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void defaults_name_and_full_traffic_for_one_entity_and_round_trips() throws Exception {
    EndpointConfig c =
        EndpointConfigJson.parse(
            json(
                "{\"served_entities\":[{\"entity_name\":\"main.default.churn\","
                    + "\"entity_version\":\"@champion\"}]}"));
    assertThat(c.servedEntities().get(0).name()).isEqualTo("churn-champion");
    assertThat(c.servedEntities().get(0).alias()).hasValue("champion");
    assertThat(c.percentage("churn-champion")).isEqualTo(100);
    assertThat(EndpointConfigJson.parse(EndpointConfigJson.write(c))).isEqualTo(c);
    EndpointConfig v =
        EndpointConfigJson.parse(
            json(
                "{\"served_entities\":[{\"entity_name\":\"main.default.churn\","
                    + "\"entity_version\":3}]}"));
    assertThat(v.servedEntities().get(0).name()).isEqualTo("churn-3");
    assertThat(v.servedEntities().get(0).alias()).isEmpty();
  }

  @Test
  void bad_configs_name_the_field() {
    assertThatThrownBy(() -> EndpointConfigJson.parse(json("{\"served_entities\":[]}")))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("served_entities");
    assertThatThrownBy(
            () ->
                EndpointConfigJson.parse(
                    json(
                        "{\"served_entities\":[{\"entity_name\":\"churn\","
                            + "\"entity_version\":\"1\"}]}")))
        .hasMessageContaining("entity_name");
    assertThatThrownBy(
            () ->
                EndpointConfigJson.parse(
                    json(
                        "{\"served_entities\":[{\"entity_name\":\"a.b.c\","
                            + "\"entity_version\":\"latest\"}]}")))
        .hasMessageContaining("entity_version");
    String two =
        "{\"served_entities\":[{\"name\":\"x\",\"entity_name\":\"a.b.c\",\"entity_version\":\"1\"},"
            + "{\"name\":\"y\",\"entity_name\":\"a.b.c\",\"entity_version\":\"2\"}]";
    assertThatThrownBy(() -> EndpointConfigJson.parse(json(two + "}")))
        .hasMessageContaining("traffic_config");
    assertThatThrownBy(
            () ->
                EndpointConfigJson.parse(
                    json(
                        two
                            + ",\"traffic_config\":{\"routes\":[{\"served_entity_name\":\"x\","
                            + "\"traffic_percentage\":90},{\"served_entity_name\":\"q\","
                            + "\"traffic_percentage\":10}]}}")))
        .hasMessageContaining("'q' is not a served entity");
    assertThatThrownBy(
            () ->
                EndpointConfigJson.parse(
                    json(
                        two
                            + ",\"traffic_config\":{\"routes\":[{\"served_entity_name\":\"x\","
                            + "\"traffic_percentage\":90},{\"served_entity_name\":\"y\","
                            + "\"traffic_percentage\":5}]}}")))
        .hasMessageContaining("sum to 95");
    assertThatThrownBy(
            () ->
                EndpointConfigJson.parse(
                    json(
                        "{\"served_entities\":[{\"name\":\"x\",\"entity_name\":\"a.b.c\","
                            + "\"entity_version\":\"1\"},{\"name\":\"x\",\"entity_name\":\"a.b.c\","
                            + "\"entity_version\":\"2\"}]}")))
        .hasMessageContaining("used by two");
    assertThatThrownBy(() -> EndpointConfig.endpointName("no spaces")).hasMessageContaining("name");
  }

  @Test
  void ai_gateway_round_trips_is_optional_and_names_a_bad_field() throws Exception {
    InferenceTableConfig t = new InferenceTableConfig("main", "default", "ep", true);
    assertThat(EndpointConfigJson.aiGateway(EndpointConfigJson.aiGatewayJson(t))).hasValue(t);
    assertThat(EndpointConfigJson.aiGateway(json("{}").path("ai_gateway"))).isEmpty();
    assertThat(EndpointConfigJson.aiGateway(json("{}"))).isEqualTo(Optional.empty());
    assertThatThrownBy(() -> EndpointConfigJson.aiGateway(json("[1]")))
        .hasMessageContaining("'ai_gateway' must be an object");
    assertThatThrownBy(
            () ->
                EndpointConfigJson.aiGateway(
                    json(
                        "{\"inference_table_config\":{\"catalog_name\":\"main\","
                            + "\"schema_name\":\"no-dash\",\"table_name_prefix\":\"p\"}}")))
        .hasMessageContaining("ai_gateway.inference_table_config.schema_name");
  }
}
