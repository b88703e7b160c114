package dev.keel.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Reads MLflow's {@code dataframe_split} format (pandas split orientation). */
final class DataframeSplitReader {

  private DataframeSplitReader() {}

  static InputBatch read(ParseContext ctx, JsonNode split) {
    if (!split.isObject()) {
      throw KeelException.invalid(
          "'dataframe_split' must be an object with 'columns' and 'data', got "
              + ColumnBuilder.describe(split));
    }
    for (Iterator<String> it = split.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("columns") && !key.equals("data") && !key.equals("index")) {
        throw KeelException.invalid(
            "Unknown key "
                + ColumnBuilder.quote(key)
                + " in 'dataframe_split' (columns, data, index)");
      }
    }
    JsonNode data = split.get("data");
    if (data == null || !data.isArray()) {
      throw KeelException.invalid("'dataframe_split.data' must be a list of rows");
    }
    JsonNode columns = split.get("columns");
    List<String> names;
    if (columns == null) {
      names = null;
    } else {
      if (!columns.isArray()) {
        throw KeelException.invalid("'dataframe_split.columns' must be a list of column names");
      }
      names = new ArrayList<>();
      for (JsonNode c : columns) {
        if (!c.isTextual()) {
          throw KeelException.invalid(
              "'dataframe_split.columns' must hold strings, got " + ColumnBuilder.describe(c));
        }
        names.add(c.textValue());
      }
    }
    int rows = ctx.checkRows(data.size(), "dataframe_split.data");
    int width = names != null ? names.size() : rows == 0 ? 0 : data.get(0).size();
    for (int r = 0; r < rows; r++) {
      JsonNode row = data.get(r);
      if (!row.isArray()) {
        throw KeelException.invalid(
            "'dataframe_split.data' row "
                + r
                + " must be a list, got "
                + ColumnBuilder.describe(row));
      }
      if (row.size() != width) {
        throw KeelException.invalid(
            "'dataframe_split.data' row "
                + r
                + " has "
                + row.size()
                + " values but there are "
                + width
                + " columns (ragged rows)");
      }
    }
    if (ctx.tensors) {
      return SignatureTensors.singleTensor(ctx, "dataframe_split", data, rows);
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
              b.setJson(r, r, data.get(r).get(source));
            }
          }
        };
    return SignatureColumns.columns(
        ctx,
        names == null ? SignatureColumns.positional(width) : names,
        table,
        "dataframe_split.columns");
  }
}
