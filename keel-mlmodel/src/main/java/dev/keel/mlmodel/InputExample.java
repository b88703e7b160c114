package dev.keel.mlmodel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A few rows of model input, saved with the model as MLflow does ({@code input_example.json} and
 * the ready {@code /invocations} payload {@code serving_input_example.json}).
 *
 * <ul>
 *   <li>With {@code columns} it is a data frame, written in pandas' {@code split} orientation
 *       ({@code {"columns": [...], "data": [[...]]}}, type {@code dataframe}); it fits a
 *       column-based signature (by column name) or a single input tensor (columns in order).
 *   <li>Without columns ({@link #ofTensor}) it is an array, written as {@code {"inputs": [[...]]}}
 *       (type {@code ndarray}); it fits a signature with one input tensor.
 * </ul>
 *
 * @param columns the column names, in the order of the row values; empty for an array example
 * @param rows the rows; each has one value per column (or, for an array, the same length); values
 *     are {@link Number}, {@link Boolean} or {@link String}
 */
public record InputExample(List<String> columns, List<List<Object>> rows) {

  /**
   * Checks the shape and the values.
   *
   * @throws IllegalArgumentException naming the row or column that is wrong: no rows, a blank or
   *     repeated column, a row of another length, a value that is not a number (finite), boolean or
   *     string
   */
  public InputExample {
    if (columns.stream().anyMatch(java.util.Objects::isNull)) {
      throw new IllegalArgumentException("input example columns: a column name is null");
    }
    columns = List.copyOf(columns);
    List<List<Object>> copy = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      List<Object> r = rows.get(i);
      if (r == null) {
        throw new IllegalArgumentException("input example row " + i + ": is null");
      }
      for (int j = 0; j < r.size(); j++) {
        if (r.get(j) == null) {
          throw new IllegalArgumentException(
              "input example row " + i + " " + columnLabel(columns, j) + ": is null");
        }
      }
      copy.add(List.copyOf(r));
    }
    rows = Collections.unmodifiableList(copy);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("input example: must have at least one row");
    }
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      if (c.isBlank()) {
        throw new IllegalArgumentException("input example columns: a column name is blank");
      }
      if (!seen.add(c)) {
        throw new IllegalArgumentException("input example columns: '" + c + "' appears twice");
      }
    }
    int width = columns.isEmpty() ? rows.get(0).size() : columns.size();
    if (width == 0) {
      throw new IllegalArgumentException("input example row 0: has no values");
    }
    for (int i = 0; i < rows.size(); i++) {
      List<Object> r = rows.get(i);
      if (r.size() != width) {
        throw new IllegalArgumentException(
            "input example row "
                + i
                + ": has "
                + r.size()
                + " values, expected "
                + width
                + (columns.isEmpty() ? " (as row 0)" : " (one per column)"));
      }
      for (int j = 0; j < r.size(); j++) {
        Object v = r.get(j);
        boolean ok =
            v instanceof Boolean
                || v instanceof String
                || (v instanceof Number n && Double.isFinite(n.doubleValue()));
        if (!ok) {
          throw new IllegalArgumentException(
              "input example row "
                  + i
                  + " "
                  + columnLabel(columns, j)
                  + ": "
                  + v
                  + " is not a finite number, a boolean or a string");
        }
      }
    }
  }

  /** A data-frame example: named columns, one value per column in each row. */
  public static InputExample of(List<String> columns, List<? extends List<?>> rows) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("input example columns: must not be empty; use ofTensor");
    }
    List<List<Object>> r = new ArrayList<>();
    for (List<?> row : rows) {
      r.add(new ArrayList<>(row));
    }
    return new InputExample(columns, r);
  }

  /** An array example for a model with one input tensor: rows of numbers. */
  public static InputExample ofTensor(List<? extends List<? extends Number>> rows) {
    List<List<Object>> r = new ArrayList<>();
    for (List<? extends Number> row : rows) {
      r.add(new ArrayList<>(row));
    }
    return new InputExample(List.of(), r);
  }

  /** Whether this is a data frame (has columns). */
  public boolean dataFrame() {
    return !columns.isEmpty();
  }

  /**
   * Checks that this example fits {@code signature}'s inputs.
   *
   * @throws IllegalArgumentException naming the column, row or tensor that does not fit
   */
  public void checkAgainst(ModelSignature signature) {
    if (signature.inputs().isEmpty()) {
      return;
    }
    if (signature.columnInputs()) {
      if (signature.inputs().get(0).name().isEmpty()) {
        checkUnnamedColumns(signature);
        return;
      }
      if (!dataFrame()) {
        throw new IllegalArgumentException(
            "input example: has no columns, but the signature inputs are columns; use"
                + " InputExample.of(columns, rows)");
      }
      Map<String, ColumnSpec> byName = new LinkedHashMap<>();
      signature.inputs().forEach(s -> byName.put(s.name().orElseThrow(), (ColumnSpec) s));
      for (String c : columns) {
        if (!byName.containsKey(c)) {
          throw new IllegalArgumentException(
              "input example column '"
                  + c
                  + "': is not a signature input (inputs: "
                  + String.join(", ", byName.keySet())
                  + ")");
        }
      }
      for (ColumnSpec s : byName.values()) {
        String name = s.name().orElseThrow();
        if (s.required() && !columns.contains(name)) {
          throw new IllegalArgumentException(
              "input example: lacks the required signature input column '" + name + "'");
        }
      }
      for (int i = 0; i < rows.size(); i++) {
        for (int j = 0; j < columns.size(); j++) {
          ColumnSpec s = byName.get(columns.get(j));
          checkValue(i, j, rows.get(i).get(j), s.type());
        }
      }
      return;
    }
    if (signature.inputs().size() != 1) {
      throw new IllegalArgumentException(
          "input example: the signature has "
              + signature.inputs().size()
              + " input tensors; an input example is supported for one input tensor only");
    }
    TensorSpec t = (TensorSpec) signature.inputs().get(0);
    int width = rows.get(0).size();
    if (t.shape().size() == 2 && t.shape().get(1) >= 0 && t.shape().get(1) != width) {
      throw new IllegalArgumentException(
          "input example: rows have "
              + width
              + " values but input tensor"
              + t.name().map(n -> " '" + n + "'").orElse("")
              + " has shape "
              + t.shape());
    }
    if (t.shape().size() == 1 && t.shape().get(0) >= 0 && t.shape().get(0) != width) {
      throw new IllegalArgumentException(
          "input example: rows have "
              + width
              + " values but the input tensor has shape "
              + t.shape());
    }
    if (t.numeric()) {
      for (int i = 0; i < rows.size(); i++) {
        for (int j = 0; j < width; j++) {
          if (!(rows.get(i).get(j) instanceof Number)) {
            throw new IllegalArgumentException(
                "input example row "
                    + i
                    + " "
                    + columnLabel(columns, j)
                    + ": input tensor dtype "
                    + t.dtype()
                    + " needs numbers, got "
                    + rows.get(i).get(j));
          }
        }
      }
    }
  }

  /** Unnamed signature columns take the example's values by position. */
  private void checkUnnamedColumns(ModelSignature signature) {
    int width = rows.get(0).size();
    if (width != signature.inputs().size()) {
      throw new IllegalArgumentException(
          "input example: rows have "
              + width
              + " values but the signature has "
              + signature.inputs().size()
              + " unnamed input columns");
    }
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < width; j++) {
        checkValue(i, j, rows.get(i).get(j), ((ColumnSpec) signature.inputs().get(j)).type());
      }
    }
  }

  private void checkValue(int row, int col, Object v, ColumnType type) {
    boolean ok =
        switch (type) {
          case BOOLEAN -> v instanceof Boolean;
          case INTEGER, LONG ->
              v instanceof Number n
                  && n.doubleValue() == Math.rint(n.doubleValue())
                  && (type == ColumnType.LONG
                      || (n.longValue() >= Integer.MIN_VALUE
                          && n.longValue() <= Integer.MAX_VALUE));
          case FLOAT, DOUBLE -> v instanceof Number;
          case STRING, BINARY, DATETIME -> v instanceof String;
        };
    if (!ok) {
      throw new IllegalArgumentException(
          "input example row "
              + row
              + " "
              + columnLabel(columns, col)
              + ": "
              + v
              + " does not fit type "
              + type.wireName());
    }
  }

  private static String columnLabel(List<String> columns, int j) {
    return j >= columns.size() ? "value " + j : "column '" + columns.get(j) + "'";
  }

  /**
   * What MLflow writes in {@code input_example.json}: {@code {"columns": [...], "data": [...]}} for
   * a data frame, else {@code {"inputs": [...]}}; maps and lists for {@link PyJson}.
   */
  public Object exampleJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (dataFrame()) {
      m.put("columns", columns);
      m.put("data", rows);
    } else {
      m.put("inputs", rows);
    }
    return m;
  }

  /** What MLflow writes in {@code serving_input_example.json}: an {@code /invocations} body. */
  public Object servingJson() {
    if (dataFrame()) {
      return Map.of("dataframe_split", exampleJson());
    }
    return exampleJson();
  }
}
