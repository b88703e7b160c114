package dev.keel.serving.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.store.Database;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link EndpointStore} does; subclasses give the store. */
abstract class EndpointStoreContract {
  abstract EndpointStore store();

  /** The database under {@link #store()} (call after it). */
  abstract Database db();

  static EndpointConfig config(String version) {
    return new EndpointConfig(
        List.of(new EndpointConfig.ServedEntity("e", "main.default.m", version)),
        List.of(new EndpointConfig.Route("e", 100)));
  }

  static ServingEndpoint endpoint(String name) {
    return new ServingEndpoint(
        "id-" + name,
        name,
        Optional.of("desc"),
        Map.of("team", "ml"),
        Optional.empty(),
        0,
        Optional.of(config("1")),
        ConfigUpdateState.IN_PROGRESS,
        Optional.empty(),
        Optional.of(new InferenceTableConfig("main", "default", "ep", true)),
        1000,
        "keel",
        1000);
  }

  @Test
  void insert_get_update_list_delete_round_trip_every_field() {
    EndpointStore s = store();
    ServingEndpoint e = endpoint("b-ep");
    s.insert(e);
    s.insert(endpoint("a-ep"));
    assertThat(s.get("b-ep")).hasValue(e);
    assertThatThrownBy(() -> s.insert(endpoint("b-ep")))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("already exists");
    ServingEndpoint active = e.activated(config("@champion"), 1, 2000);
    assertThat(s.update(active)).isTrue();
    assertThat(s.get("b-ep")).hasValue(active);
    ServingEndpoint failed = active.updating(config("2"), 3000).failed("boom", 4000);
    s.update(failed);
    assertThat(s.get("b-ep").orElseThrow().updateMessage()).hasValue("boom");
    assertThat(s.get("b-ep").orElseThrow().config()).hasValue(config("@champion"));
    assertThat(s.list()).extracting(ServingEndpoint::name).containsExactly("a-ep", "b-ep");
    assertThat(s.delete("b-ep")).isTrue();
    assertThat(s.delete("b-ep")).isFalse();
    assertThat(s.get("b-ep")).isEmpty();
    assertThat(s.update(endpoint("nope"))).isFalse();
  }

  @Test
  void get_by_id_finds_the_endpoint_with_that_id_only() {
    EndpointStore s = store();
    ServingEndpoint a = endpoint("a-ep");
    ServingEndpoint b = endpoint("b-ep");
    s.insert(a);
    s.insert(b);
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(s.getById(b.id())).hasValue(b);
    assertThat(s.getById(a.id())).hasValue(a);
    assertThat(s.getById("no-such-id")).isEmpty();
    s.delete("b-ep");
    assertThat(s.getById(b.id())).isEmpty();
  }

  @Test
  void configs_are_stored_with_format_version_and_rows_without_it_still_read() {
    EndpointStore s = store();
    ServingEndpoint e = endpoint("ep").activated(config("@champion"), 1, 2000);
    s.insert(e);
    assertThat(column("config")).isEqualTo(EndpointConfigCodec.write(config("@champion")));
    assertThat(column("config")).contains("\"format_version\":1");
    // a row written before the config format was versioned
    String old =
        "{\"served_entities\":[{\"name\":\"e\",\"entity_name\":\"main.default.m\","
            + "\"entity_version\":\"@champion\"}],\"traffic_config\":{\"routes\":"
            + "[{\"served_entity_name\":\"e\",\"traffic_percentage\":100}]}}";
    setColumn("config", old);
    assertThat(s.get("ep")).hasValue(e);
    setColumn("config", old.replace("{\"served", "{\"format_version\":7,\"served"));
    assertThatThrownBy(() -> s.get("ep"))
        .isInstanceOfSatisfying(
            KeelException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.INTERNAL_ERROR))
        .hasMessageContaining("format_version 7");
  }

  @Test
  void ai_gateway_is_stored_with_format_version_and_rows_without_it_still_read() {
    EndpointStore s = store();
    ServingEndpoint e = endpoint("ep");
    s.insert(e);
    assertThat(column("ai_gateway"))
        .isEqualTo(AiGatewayCodec.write(e.inferenceTable().orElseThrow()))
        .startsWith("{\"format_version\":1,");
    // a row written before the ai_gateway format was versioned (the wire JSON, verbatim)
    String old =
        "{\"inference_table_config\":{\"catalog_name\":\"main\",\"schema_name\":\"default\","
            + "\"table_name_prefix\":\"ep\",\"enabled\":true}}";
    setColumn("ai_gateway", old);
    assertThat(s.get("ep")).hasValue(e);
    setColumn("ai_gateway", "{\"format_version\":1}");
    assertThat(s.get("ep").orElseThrow().inferenceTable()).isEmpty();
    setColumn("ai_gateway", old.replace("{\"inference", "{\"format_version\":3,\"inference"));
    assertThatThrownBy(() -> s.get("ep"))
        .isInstanceOfSatisfying(
            KeelException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.INTERNAL_ERROR))
        .hasMessageContaining("ai_gateway")
        .hasMessageContaining("format_version 3");
    setColumn("ai_gateway", old.replace("\"ep\"", "\"no-dash\""));
    assertThatThrownBy(() -> s.get("ep"))
        .isInstanceOfSatisfying(
            KeelException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.INTERNAL_ERROR))
        .hasMessageContaining("table_name_prefix");
  }

  private String column(String column) {
    return db().read(
            h ->
                h.createQuery("SELECT " + column + " FROM serving_endpoints")
                    .mapTo(String.class)
                    .one());
  }

  private void setColumn(String column, String value) {
    db().write(
            h ->
                h.createUpdate("UPDATE serving_endpoints SET " + column + " = :v")
                    .bind("v", value)
                    .execute());
  }
}
