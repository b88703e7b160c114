package dev.keel.client;

import java.util.Map;
import java.util.Objects;

/**
 * A feature computed by a Java function registered on the server from columns of the joined row.
 *
 * @param function the function's registered name
 * @param inputBindings the function's parameter → a column of the joined row
 * @param outputName the output column
 */
public record OnDemandFeature(
    String function, Map<String, String> inputBindings, String outputName) {
  public OnDemandFeature {
    Objects.requireNonNull(function, "function");
    inputBindings = Map.copyOf(inputBindings);
    Objects.requireNonNull(outputName, "outputName");
  }
}
