package dev.keel.monitoring.engine;

import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * The output tables' columns, declared once as (name, Spark DDL type text): Databricks' profile and
 * drift metrics tables (databricks.md §2.3), followed by the quality and custom-metric columns of
 * the monitor. {@link #toColumns} turns them into table columns.
 */
public final class MetricsSchema {
  /** The probabilities of the {@code quantiles} array, in order (numpy's linear method). */
  public static final double[] QUANTILE_PROBABILITIES = {
    0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0
  };

  /** How many values {@code frequent_items} lists. */
  public static final int FREQUENT_ITEMS_K = 10;

  /** {@code column_name} of table-level rows. */
  public static final String TABLE = ":table";

  static final String WINDOW = "struct<start:timestamp,end:timestamp>";

  /** The profile table's built-in columns, in order. */
  public static final List<Field> PROFILE =
      List.of(
          new Field("window", WINDOW),
          new Field("granularity", "string"),
          new Field("model_id", "string"),
          new Field("log_type", "string"),
          new Field("logging_table_commit_version", "bigint"),
          new Field("monitor_version", "bigint"),
          new Field("slice_key", "string"),
          new Field("slice_value", "string"),
          new Field("column_name", "string"),
          new Field("data_type", "string"),
          new Field("count", "bigint"),
          new Field("num_nulls", "bigint"),
          new Field("avg", "double"),
          new Field("quantiles", "array<double>"),
          new Field("min", "double"),
          new Field("max", "double"),
          new Field("stddev", "double"),
          new Field("num_zeros", "bigint"),
          new Field("num_nan", "bigint"),
          new Field("min_length", "bigint"),
          new Field("max_length", "bigint"),
          new Field("avg_length", "double"),
          new Field("non_null_columns", "array<string>"),
          new Field("frequent_items", "array<struct<item:string,count:bigint>>"),
          new Field("median", "double"),
          new Field("distinct_count", "bigint"),
          new Field("percent_nan", "double"),
          new Field("percent_null", "double"),
          new Field("percent_zeros", "double"),
          new Field("percent_distinct", "double"));

  /** The drift table's built-in columns, in order. */
  public static final List<Field> DRIFT =
      List.of(
          new Field("window", WINDOW),
          new Field("window_cmp", WINDOW),
          new Field("drift_type", "string"),
          new Field("granularity", "string"),
          new Field("model_id", "string"),
          new Field("monitor_version", "bigint"),
          new Field("slice_key", "string"),
          new Field("slice_value", "string"),
          new Field("column_name", "string"),
          new Field("data_type", "string"),
          new Field("count_delta", "double"),
          new Field("avg_delta", "double"),
          new Field("percent_null_delta", "double"),
          new Field("percent_zeros_delta", "double"),
          new Field("percent_distinct_delta", "double"),
          new Field("non_null_columns_delta", "struct<added:int,missing:int>"),
          new Field("js_distance", "double"),
          new Field("ks_test", "struct<statistic:double,pvalue:double>"),
          new Field("wasserstein_distance", "double"),
          new Field("population_stability_index", "double"),
          new Field("chi_squared_test", "struct<statistic:double,pvalue:double>"),
          new Field("tv_distance", "double"),
          new Field("l_infinity_distance", "double"));

  private MetricsSchema() {}

  /**
   * One output column.
   *
   * @param name its name
   * @param typeText its Spark DDL type, e.g. {@code struct<start:timestamp,end:timestamp>}
   */
  public record Field(String name, String typeText) {
    /** {@code Column.of(name, ColumnType.parse(name, typeText))}. */
    public Column toColumn() {
      return Column.of(name, ColumnType.parse(name, typeText));
    }
  }

  /** The table columns of {@code fields}, in order. */
  public static List<Column> toColumns(List<Field> fields) {
    List<Column> out = new ArrayList<>(fields.size());
    for (Field f : fields) {
      out.add(f.toColumn());
    }
    return out;
  }
}
