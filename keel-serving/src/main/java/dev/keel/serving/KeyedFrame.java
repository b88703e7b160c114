package dev.keel.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.keel.core.ErrorCode;
import dev.keel.core.JsonErrors;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ModelSignature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code dataframe_split} or {@code dataframe_records} scoring request read into named columns,
 * for models whose input is assembled from the request and other sources (feature lookups). Key
 * values come out typed ({@link #scalar}); the request's own columns go into the assembled input
 * exactly as sent ({@link #with}), so that {@link ScoringInput} converts and checks them as it does
 * any request. Immutable.
 */
public final class KeyedFrame {
  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(64).build())
                  .build())
          .build();

  private final Map<String, List<JsonNode>> columns;
  private final int rows;

  private KeyedFrame(Map<String, List<JsonNode>> columns, int rows) {
    this.columns = columns;
    this.rows = rows;
  }

  /**
   * Refuses a content type other than JSON (empty means JSON).
   *
   * @param spec the feature spec served, for the message
   */
  public static void requireJson(String contentType, String spec) {
    if (!contentType.isEmpty() && !contentType.toLowerCase().startsWith("application/json")) {
      throw KeelException.invalid(
          "Models served with feature spec '"
              + spec
              + "' take JSON (dataframe_split or dataframe_records) holding the lookup keys.");
    }
  }

  /**
   * Reads the columns of a {@code dataframe_split} or {@code dataframe_records} body.
   *
   * @param spec the feature spec served, for messages
   * @throws KeelException INVALID_PARAMETER_VALUE saying what is wrong with the body
   */
  public static KeyedFrame read(byte[] body, String spec) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT,
          "The request body is not valid JSON"
              + (e instanceof JsonProcessingException j
                  ? ": " + JsonErrors.reason(j, ScoringLimits.DEFAULT.maxDepth())
                  : "."),
          e);
    }
    if (root == null || !root.isObject()) {
      throw KeelException.invalid("The request body must be a JSON object.");
    }
    Map<String, List<JsonNode>> columns = new LinkedHashMap<>();
    int rows;
    if (root.has("dataframe_split")) {
      JsonNode split = root.get("dataframe_split");
      JsonNode cols = split.path("columns");
      JsonNode data = split.path("data");
      if (!cols.isArray() || !data.isArray()) {
        throw KeelException.invalid("'dataframe_split' needs 'columns' and 'data' lists.");
      }
      rows = data.size();
      for (JsonNode c : cols) {
        columns.put(c.asText(), new ArrayList<>());
      }
      List<String> names = new ArrayList<>(columns.keySet());
      for (int r = 0; r < rows; r++) {
        JsonNode row = data.get(r);
        if (!row.isArray() || row.size() != names.size()) {
          throw KeelException.invalid(
              "'dataframe_split.data[" + r + "]' must hold " + names.size() + " values.");
        }
        for (int c = 0; c < names.size(); c++) {
          columns.get(names.get(c)).add(row.get(c));
        }
      }
    } else if (root.has("dataframe_records")) {
      JsonNode recs = root.get("dataframe_records");
      if (!recs.isArray()) {
        throw KeelException.invalid("'dataframe_records' must be a list of objects.");
      }
      rows = recs.size();
      for (int r = 0; r < rows; r++) {
        JsonNode rec = recs.get(r);
        if (!rec.isObject()) {
          throw KeelException.invalid("'dataframe_records[" + r + "]' must be an object.");
        }
        for (Iterator<String> it = rec.fieldNames(); it.hasNext(); ) {
          columns.computeIfAbsent(it.next(), k -> new ArrayList<>());
        }
      }
      for (Map.Entry<String, List<JsonNode>> c : columns.entrySet()) {
        for (int r = 0; r < rows; r++) {
          c.getValue().add(recs.get(r).path(c.getKey()));
        }
      }
    } else {
      throw KeelException.invalid(
          "Models served with feature spec '"
              + spec
              + "' take dataframe_split or dataframe_records holding the lookup keys.");
    }
    return new KeyedFrame(columns, rows);
  }

  /** The number of rows. */
  public int rows() {
    return rows;
  }

  /** Whether the request has this column. */
  public boolean has(String column) {
    return columns.containsKey(column);
  }

  /**
   * The value of {@code column} in {@code row} as a {@link Long}, {@link Double}, {@link Boolean}
   * or {@link String}; empty when it is null or absent (or the frame has no such column).
   */
  public Optional<Object> scalar(String column, int row) {
    List<JsonNode> values = columns.get(column);
    if (values == null) {
      return Optional.empty();
    }
    JsonNode v = values.get(row);
    if (v == null || v.isNull() || v.isMissingNode()) {
      return Optional.empty();
    }
    return Optional.of(
        v.isIntegralNumber()
            ? (Object) v.asLong()
            : v.isNumber() ? (Object) v.asDouble() : v.isBoolean() ? v.asBoolean() : v.asText());
  }

  /**
   * The model input of {@code inputs} in this order: a column the request has is taken as sent, any
   * other from {@code others} (one value per row, null for none), all parsed by {@link
   * ScoringInput} against {@code signature}.
   *
   * @param others columns by name, each with {@link #rows()} values ({@code Long}, {@code Double},
   *     {@code Boolean}, other numbers, or anything written as its text); must hold every input the
   *     request has not
   */
  public InputBatch with(
      List<String> inputs,
      Map<String, List<Object>> others,
      ModelSignature signature,
      ScoringLimits limits) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + rows * inputs.size() * 12);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("dataframe_split");
      g.writeArrayFieldStart("columns");
      for (String n : inputs) {
        g.writeString(n);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("data");
      for (int r = 0; r < rows; r++) {
        g.writeStartArray();
        for (String n : inputs) {
          List<JsonNode> fromRequest = columns.get(n);
          if (fromRequest != null) {
            g.writeTree(fromRequest.get(r));
          } else {
            writeValue(g, others.get(n).get(r));
          }
        }
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return ScoringInput.parse("application/json", out.toByteArray(), signature, limits);
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Double d -> g.writeNumber(d);
      case Float f -> g.writeNumber(f);
      case Long l -> g.writeNumber(l);
      case Integer i -> g.writeNumber(i);
      case Short s -> g.writeNumber(s);
      case java.math.BigDecimal b -> g.writeNumber(b);
      case Boolean b -> g.writeBoolean(b);
      default -> g.writeString(v.toString());
    }
  }
}
