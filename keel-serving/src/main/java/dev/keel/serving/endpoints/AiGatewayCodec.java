package dev.keel.serving.endpoints;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.FormatVersion;
import dev.keel.core.KeelException;
import java.util.Optional;

/**
 * The persisted form of an endpoint's {@link InferenceTableConfig} (the {@code ai_gateway} column
 * of {@code serving_endpoints}), versioned on its own like {@link EndpointConfigCodec} so that the
 * wire shape can change without touching stored rows.
 *
 * <p>Format version {@value #FORMAT_VERSION}:
 *
 * <pre>{@code
 * {"format_version": 1,
 *  "inference_table_config": {"catalog_name": "main", "schema_name": "default",
 *                             "table_name_prefix": "ep", "enabled": true}}
 * }</pre>
 *
 * <p>Rows written before the format was versioned have the same shape without {@code
 * format_version} and read as version 1. A row without {@code inference_table_config} reads as no
 * inference table. A row of a newer version (written by a newer Keel) is refused with
 * INTERNAL_ERROR naming its version. Stateless and thread-safe.
 */
public final class AiGatewayCodec {

  /** The format version written. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private AiGatewayCodec() {}

  /** The stored text of {@code table}, in format version {@value #FORMAT_VERSION}. */
  public static String write(InferenceTableConfig table) {
    ObjectNode n = JSON.createObjectNode();
    FormatVersion.write(n, FORMAT_VERSION);
    n.putObject("inference_table_config")
        .put("catalog_name", table.catalogName())
        .put("schema_name", table.schemaName())
        .put("table_name_prefix", table.tableNamePrefix())
        .put("enabled", table.enabled());
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * The inference table stored as {@code text} (any format version up to {@value #FORMAT_VERSION};
   * none means 1), empty when it has no {@code inference_table_config}.
   *
   * @throws KeelException INTERNAL_ERROR naming the version for a newer format, or saying what is
   *     wrong with an unreadable one
   */
  public static Optional<InferenceTableConfig> read(String text) {
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (JsonProcessingException ex) {
      throw unreadable("it is not JSON", ex);
    }
    if (n == null || !n.isObject()) {
      throw unreadable("it is not a JSON object", null);
    }
    FormatVersion.read(
        n, FORMAT_VERSION, "Stored serving endpoint ai_gateway", ErrorCode.INTERNAL_ERROR);
    return readV1(n);
  }

  private static Optional<InferenceTableConfig> readV1(JsonNode n) {
    JsonNode t = n.path("inference_table_config");
    if (t.isMissingNode() || t.isNull()) {
      return Optional.empty();
    }
    if (!t.isObject()) {
      throw unreadable("'inference_table_config' is not an object", null);
    }
    String at = "inference_table_config";
    return Optional.of(
        new InferenceTableConfig(
            part(t, "catalog_name", at),
            part(t, "schema_name", at),
            part(t, "table_name_prefix", at),
            t.path("enabled").asBoolean(false)));
  }

  private static String part(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || !InferenceTableConfig.isNamePart(v.asText())) {
      throw unreadable("'" + at + "." + field + "' is not a valid name part", null);
    }
    return v.asText();
  }

  private static KeelException unreadable(String why, Throwable cause) {
    return new KeelException(
        ErrorCode.INTERNAL_ERROR,
        "Stored serving endpoint ai_gateway is unreadable: " + why + ".",
        cause);
  }
}
