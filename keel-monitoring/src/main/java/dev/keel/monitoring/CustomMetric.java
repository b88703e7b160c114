package dev.keel.monitoring;

import java.util.List;
import java.util.Objects;

/**
 * Databricks' {@code MonitorMetric}: an extra column in the output tables.
 *
 * @param name the column name (lower case, a letter or underscore then letters, digits, '_')
 * @param type aggregate, derived or drift
 * @param inputColumns the columns it is computed for; {@code [":table"]} for one table-level value
 * @param definition a DuckDB SQL expression with {@code {{input_column}}}, {@code
 *     {{prediction_col}}}, {@code {{label_col}}} and, for drift metrics, {@code {{current_df}}} /
 *     {@code {{base_df}}} placeholders
 * @param outputDataType Spark's {@code StructField} JSON, e.g. {@code
 *     {"name":"m","type":"double","nullable":true,"metadata":{}}}
 */
public record CustomMetric(
    String name, Type type, List<String> inputColumns, String definition, String outputDataType) {
  public CustomMetric {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    inputColumns = List.copyOf(inputColumns);
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(outputDataType, "outputDataType");
  }

  /** Databricks' metric types. */
  public enum Type {
    CUSTOM_METRIC_TYPE_AGGREGATE,
    CUSTOM_METRIC_TYPE_DERIVED,
    CUSTOM_METRIC_TYPE_DRIFT
  }
}
