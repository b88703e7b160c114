package dev.keel.serving.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrafficSplitTest {

  @Test
  void ninety_ten_over_100000_decisions_lands_within_one_percent() {
    TrafficSplit split =
        new TrafficSplit(
            List.of(new EndpointConfig.Route("a", 90), new EndpointConfig.Route("b", 10)));
    SplittableRandom random = new SplittableRandom(20261126L);
    Map<String, Integer> counts = new HashMap<>();
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      counts.merge(split.pick(random.nextDouble()), 1, Integer::sum);
    }
    assertThat(counts.get("a") / (double) n).isBetween(0.89, 0.91);
    assertThat(counts.get("b") / (double) n).isBetween(0.09, 0.11);
  }

  @Test
  void boundaries_follow_the_percentages_and_zero_routes_are_never_picked() {
    TrafficSplit split =
        new TrafficSplit(
            List.of(
                new EndpointConfig.Route("a", 90),
                new EndpointConfig.Route("z", 0),
                new EndpointConfig.Route("b", 10)));
    assertThat(split.pick(0.0)).isEqualTo("a");
    assertThat(split.pick(0.8999)).isEqualTo("a");
    assertThat(split.pick(0.9)).isEqualTo("b");
    assertThat(split.pick(0.99999999)).isEqualTo("b");
    assertThat(split.pick(1.0)).isEqualTo("b");
    assertThatThrownBy(() -> new TrafficSplit(List.of(new EndpointConfig.Route("a", 50))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
