package dev.keel.serving.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link EndpointStore} does; subclasses give the store. */
abstract class EndpointStoreContract {
  abstract EndpointStore store();

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
}
