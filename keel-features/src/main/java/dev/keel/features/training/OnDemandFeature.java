package dev.keel.features.training;

import dev.keel.core.KeelException;
import java.util.Map;

/**
 * One use of a registered {@link OnDemandFunction} in a training set (Databricks' FeatureFunction):
 * the function is named, not embedded, so the spec stays serializable.
 *
 * @param function the name the function is registered under in the {@link OnDemandRegistry}
 * @param inputBindings the function's parameter → the column of the joined row (a spine column or a
 *     feature's output name) that feeds it; every parameter must be bound
 * @param outputName the output column's name
 */
public record OnDemandFeature(
    String function, Map<String, String> inputBindings, String outputName) {
  /** Requires a function and an output name. */
  public OnDemandFeature {
    if (function == null || function.isBlank()) {
      throw KeelException.invalid("on_demand.udf_name: an on-demand feature needs a function name");
    }
    if (outputName == null || outputName.isBlank()) {
      throw KeelException.invalid(
          "on_demand.output_name: on-demand feature '" + function + "' needs an output name");
    }
    inputBindings = inputBindings == null ? Map.of() : Map.copyOf(inputBindings);
  }

  /** This feature as JSON: {@code udf_name}, {@code input_bindings}, {@code output_name}. */
  public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
    return SpecJson.onDemand(this);
  }

  /** Reads {@link #toJson()}'s shape; errors name {@code field}. */
  public static OnDemandFeature fromJson(
      com.fasterxml.jackson.databind.JsonNode json, String field) {
    return SpecJson.onDemand(json, field);
  }
}
