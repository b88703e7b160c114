package dev.keel.serving;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.mlmodel.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Parses a scoring request body in one of MLflow's scoring formats into an {@link InputBatch},
 * converting values to the model signature's types.
 *
 * <p>Formats ({@code application/json} unless noted; a JSON body is an object with exactly one of
 * the format keys, optionally next to {@code params}, {@code client_request_id} and {@code
 * usage_context}, which are ignored here):
 *
 * <ul>
 *   <li>{@code dataframe_split}: {@code {"columns": [...], "data": [[...], ...]}}; {@code index} is
 *       ignored;
 *   <li>{@code dataframe_records}: {@code [{"col": value, ...}, ...]}; a key absent from a record
 *       is a missing value;
 *   <li>{@code instances}: a list of rows, each a list of values in signature order or an object of
 *       column values (tensor signatures: a list of per-row tensors, or of objects of them);
 *   <li>{@code inputs}: an object of columns ({@code {"col": [values...]}}) or a list of rows in
 *       signature order (tensor signatures: one tensor, or an object of tensors);
 *   <li>{@code text/csv}: a header row naming the columns, then one row per line; an empty field is
 *       a missing value.
 * </ul>
 *
 * <p>Column-based signatures, as MLflow's schema enforcement does: a required column missing from
 * the request is refused (naming it); columns the signature does not declare are ignored; values
 * must have the column's type (integers for {@code integer}/{@code long}, numbers for {@code
 * float}/{@code double}, {@code true}/{@code false} for {@code boolean}, strings for {@code
 * string}, {@code binary} and {@code datetime}); a missing value ({@code null}, an absent record
 * key, an empty CSV field) is {@code NaN} in {@code float}/{@code double} columns and refused in
 * any other. An optional column absent from the request is all {@code NaN} ({@code float}/{@code
 * double} only). Columns of a signature without names are matched by position.
 *
 * <p>Every problem is a {@link KeelException} (400 INVALID_ARGUMENT) whose message names the column
 * and the problem; a content type other than JSON or CSV in UTF-8 is 415 UNSUPPORTED_MEDIA_TYPE.
 * Bodies are parsed with bounded nesting depth and row and value counts ({@link ScoringLimits});
 * the body size is the caller's to bound.
 */
public final class ScoringInput {

  /** The JSON keys that name a scoring format. */
  public static final List<String> JSON_FORMATS =
      List.of("dataframe_split", "dataframe_records", "instances", "inputs");

  private static final Set<String> OTHER_KEYS =
      Set.of("params", "client_request_id", "usage_context");

  private static final Map<Integer, ObjectMapper> MAPPERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private ScoringInput() {}

  /** Parses with {@link ScoringLimits#DEFAULT}. */
  public static InputBatch parse(String contentType, byte[] body, ModelSignature signature) {
    return parse(contentType, body, signature, ScoringLimits.DEFAULT);
  }

  /**
   * Parses a request body.
   *
   * @param contentType the request's {@code Content-Type} ({@code application/json} or {@code
   *     text/csv}, with at most a {@code charset=utf-8} parameter)
   * @param body the request body
   * @param signature the model's signature (its inputs must not be empty)
   * @param limits the limits to enforce
   * @return the batch, its inputs in signature order
   * @throws KeelException 400 naming the column and the problem; 415 for another content type
   */
  public static InputBatch parse(
      String contentType, byte[] body, ModelSignature signature, ScoringLimits limits) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(limits, "limits");
    if (signature.inputs().isEmpty()) {
      throw KeelException.invalid("The model has no input signature; cannot parse scoring input");
    }
    boolean csv = mediaType(contentType);
    if (body.length == 0) {
      throw KeelException.invalid("The request body is empty");
    }
    return csv
        ? new Parse(signature, limits).csv(utf8(body))
        : new Parse(signature, limits).json(readJson(body, limits));
  }

  /** True for CSV, false for JSON; anything else is 415. */
  static boolean mediaType(String contentType) {
    String[] parts = contentType.split(";");
    String type = parts[0].strip().toLowerCase(Locale.ROOT);
    boolean csv;
    if (type.equals("application/json")) {
      csv = false;
    } else if (type.equals("text/csv")) {
      csv = true;
    } else {
      throw new KeelException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "Content type "
              + ColumnBuilder.quote(contentType)
              + " is not supported; use application/json or text/csv");
    }
    for (int k = 1; k < parts.length; k++) {
      String p = parts[k].strip().toLowerCase(Locale.ROOT).replace(" ", "");
      if (p.isEmpty()) {
        continue;
      }
      if (!(p.equals("charset=utf-8") || p.equals("charset=\"utf-8\""))) {
        throw new KeelException(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            "Content type parameter "
                + ColumnBuilder.quote(parts[k].strip())
                + " is not supported; only charset=utf-8 is accepted");
      }
    }
    return csv;
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw KeelException.invalid("The request body is not valid UTF-8");
    }
  }

  private static JsonNode readJson(byte[] body, ScoringLimits limits) {
    ObjectMapper mapper =
        MAPPERS.computeIfAbsent(
            limits.maxDepth(),
            depth ->
                JsonMapper.builder(
                        com.fasterxml.jackson.core.JsonFactory.builder()
                            .streamReadConstraints(
                                StreamReadConstraints.builder()
                                    .maxNestingDepth(depth)
                                    .maxNumberLength(1000)
                                    .maxStringLength(20_000_000)
                                    .maxNameLength(50_000)
                                    .build())
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    // Correctly rounded like Double.parseDouble, about 3x faster on number-heavy
                    // bodies (a 1,000 x 20 dataframe_split: 5.0 -> 1.6 ms to read).
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
                    .nodeFactory(JsonNodeFactory.withExactBigDecimals(false))
                    .build());
    try {
      JsonNode root = mapper.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw KeelException.invalid("The request body is empty");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw KeelException.invalid(
          "The request body is nested too deeply or too large: at most "
              + limits.maxDepth()
              + " levels of nesting are accepted");
    } catch (JsonProcessingException e) {
      throw KeelException.invalid(
          "The request body is not valid JSON: "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      throw KeelException.invalid("The request body cannot be read: " + e.getMessage());
    }
  }

  /** One parse against one signature. */
  private static final class Parse {
    private final ModelSignature signature;
    private final ScoringLimits limits;
    private final boolean tensors;

    Parse(ModelSignature signature, ScoringLimits limits) {
      this.signature = signature;
      this.limits = limits;
      this.tensors = signature.tensorInputs();
    }

    // ---------------------------------------------------------------- JSON

    InputBatch json(JsonNode root) {
      if (!root.isObject()) {
        throw KeelException.invalid(
            "The request body must be a JSON object with one of the keys "
                + JSON_FORMATS
                + " (MLflow 2.0 scoring protocol); got "
                + ColumnBuilder.describe(root));
      }
      String format = null;
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (JSON_FORMATS.contains(key)) {
          if (format != null) {
            throw KeelException.invalid(
                "The request body has both '"
                    + format
                    + "' and '"
                    + key
                    + "'; send exactly one of "
                    + JSON_FORMATS);
          }
          format = key;
        } else if (!OTHER_KEYS.contains(key)) {
          throw KeelException.invalid(
              "Unknown key "
                  + ColumnBuilder.quote(key)
                  + " in the request body; send exactly one of "
                  + JSON_FORMATS
                  + " (and optionally params)");
        }
      }
      if (format == null) {
        throw KeelException.invalid(
            "The request body has none of the keys "
                + JSON_FORMATS
                + " (MLflow 2.0 scoring protocol)");
      }
      JsonNode value = root.get(format);
      return switch (format) {
        case "dataframe_split" -> dataframeSplit(value);
        case "dataframe_records" -> dataframeRecords(value);
        case "instances" -> instances(value);
        default -> inputs(value);
      };
    }

    private InputBatch dataframeSplit(JsonNode split) {
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
      int rows = checkRows(data.size(), "dataframe_split.data");
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
      if (tensors) {
        return singleTensor("dataframe_split", data, rows);
      }
      Table table =
          new Table() {
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
      return columns(names == null ? positional(width) : names, table, "dataframe_split.columns");
    }

    private InputBatch dataframeRecords(JsonNode records) {
      if (!records.isArray()) {
        throw KeelException.invalid(
            "'dataframe_records' must be a list of objects, got "
                + ColumnBuilder.describe(records));
      }
      return recordsOf(records, "dataframe_records");
    }

    private InputBatch recordsOf(JsonNode records, String where) {
      int rows = checkRows(records.size(), where);
      LinkedHashMap<String, Integer> seen = new LinkedHashMap<>();
      for (int r = 0; r < rows; r++) {
        JsonNode rec = records.get(r);
        if (!rec.isObject()) {
          throw KeelException.invalid(
              "'"
                  + where
                  + "' row "
                  + r
                  + " must be an object, got "
                  + ColumnBuilder.describe(rec));
        }
        for (Iterator<String> it = rec.fieldNames(); it.hasNext(); ) {
          seen.putIfAbsent(it.next(), seen.size());
        }
      }
      List<String> names = new ArrayList<>(seen.keySet());
      if (tensors) {
        if (signature.inputs().size() == 1) {
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
          return singleTensor(where, matrix, rows);
        }
        // Several tensors: each record holds one row of each tensor.
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (String n : names) {
          ArrayNode a = JsonNodeFactory.instance.arrayNode(rows);
          for (int r = 0; r < rows; r++) {
            JsonNode v = records.get(r).get(n);
            if (v == null) {
              throw KeelException.invalid(
                  "'"
                      + where
                      + "' row "
                      + r
                      + " has no value for tensor "
                      + ColumnBuilder.quote(n));
            }
            a.add(v);
          }
          byName.put(n, a);
        }
        return namedTensors(byName, where);
      }
      Table table =
          new Table() {
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
      return columns(names, table, where);
    }

    private InputBatch instances(JsonNode instances) {
      if (!instances.isArray()) {
        throw KeelException.invalid(
            "'instances' must be a list, got " + ColumnBuilder.describe(instances));
      }
      int rows = checkRows(instances.size(), "instances");
      if (rows > 0 && instances.get(0).isObject()) {
        return recordsOf(instances, "instances");
      }
      if (tensors) {
        return singleTensor("instances", instances, rows);
      }
      return positionalRows(instances, rows, "instances");
    }

    private InputBatch inputs(JsonNode inputs) {
      if (inputs.isObject()) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        inputs.fields().forEachRemaining(e -> byName.put(e.getKey(), e.getValue()));
        if (tensors) {
          return namedTensors(byName, "inputs");
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
        int batchRows = checkRows(Math.max(rows, 0), "inputs");
        List<String> names = new ArrayList<>(byName.keySet());
        Table table =
            new Table() {
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
        return columns(names, table, "inputs");
      }
      if (!inputs.isArray()) {
        throw KeelException.invalid(
            "'inputs' must be a list or an object of columns, got "
                + ColumnBuilder.describe(inputs));
      }
      int rows = checkRows(inputs.size(), "inputs");
      if (tensors) {
        return singleTensor("inputs", inputs, rows);
      }
      return positionalRows(inputs, rows, "inputs");
    }

    /** Rows given as lists of values in signature order. */
    private InputBatch positionalRows(JsonNode list, int rows, String where) {
      int width = signature.inputs().size();
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
      Table table =
          new Table() {
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
        names.add(columnName((ColumnSpec) signature.inputs().get(c), c));
      }
      return columns(names, table, where);
    }

    // ---------------------------------------------------------------- CSV

    InputBatch csv(String text) {
      List<List<String>> records = Csv.parse(text, limits.maxRows() + 1);
      if (records.isEmpty()
          || (records.size() == 1
              && records.get(0).size() == 1
              && records.get(0).get(0).isEmpty())) {
        throw KeelException.invalid(
            "The CSV body is empty; it needs a header row naming the columns");
      }
      List<String> header = records.get(0);
      List<List<String>> data = records.subList(1, records.size());
      int rows = checkRows(data.size(), "text/csv");
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
      if (tensors) {
        if (signature.inputs().size() != 1) {
          throw KeelException.invalid(
              "CSV input needs a column-based signature or a single tensor input; the model has "
                  + signature.inputs().size()
                  + " tensor inputs");
        }
        TensorSpec spec = (TensorSpec) signature.inputs().get(0);
        String name = tensorName(spec, 0);
        ColumnType type = dtype(spec, name);
        long[] shape = {rows, header.size()};
        checkShape(spec, name, shape);
        checkValues((long) rows * header.size(), "text/csv");
        ColumnBuilder b = new ColumnBuilder(name, type, shape);
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < header.size(); c++) {
            b.setText(r * header.size() + c, r, data.get(r).get(c));
          }
        }
        return new InputBatch(rows, List.of(b.build()), true);
      }
      Table table =
          new Table() {
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
      return columns(header, table, "text/csv header");
    }

    // ---------------------------------------------------------------- columns

    /** Source columns in some order. */
    private interface Table {
      int rows();

      void fill(ColumnBuilder b, int source);
    }

    private List<String> positional(int width) {
      List<String> names = new ArrayList<>();
      for (int c = 0; c < width; c++) {
        names.add(Integer.toString(c));
      }
      return names;
    }

    private InputBatch columns(List<String> sourceNames, Table table, String where) {
      int rows = table.rows();
      if (rows == 0) {
        throw KeelException.invalid(
            "The request has no rows ('" + where.split("[ .]")[0] + "' is empty)");
      }
      List<SchemaSpec> specs = signature.inputs();
      checkValues((long) rows * specs.size(), where);
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

    private static String columnName(ColumnSpec spec, int position) {
      return spec.name().orElse(Integer.toString(position));
    }

    // ---------------------------------------------------------------- tensors

    private InputBatch singleTensor(String where, JsonNode value, int rows) {
      if (signature.inputs().size() != 1) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < signature.inputs().size(); k++) {
          names.add(tensorName((TensorSpec) signature.inputs().get(k), k));
        }
        throw KeelException.invalid(
            "The model takes "
                + names.size()
                + " tensors "
                + names
                + "; send them by name ('inputs': {name: tensor}, or 'instances' as a list of objects), not as '"
                + where
                + "'");
      }
      Map<String, JsonNode> one = new LinkedHashMap<>();
      one.put(tensorName((TensorSpec) signature.inputs().get(0), 0), value);
      if (rows == 0) {
        throw KeelException.invalid("The request has no rows ('" + where + "' is empty)");
      }
      return namedTensors(one, where);
    }

    private InputBatch namedTensors(Map<String, JsonNode> byName, String where) {
      List<SchemaSpec> specs = signature.inputs();
      boolean named = ((TensorSpec) specs.get(0)).name().isPresent();
      if (!named && specs.size() == 1 && byName.size() == 1) {
        JsonNode only = byName.values().iterator().next();
        byName = Map.of(tensorName((TensorSpec) specs.get(0), 0), only);
      }
      List<String> missing = new ArrayList<>();
      for (int k = 0; k < specs.size(); k++) {
        String n = tensorName((TensorSpec) specs.get(k), k);
        if (!byName.containsKey(n)) {
          missing.add(n);
        }
      }
      if (!missing.isEmpty()) {
        throw KeelException.invalid(
            "Model is missing input tensors "
                + missing
                + " (the request has "
                + abbreviate(new ArrayList<>(byName.keySet()))
                + ")");
      }
      List<InputColumn> out = new ArrayList<>();
      int rows = -1;
      long total = 0;
      for (int k = 0; k < specs.size(); k++) {
        TensorSpec spec = (TensorSpec) specs.get(k);
        String name = tensorName(spec, k);
        ColumnType type = dtype(spec, name);
        JsonNode value = byName.get(name);
        long[] shape = shapeOf(name, value);
        checkShape(spec, name, shape);
        total += product(shape);
        checkValues(total, where);
        if (rows == -1) {
          rows = (int) shape[0];
          checkRows(rows, where);
        } else if (shape[0] != rows) {
          throw KeelException.invalid(
              "Tensor "
                  + ColumnBuilder.quote(name)
                  + " has "
                  + shape[0]
                  + " rows, other tensors have "
                  + rows);
        }
        ColumnBuilder b = new ColumnBuilder(name, type, shape);
        fillTensor(b, value, shape, 0, new int[] {0});
        out.add(b.build());
      }
      if (rows == 0) {
        throw KeelException.invalid("The request has no rows ('" + where + "' is empty)");
      }
      return new InputBatch(rows, out, true);
    }

    private long[] shapeOf(String name, JsonNode value) {
      List<Long> dims = new ArrayList<>();
      JsonNode n = value;
      while (n.isArray()) {
        dims.add((long) n.size());
        if (n.isEmpty()) {
          break;
        }
        n = n.get(0);
      }
      if (dims.isEmpty()) {
        throw KeelException.invalid(
            "Tensor "
                + ColumnBuilder.quote(name)
                + " must be a (nested) list, got "
                + ColumnBuilder.describe(value));
      }
      long[] shape = new long[dims.size()];
      for (int k = 0; k < shape.length; k++) {
        shape[k] = dims.get(k);
      }
      return shape;
    }

    private void fillTensor(ColumnBuilder b, JsonNode node, long[] shape, int dim, int[] next) {
      if (dim == shape.length) {
        if (node.isArray() || node.isObject()) {
          throw KeelException.invalid(
              "Tensor "
                  + ColumnBuilder.quote(b.name())
                  + " is ragged: expected a value at depth "
                  + dim
                  + ", got "
                  + ColumnBuilder.describe(node));
        }
        int i = next[0]++;
        int row = shape[0] == 0 ? 0 : (int) (i / (product(shape) / shape[0]));
        b.setJson(i, row, node);
        return;
      }
      if (!node.isArray() || node.size() != shape[dim]) {
        throw KeelException.invalid(
            "Tensor "
                + ColumnBuilder.quote(b.name())
                + " is ragged: expected a list of "
                + shape[dim]
                + " at depth "
                + dim
                + ", got "
                + (node.isArray() ? "a list of " + node.size() : ColumnBuilder.describe(node)));
      }
      for (JsonNode child : node) {
        fillTensor(b, child, shape, dim + 1, next);
      }
    }

    private static long product(long[] shape) {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    private void checkShape(TensorSpec spec, String name, long[] shape) {
      List<Long> want = spec.shape();
      boolean ok = want.size() == shape.length;
      for (int k = 0; ok && k < shape.length; k++) {
        ok = want.get(k) == -1 || want.get(k) == shape[k];
      }
      if (!ok) {
        throw KeelException.invalid(
            "Tensor "
                + ColumnBuilder.quote(name)
                + " has shape "
                + java.util.Arrays.toString(shape)
                + ", the signature declares "
                + want
                + " (-1 = any)");
      }
    }

    private static String tensorName(TensorSpec spec, int position) {
      return spec.name().orElse(Integer.toString(position));
    }

    private static ColumnType dtype(TensorSpec spec, String name) {
      return switch (spec.dtype()) {
        case "float32", "float16" -> ColumnType.FLOAT;
        case "float64" -> ColumnType.DOUBLE;
        case "int8", "int16", "int32", "uint8", "uint16" -> ColumnType.INTEGER;
        case "int64", "uint32" -> ColumnType.LONG;
        case "bool" -> ColumnType.BOOLEAN;
        case "str", "object" -> ColumnType.STRING;
        default ->
            throw KeelException.invalid(
                "Tensor "
                    + ColumnBuilder.quote(name)
                    + " has dtype "
                    + ColumnBuilder.quote(spec.dtype())
                    + ", which Keel cannot feed");
      };
    }

    // ---------------------------------------------------------------- limits

    private int checkRows(int rows, String where) {
      if (rows > limits.maxRows()) {
        throw KeelException.invalid(
            "'"
                + where
                + "' has "
                + rows
                + " rows; at most "
                + limits.maxRows()
                + " are accepted per request");
      }
      return rows;
    }

    private void checkValues(long values, String where) {
      if (values > limits.maxValues()) {
        throw KeelException.invalid(
            "'"
                + where
                + "' has more than "
                + limits.maxValues()
                + " values; send smaller batches");
      }
    }

    private static String abbreviate(List<String> names) {
      List<String> shown = new ArrayList<>();
      for (int k = 0; k < names.size() && k < 20; k++) {
        shown.add(ColumnBuilder.quote(names.get(k)));
      }
      return shown + (names.size() > 20 ? " and " + (names.size() - 20) + " more" : "");
    }
  }
}
