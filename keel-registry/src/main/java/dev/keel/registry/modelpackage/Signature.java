package dev.keel.registry.modelpackage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model signature from the {@code signature} key of an MLmodel file. In the file, inputs, outputs
 * and params are JSON strings embedded in the YAML; here inputs and outputs are parsed. Each of
 * them holds only column specs or only tensor specs.
 *
 * @param inputs the input schema; empty if the MLmodel declares none
 * @param outputs the output schema; empty if the MLmodel declares none
 * @param paramsJson the params schema as MLflow wrote it (a JSON array, checked to be one but not
 *     interpreted by format version 1); empty if none
 */
public record Signature(
    List<SchemaSpec> inputs, List<SchemaSpec> outputs, Optional<String> paramsJson) {

  /** Copies the lists and checks for nulls. */
  public Signature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(paramsJson, "paramsJson");
  }

  /** Whether the inputs are tensors (rather than columns); false for empty inputs. */
  public boolean tensorInputs() {
    return !inputs.isEmpty() && inputs.get(0) instanceof TensorSpec;
  }
}
