package dev.keel.features.training;

import dev.keel.core.KeelException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * On-demand functions by name: what a serialized {@link TrainingSetSpec} refers to. Thread-safe.
 */
public final class OnDemandRegistry {
  /**
   * A registered function.
   *
   * @param name its name
   * @param parameters its parameter names, in the order {@link OnDemandFunction#apply} gets them
   * @param outputType the type of its result
   * @param function the code
   */
  public record Registered(
      String name, List<String> parameters, ColumnType outputType, OnDemandFunction function) {}

  private final Map<String, Registered> functions = new ConcurrentHashMap<>();

  /**
   * Registers {@code function} under {@code name}.
   *
   * @throws KeelException ALREADY_EXISTS if the name is taken, INVALID if a parameter repeats
   */
  public OnDemandRegistry register(
      String name, List<String> parameters, ColumnType outputType, OnDemandFunction function) {
    if (name == null || name.isBlank()) {
      throw KeelException.invalid("name: an on-demand function needs a name");
    }
    if (parameters == null || new HashSet<>(parameters).size() != parameters.size()) {
      throw KeelException.invalid(
          "parameters: on-demand function '" + name + "' needs distinct parameter names");
    }
    if (outputType == null || function == null) {
      throw KeelException.invalid(
          "outputType: on-demand function '" + name + "' needs an output type and code");
    }
    Registered r = new Registered(name, List.copyOf(parameters), outputType, function);
    if (functions.putIfAbsent(name, r) != null) {
      throw KeelException.alreadyExists("On-demand function '" + name + "' is already registered");
    }
    return this;
  }

  /** The function registered under {@code name}. */
  public Optional<Registered> get(String name) {
    return Optional.ofNullable(functions.get(name));
  }
}
