package dev.keel.serving.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.KeelException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Databricks' {@code ai_gateway.inference_table_config}: where an endpoint logs its requests. The
 * table is {@code <catalog>.<schema>.<prefix>_payload}.
 *
 * @param catalogName the table's catalog
 * @param schemaName the table's schema
 * @param tableNamePrefix the prefix of the table name
 * @param enabled whether requests are logged
 */
public record InferenceTableConfig(
    String catalogName, String schemaName, String tableNamePrefix, boolean enabled) {

  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_]{1,200}");

  /** Checks for nulls. */
  public InferenceTableConfig {
    Objects.requireNonNull(catalogName, "catalogName");
    Objects.requireNonNull(schemaName, "schemaName");
    Objects.requireNonNull(tableNamePrefix, "tableNamePrefix");
  }

  /** {@code catalog.schema.prefix_payload}. */
  public String tableFullName() {
    return catalogName + "." + schemaName + "." + tableNamePrefix + "_payload";
  }

  /**
   * Reads {@code ai_gateway} (may be missing) and its {@code inference_table_config}.
   *
   * @throws KeelException INVALID_PARAMETER_VALUE naming the field
   */
  public static Optional<InferenceTableConfig> parse(JsonNode aiGateway) {
    if (aiGateway == null || aiGateway.isMissingNode() || aiGateway.isNull()) {
      return Optional.empty();
    }
    if (!aiGateway.isObject()) {
      throw KeelException.invalid("'ai_gateway' must be an object.");
    }
    JsonNode t = aiGateway.path("inference_table_config");
    if (t.isMissingNode() || t.isNull()) {
      return Optional.empty();
    }
    String at = "ai_gateway.inference_table_config";
    boolean enabled = t.path("enabled").asBoolean(false);
    String catalog = part(t, "catalog_name", at);
    String schema = part(t, "schema_name", at);
    String prefix = part(t, "table_name_prefix", at);
    return Optional.of(new InferenceTableConfig(catalog, schema, prefix, enabled));
  }

  private static String part(JsonNode n, String field, String at) {
    String v = n.path(field).asText("");
    if (!PART.matcher(v).matches()) {
      throw KeelException.invalid(
          "Invalid '" + at + "." + field + "' '" + v + "': use letters, digits and '_'.");
    }
    return v;
  }

  /** {@code {"inference_table_config": {...}}} as Databricks writes {@code ai_gateway}. */
  public ObjectNode toAiGatewayJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.putObject("inference_table_config")
        .put("catalog_name", catalogName)
        .put("schema_name", schemaName)
        .put("table_name_prefix", tableNamePrefix)
        .put("enabled", enabled);
    return n;
  }
}
