package dev.keel.client.ml;

import dev.keel.client.TrainingSetColumn;
import dev.keel.client.TrainingSetStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Rows of numeric features with a label, held in memory for training or evaluation.
 *
 * <p>Values convert to doubles: numbers as they are, booleans as 1/0, text that parses as a number;
 * a missing feature value is {@code NaN}. Rows without a label are left out and counted in {@link
 * #unlabeled()}.
 *
 * @param featureNames the feature columns, in the order of each row's values
 * @param x one array of feature values per row
 * @param y the label of each row
 * @param unlabeled rows that were left out because their label was missing
 */
public record LabeledData(List<String> featureNames, double[][] x, double[] y, long unlabeled) {
  private static final Set<String> NUMERIC_TYPES =
      Set.of(
          "TINYINT",
          "SMALLINT",
          "INTEGER",
          "INT",
          "BIGINT",
          "HUGEINT",
          "UTINYINT",
          "USMALLINT",
          "UINTEGER",
          "UBIGINT",
          "FLOAT",
          "REAL",
          "DOUBLE",
          "BOOLEAN",
          "LONG",
          "SHORT",
          "BYTE");

  public LabeledData {
    featureNames = List.copyOf(featureNames);
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (x.length != y.length) {
      throw new IllegalArgumentException(x.length + " feature rows for " + y.length + " labels");
    }
  }

  /** The number of rows. */
  public int rows() {
    return y.length;
  }

  /**
   * The feature columns of a set with these columns: {@code features} if given (each must be a
   * column, and not the label), else every column of a numeric or boolean type except {@code label}
   * and {@code exclude}.
   *
   * @throws IllegalArgumentException naming the field ({@code label}, {@code features}) and why
   */
  public static List<String> featureColumns(
      List<TrainingSetColumn> columns, String label, List<String> features, List<String> exclude) {
    List<String> names = columns.stream().map(TrainingSetColumn::name).toList();
    if (!label.isEmpty() && !names.contains(label)) {
      throw new IllegalArgumentException(
          "label: the data has no column '" + label + "' (columns: " + names + ")");
    }
    for (String f : features) {
      if (!names.contains(f)) {
        throw new IllegalArgumentException(
            "features: the data has no column '" + f + "' (columns: " + names + ")");
      }
      if (f.equals(label)) {
        throw new IllegalArgumentException("features: '" + f + "' is the label column");
      }
    }
    if (!features.isEmpty()) {
      return List.copyOf(features);
    }
    List<String> out = new ArrayList<>();
    for (TrainingSetColumn c : columns) {
      if (!c.name().equals(label) && !exclude.contains(c.name()) && numeric(c.type())) {
        out.add(c.name());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "features: the data has no numeric column besides the label (columns: " + names + ")");
    }
    return out;
  }

  /** Whether an engine type ({@code BIGINT}, {@code DECIMAL(10,2)}...) holds numbers. */
  static boolean numeric(String type) {
    String t = type.strip().toUpperCase(Locale.ROOT);
    return NUMERIC_TYPES.contains(t) || t.startsWith("DECIMAL");
  }

  /**
   * Reads every row of {@code set} (then closes it): the label and the feature columns.
   *
   * @param maxRows refuse sets with more rows than this (training holds them in memory)
   * @throws IllegalArgumentException if a value is not a number or the set has too many rows
   */
  public static LabeledData read(
      TrainingSetStream set, String label, List<String> features, long maxRows) {
    try (set) {
      List<String> names = set.columnNames();
      int labelIndex = names.indexOf(label);
      if (labelIndex < 0) {
        throw new IllegalArgumentException(
            "label: the data has no column '" + label + "' (columns: " + names + ")");
      }
      int[] index = indexes(names, features);
      List<double[]> xs = new ArrayList<>();
      DoubleList ys = new DoubleList();
      long unlabeled = 0;
      long row = 0;
      while (set.hasNext()) {
        List<Object> r = set.next();
        row++;
        Object l = r.get(labelIndex);
        if (l == null) {
          unlabeled++;
          continue;
        }
        if (xs.size() >= maxRows) {
          throw new IllegalArgumentException(
              "max_rows: the data has more than " + maxRows + " labeled rows");
        }
        ys.add(toDouble(l, label, row));
        xs.add(features(r, index, features, row));
      }
      return new LabeledData(features, xs.toArray(double[][]::new), ys.toArray(), unlabeled);
    }
  }

  /** The positions of {@code features} among {@code names}. */
  public static int[] indexes(List<String> names, List<String> features) {
    int[] index = new int[features.size()];
    for (int i = 0; i < index.length; i++) {
      index[i] = names.indexOf(features.get(i));
      if (index[i] < 0) {
        throw new IllegalArgumentException(
            "features: the data has no column '" + features.get(i) + "' (columns: " + names + ")");
      }
    }
    return index;
  }

  /** The values at {@code index} of {@code row} as doubles (missing is {@code NaN}). */
  public static double[] features(List<Object> row, int[] index, List<String> names, long rowNo) {
    double[] v = new double[index.length];
    for (int i = 0; i < index.length; i++) {
      Object o = row.get(index[i]);
      v[i] = o == null ? Double.NaN : toDouble(o, names.get(i), rowNo);
    }
    return v;
  }

  /**
   * A value as a double: numbers as they are, booleans 1/0, numeric text parsed.
   *
   * @throws IllegalArgumentException naming the column and row otherwise
   */
  public static double toDouble(Object value, String column, long row) {
    return switch (value) {
      case Number n -> n.doubleValue();
      case Boolean b -> b ? 1 : 0;
      case String s -> {
        try {
          yield Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "column '" + column + "', row " + row + ": '" + s + "' is not a number");
        }
      }
      default ->
          throw new IllegalArgumentException(
              "column '" + column + "', row " + row + ": " + value + " is not a number");
    };
  }

  /**
   * Splits the rows at random (a shuffle seeded by {@code seed}, so the same seed gives the same
   * split): {@code validationFraction} of them, rounded, go to the validation part.
   *
   * @throws IllegalArgumentException unless {@code 0 < validationFraction < 1} and both parts get
   *     at least one row
   */
  public Split split(double validationFraction, long seed) {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validation_fraction: must be between 0 and 1 (exclusive), got " + validationFraction);
    }
    List<Integer> order = new ArrayList<>(rows());
    for (int i = 0; i < rows(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    int valid = (int) Math.round(rows() * validationFraction);
    if (valid == 0 || valid == rows()) {
      throw new IllegalArgumentException(
          "validation_fraction: "
              + validationFraction
              + " of "
              + rows()
              + " rows leaves one part empty");
    }
    return new Split(subset(order.subList(valid, rows())), subset(order.subList(0, valid)));
  }

  private LabeledData subset(List<Integer> rowsToKeep) {
    double[][] sx = new double[rowsToKeep.size()][];
    double[] sy = new double[rowsToKeep.size()];
    for (int i = 0; i < sx.length; i++) {
      sx[i] = x[rowsToKeep.get(i)];
      sy[i] = y[rowsToKeep.get(i)];
    }
    return new LabeledData(featureNames, sx, sy, 0);
  }

  /**
   * A train/validation split.
   *
   * @param train the rows to fit on
   * @param validation the rows to measure on
   */
  public record Split(LabeledData train, LabeledData validation) {}

  /** A growable array of doubles. */
  private static final class DoubleList {
    private double[] values = new double[1024];
    private int size;

    void add(double v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    double[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }
}
