package dev.keel.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * A custom metric of a monitor (Databricks' {@code MonitorMetric}): SQL over DuckDB with {@code
 * {{input_column}}} and the other placeholders the server documents.
 *
 * @param name the metric's name, a column of the output table
 * @param type {@code CUSTOM_METRIC_TYPE_AGGREGATE}, {@code CUSTOM_METRIC_TYPE_DERIVED} or {@code
 *     CUSTOM_METRIC_TYPE_DRIFT}
 * @param inputColumns the columns it is computed for ({@code :table} for the whole table)
 * @param definition the SQL expression
 * @param outputDataType its result type, as a Spark {@code StructField} JSON string
 */
public record MonitorCustomMetric(
    String name, String type, List<String> inputColumns, String definition, String outputDataType) {
  /** Checks for nulls and copies the list. */
  public MonitorCustomMetric {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    inputColumns = List.copyOf(inputColumns);
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(outputDataType, "outputDataType");
  }

  /** The metric as the API sends it. */
  public ObjectNode toJson() {
    ObjectNode o = KeelJson.object().put("name", name).put("type", type);
    o.set("input_columns", KeelClient.strings(inputColumns));
    o.put("definition", definition);
    o.put("output_data_type", outputDataType);
    return o;
  }
}
