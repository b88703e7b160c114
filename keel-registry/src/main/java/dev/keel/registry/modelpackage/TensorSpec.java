package dev.keel.registry.modelpackage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tensor of a tensor-based signature schema, as in {@code {"type": "tensor", "tensor-spec":
 * {"dtype": "float32", "shape": [-1, 28, 28]}}}.
 *
 * @param name the tensor name; empty when the schema's tensors are unnamed
 * @param dtype the numpy dtype name, such as {@code float32}, {@code int64}, {@code str}
 * @param shape the dimensions; {@code -1} marks a variable dimension
 */
public record TensorSpec(Optional<String> name, String dtype, List<Long> shape)
    implements SchemaSpec {

  /** Checks for nulls and copies the shape. */
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = List.copyOf(shape);
  }
}
