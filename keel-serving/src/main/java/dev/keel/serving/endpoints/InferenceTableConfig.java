package dev.keel.serving.endpoints;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Databricks' {@code ai_gateway.inference_table_config}: where an endpoint logs its requests. The
 * table is {@code <catalog>.<schema>.<prefix>_payload}. Read and written on the wire by {@code
 * dev.keel.serving.http.EndpointConfigJson}, stored by {@link AiGatewayCodec}.
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

  /** Whether {@code part} is a valid catalog, schema or prefix: letters, digits and '_'. */
  public static boolean isNamePart(String part) {
    return PART.matcher(part).matches();
  }
}
