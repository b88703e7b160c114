package dev.keel.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ModelSignature;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
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
    ParseContext ctx = new ParseContext(signature, limits);
    return csv ? CsvInputReader.read(ctx, utf8(body)) : json(ctx, ScoringJson.read(body, limits));
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

  // ---------------------------------------------------------------- JSON

  private static InputBatch json(ParseContext ctx, JsonNode root) {
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
      case "dataframe_split" -> DataframeSplitReader.read(ctx, value);
      case "dataframe_records" -> DataframeRecordsReader.read(ctx, value);
      case "instances" -> TensorInputReader.instances(ctx, value);
      default -> TensorInputReader.inputs(ctx, value);
    };
  }
}
