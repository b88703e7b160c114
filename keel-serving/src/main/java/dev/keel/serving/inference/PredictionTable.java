package dev.keel.serving.inference;

import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.mlmodel.TensorSpec;
import dev.keel.serving.InputBatch;
import dev.keel.serving.InputColumn;
import dev.keel.serving.OutputTensor;
import dev.keel.serving.Predictions;
import dev.keel.serving.endpoints.InferenceTableConfig;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The columns of an endpoint's flat predictions table {@code
 * <catalog>.<schema>.<prefix>_predictions}: one row per scored input row, with Keel's columns
 * ({@link #keelColumns()}), one column per model input and the prediction columns, so that a
 * monitor can profile features and predictions directly. The columns are fixed when the table is
 * created, from the declared signatures ({@code MLmodel}) of the endpoint's served entities:
 *
 * <ul>
 *   <li>Inputs: the union of the entities' named column inputs, in first-seen order, typed from the
 *       signature (integer → INT, long → LONG, float → FLOAT, double → DOUBLE, boolean → BOOLEAN,
 *       string and datetime → STRING as sent, binary → BINARY); a name two entities type
 *       differently is STRING. Names are lower-cased (table columns are case-insensitive); an input
 *       named like a Keel or prediction column is {@code input_<name>}; an input whose name cannot
 *       be a table column (not {@code [A-Za-z_][A-Za-z0-9_]*}, at most 128, not reserved) or that
 *       repeats one case-insensitively has no column. Tensor-based signatures give no input
 *       columns.
 *   <li>Predictions ({@link #predictionColumns}): {@code prediction}, DOUBLE, or STRING when the
 *       declared output is a string; {@code prediction_proba} DOUBLE for classifiers that declare a
 *       label output ({@code label} or skl2onnx's {@code output_label}) and a probabilities output
 *       ({@code probabilities}, {@code probability} or {@code output_probability}) — {@code
 *       prediction} is then the label, {@code prediction_proba} the second of exactly two class
 *       probabilities per row (null for more classes); every further named output {@code o} is
 *       {@code prediction_<o>}.
 * </ul>
 *
 * <p>No entity with a declared signature with named column inputs: no predictions table.
 */
public final class PredictionTable {
  /** The table name suffix after the endpoint's prefix. */
  public static final String SUFFIX = "_predictions";

  /** The prediction column. */
  public static final String PREDICTION = "prediction";

  /** The positive-class probability column (binary classifiers declaring their probabilities). */
  public static final String PREDICTION_PROBA = "prediction_proba";

  /** Output names holding a classifier's label (MLflow's and skl2onnx's). */
  static final List<String> LABEL_OUTPUTS = List.of("label", "output_label");

  /** Output names holding a classifier's class probabilities. */
  static final List<String> PROBA_OUTPUTS =
      List.of("probabilities", "probability", "output_probability");

  private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Set<String> RESERVED = Set.of("file_row_number", "rowid", "_ingested_at");

  private static final Set<String> KEEL_NAMES =
      Set.copyOf(keelColumns().stream().map(Column::name).toList());

  private PredictionTable() {}

  /** {@code catalog.schema.prefix_predictions}. */
  public static String tableName(InferenceTableConfig t) {
    return t.catalogName() + "." + t.schemaName() + "." + t.tableNamePrefix() + SUFFIX;
  }

  /**
   * Keel's columns, first in every predictions table: {@code request_id} (Keel's request id, the
   * {@code x-request-id} answered and {@code databricks_request_id} of {@code _payload}), {@code
   * client_request_id}, {@code row_index} (0-based position of the row in the request), {@code
   * prediction_id} ({@code <request_id>/<row_index>}, the key labels join on), {@code
   * request_time}, {@code served_entity_name}, {@code model_name}, {@code model_version} (the
   * version that answered, its alias resolved) and {@code model_id} ({@code
   * <model_name>/<model_version>}).
   */
  public static List<Column> keelColumns() {
    return List.of(
        Column.of("request_id", ColumnType.STRING),
        Column.of("client_request_id", ColumnType.STRING),
        Column.of("row_index", ColumnType.INT),
        Column.of("prediction_id", ColumnType.STRING),
        Column.of("request_time", ColumnType.TIMESTAMP),
        Column.of("served_entity_name", ColumnType.STRING),
        Column.of("model_name", ColumnType.STRING),
        Column.of("model_version", ColumnType.LONG),
        Column.of("model_id", ColumnType.STRING));
  }

  /** The prediction id of row {@code rowIndex} of request {@code requestId}. */
  public static String predictionId(String requestId, int rowIndex) {
    return requestId + "/" + rowIndex;
  }

  /**
   * All columns of the predictions table for entities with these declared signatures (empty for an
   * entity without one); empty when no entity declares named column inputs.
   */
  public static Optional<List<Column>> columns(List<Optional<ModelSignature>> signatures) {
    Map<String, ColumnType> inputs = new LinkedHashMap<>();
    Map<String, ColumnType> predictions = new LinkedHashMap<>();
    boolean any = false;
    for (Optional<ModelSignature> o : signatures) {
      if (o.isEmpty() || !namedColumns(o.get())) {
        continue;
      }
      any = true;
      for (Map.Entry<String, ColumnType> p : predictionColumns(o.get().outputs()).entrySet()) {
        predictions.merge(p.getKey(), p.getValue(), PredictionTable::union);
      }
      for (SchemaSpec s : o.get().inputs()) {
        ColumnSpec c = (ColumnSpec) s;
        inputs.merge(c.name().orElseThrow(), inputType(c.type()), PredictionTable::union);
      }
    }
    if (!any) {
      return Optional.empty();
    }
    List<Column> out = new ArrayList<>(keelColumns());
    Map<String, ColumnType> named = new LinkedHashMap<>();
    for (Map.Entry<String, ColumnType> i : inputs.entrySet()) {
      String col = inputColumn(i.getKey());
      if (col != null && !named.containsKey(col)) {
        named.put(col, i.getValue());
      }
    }
    named.forEach((n, t) -> out.add(Column.of(n, t)));
    predictions.forEach((n, t) -> out.add(Column.of(n, t)));
    return Optional.of(List.copyOf(out));
  }

  /**
   * The table column of model input {@code name}: lower-cased, {@code input_<name>} when that is a
   * Keel column, {@code prediction} or starts with {@code prediction_}; null when it cannot be a
   * column.
   */
  static String inputColumn(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (KEEL_NAMES.contains(n) || n.equals(PREDICTION) || n.startsWith(PREDICTION + "_")) {
      n = "input_" + n;
    }
    if (!COLUMN_NAME.matcher(n).matches() || n.startsWith("__") || RESERVED.contains(n)) {
      return null;
    }
    return n;
  }

  /**
   * The prediction columns for these declared outputs (see the class comment); {@code prediction}
   * DOUBLE when none are declared.
   */
  static Map<String, ColumnType> predictionColumns(List<SchemaSpec> outputs) {
    Map<String, ColumnType> out = new LinkedHashMap<>();
    if (outputs.isEmpty()) {
      out.put(PREDICTION, ColumnType.DOUBLE);
      return out;
    }
    Optional<SchemaSpec> label = Optional.empty();
    for (String l : LABEL_OUTPUTS) {
      label = label.or(() -> output(outputs, l));
    }
    Optional<SchemaSpec> proba = Optional.empty();
    for (String p : PROBA_OUTPUTS) {
      proba = proba.or(() -> output(outputs, p));
    }
    SchemaSpec main = label.isPresent() && proba.isPresent() ? label.get() : outputs.get(0);
    out.put(PREDICTION, outputType(main));
    if (label.isPresent() && proba.isPresent()) {
      out.put(PREDICTION_PROBA, ColumnType.DOUBLE);
    }
    for (SchemaSpec s : outputs) {
      Optional<String> n = name(s);
      if (s == main || (out.containsKey(PREDICTION_PROBA) && s == proba.get()) || n.isEmpty()) {
        continue;
      }
      String col = (PREDICTION + "_" + n.get()).toLowerCase(Locale.ROOT);
      if (COLUMN_NAME.matcher(col).matches()) {
        out.putIfAbsent(col, outputType(s));
      }
    }
    return out;
  }

  private static Optional<SchemaSpec> output(List<SchemaSpec> outputs, String name) {
    return outputs.stream().filter(s -> name(s).equals(Optional.of(name))).findFirst();
  }

  private static Optional<String> name(SchemaSpec s) {
    return s instanceof ColumnSpec c ? c.name() : ((TensorSpec) s).name();
  }

  private static boolean namedColumns(ModelSignature s) {
    if (s.inputs().isEmpty() || !s.columnInputs()) {
      return false;
    }
    return s.inputs().stream().allMatch(i -> ((ColumnSpec) i).name().isPresent());
  }

  private static ColumnType union(ColumnType a, ColumnType b) {
    return a.equals(b) ? a : ColumnType.STRING;
  }

  /** The table type of a model input of this signature type. */
  static ColumnType inputType(dev.keel.mlmodel.ColumnType t) {
    return switch (t) {
      case BOOLEAN -> ColumnType.BOOLEAN;
      case INTEGER -> ColumnType.INT;
      case LONG -> ColumnType.LONG;
      case FLOAT -> ColumnType.FLOAT;
      case DOUBLE -> ColumnType.DOUBLE;
      case BINARY -> ColumnType.BINARY;
      case STRING, DATETIME -> ColumnType.STRING;
    };
  }

  /** STRING for a declared string (or binary) output, DOUBLE for anything else. */
  private static ColumnType outputType(SchemaSpec s) {
    if (s instanceof ColumnSpec c) {
      return c.type() == dev.keel.mlmodel.ColumnType.STRING
              || c.type() == dev.keel.mlmodel.ColumnType.BINARY
          ? ColumnType.STRING
          : ColumnType.DOUBLE;
    }
    TensorSpec t = (TensorSpec) s;
    return t.numeric() || t.dtype().startsWith("bool") ? ColumnType.DOUBLE : ColumnType.STRING;
  }

  /**
   * The rows of one scored request, with only the columns {@code table} has (name to type). Row
   * {@code r} holds input row {@code r} and its predictions. Input values are converted to the
   * column's type where that loses nothing and are null otherwise (a NaN input, how a missing value
   * reaches the model, is null). {@code prediction} is the first output's value (the label output
   * for classifiers with a label and a probabilities output, see the class comment), null when that
   * output has more than one value per row or is a string in a DOUBLE column; {@code
   * prediction_proba} is the second of exactly two probabilities per row.
   */
  static List<Map<String, Object>> rows(
      InferenceLogger.Entry e,
      String clientRequestId,
      Scored scored,
      Map<String, ColumnType> table) {
    InputBatch batch = scored.input();
    Predictions p = scored.predictions();
    Map<String, Getter> inputs = new LinkedHashMap<>();
    for (InputColumn c : batch.columns()) {
      String col = inputColumn(c.name());
      if (col != null && table.containsKey(col) && !inputs.containsKey(col) && c.width() == 1) {
        inputs.put(col, getter(c, table.get(col)));
      }
    }
    OutputTensor label = null;
    for (String n : LABEL_OUTPUTS) {
      label = label != null ? label : p.output(n).orElse(null);
    }
    OutputTensor proba = null;
    for (String n : PROBA_OUTPUTS) {
      proba = proba != null ? proba : p.output(n).orElse(null);
    }
    boolean classifier = label != null && proba != null;
    OutputTensor main = classifier ? label : p.outputs().get(0);
    Map<String, OutputTensor> extra = new LinkedHashMap<>();
    for (OutputTensor o : p.outputs()) {
      String col = (PREDICTION + "_" + o.name()).toLowerCase(Locale.ROOT);
      if (o != main && !(classifier && o == proba) && table.containsKey(col)) {
        extra.putIfAbsent(col, o);
      }
    }
    String modelId = e.modelName() + "/" + e.modelVersion();
    List<Map<String, Object>> out = new ArrayList<>(p.rows());
    for (int r = 0; r < p.rows(); r++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("request_id", e.requestId());
      row.put("client_request_id", clientRequestId);
      row.put("row_index", r);
      row.put("prediction_id", predictionId(e.requestId(), r));
      row.put("request_time", e.requestTime());
      row.put("served_entity_name", e.servedEntity());
      row.put("model_name", e.modelName());
      row.put("model_version", e.modelVersion());
      row.put("model_id", modelId);
      if (r < batch.rows()) {
        for (Map.Entry<String, Getter> i : inputs.entrySet()) {
          row.put(i.getKey(), i.getValue().get(r));
        }
      }
      row.put(PREDICTION, scalar(main, r, table.get(PREDICTION)));
      if (classifier && proba.width() == 2 && !proba.isString()) {
        row.put(PREDICTION_PROBA, finite(proba.doubleAt(2 * r + 1)));
      }
      for (Map.Entry<String, OutputTensor> x : extra.entrySet()) {
        row.put(x.getKey(), scalar(x.getValue(), r, table.get(x.getKey())));
      }
      row.keySet().retainAll(table.keySet());
      out.add(row);
    }
    return out;
  }

  /**
   * What a scored request fed the model and what it answered.
   *
   * @param input the model input, as parsed against the signature (features looked up included)
   * @param predictions the model's outputs
   */
  public record Scored(InputBatch input, Predictions predictions) {
    /** Checks for nulls. */
    public Scored {
      java.util.Objects.requireNonNull(input, "input");
      java.util.Objects.requireNonNull(predictions, "predictions");
    }
  }

  /** One input column's value in row {@code r}, as the table column's type takes it. */
  private interface Getter {
    Object get(int r);
  }

  private static Getter getter(InputColumn c, ColumnType t) {
    ColumnType.Kind k = t.kind();
    if (c.isFloatingPoint()) {
      double[] d = c.doubles();
      boolean isFloat = c.type() == dev.keel.mlmodel.ColumnType.FLOAT;
      return switch (k) {
        case DOUBLE, FLOAT -> r -> finite(d[r]);
        case INT, LONG -> r -> whole(d[r], k);
        case STRING ->
            r ->
                Double.isNaN(d[r])
                    ? null
                    : isFloat ? Float.toString((float) d[r]) : Double.toString(d[r]);
        default -> r -> null;
      };
    }
    if (c.isIntegral()) {
      long[] l = c.longs();
      return switch (k) {
        case DOUBLE, FLOAT -> r -> (double) l[r];
        case INT, LONG -> r -> whole(l[r], k);
        case STRING -> r -> Long.toString(l[r]);
        default -> r -> null;
      };
    }
    if (c.type() == dev.keel.mlmodel.ColumnType.BOOLEAN) {
      boolean[] b = c.booleans();
      return switch (k) {
        case BOOLEAN -> r -> b[r];
        case STRING -> r -> Boolean.toString(b[r]);
        default -> r -> null;
      };
    }
    String[] s = c.strings();
    return switch (k) {
      case STRING -> r -> s[r];
      case BINARY -> c.type() == dev.keel.mlmodel.ColumnType.BINARY ? r -> s[r] : r -> null;
      default -> r -> null;
    };
  }

  private static Object finite(double d) {
    return Double.isNaN(d) ? null : d;
  }

  /** {@code d} as an INT or LONG value when it is a whole number in range, else null. */
  private static Object whole(double d, ColumnType.Kind k) {
    if (Double.isNaN(d) || d != Math.rint(d) || Math.abs(d) > 9.0e15) {
      return null;
    }
    return whole((long) d, k);
  }

  private static Object whole(long l, ColumnType.Kind k) {
    if (k == ColumnType.Kind.INT) {
      return l < Integer.MIN_VALUE || l > Integer.MAX_VALUE ? null : (Object) (int) l;
    }
    return l;
  }

  /**
   * Output {@code o}'s value in row {@code r} for a column of type {@code t} (see {@link #rows}).
   */
  private static Object scalar(OutputTensor o, int r, ColumnType t) {
    if (t == null || o.width() != 1) {
      return null;
    }
    if (t.kind() == ColumnType.Kind.STRING) {
      return o.stringAt(r);
    }
    return o.isString() ? null : finite(o.doubleAt(r));
  }
}
