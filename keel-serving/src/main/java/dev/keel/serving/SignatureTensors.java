package dev.keel.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.mlmodel.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the inputs of a tensor-based signature from JSON (nested lists): checks names, dtypes and
 * shapes and converts each element.
 */
final class SignatureTensors {

  private SignatureTensors() {}

  static InputBatch singleTensor(ParseContext ctx, String where, JsonNode value, int rows) {
    if (ctx.signature.inputs().size() != 1) {
      List<String> names = new ArrayList<>();
      for (int k = 0; k < ctx.signature.inputs().size(); k++) {
        names.add(tensorName((TensorSpec) ctx.signature.inputs().get(k), k));
      }
      throw KeelException.invalid(
          "The model takes "
              + names.size()
              + " tensors "
              + names
              + "; send them by name ('inputs': {name: tensor}, or 'instances' as a list of objects), not as '"
              + where
              + "'");
    }
    Map<String, JsonNode> one = new LinkedHashMap<>();
    one.put(tensorName((TensorSpec) ctx.signature.inputs().get(0), 0), value);
    if (rows == 0) {
      throw KeelException.invalid("The request has no rows ('" + where + "' is empty)");
    }
    return namedTensors(ctx, one, where);
  }

  static InputBatch namedTensors(ParseContext ctx, Map<String, JsonNode> byName, String where) {
    List<SchemaSpec> specs = ctx.signature.inputs();
    boolean named = ((TensorSpec) specs.get(0)).name().isPresent();
    if (!named && specs.size() == 1 && byName.size() == 1) {
      JsonNode only = byName.values().iterator().next();
      byName = Map.of(tensorName((TensorSpec) specs.get(0), 0), only);
    }
    List<String> missing = new ArrayList<>();
    for (int k = 0; k < specs.size(); k++) {
      String n = tensorName((TensorSpec) specs.get(k), k);
      if (!byName.containsKey(n)) {
        missing.add(n);
      }
    }
    if (!missing.isEmpty()) {
      throw KeelException.invalid(
          "Model is missing input tensors "
              + missing
              + " (the request has "
              + SignatureColumns.abbreviate(new ArrayList<>(byName.keySet()))
              + ")");
    }
    List<InputColumn> out = new ArrayList<>();
    int rows = -1;
    long total = 0;
    for (int k = 0; k < specs.size(); k++) {
      TensorSpec spec = (TensorSpec) specs.get(k);
      String name = tensorName(spec, k);
      ColumnType type = dtype(spec, name);
      JsonNode value = byName.get(name);
      long[] shape = shapeOf(name, value);
      checkShape(spec, name, shape);
      total += product(shape);
      ctx.checkValues(total, where);
      if (rows == -1) {
        rows = (int) shape[0];
        ctx.checkRows(rows, where);
      } else if (shape[0] != rows) {
        throw KeelException.invalid(
            "Tensor "
                + ColumnBuilder.quote(name)
                + " has "
                + shape[0]
                + " rows, other tensors have "
                + rows);
      }
      ColumnBuilder b = new ColumnBuilder(name, type, shape);
      fillTensor(b, value, shape, 0, new int[] {0});
      out.add(b.build());
    }
    if (rows == 0) {
      throw KeelException.invalid("The request has no rows ('" + where + "' is empty)");
    }
    return new InputBatch(rows, out, true);
  }

  private static long[] shapeOf(String name, JsonNode value) {
    List<Long> dims = new ArrayList<>();
    JsonNode n = value;
    while (n.isArray()) {
      dims.add((long) n.size());
      if (n.isEmpty()) {
        break;
      }
      n = n.get(0);
    }
    if (dims.isEmpty()) {
      throw KeelException.invalid(
          "Tensor "
              + ColumnBuilder.quote(name)
              + " must be a (nested) list, got "
              + ColumnBuilder.describe(value));
    }
    long[] shape = new long[dims.size()];
    for (int k = 0; k < shape.length; k++) {
      shape[k] = dims.get(k);
    }
    return shape;
  }

  private static void fillTensor(
      ColumnBuilder b, JsonNode node, long[] shape, int dim, int[] next) {
    if (dim == shape.length) {
      if (node.isArray() || node.isObject()) {
        throw KeelException.invalid(
            "Tensor "
                + ColumnBuilder.quote(b.name())
                + " is ragged: expected a value at depth "
                + dim
                + ", got "
                + ColumnBuilder.describe(node));
      }
      int i = next[0]++;
      int row = shape[0] == 0 ? 0 : (int) (i / (product(shape) / shape[0]));
      b.setJson(i, row, node);
      return;
    }
    if (!node.isArray() || node.size() != shape[dim]) {
      throw KeelException.invalid(
          "Tensor "
              + ColumnBuilder.quote(b.name())
              + " is ragged: expected a list of "
              + shape[dim]
              + " at depth "
              + dim
              + ", got "
              + (node.isArray() ? "a list of " + node.size() : ColumnBuilder.describe(node)));
    }
    for (JsonNode child : node) {
      fillTensor(b, child, shape, dim + 1, next);
    }
  }

  private static long product(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  static void checkShape(TensorSpec spec, String name, long[] shape) {
    List<Long> want = spec.shape();
    boolean ok = want.size() == shape.length;
    for (int k = 0; ok && k < shape.length; k++) {
      ok = want.get(k) == -1 || want.get(k) == shape[k];
    }
    if (!ok) {
      throw KeelException.invalid(
          "Tensor "
              + ColumnBuilder.quote(name)
              + " has shape "
              + java.util.Arrays.toString(shape)
              + ", the signature declares "
              + want
              + " (-1 = any)");
    }
  }

  static String tensorName(TensorSpec spec, int position) {
    return spec.name().orElse(Integer.toString(position));
  }

  static ColumnType dtype(TensorSpec spec, String name) {
    return switch (spec.dtype()) {
      case "float32", "float16" -> ColumnType.FLOAT;
      case "float64" -> ColumnType.DOUBLE;
      case "int8", "int16", "int32", "uint8", "uint16" -> ColumnType.INTEGER;
      case "int64", "uint32" -> ColumnType.LONG;
      case "bool" -> ColumnType.BOOLEAN;
      case "str", "object" -> ColumnType.STRING;
      default ->
          throw KeelException.invalid(
              "Tensor "
                  + ColumnBuilder.quote(name)
                  + " has dtype "
                  + ColumnBuilder.quote(spec.dtype())
                  + ", which Keel cannot feed");
    };
  }
}
