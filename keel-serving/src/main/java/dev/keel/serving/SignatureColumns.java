package dev.keel.serving;

import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.SchemaSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the columns of a column-based signature from a request's source columns: matches them by
 * name (or position), refuses missing required columns and converts each value.
 */
final class SignatureColumns {

  private SignatureColumns() {}

  /** Source columns in some order. */
  interface Table {
    int rows();

    void fill(ColumnBuilder b, int source);
  }

  static List<String> positional(int width) {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < width; c++) {
      names.add(Integer.toString(c));
    }
    return names;
  }

  static InputBatch columns(ParseContext ctx, List<String> sourceNames, Table table, String where) {
    int rows = table.rows();
    if (rows == 0) {
      throw KeelException.invalid(
          "The request has no rows ('" + where.split("[ .]")[0] + "' is empty)");
    }
    List<SchemaSpec> specs = ctx.signature.inputs();
    ctx.checkValues((long) rows * specs.size(), where);
    boolean named = ((ColumnSpec) specs.get(0)).name().isPresent();
    Map<String, Integer> index = new HashMap<>();
    for (int k = 0; k < sourceNames.size(); k++) {
      if (index.put(sourceNames.get(k), k) != null) {
        throw KeelException.invalid(
            "Column " + ColumnBuilder.quote(sourceNames.get(k)) + " appears twice in " + where);
      }
    }
    List<String> missing = new ArrayList<>();
    int[] sources = new int[specs.size()];
    for (int c = 0; c < specs.size(); c++) {
      ColumnSpec spec = (ColumnSpec) specs.get(c);
      if (named) {
        Integer k = index.get(spec.name().orElseThrow());
        sources[c] = k == null ? -1 : k;
        if (k == null && spec.required()) {
          missing.add(spec.name().orElseThrow());
        }
      } else {
        if (c >= sourceNames.size()) {
          throw KeelException.invalid(
              "The model takes "
                  + specs.size()
                  + " unnamed columns; the request has "
                  + sourceNames.size());
        }
        sources[c] = c;
      }
    }
    if (!missing.isEmpty()) {
      throw KeelException.invalid(
          "Model is missing inputs "
              + missing
              + " (the request's columns are "
              + abbreviate(sourceNames)
              + ")");
    }
    List<InputColumn> out = new ArrayList<>(specs.size());
    for (int c = 0; c < specs.size(); c++) {
      ColumnSpec spec = (ColumnSpec) specs.get(c);
      ColumnBuilder b = new ColumnBuilder(columnName(spec, c), spec.type(), new long[] {rows});
      if (sources[c] < 0) {
        b.fillMissing();
      } else {
        table.fill(b, sources[c]);
      }
      out.add(b.build());
    }
    return new InputBatch(rows, out, false);
  }

  static String columnName(ColumnSpec spec, int position) {
    return spec.name().orElse(Integer.toString(position));
  }

  static String abbreviate(List<String> names) {
    List<String> shown = new ArrayList<>();
    for (int k = 0; k < names.size() && k < 20; k++) {
      shown.add(ColumnBuilder.quote(names.get(k)));
    }
    return shown + (names.size() > 20 ? " and " + (names.size() - 20) + " more" : "");
  }
}
