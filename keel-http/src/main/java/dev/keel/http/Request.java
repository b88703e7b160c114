package dev.keel.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The fields of one API request, read the way MLflow's server reads them: GET from the query string
 * (falling back to the body when there is none), every other method from a JSON body. Lenient where
 * MLflow's clients need it: int64 as number or string, doubles as {@code "NaN"} / {@code
 * "Infinity"}, ids given as numbers, unknown fields ignored (as MLflow's server does). Every bad
 * value is a 400 that names the field.
 *
 * <p>Unknown fields: routes of Keel's own APIs, and create routes of other APIs where a dropped
 * field would change what is created, declare the top-level body fields they read with {@link
 * #onlyFields}, which refuses any other with a 400 naming it before anything is done.
 */
public final class Request {
  private final ObjectNode body;
  private final Map<String, List<String>> query;

  private Request(ObjectNode body, Map<String, List<String>> query) {
    this.body = body;
    this.query = query;
  }

  /** Reads a request whose body may be up to {@link Json#MAX_BODY_BYTES}. */
  public static Request of(Context ctx) {
    return of(ctx, Json.MAX_BODY_BYTES, ErrorCode.REQUEST_TOO_LARGE);
  }

  /** Reads a request with its own body limit and over-limit error. */
  public static Request of(Context ctx, int maxBodyBytes, ErrorCode tooLarge) {
    if (ctx.method() == HandlerType.GET) {
      Map<String, List<String>> q = queryOf(ctx);
      if (!q.isEmpty()) {
        return new Request(Json.object(), q);
      }
    }
    return new Request(Json.readBody(ctx, maxBodyBytes, tooLarge), Map.of());
  }

  /** The query parameters, refused with a 400 naming the parameter when one holds a NUL. */
  private static Map<String, List<String>> queryOf(Context ctx) {
    Map<String, List<String>> q = ctx.queryParamMap();
    for (Map.Entry<String, List<String>> e : q.entrySet()) {
      if (Json.hasNul(e.getKey())) {
        throw Json.nulRefused("query parameter name");
      }
      for (String v : e.getValue()) {
        if (Json.hasNul(v)) {
          throw Json.nulRefused(e.getKey());
        }
      }
    }
    return q;
  }

  /**
   * Reads only the query string, never the body, whatever the method: for routes whose body is
   * something else (an uploaded file) or is ignored (GET routes read from the query alone).
   */
  public static Request ofQuery(Context ctx) {
    return new Request(Json.object(), queryOf(ctx));
  }

  /** A request over an already parsed JSON object (for nested objects in a body). */
  public static Request ofNode(JsonNode node, String field) {
    if (!node.isObject()) {
      throw KeelException.invalid("'" + field + "' must be a JSON object.");
    }
    return new Request((ObjectNode) node, Map.of());
  }

  /**
   * Refuses top-level body fields other than {@code accepted}: a 400 naming every unknown one and
   * listing those accepted. Query parameters are not checked. Call it before using any value.
   *
   * @return this request
   */
  public Request onlyFields(java.util.Collection<String> accepted) {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : body.properties()) {
      if (!accepted.contains(e.getKey())) {
        unknown.add("'" + abbreviate(e.getKey()) + "'");
      }
    }
    if (!unknown.isEmpty()) {
      throw KeelException.invalid(
          (unknown.size() == 1 ? "Unknown field " : "Unknown fields ")
              + String.join(", ", unknown)
              + " in the request body: this endpoint does not read "
              + (unknown.size() == 1 ? "it" : "them")
              + ". It accepts: "
              + (accepted.isEmpty()
                  ? "no fields"
                  : String.join(", ", new java.util.TreeSet<>(accepted)))
              + ".");
    }
    return this;
  }

  /** {@link #onlyFields(java.util.Collection)} with the fields given inline. */
  public Request onlyFields(String... accepted) {
    return onlyFields(java.util.Set.of(accepted));
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  private Optional<JsonNode> node(String field) {
    if (!query.isEmpty()) {
      List<String> v = query.get(field);
      return v == null || v.isEmpty()
          ? Optional.empty()
          : Optional.of(Json.MAPPER.getNodeFactory().textNode(v.get(0)));
    }
    JsonNode n = body.get(field);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
  }

  /**
   * Fields that MLflow's server accepts as JSON numbers although they are strings: it turns
   * experiment ids given as numbers into strings before parsing ({@code
   * _stringify_all_experiment_ids}).
   */
  private static final java.util.Set<String> NUMERIC_IDS =
      java.util.Set.of("experiment_id", "experiment_ids");

  /**
   * A string field: a JSON string (experiment ids may also be numbers, as in MLflow). Absent is
   * empty; a number, boolean, list or object is a 400 naming the field.
   */
  public Optional<String> string(String field) {
    return node(field).map(n -> text(field, n));
  }

  private static String text(String field, JsonNode n) {
    if (n.isTextual() || (n.isIntegralNumber() && NUMERIC_IDS.contains(field))) {
      return n.asText();
    }
    throw notAString(field, n);
  }

  private static KeelException notAString(String field, JsonNode n) {
    return KeelException.invalid(
        "Invalid value "
            + abbreviate(n)
            + " for parameter '"
            + field
            + "': expected a string, got "
            + kind(n)
            + ".");
  }

  private static String kind(JsonNode n) {
    if (n.isNumber()) {
      return "a number";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    if (n.isArray()) {
      return "a list";
    }
    return n.isObject() ? "an object" : "null";
  }

  /** A string field that must be present and non-empty. */
  public String required(String field) {
    return string(field).filter(s -> !s.isEmpty()).orElseThrow(() -> KeelException.missing(field));
  }

  /** An int64 given as a JSON number or a decimal string. */
  public OptionalLong int64(String field) {
    Optional<JsonNode> n = node(field);
    if (n.isEmpty()) {
      return OptionalLong.empty();
    }
    JsonNode v = n.get();
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return OptionalLong.of(v.asLong());
    }
    if (v.isTextual()) {
      String s = v.asText().trim();
      if (s.isEmpty()) {
        return OptionalLong.empty();
      }
      try {
        return OptionalLong.of(Long.parseLong(s));
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw KeelException.invalid(
        "Invalid value " + abbreviate(v) + " for parameter '" + field + "': expected an integer.");
  }

  /** A required int64. */
  public long requiredInt64(String field) {
    OptionalLong v = int64(field);
    if (v.isEmpty()) {
      throw KeelException.missing(field);
    }
    return v.getAsLong();
  }

  /** A double given as a number, a numeric string, or {@code NaN} / {@code ±Infinity}. */
  public double requiredDouble(String field) {
    JsonNode v = node(field).orElseThrow(() -> KeelException.missing(field));
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isTextual()) {
      String s = v.asText().trim();
      switch (s) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
        case "+Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            if (!s.isEmpty()
                && !s.endsWith("d")
                && !s.endsWith("f")
                && !s.endsWith("D")
                && !s.endsWith("F")) {
              return Double.parseDouble(s);
            }
          } catch (NumberFormatException e) {
            // fall through
          }
      }
    }
    throw KeelException.invalid(
        "Invalid value " + abbreviate(v) + " for parameter '" + field + "': expected a number.");
  }

  /** A boolean given as true/false or "true"/"false". */
  public Optional<Boolean> bool(String field) {
    return node(field)
        .map(
            v -> {
              if (v.isBoolean()) {
                return v.asBoolean();
              }
              String s = v.asText();
              if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
              }
              throw KeelException.invalid(
                  "Invalid value "
                      + abbreviate(v)
                      + " for parameter '"
                      + field
                      + "': expected true or false.");
            });
  }

  /**
   * A boolean flag, false when absent: true/false as JSON booleans or as text in any case ({@code
   * ?flag=True} is what Python's requests sends for {@code True}).
   */
  public boolean flag(String field) {
    Optional<JsonNode> n = node(field);
    if (n.isEmpty()) {
      return false;
    }
    JsonNode v = n.get();
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual()) {
      String s = v.asText().trim();
      if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(s);
      }
    }
    throw KeelException.invalid(
        "Invalid value "
            + abbreviate(v)
            + " for parameter '"
            + field
            + "': expected true or false.");
  }

  /**
   * A JSON object whose values are strings, in the order sent; absent is empty. The message of a
   * bad entry names it as {@code field.key}.
   */
  public Map<String, String> stringMap(String field) {
    Optional<JsonNode> n = node(field);
    if (n.isEmpty()) {
      return Map.of();
    }
    if (!n.get().isObject()) {
      throw KeelException.invalid(
          "Invalid value for parameter '" + field + "': expected an object of strings.");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.get().properties()) {
      out.put(e.getKey(), text(field + "." + e.getKey(), e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** A repeated string field: a JSON array, or repeated query keys. */
  public List<String> strings(String field) {
    if (!query.isEmpty()) {
      return List.copyOf(query.getOrDefault(field, List.of()));
    }
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (n.isValueNode()) {
      return List.of(text(field, n));
    }
    if (!n.isArray()) {
      throw KeelException.invalid("Invalid value for parameter '" + field + "': expected a list.");
    }
    List<String> out = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      if (e.isNull()) {
        throw notAString(field, e);
      }
      out.add(text(field, e));
    }
    return out;
  }

  /** A repeated object field as requests over each element. */
  public List<Request> objects(String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw KeelException.invalid("Invalid value for parameter '" + field + "': expected a list.");
    }
    List<Request> out = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      out.add(ofNode(e, field));
    }
    return out;
  }

  /** A nested object field. */
  public Optional<Request> object(String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    return Optional.of(ofNode(n, field));
  }

  /** A field's JSON as it was sent. */
  public Optional<JsonNode> json(String field) {
    return node(field).filter(n -> !n.isNull());
  }

  /** A field holding arbitrary JSON, returned as its JSON text (strings as their value). */
  public Optional<String> rawText(String field) {
    return node(field).map(n -> n.isTextual() ? n.asText() : n.toString());
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
