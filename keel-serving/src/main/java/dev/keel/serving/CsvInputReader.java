package dev.keel.serving;

import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.TensorSpec;
import java.util.List;

/** Reads a {@code text/csv} body: a header row naming the columns, then one row per line. */
final class CsvInputReader {

  private CsvInputReader() {}

  static InputBatch read(ParseContext ctx, String text) {
    List<List<String>> records = Csv.parse(text, ctx.limits.maxRows() + 1);
    if (records.isEmpty()
        || (records.size() == 1 && records.get(0).size() == 1 && records.get(0).get(0).isEmpty())) {
      throw KeelException.invalid(
          "The CSV body is empty; it needs a header row naming the columns");
    }
    List<String> header = records.get(0);
    List<List<String>> data = records.subList(1, records.size());
    int rows = ctx.checkRows(data.size(), "text/csv");
    for (int r = 0; r < rows; r++) {
      if (data.get(r).size() != header.size()) {
        throw KeelException.invalid(
            "CSV row "
                + (r + 1)
                + " has "
                + data.get(r).size()
                + " fields but the header has "
                + header.size()
                + " (ragged rows)");
      }
    }
    if (ctx.tensors) {
      if (ctx.signature.inputs().size() != 1) {
        throw KeelException.invalid(
            "CSV input needs a column-based signature or a single tensor input; the model has "
                + ctx.signature.inputs().size()
                + " tensor inputs");
      }
      TensorSpec spec = (TensorSpec) ctx.signature.inputs().get(0);
      String name = SignatureTensors.tensorName(spec, 0);
      ColumnType type = SignatureTensors.dtype(spec, name);
      long[] shape = {rows, header.size()};
      SignatureTensors.checkShape(spec, name, shape);
      ctx.checkValues((long) rows * header.size(), "text/csv");
      ColumnBuilder b = new ColumnBuilder(name, type, shape);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < header.size(); c++) {
          b.setText(r * header.size() + c, r, data.get(r).get(c));
        }
      }
      return new InputBatch(rows, List.of(b.build()), true);
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
              b.setText(r, r, data.get(r).get(source));
            }
          }
        };
    return SignatureColumns.columns(ctx, header, table, "text/csv header");
  }
}
