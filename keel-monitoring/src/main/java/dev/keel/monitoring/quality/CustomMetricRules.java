package dev.keel.monitoring.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.keel.core.KeelException;
import dev.keel.monitoring.CustomMetric;
import dev.keel.monitoring.ProfileType.ProblemType;
import dev.keel.tables.Column;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks and templating of custom metrics that need no SQL engine. */
final class CustomMetricRules {
  static final String TABLE = ":table";
  static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
  static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*\\}\\}");
  private static final JsonMapper JSON = new JsonMapper();

  private CustomMetricRules() {}

  /** A supported output type: Spark type name, DuckDB type, Keel DDL text. */
  record OutputType(String spark, String duck) {}

  /** The output type of metric {@code i}, or 400 {@code custom_metrics[i].output_data_type}. */
  static OutputType outputType(int i, String json) {
    String field = "custom_metrics[" + i + "].output_data_type";
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (Exception e) {
      throw KeelException.invalid(field + ": not JSON (expected a Spark StructField JSON)");
    }
    JsonNode type = node != null && node.isObject() ? node.get("type") : node;
    if (type == null || !type.isTextual()) {
      throw KeelException.invalid(
          field
              + ": expected a Spark StructField JSON with a simple \"type\", e.g."
              + " {\"name\":\"m\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}}");
    }
    return switch (type.asText().toLowerCase(Locale.ROOT)) {
      case "double" -> new OutputType("double", "DOUBLE");
      case "float" -> new OutputType("float", "FLOAT");
      case "long", "bigint" -> new OutputType("bigint", "BIGINT");
      case "integer", "int" -> new OutputType("int", "INTEGER");
      case "boolean" -> new OutputType("boolean", "BOOLEAN");
      case "string" -> new OutputType("string", "VARCHAR");
      default ->
          throw KeelException.invalid(
              field
                  + ": type '"
                  + type.asText()
                  + "' is not supported: expected double, float, long, integer, boolean or"
                  + " string");
    };
  }

  /** Every check that needs no SQL; see {@link CustomMetrics#validate}. */
  static void validate(
      List<CustomMetric> metrics,
      List<Column> tableColumns,
      Set<String> builtInColumns,
      Optional<String> predictionCol,
      Optional<String> labelCol) {
    Set<String> taken = new HashSet<>(builtInColumns);
    for (ProblemType t : ProblemType.values()) {
      QualityMetrics.columns(t).forEach(c -> taken.add(c.name()));
    }
    Set<String> known = new HashSet<>();
    tableColumns.forEach(c -> known.add(c.name()));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < metrics.size(); i++) {
      CustomMetric m = metrics.get(i);
      String f = "custom_metrics[" + i + "]";
      if (!NAME.matcher(m.name()).matches() || m.name().length() > 255) {
        throw KeelException.invalid(
            f
                + ".name: '"
                + m.name()
                + "' is not a valid column name (a lower-case letter or '_', then lower-case"
                + " letters, digits or '_')");
      }
      if (m.name().startsWith("__")) {
        throw KeelException.invalid(f + ".name: names starting with '__' are reserved");
      }
      if (taken.contains(m.name())) {
        throw KeelException.invalid(
            f + ".name: '" + m.name() + "' is a built-in column of the metric tables");
      }
      if (!seen.add(m.name())) {
        throw KeelException.invalid(
            f + ".name: '" + m.name() + "' is used by an earlier custom metric");
      }
      if (m.inputColumns().isEmpty()) {
        throw KeelException.invalid(
            f + ".input_columns: name at least one column, or [\":table\"]");
      }
      if (m.inputColumns().contains(TABLE) && m.inputColumns().size() > 1) {
        throw KeelException.invalid(
            f + ".input_columns: \":table\" cannot be combined with column names");
      }
      List<String> unknown = new ArrayList<>();
      for (String c : new LinkedHashSet<>(m.inputColumns())) {
        if (!c.equals(TABLE) && !known.contains(c)) {
          unknown.add(c);
        }
      }
      if (!unknown.isEmpty()) {
        throw KeelException.invalid(
            f + ".input_columns: no such column(s) in the table: " + String.join(", ", unknown));
      }
      if (m.definition().isBlank()) {
        throw KeelException.invalid(f + ".definition: must not be empty");
      }
      checkPlaceholders(
          f, m, m.inputColumns().contains(TABLE), predictionCol.isPresent(), labelCol.isPresent());
      outputType(i, m.outputDataType());
    }
  }

  private static void checkPlaceholders(
      String f, CustomMetric m, boolean tableLevel, boolean hasPrediction, boolean hasLabel) {
    boolean drift = m.type() == CustomMetric.Type.CUSTOM_METRIC_TYPE_DRIFT;
    Matcher x = PLACEHOLDER.matcher(m.definition());
    while (x.find()) {
      String p = x.group(1);
      switch (p) {
        case "input_column" -> {
          if (tableLevel) {
            throw KeelException.invalid(
                f
                    + ".definition: {{input_column}} needs input_columns naming columns, not"
                    + " \":table\"");
          }
        }
        case "prediction_col" -> {
          if (!hasPrediction) {
            throw KeelException.invalid(
                f + ".definition: {{prediction_col}} needs an inference_log monitor");
          }
        }
        case "label_col" -> {
          if (!hasLabel) {
            throw KeelException.invalid(
                f + ".definition: {{label_col}} needs an inference_log monitor with label_col");
          }
        }
        case "current_df", "base_df" -> {
          if (!drift) {
            throw KeelException.invalid(
                f + ".definition: {{" + p + "}} is only for CUSTOM_METRIC_TYPE_DRIFT metrics");
          }
        }
        default ->
            throw KeelException.invalid(
                f
                    + ".definition: unknown placeholder {{"
                    + p
                    + "}} (known: {{input_column}}, {{prediction_col}}, {{label_col}},"
                    + " {{current_df}}, {{base_df}})");
      }
    }
  }

  /**
   * The definition with the placeholders replaced: columns by quoted identifiers, {@code
   * current_df}/{@code base_df} by those relation names.
   */
  static String render(
      String definition,
      Optional<String> inputColumn,
      Optional<String> predictionCol,
      Optional<String> labelCol) {
    Matcher x = PLACEHOLDER.matcher(definition);
    StringBuilder sb = new StringBuilder();
    while (x.find()) {
      String r =
          switch (x.group(1)) {
            case "input_column" -> Sql.ident(inputColumn.orElseThrow());
            case "prediction_col" -> Sql.ident(predictionCol.orElseThrow());
            case "label_col" -> Sql.ident(labelCol.orElseThrow());
            case "current_df" -> "current_df";
            case "base_df" -> "base_df";
            default -> throw new IllegalStateException("unchecked placeholder " + x.group());
          };
      x.appendReplacement(sb, Matcher.quoteReplacement(r));
    }
    x.appendTail(sb);
    return sb.toString();
  }
}
