package dev.keel.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads TF-serving's formats as MLflow takes them: {@code instances} (rows) and {@code inputs}
 * (columns, or one tensor / an object of tensors).
 */
final class TensorInputReader {

  private TensorInputReader() {}

  static InputBatch instances(ParseContext ctx, JsonNode instances) {
    if (!instances.isArray()) {
      throw KeelException.invalid(
          "'instances' must be a list, got " + ColumnBuilder.describe(instances));
    }
    int rows = ctx.checkRows(instances.size(), "instances");
    if (rows > 0 && instances.get(0).isObject()) {
      return DataframeRecordsReader.recordsOf(ctx, instances, "instances");
    }
    if (ctx.tensors) {
      return SignatureTensors.singleTensor(ctx, "instances", instances, rows);
    }
    return positionalRows(ctx, instances, rows, "instances");
  }

  static InputBatch inputs(ParseContext ctx, JsonNode inputs) {
    if (inputs.isObject()) {
      Map<String, JsonNode> byName = new LinkedHashMap<>();
      inputs.fields().forEachRemaining(e -> byName.put(e.getKey(), e.getValue()));
      if (ctx.tensors) {
        return SignatureTensors.namedTensors(ctx, byName, "inputs");
      }
      int rows = -1;
      for (Map.Entry<String, JsonNode> e : byName.entrySet()) {
        JsonNode v = e.getValue();
        int n = v.isArray() ? v.size() : 1;
        if (rows == -1) {
          rows = n;
        } else if (n != rows) {
          throw KeelException.invalid(
              "'inputs' column "
                  + ColumnBuilder.quote(e.getKey())
                  + " has "
                  + n
                  + " values, other columns have "
                  + rows);
        }
      }
      int batchRows = ctx.checkRows(Math.max(rows, 0), "inputs");
      List<String> names = new ArrayList<>(byName.keySet());
      SignatureColumns.Table table =
          new SignatureColumns.Table() {
            @Override
            public int rows() {
              return batchRows;
            }

            @Override
            public void fill(ColumnBuilder b, int source) {
              JsonNode v = byName.get(names.get(source));
              if (!v.isArray()) {
                b.setJson(0, 0, v); // a scalar per column: one row
                return;
              }
              for (int r = 0; r < batchRows; r++) {
                b.setJson(r, r, v.get(r));
              }
            }
          };
      return SignatureColumns.columns(ctx, names, table, "inputs");
    }
    if (!inputs.isArray()) {
      throw KeelException.invalid(
          "'inputs' must be a list or an object of columns, got " + ColumnBuilder.describe(inputs));
    }
    int rows = ctx.checkRows(inputs.size(), "inputs");
    if (ctx.tensors) {
      return SignatureTensors.singleTensor(ctx, "inputs", inputs, rows);
    }
    return positionalRows(ctx, inputs, rows, "inputs");
  }

  /** Rows given as lists of values in signature order. */
  private static InputBatch positionalRows(
      ParseContext ctx, JsonNode list, int rows, String where) {
    int width = ctx.signature.inputs().size();
    for (int r = 0; r < rows; r++) {
      JsonNode row = list.get(r);
      if (!row.isArray()) {
        if (width == 1 && !row.isObject()) {
          continue; // a one-column model takes a flat list of values
        }
        throw KeelException.invalid(
            "'"
                + where
                + "' row "
                + r
                + " must be a list of "
                + width
                + " values in signature order, got "
                + ColumnBuilder.describe(row));
      }
      if (row.size() != width) {
        throw KeelException.invalid(
            "'"
                + where
                + "' row "
                + r
                + " has "
                + row.size()
                + " values, the signature has "
                + width
                + " columns (ragged rows)");
      }
    }
    SignatureColumns.Table table =
        new SignatureColumns.Table() {
          @Override
          public int rows() {
            return rows;
          }

          @Override
          public void fill(ColumnBuilder b, int source) {
            for (int r = 0; r < rows; r++) {
              JsonNode row = list.get(r);
              b.setJson(r, r, row.isArray() ? row.get(source) : row);
            }
          }
        };
    List<String> names = new ArrayList<>();
    for (int c = 0; c < width; c++) {
      names.add(SignatureColumns.columnName((ColumnSpec) ctx.signature.inputs().get(c), c));
    }
    return SignatureColumns.columns(ctx, names, table, where);
  }
}
