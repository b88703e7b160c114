package dev.keel.serving.endpoints;

import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.serving.InputBatch;
import dev.keel.serving.KeyedFrame;
import dev.keel.serving.ScoringLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a model's input from lookup keys: the request is read into columns by {@link KeyedFrame}
 * ({@code dataframe_split} or {@code dataframe_records}); {@link #assemble} looks the spec's
 * features up by the key columns and lays the model's inputs out in signature order (request
 * columns win over features; a feature with no row and no default is null, which doubles read as
 * NaN).
 */
final class FeatureInput {
  private FeatureInput() {}

  /** Reads the request ({@code contentType}, {@code body}) and {@link #assemble}s the input. */
  static InputBatch parse(
      FeatureSource source,
      String spec,
      ModelSignature signature,
      String contentType,
      byte[] body,
      ScoringLimits limits) {
    KeyedFrame.requireJson(contentType, spec);
    if (signature.inputs().isEmpty() || signature.tensorInputs()) {
      throw KeelException.invalid(
          "Feature lookup needs a model with column inputs; this one takes tensors.");
    }
    return assemble(source, spec, signature, KeyedFrame.read(body, spec), limits);
  }

  /**
   * The model input for the request's rows: checks the row count, reads the lookup keys of every
   * row, looks the features up and takes each signature input from the request or the features.
   */
  static InputBatch assemble(
      FeatureSource source,
      String spec,
      ModelSignature signature,
      KeyedFrame frame,
      ScoringLimits limits) {
    int rows = frame.rows();
    if (rows == 0) {
      throw KeelException.invalid("The request has no rows.");
    }
    if (rows > limits.maxRows()) {
      throw KeelException.invalid(
          "The request has " + rows + " rows; at most " + limits.maxRows() + ".");
    }
    List<String> keys = source.lookupKeys(spec);
    List<List<Object>> keyRows = new ArrayList<>(rows);
    for (String k : keys) {
      if (!frame.has(k)) {
        throw KeelException.invalid(
            "Missing lookup key column '" + k + "' (feature spec " + spec + ").");
      }
    }
    for (int r = 0; r < rows; r++) {
      List<Object> row = new ArrayList<>(keys.size());
      for (String k : keys) {
        int at = r;
        row.add(
            frame
                .scalar(k, r)
                .orElseThrow(
                    () ->
                        KeelException.invalid(
                            "Lookup key column '" + k + "' is null in row " + at + ".")));
      }
      keyRows.add(row);
    }
    Map<String, List<Object>> features = source.features(spec, keys, keyRows);
    List<String> inputs = new ArrayList<>();
    for (SchemaSpec s : signature.inputs()) {
      String name = ((ColumnSpec) s).name().orElse("");
      if (!frame.has(name) && !features.containsKey(name)) {
        throw KeelException.invalid(
            "Column '" + name + "' is neither in the request nor a feature of spec " + spec + ".");
      }
      inputs.add(name);
    }
    return frame.with(inputs, features, signature, limits);
  }
}
