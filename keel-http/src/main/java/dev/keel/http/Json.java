package dev.keel.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.JsonErrors;
import dev.keel.core.KeelException;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** JSON in and out at the HTTP edge. Thread-safe. */
public final class Json {
  /** Largest JSON body any route accepts. */
  public static final int MAX_BODY_BYTES = 16 << 20;

  /** Nesting deeper than this is refused (JSON bombs). */
  public static final int MAX_NESTING = 64;

  public static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING)
                          .maxStringLength(MAX_BODY_BYTES)
                          .build())
                  .build())
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Writes {@code node} as the response body with status 200. */
  public static void write(Context ctx, JsonNode node) {
    try {
      ctx.contentType("application/json").result(MAPPER.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "could not write the response");
    }
  }

  /** Writes JSON straight to a generator (for large responses: no intermediate tree). */
  @FunctionalInterface
  public interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  /** Streams the response body through {@code writer} with status 200. */
  public static void stream(Context ctx, Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "could not write the response");
    }
    ctx.contentType("application/json").result(out.toByteArray());
  }

  /**
   * Writes the response body through {@code writer} straight to the response stream, with status
   * 200: for hot paths whose answer is computed in full before writing starts (a failure inside
   * {@code writer} would leave a partial body, so it must not throw for bad input).
   */
  public static void writeDirect(Context ctx, Writer writer) {
    ctx.status(200).contentType("application/json");
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(ctx.res().getOutputStream())) {
      writer.write(g);
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "could not write the response");
    }
  }

  /**
   * Reads the request body as a JSON object, at most {@code limit} bytes. An empty body is {@code
   * {}}; a JSON string holding JSON (legacy clients) is decoded twice. The body is read once per
   * request: later calls (the handler, after a guard read the field naming the securable) get the
   * same object, whatever their limit.
   *
   * @param tooLarge the error to raise past the limit
   */
  public static ObjectNode readBody(Context ctx, int limit, ErrorCode tooLarge) {
    ObjectNode read = ctx.attribute(BODY);
    if (read != null) {
      return read; // read before the route ran (authorization found the securable's name in it)
    }
    ObjectNode body = parseBody(ctx, limit, tooLarge);
    ctx.attribute(BODY, body);
    return body;
  }

  /** The request attribute a read body is kept in, so it can be read again. */
  private static final String BODY = "keel.json-body";

  private static ObjectNode parseBody(Context ctx, int limit, ErrorCode tooLarge) {
    byte[] bytes = readLimited(ctx, limit, tooLarge);
    if (bytes.length == 0) {
      return object();
    }
    JsonNode node = parse(new String(bytes, StandardCharsets.UTF_8));
    if (node.isTextual()) {
      node = parse(node.asText());
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return object();
    }
    if (!node.isObject()) {
      throw new KeelException(
          ErrorCode.MALFORMED_REQUEST, "The request body must be a JSON object.");
    }
    refuseNul(node, "");
    return (ObjectNode) node;
  }

  /** True when {@code s} holds a NUL character, which no Keel store accepts. */
  public static boolean hasNul(String s) {
    return s.indexOf(0) >= 0;
  }

  /** The 400 for a NUL character in {@code field}. */
  public static KeelException nulRefused(String field) {
    return KeelException.invalid(
        "Invalid value for parameter '"
            + field
            + "': NUL characters (\\u0000) are not allowed in strings.");
  }

  /**
   * Refuses a body holding a NUL character in any string or field name, naming the first such field
   * by its path ({@code tags[0].value}). PostgreSQL cannot store NUL in text; refusing it for every
   * request, on every store, keeps the two stores alike.
   */
  private static void refuseNul(JsonNode node, String path) {
    if (node.isTextual()) {
      if (hasNul(node.textValue())) {
        throw nulRefused(path.isEmpty() ? "body" : path);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        refuseNul(node.get(i), path + "[" + i + "]");
      }
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (hasNul(e.getKey())) {
          throw nulRefused(p);
        }
        refuseNul(e.getValue(), p);
      }
    }
  }

  private static JsonNode parse(String text) {
    if (text.isBlank()) {
      return object();
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new KeelException(
          ErrorCode.MALFORMED_REQUEST,
          "Malformed JSON in the request body: " + JsonErrors.reason(e, MAX_NESTING) + ".",
          e);
    } catch (IOException e) {
      throw new KeelException(
          ErrorCode.MALFORMED_REQUEST, "Malformed JSON in the request body.", e);
    }
  }

  /**
   * Bodies up to this size are read to the end even when refused, so the client, which is still
   * sending, reads the error instead of a reset connection; larger ones are cut off.
   */
  private static final long MAX_DRAIN_BYTES = 64L << 20;

  private static byte[] readLimited(Context ctx, int limit, ErrorCode tooLarge) {
    try (InputStream in = ctx.req().getInputStream()) {
      long declared = ctx.req().getContentLengthLong();
      if (declared >= 0 && declared <= limit) {
        byte[] exact = in.readNBytes((int) declared); // one right-sized buffer for the usual case
        if (in.read() < 0) {
          return exact;
        }
        throw new KeelException(
            ErrorCode.INVALID_ARGUMENT, "The body is longer than its Content-Length.");
      }
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        drain(in, ctx.req().getContentLengthLong());
        throw tooLarge(limit, tooLarge);
      }
      return bytes;
    } catch (IOException e) {
      // the cause says when Jetty cut the body (408), which ErrorTranslator answers as such
      throw new KeelException(ErrorCode.INVALID_ARGUMENT, "Could not read the request body.", e);
    }
  }

  private static void drain(InputStream in, long declared) throws IOException {
    if (declared > MAX_DRAIN_BYTES) {
      return;
    }
    long left = MAX_DRAIN_BYTES;
    while (left > 0) {
      long skipped = in.skip(Math.min(left, 1 << 20));
      if (skipped <= 0) {
        if (in.read() < 0) {
          return;
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private static KeelException tooLarge(int limit, ErrorCode code) {
    return new KeelException(
        code, "The request body exceeds the limit of " + limit + " bytes for this endpoint.");
  }
}
