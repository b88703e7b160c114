package dev.keel.serving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A batch of scoring input in columnar form: rows × columns (column-based signatures) or rows ×
 * tensors (tensor-based signatures), every input with the same number of rows. {@link
 * ScoringInput#parse} builds one from a request body, converting the values to the signature's
 * types.
 *
 * @param rows the number of rows
 * @param columns the inputs in signature order (when parsed against a signature)
 * @param tensorBased whether the inputs are tensors of a tensor-based signature (or, for a model
 *     without signature, the request used a tensor format)
 */
public record InputBatch(int rows, List<InputColumn> columns, boolean tensorBased) {

  /** Copies the columns and checks that they have distinct names and {@code rows} rows each. */
  public InputBatch {
    columns = List.copyOf(columns);
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0");
    }
    Map<String, InputColumn> seen = new LinkedHashMap<>();
    for (InputColumn c : columns) {
      if (c.rows() != rows) {
        throw new IllegalArgumentException(
            "column '" + c.name() + "' has " + c.rows() + " rows, expected " + rows);
      }
      if (seen.put(c.name(), c) != null) {
        throw new IllegalArgumentException("duplicate column '" + c.name() + "'");
      }
    }
  }

  /** A column-based batch of these columns (at least one, all with the same row count). */
  public static InputBatch ofColumns(List<InputColumn> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one column");
    }
    return new InputBatch(columns.get(0).rows(), columns, false);
  }

  /** The input with this name, if any. */
  public Optional<InputColumn> column(String name) {
    for (InputColumn c : columns) {
      if (c.name().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The input names, in order. */
  public List<String> names() {
    List<String> names = new ArrayList<>(columns.size());
    for (InputColumn c : columns) {
      names.add(c.name());
    }
    return names;
  }
}
