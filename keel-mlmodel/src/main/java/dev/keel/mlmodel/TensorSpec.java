package dev.keel.mlmodel;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A tensor of a tensor-based signature, written as {@code {"type": "tensor", "tensor-spec":
 * {"dtype": "float32", "shape": [-1, 4]}, "name": "input"}}.
 *
 * @param name the tensor's name (for ONNX models the graph input or output name); empty for an
 *     unnamed tensor
 * @param dtype the numpy dtype name: {@code bool}, {@code int8} to {@code int64}, {@code uint8} to
 *     {@code uint64}, {@code float16}, {@code float32}, {@code float64}, {@code str}, {@code
 *     bytes}, {@code object}, {@code datetime64[unit]}, {@code timedelta64[unit]}
 * @param shape the dimensions; {@code -1} marks a variable one (usually the batch)
 */
public record TensorSpec(Optional<String> name, String dtype, List<Long> shape)
    implements SchemaSpec {
  private static final Pattern DTYPE =
      Pattern.compile(
          "bool|int8|int16|int32|int64|uint8|uint16|uint32|uint64|float16|float32|float64"
              + "|str|bytes|object|(datetime64|timedelta64)(\\[[a-zA-Z]{1,3}\\])?");

  /** Most dimensions a tensor shape may have. */
  public static final int MAX_RANK = 64;

  /**
   * Checks the name, the dtype and the shape (at most {@value #MAX_RANK} dimensions; an empty shape
   * is a scalar, as MLflow allows).
   *
   * @throws IllegalArgumentException naming the tensor if one of them is wrong
   */
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = List.copyOf(shape);
    String what = "tensor" + name.map(n -> " '" + n + "'").orElse("");
    if (name.isPresent() && name.get().isBlank()) {
      throw new IllegalArgumentException("tensor name must not be blank; leave it empty instead");
    }
    if (!DTYPE.matcher(dtype).matches()) {
      throw new IllegalArgumentException(
          what + ": unknown dtype '" + dtype + "'; expected a numpy dtype such as float32");
    }
    if (shape.size() > MAX_RANK) {
      throw new IllegalArgumentException(
          what + ": shape must have at most " + MAX_RANK + " dimensions");
    }
    for (long d : shape) {
      if (d < -1) {
        throw new IllegalArgumentException(
            what + ": shape dimension " + d + " is neither -1 (variable) nor a size >= 0");
      }
    }
  }

  /**
   * A named tensor, e.g. {@code TensorSpec.of("input", "float32", -1, 4)}.
   *
   * @throws IllegalArgumentException as the constructor, or if no dimension is given
   */
  public static TensorSpec of(String name, String dtype, long... shape) {
    TensorSpec spec =
        new TensorSpec(Optional.of(name), dtype, Arrays.stream(shape).boxed().toList());
    if (shape.length == 0) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': shape must have 1 to " + MAX_RANK + " dimensions");
    }
    return spec;
  }

  /** Whether the dtype is a valid numpy dtype name Keel knows. */
  public static boolean knownDtype(String dtype) {
    return DTYPE.matcher(dtype).matches();
  }

  /** Whether the dtype holds numbers (ints, uints, floats). */
  public boolean numeric() {
    return dtype.startsWith("int") || dtype.startsWith("uint") || dtype.startsWith("float");
  }
}
