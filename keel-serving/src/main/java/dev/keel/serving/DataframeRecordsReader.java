package dev.keel.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads MLflow's {@code dataframe_records} format, a list of objects of column values; also the
 * list-of-objects form of {@code instances}.
 */
final class DataframeRecordsReader {

  private DataframeRecordsReader() {}

  static InputBatch read(ParseContext ctx, JsonNode records) {
    if (!records.isArray()) {
      throw KeelException.invalid(
          "'dataframe_records' must be a list of objects, got " + ColumnBuilder.describe(records));
    }
    return recordsOf(ctx, records, "dataframe_records");
  }

  static InputBatch recordsOf(ParseContext ctx, JsonNode records, String where) {
    int rows = ctx.checkRows(records.size(), where);
    LinkedHashMap<String, Integer> seen = new LinkedHashMap<>();
    for (int r = 0; r < rows; r++) {
      JsonNode rec = records.get(r);
      if (!rec.isObject()) {
        throw KeelException.invalid(
            "'" + where + "' row " + r + " must be an object, got " + ColumnBuilder.describe(rec));
      }
      for (Iterator<String> it = rec.fieldNames(); it.hasNext(); ) {
        seen.putIfAbsent(it.next(), seen.size());
      }
    }
    List<String> names = new ArrayList<>(seen.keySet());
    if (ctx.tensors) {
      if (ctx.signature.inputs().size() == 1) {
        // One tensor: the records are the rows of a [rows, columns] matrix in key order.
        ArrayNode matrix = JsonNodeFactory.instance.arrayNode(rows);
        for (int r = 0; r < rows; r++) {
          ArrayNode row = matrix.addArray();
          for (String n : names) {
            JsonNode v = records.get(r).get(n);
            if (v == null) {
              throw KeelException.invalid(
                  "'" + where + "' row " + r + " has no value for " + ColumnBuilder.quote(n));
            }
            row.add(v);
          }
        }
        return SignatureTensors.singleTensor(ctx, where, matrix, rows);
      }
      // Several tensors: each record holds one row of each tensor.
      Map<String, JsonNode> byName = new LinkedHashMap<>();
      for (String n : names) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode(rows);
        for (int r = 0; r < rows; r++) {
          JsonNode v = records.get(r).get(n);
          if (v == null) {
            throw KeelException.invalid(
                "'" + where + "' row " + r + " has no value for tensor " + ColumnBuilder.quote(n));
          }
          a.add(v);
        }
        byName.put(n, a);
      }
      return SignatureTensors.namedTensors(ctx, byName, where);
    }
    SignatureColumns.Table table =
        new SignatureColumns.Table() {
          @Override
          public int rows() {
            return rows;
          }

          @Override
          public void fill(ColumnBuilder b, int source) {
            String key = names.get(source);
            for (int r = 0; r < rows; r++) {
              b.setJson(r, r, records.get(r).get(key));
            }
          }
        };
    return SignatureColumns.columns(ctx, names, table, where);
  }
}
