package dev.keel.mlmodel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a model takes and answers, in MLflow's signature format: column-based ({@code [{"type":
 * "double", "name": "x", "required": true}]}) or tensor-based ({@code [{"type": "tensor",
 * "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}, "name": "input"}]}); a schema holds one
 * kind only.
 *
 * <pre>{@code
 * ModelSignature sig = ModelSignature.builder()
 *     .inputColumn("age", ColumnType.DOUBLE)
 *     .inputColumn("plan", "string")
 *     .outputTensor("probability", "float32", -1, 1)
 *     .build();
 * }</pre>
 *
 * <p>In an {@code MLmodel} file, inputs, outputs and params are JSON strings embedded in the YAML
 * ({@link MLmodelReader} parses inputs and outputs; params are kept as written).
 *
 * @param inputs what the model takes; empty when the MLmodel declares none ({@link
 *     #builder()}-built signatures always have inputs)
 * @param outputs what it answers; empty when unknown (written as {@code outputs: null})
 * @param paramsJson the params schema as MLflow wrote it (a JSON array, checked to be one by the
 *     reader but not interpreted by format version 1); empty if none
 */
public record ModelSignature(
    List<SchemaSpec> inputs, List<SchemaSpec> outputs, Optional<String> paramsJson) {

  /**
   * Checks the schemas.
   *
   * @throws IllegalArgumentException if a schema mixes columns and tensors, names an entry twice,
   *     or names some entries but not all
   */
  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(paramsJson, "paramsJson");
    check("inputs", inputs);
    check("outputs", outputs);
  }

  /**
   * A signature without params.
   *
   * @throws IllegalArgumentException as {@link #ModelSignature(List, List, Optional)}
   */
  public ModelSignature(List<SchemaSpec> inputs, List<SchemaSpec> outputs) {
    this(inputs, outputs, Optional.empty());
  }

  /** A builder of a signature. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the inputs are columns; false for empty inputs. */
  public boolean columnInputs() {
    return !inputs.isEmpty() && inputs.get(0) instanceof ColumnSpec;
  }

  /** Whether the inputs are tensors; false for empty inputs. */
  public boolean tensorInputs() {
    return !inputs.isEmpty() && inputs.get(0) instanceof TensorSpec;
  }

  /** The inputs as the JSON string MLflow stores in {@code MLmodel}. */
  public String inputsJson() {
    return json(inputs);
  }

  /** The outputs as the JSON string MLflow stores in {@code MLmodel}; empty if there are none. */
  public Optional<String> outputsJson() {
    return outputs.isEmpty() ? Optional.empty() : Optional.of(json(outputs));
  }

  private static void check(String part, List<SchemaSpec> specs) {
    long columns = specs.stream().filter(s -> s instanceof ColumnSpec).count();
    if (columns > 0 && columns < specs.size()) {
      throw new IllegalArgumentException(
          "signature " + part + ": mixes columns and tensors; a schema holds only one kind");
    }
    long named = specs.stream().filter(s -> s.name().isPresent()).count();
    if (named > 0 && named < specs.size()) {
      throw new IllegalArgumentException(
          "signature " + part + ": names some entries but not all; name all or none");
    }
    Set<String> seen = new HashSet<>();
    for (SchemaSpec s : specs) {
      if (s.name().isPresent() && !seen.add(s.name().get())) {
        throw new IllegalArgumentException(
            "signature " + part + ": '" + s.name().get() + "' appears twice");
      }
    }
  }

  private static String json(List<SchemaSpec> specs) {
    List<Object> out = new ArrayList<>();
    for (SchemaSpec s : specs) {
      Map<String, Object> m = new LinkedHashMap<>();
      switch (s) {
        case ColumnSpec c -> {
          m.put("type", c.type().wireName());
          c.name().ifPresent(n -> m.put("name", n));
          m.put("required", c.required());
        }
        case TensorSpec t -> {
          m.put("type", "tensor");
          Map<String, Object> spec = new LinkedHashMap<>();
          spec.put("dtype", t.dtype());
          spec.put("shape", t.shape());
          m.put("tensor-spec", spec);
          t.name().ifPresent(n -> m.put("name", n));
        }
      }
      out.add(m);
    }
    return PyJson.compact(out);
  }

  /** Collects inputs and outputs; not thread-safe. */
  public static final class Builder {
    private final List<SchemaSpec> inputs = new ArrayList<>();
    private final List<SchemaSpec> outputs = new ArrayList<>();

    private Builder() {}

    /** Adds an input (a column or a tensor). */
    public Builder input(SchemaSpec spec) {
      inputs.add(Objects.requireNonNull(spec, "spec"));
      return this;
    }

    /** Adds an output (a column or a tensor). */
    public Builder output(SchemaSpec spec) {
      outputs.add(Objects.requireNonNull(spec, "spec"));
      return this;
    }

    /** Adds a required input column. */
    public Builder inputColumn(String name, ColumnType type) {
      return input(ColumnSpec.of(name, type));
    }

    /**
     * Adds a required input column whose type is given by its MLflow name.
     *
     * @throws IllegalArgumentException naming the column if the type is unknown
     */
    public Builder inputColumn(String name, String type) {
      return input(ColumnSpec.of(name, type));
    }

    /** Adds a required output column. */
    public Builder outputColumn(String name, ColumnType type) {
      return output(ColumnSpec.of(name, type));
    }

    /** Adds a named input tensor. */
    public Builder inputTensor(String name, String dtype, long... shape) {
      return input(TensorSpec.of(name, dtype, shape));
    }

    /** Adds a named output tensor. */
    public Builder outputTensor(String name, String dtype, long... shape) {
      return output(TensorSpec.of(name, dtype, shape));
    }

    /**
     * The signature.
     *
     * @throws IllegalArgumentException if there is no input, or as {@link
     *     ModelSignature#ModelSignature(List, List, Optional)}
     */
    public ModelSignature build() {
      if (inputs.isEmpty()) {
        throw new IllegalArgumentException(
            "signature inputs: must have at least one column or tensor");
      }
      return new ModelSignature(inputs, outputs);
    }
  }
}
