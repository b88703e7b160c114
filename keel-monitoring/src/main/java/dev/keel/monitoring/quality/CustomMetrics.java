package dev.keel.monitoring.quality;

import dev.keel.core.KeelException;
import dev.keel.monitoring.CustomMetric;
import dev.keel.monitoring.CustomMetric.Type;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.monitoring.ProfileType;
import dev.keel.monitoring.quality.CustomMetricRules.OutputType;
import dev.keel.tables.Column;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Databricks custom metrics ({@code MonitorMetric}) computed in DuckDB. Definitions are DuckDB SQL;
 * only the documented placeholders are substituted: {@code {{input_column}}}, {@code
 * {{prediction_col}}} and {@code {{label_col}}} by quoted column names, {@code {{current_df}}} and
 * {@code {{base_df}}} (drift metrics) by the two compared metric rows. Whitespace inside the braces
 * is allowed; any other {@code {{...}}} is a 400.
 *
 * <ul>
 *   <li>AGGREGATE: an aggregate expression over the monitored rows of a group, once per input
 *       column (with {@code {{input_column}}} = that column) or once for the table ({@code
 *       [":table"]}; the value goes on the {@code :table} row).
 *   <li>DERIVED: an expression over the aggregate metrics of the same column and group (and the
 *       derived metrics defined before it), referenced by name.
 *   <li>DRIFT: an expression over {@code {{current_df}}.<metric>} and {@code {{base_df}}.<metric>}
 *       for each drift row: custom aggregate/derived metrics and the flat built-in profile metrics
 *       ({@link #DRIFT_BUILT_INS}) of the compared windows.
 * </ul>
 *
 * <p>Each value is cast to the metric's {@code output_data_type} (double, float, long, integer,
 * boolean, string).
 */
public final class CustomMetrics {
  /** Built-in profile metrics a drift definition may reference, with their DuckDB types. */
  public static final Map<String, String> DRIFT_BUILT_INS = builtIns();

  /** Drift rows per query (the compared values travel as SQL literals). */
  static final int DRIFT_BATCH = 500;

  private final List<CustomMetric> metrics;
  private final List<OutputType> types;
  private final List<Column> tableColumns;
  private final Optional<String> predictionCol;
  private final Optional<String> labelCol;

  /**
   * @param metrics the monitor's custom metrics, in order (checked with {@link #validate} against
   *     no built-in names; the monitor service validates with them first)
   * @param tableColumns the monitored table's columns
   * @param predictionCol {@code inference_log.prediction_col}, when the monitor has one
   * @param labelCol {@code inference_log.label_col}, when the monitor has one
   */
  public CustomMetrics(
      List<CustomMetric> metrics,
      List<Column> tableColumns,
      Optional<String> predictionCol,
      Optional<String> labelCol) {
    this.metrics = List.copyOf(metrics);
    this.tableColumns = List.copyOf(tableColumns);
    this.predictionCol = predictionCol;
    this.labelCol = labelCol;
    CustomMetricRules.validate(this.metrics, this.tableColumns, Set.of(), predictionCol, labelCol);
    List<OutputType> t = new ArrayList<>();
    for (int i = 0; i < this.metrics.size(); i++) {
      t.add(CustomMetricRules.outputType(i, this.metrics.get(i).outputDataType()));
    }
    this.types = List.copyOf(t);
  }

  /** The custom metrics of a monitor over a table with these columns. */
  public static CustomMetrics forSpec(MonitorSpec spec, List<Column> tableColumns) {
    Optional<String> pred = Optional.empty();
    Optional<String> label = Optional.empty();
    if (spec.profile() instanceof ProfileType.InferenceLog log) {
      pred = Optional.of(log.predictionCol());
      label = log.labelCol();
    }
    return new CustomMetrics(spec.customMetrics(), tableColumns, pred, label);
  }

  /**
   * Checks names, input columns, placeholders and output types without running SQL: 400 naming
   * {@code custom_metrics[i].name|input_columns|definition|output_data_type}.
   *
   * @param builtInColumns the metric tables' own column names (a custom metric may not reuse one;
   *     the quality columns are always reserved)
   */
  public static void validate(
      List<CustomMetric> metrics,
      List<Column> tableColumns,
      Set<String> builtInColumns,
      Optional<String> predictionCol,
      Optional<String> labelCol) {
    CustomMetricRules.validate(metrics, tableColumns, builtInColumns, predictionCol, labelCol);
  }

  /** Aggregate then derived metrics' columns, in spec order (profile table). */
  public List<MetricColumn> profileColumns() {
    List<MetricColumn> out = new ArrayList<>();
    for (int i = 0; i < metrics.size(); i++) {
      if (metrics.get(i).type() != Type.CUSTOM_METRIC_TYPE_DRIFT) {
        out.add(new MetricColumn(metrics.get(i).name(), types.get(i).spark()));
      }
    }
    return out;
  }

  /** Drift metrics' columns, in spec order (drift table). */
  public List<MetricColumn> driftColumns() {
    List<MetricColumn> out = new ArrayList<>();
    for (int i = 0; i < metrics.size(); i++) {
      if (metrics.get(i).type() == Type.CUSTOM_METRIC_TYPE_DRIFT) {
        out.add(new MetricColumn(metrics.get(i).name(), types.get(i).spark()));
      }
    }
    return out;
  }

  /** {@link #check(Connection, String)} against the table's schema (reads nothing). */
  public void check(Connection duckdb) {
    check(duckdb, Sql.schemaRelation(tableColumns));
  }

  /**
   * Compiles every definition (LIMIT 0) against the relation, per input column, derived metrics
   * over the aggregates before them and drift metrics over typed placeholders of the compared rows.
   *
   * @throws KeelException 400 {@code custom_metrics[i].definition: <DuckDB's message>}
   */
  public void check(Connection duckdb, String relation) {
    for (String target : targets()) {
      List<Integer> used = new ArrayList<>();
      for (int i : applicable(target, Type.CUSTOM_METRIC_TYPE_AGGREGATE)) {
        compile(duckdb, i, profileSql(relation, List.of(), target, List.of(i), List.of()));
        used.add(i);
      }
      List<Integer> derived = new ArrayList<>();
      for (int i : applicable(target, Type.CUSTOM_METRIC_TYPE_DERIVED)) {
        derived.add(i);
        compile(duckdb, i, profileSql(relation, List.of(), target, used, derived));
      }
    }
    Map<String, String> stubTypes = referenced(driftStubTypes(Map.of()));
    String stub = stubRow(stubTypes);
    for (int i = 0; i < metrics.size(); i++) {
      if (metrics.get(i).type() == Type.CUSTOM_METRIC_TYPE_DRIFT) {
        compile(
            duckdb,
            i,
            "SELECT "
                + cast(i, render(i, Optional.empty()))
                + " FROM "
                + stub
                + " AS current_df, "
                + stub
                + " AS base_df");
      }
    }
  }

  private void compile(Connection db, int i, String sql) {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM (" + sql + ") LIMIT 0")) {
      rs.getMetaData();
    } catch (SQLException e) {
      throw KeelException.invalid("custom_metrics[" + i + "].definition: " + Sql.duckdbMessage(e));
    }
  }

  /**
   * Aggregate and derived metrics per group and column.
   *
   * @param relation a FROM item without alias (see {@link QualityMetrics#compute})
   * @param groupExprs SQL expressions grouped by together
   * @return group → column name (an input column or {@code ":table"}) → metric name → value; a
   *     group with no rows in the relation is absent
   */
  public Map<GroupKey, Map<String, Map<String, Object>>> computeProfile(
      Connection duckdb, String relation, List<String> groupExprs) throws SQLException {
    Map<GroupKey, Map<String, Map<String, Object>>> out = new LinkedHashMap<>();
    int g = groupExprs.size();
    for (String target : targets()) {
      List<Integer> aggs = applicable(target, Type.CUSTOM_METRIC_TYPE_AGGREGATE);
      List<Integer> derived = applicable(target, Type.CUSTOM_METRIC_TYPE_DERIVED);
      String sql = profileSql(relation, groupExprs, target, aggs, derived);
      List<Integer> all = new ArrayList<>(aggs);
      all.addAll(derived);
      try (Statement st = duckdb.createStatement();
          ResultSet rs = st.executeQuery(sql)) {
        while (rs.next()) {
          Map<String, Object> values = new LinkedHashMap<>();
          for (int i : all) {
            values.put(metrics.get(i).name(), read(rs, metrics.get(i).name(), types.get(i)));
          }
          out.computeIfAbsent(Sql.key(rs, g), k -> new LinkedHashMap<>()).put(target, values);
        }
      }
    }
    return out;
  }

  /**
   * Drift metrics for each compared pair.
   *
   * @param inputs the drift rows: the column and the two compared groups' metrics (custom
   *     aggregate/derived from {@link #computeProfile} and any of {@link #DRIFT_BUILT_INS})
   * @return per input, in order: drift metric name → value, for the drift metrics whose
   *     input_columns contain the input's column
   */
  public List<Map<String, Object>> computeDrift(Connection duckdb, List<DriftInput> inputs)
      throws SQLException {
    List<Integer> drift = new ArrayList<>();
    for (int i = 0; i < metrics.size(); i++) {
      if (metrics.get(i).type() == Type.CUSTOM_METRIC_TYPE_DRIFT) {
        drift.add(i);
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int k = 0; k < inputs.size(); k++) {
      out.add(new LinkedHashMap<>());
    }
    if (drift.isEmpty() || inputs.isEmpty()) {
      return out;
    }
    // Only the inputs some drift metric applies to, and only the metrics the definitions mention.
    List<Integer> rows = new ArrayList<>();
    Map<String, Object> samples = new LinkedHashMap<>();
    for (int k = 0; k < inputs.size(); k++) {
      DriftInput in = inputs.get(k);
      if (drift.stream().noneMatch(i -> appliesTo(i, in.columnName()))) {
        continue;
      }
      rows.add(k);
      for (Map<String, Object> m : List.of(in.current(), in.base())) {
        m.forEach(
            (name, v) -> {
              if (samples.get(name) == null) {
                samples.put(name, v);
              }
            });
      }
    }
    Map<String, String> colTypes = referenced(driftStubTypes(samples));
    for (int from = 0; from < rows.size(); from += DRIFT_BATCH) {
      List<Integer> batch = rows.subList(from, Math.min(rows.size(), from + DRIFT_BATCH));
      StringBuilder sql = new StringBuilder("WITH cur AS (");
      sql.append(valuesTable(inputs, batch, colTypes, true)).append("), base AS (");
      sql.append(valuesTable(inputs, batch, colTypes, false)).append(") SELECT current_df.__i");
      for (int i : drift) {
        sql.append(", ")
            .append(cast(i, render(i, Optional.empty())))
            .append(" AS ")
            .append(Sql.ident(metrics.get(i).name()));
      }
      sql.append(" FROM cur AS current_df JOIN base AS base_df ON current_df.__i = base_df.__i");
      try (Statement st = duckdb.createStatement();
          ResultSet rs = st.executeQuery(sql.toString())) {
        while (rs.next()) {
          int k = (int) rs.getLong(1);
          String column = inputs.get(k).columnName();
          for (int i : drift) {
            if (appliesTo(i, column)) {
              out.get(k).put(metrics.get(i).name(), read(rs, metrics.get(i).name(), types.get(i)));
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * One drift row's input.
   *
   * @param columnName the column of the drift row ({@code ":table"} for table-level)
   * @param current the current window's metrics of that column (name → value)
   * @param base the compared window's (previous or baseline) metrics of that column
   */
  public record DriftInput(
      String columnName, Map<String, Object> current, Map<String, Object> base) {}

  // ---- SQL building

  /** Input columns (and ":table") that have aggregate or derived metrics, first-seen order. */
  private List<String> targets() {
    Set<String> out = new LinkedHashSet<>();
    for (CustomMetric m : metrics) {
      if (m.type() != Type.CUSTOM_METRIC_TYPE_DRIFT) {
        out.addAll(m.inputColumns());
      }
    }
    return List.copyOf(out);
  }

  private List<Integer> applicable(String target, Type type) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < metrics.size(); i++) {
      if (metrics.get(i).type() == type && appliesTo(i, target)) {
        out.add(i);
      }
    }
    return out;
  }

  private boolean appliesTo(int i, String column) {
    return metrics.get(i).inputColumns().contains(column);
  }

  private String render(int i, Optional<String> inputColumn) {
    return CustomMetricRules.render(
        metrics.get(i).definition(), inputColumn, predictionCol, labelCol);
  }

  private String cast(int i, String expr) {
    return "CAST((" + expr + ") AS " + types.get(i).duck() + ")";
  }

  /**
   * {@code SELECT groups, aggregates FROM relation GROUP BY groups}, wrapped once per derived
   * metric by {@code SELECT *, derived FROM (...)}. A constant key is always grouped by, so a
   * definition that is not an aggregate fails to bind.
   */
  private String profileSql(
      String relation,
      List<String> groupExprs,
      String target,
      List<Integer> aggs,
      List<Integer> derived) {
    Optional<String> input =
        target.equals(CustomMetricRules.TABLE) ? Optional.empty() : Optional.of(target);
    int g = groupExprs.size();
    StringBuilder sql = new StringBuilder("SELECT ").append(Sql.groupSelect(groupExprs));
    sql.append("0 AS __k");
    for (int i : aggs) {
      sql.append(", ")
          .append(cast(i, render(i, input)))
          .append(" AS ")
          .append(Sql.ident(metrics.get(i).name()));
    }
    sql.append(Sql.from(relation)).append(" GROUP BY ").append(Sql.groupAliases(g, ", "));
    sql.append("__k");
    String q = sql.toString();
    int depth = 0;
    for (int i : derived) {
      q =
          "SELECT *, "
              + cast(i, render(i, input))
              + " AS "
              + Sql.ident(metrics.get(i).name())
              + " FROM ("
              + q
              + ") AS __d"
              + depth++;
    }
    return q;
  }

  /** Column name → DuckDB type of a drift row: built-ins, custom metrics, then others by value. */
  private Map<String, String> driftStubTypes(Map<String, Object> samples) {
    Map<String, String> out = new LinkedHashMap<>(DRIFT_BUILT_INS);
    for (int i = 0; i < metrics.size(); i++) {
      if (metrics.get(i).type() != Type.CUSTOM_METRIC_TYPE_DRIFT) {
        out.put(metrics.get(i).name(), types.get(i).duck());
      }
    }
    samples.forEach(
        (name, v) -> {
          if (!out.containsKey(name)) {
            String t =
                switch (v) {
                  case Double d -> "DOUBLE";
                  case Float f -> "DOUBLE";
                  case Long l -> "BIGINT";
                  case Integer n -> "BIGINT";
                  case Boolean b -> "BOOLEAN";
                  case String s -> "VARCHAR";
                  case null, default -> null;
                };
            if (t != null) {
              out.put(name, t);
            }
          }
        });
    return out;
  }

  private static String stubRow(Map<String, String> types) {
    List<String> items = new ArrayList<>();
    types.forEach((n, t) -> items.add("CAST(NULL AS " + t + ") AS " + Sql.ident(n)));
    return items.isEmpty()
        ? "(SELECT NULL AS __none)"
        : "(SELECT " + String.join(", ", items) + ")";
  }

  private static String valuesTable(
      List<DriftInput> inputs, List<Integer> batch, Map<String, String> types, boolean current) {
    StringBuilder sb = new StringBuilder("SELECT * FROM (VALUES ");
    boolean first = true;
    for (int k : batch) {
      Map<String, Object> m = current ? inputs.get(k).current() : inputs.get(k).base();
      sb.append(first ? "(" : ", (").append(k);
      first = false;
      for (Map.Entry<String, String> t : types.entrySet()) {
        sb.append(", ").append(Sql.valueLiteral(m.get(t.getKey()), t.getValue()));
      }
      sb.append(')');
    }
    sb.append(") AS v(__i");
    for (String name : types.keySet()) {
      sb.append(", ").append(Sql.ident(name));
    }
    return sb.append(")").toString();
  }

  /**
   * The metrics some drift definition mentions (as a whole word, any case: DuckDB identifiers are
   * case-insensitive); mentioning one more than needed costs nothing.
   */
  private Map<String, String> referenced(Map<String, String> types) {
    List<String> defs = new ArrayList<>();
    for (CustomMetric m : metrics) {
      if (m.type() == Type.CUSTOM_METRIC_TYPE_DRIFT) {
        defs.add(m.definition());
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    types.forEach(
        (name, type) -> {
          Pattern word =
              Pattern.compile(
                  "(?<![A-Za-z0-9_])" + Pattern.quote(name) + "(?![A-Za-z0-9_])",
                  Pattern.CASE_INSENSITIVE);
          if (defs.stream().anyMatch(d -> word.matcher(d).find())) {
            out.put(name, type);
          }
        });
    return out;
  }

  private static Object read(ResultSet rs, String column, OutputType type) throws SQLException {
    Object v = rs.getObject(column);
    if (v == null) {
      return null;
    }
    return switch (type.duck()) {
      case "DOUBLE", "FLOAT" -> ((Number) v).doubleValue();
      case "BIGINT", "INTEGER" -> ((Number) v).longValue();
      case "BOOLEAN" -> (Boolean) v;
      default -> v.toString();
    };
  }

  private static Map<String, String> builtIns() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String n : List.of("count", "num_nulls", "num_zeros", "num_nan", "distinct_count")) {
      m.put(n, "BIGINT");
    }
    for (String n : List.of("min_length", "max_length")) {
      m.put(n, "BIGINT");
    }
    for (String n :
        List.of(
            "avg",
            "min",
            "max",
            "stddev",
            "median",
            "avg_length",
            "percent_nan",
            "percent_null",
            "percent_zeros",
            "percent_distinct")) {
      m.put(n, "DOUBLE");
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
