package dev.keel.monitoring.quality;

import dev.keel.core.KeelException;
import dev.keel.monitoring.MonitorSpec;
import dev.keel.monitoring.ProfileType;
import dev.keel.monitoring.ProfileType.ProblemType;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Model quality of an inference log with labels, for many groups at once, exactly as scikit-learn
 * defines it (see {@code docs/monitoring.md}, "Model quality"). Which rows count:
 *
 * <ul>
 *   <li>Classification: labels and predictions are compared as text ({@code CAST(x AS VARCHAR)});
 *       rows with a NULL label or a NULL prediction are left out. Per class precision, recall and
 *       F1 over the classes seen in the group's labels or predictions, division by zero giving 0
 *       (scikit-learn's {@code zero_division=0}); macro = unweighted mean over those classes,
 *       weighted = weighted by each class's support (its count among the labels). Log loss and
 *       ROC-AUC need {@code prediction_proba_col}: a number, P(positive class), for a binary
 *       problem, or a {@code MAP(VARCHAR, DOUBLE)} class → probability for a binary or multiclass
 *       one (scikit-learn 1.2's {@code log_loss(y, P, labels=classes)} and {@code roc_auc_score(y,
 *       P, multi_class='ovr', labels=classes)}, classes = the group's labels, predictions and map
 *       keys): see {@link #QualityMetrics}.
 *   <li>Regression: label and prediction as DOUBLE; rows where either is NULL, NaN or infinite are
 *       left out. MAPE leaves out rows with label 0 as well.
 * </ul>
 *
 * <p>{@code num_labeled} (a Keel extension) counts the rows the metrics were computed on; a group
 * with none has every other quality metric NULL.
 */
public final class QualityMetrics {
  /** Smallest probability log loss uses: float64 machine epsilon, as scikit-learn clips. */
  static final double LOG_LOSS_EPS = Math.ulp(1.0);

  private static final String AVERAGED =
      "struct<one_vs_all:map<string,double>,macro:double,weighted:double>";
  private static final List<MetricColumn> CLASSIFICATION =
      List.of(
          new MetricColumn("accuracy_score", "double"),
          new MetricColumn("precision", AVERAGED),
          new MetricColumn("recall", AVERAGED),
          new MetricColumn("f1_score", AVERAGED),
          new MetricColumn(
              "confusion_matrix", "array<struct<prediction:string,label:string,count:bigint>>"),
          new MetricColumn("log_loss", "double"),
          new MetricColumn("roc_auc_score", "double"),
          new MetricColumn("num_labeled", "bigint"));
  private static final List<MetricColumn> REGRESSION =
      List.of(
          new MetricColumn("mean_squared_error", "double"),
          new MetricColumn("root_mean_squared_error", "double"),
          new MetricColumn("mean_absolute_error", "double"),
          new MetricColumn("mean_absolute_percentage_error", "double"),
          new MetricColumn("r2_score", "double"),
          new MetricColumn("num_labeled", "bigint"));

  private final ProblemType problemType;
  private final String predictionCol;
  private final String labelCol;
  private final Optional<String> predictionProbaCol;
  private final Optional<String> positiveClass;

  /**
   * @param problemType classification or regression
   * @param predictionCol the prediction column of the relation
   * @param labelCol the label column of the relation
   * @param predictionProbaCol classification: a numeric column holding P(positive class), or a MAP
   *     column class label (text) → probability (told apart by the relation's DuckDB type); log
   *     loss and ROC-AUC are NULL without it
   * @param positiveClass the positive class (as text). When empty it is the greatest (in DuckDB's
   *     VARCHAR order) of the distinct labels, predictions and map keys in the relation passed to
   *     {@link #compute}, as scikit-learn takes the last of the sorted classes: {@code "1"} of
   *     {@code 0/1}, {@code "true"} of booleans. When they (and the given positive class) have more
   *     than two distinct values the problem is multiclass: a numeric probability column then gives
   *     NULL log loss and ROC-AUC, a map column the multiclass definitions.
   */
  public QualityMetrics(
      ProblemType problemType,
      String predictionCol,
      String labelCol,
      Optional<String> predictionProbaCol,
      Optional<String> positiveClass) {
    this.problemType = Objects.requireNonNull(problemType, "problemType");
    this.predictionCol = Objects.requireNonNull(predictionCol, "predictionCol");
    this.labelCol = Objects.requireNonNull(labelCol, "labelCol");
    this.predictionProbaCol = Objects.requireNonNull(predictionProbaCol, "predictionProbaCol");
    this.positiveClass = Objects.requireNonNull(positiveClass, "positiveClass");
  }

  /** The quality metrics of a monitor: empty unless it is an inference log with a label column. */
  public static Optional<QualityMetrics> forSpec(MonitorSpec spec) {
    if (!(spec.profile() instanceof ProfileType.InferenceLog log) || log.labelCol().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new QualityMetrics(
            log.problemType(),
            log.predictionCol(),
            log.labelCol().get(),
            log.predictionProbaCol(),
            Optional.empty()));
  }

  /**
   * Checks the column types quality metrics need: regression labels and predictions numeric,
   * probabilities numeric; classification labels and predictions of any flat type (compared as
   * text). Existence is the caller's check.
   *
   * @param prediction {@code inference_log.prediction_col}'s column
   * @param label {@code inference_log.label_col}'s column (from the label table when labels are
   *     joined)
   * @param proba {@code inference_log.prediction_proba_col}'s column, when set
   * @throws dev.keel.core.KeelException 400 naming {@code inference_log.<field>} and the type
   */
  public static void validate(
      ProblemType problemType, Column prediction, Column label, Optional<Column> proba) {
    if (problemType == ProblemType.PROBLEM_TYPE_REGRESSION) {
      requireNumeric("inference_log.prediction_col", prediction, "a regression prediction");
      requireNumeric("inference_log.label_col", label, "a regression label");
    } else {
      requireFlat("inference_log.prediction_col", prediction);
      requireFlat("inference_log.label_col", label);
    }
    proba.ifPresent(QualityMetrics::validateProba);
  }

  /**
   * Checks {@code inference_log.prediction_proba_col}'s type: a number (the probability of the
   * positive class, binary classification) or a {@code map<string, float|double|decimal>} (class
   * label as text → its probability, binary or multiclass).
   *
   * @param proba the column
   * @throws dev.keel.core.KeelException 400 naming {@code inference_log.prediction_proba_col}, the
   *     column, its type and what is wrong
   */
  public static void validateProba(Column proba) {
    String field = "inference_log.prediction_proba_col";
    ColumnType t = proba.type();
    ColumnType.Kind kind = t.kind();
    String reason = null;
    if (kind != ColumnType.Kind.MAP) {
      if (!EnumSet.of(
              ColumnType.Kind.INT,
              ColumnType.Kind.LONG,
              ColumnType.Kind.FLOAT,
              ColumnType.Kind.DOUBLE,
              ColumnType.Kind.DECIMAL)
          .contains(kind)) {
        reason =
            "it must be a number (the probability of the positive class) or a map<string,double>"
                + " (class label -> probability)";
      }
    } else if (t.fields().get(0).type().kind() != ColumnType.Kind.STRING) {
      reason =
          "the keys of a map of class probabilities must be strings (the class labels as text)";
    } else if (!EnumSet.of(ColumnType.Kind.FLOAT, ColumnType.Kind.DOUBLE, ColumnType.Kind.DECIMAL)
        .contains(t.fields().get(1).type().kind())) {
      reason = "the values of a map of class probabilities must be float, double or decimal";
    }
    if (reason != null) {
      throw KeelException.invalid(
          field + ": column '" + proba.name() + "' has type " + t.typeText() + ", but " + reason);
    }
  }

  private static void requireNumeric(String field, Column c, String what) {
    switch (c.type().kind()) {
      case INT, LONG, FLOAT, DOUBLE, DECIMAL -> {}
      default ->
          throw KeelException.invalid(
              field
                  + ": column '"
                  + c.name()
                  + "' has type "
                  + c.type().typeText()
                  + ", but "
                  + what
                  + " must be numeric");
    }
  }

  private static void requireFlat(String field, Column c) {
    switch (c.type().kind()) {
      case BOOLEAN, INT, LONG, FLOAT, DOUBLE, DECIMAL, STRING, DATE -> {}
      default ->
          throw KeelException.invalid(
              field
                  + ": column '"
                  + c.name()
                  + "' has type "
                  + c.type().typeText()
                  + ", which cannot be a class (use a string, number, boolean or date)");
    }
  }

  /** The profile-table columns of a problem type (the same for every monitor of that type). */
  public static List<MetricColumn> columns(ProblemType problemType) {
    return problemType == ProblemType.PROBLEM_TYPE_CLASSIFICATION ? CLASSIFICATION : REGRESSION;
  }

  /** This monitor's quality columns. */
  public List<MetricColumn> columns() {
    return columns(problemType);
  }

  /**
   * Computes every quality column for every group of the relation.
   *
   * @param duckdb an open DuckDB connection (UTC)
   * @param relation a FROM item without alias: {@code read_parquet([...])}, a table name, {@code
   *     (SELECT ...)}
   * @param groupExprs SQL expressions over the relation's columns, grouped by together
   * @return column name → value per group; every group with at least one row is present
   */
  public Map<GroupKey, Map<String, Object>> compute(
      Connection duckdb, String relation, List<String> groupExprs) throws SQLException {
    return problemType == ProblemType.PROBLEM_TYPE_CLASSIFICATION
        ? classification(duckdb, relation, groupExprs)
        : regression(duckdb, relation, groupExprs);
  }

  private Map<GroupKey, Map<String, Object>> classification(
      Connection db, String relation, List<String> groupExprs) throws SQLException {
    int g = groupExprs.size();
    String y = "CAST(" + Sql.ident(labelCol) + " AS VARCHAR)";
    String p = "CAST(" + Sql.ident(predictionCol) + " AS VARCHAR)";
    // 1. The confusion counts of every group (NULL labels/predictions kept, to see every group).
    Map<GroupKey, Map<List<String>, Long>> cells = new LinkedHashMap<>();
    String sql =
        "SELECT "
            + Sql.groupSelect(groupExprs)
            + y
            + " AS __y, "
            + p
            + " AS __p, count(*) AS __n"
            + Sql.from(relation)
            + " GROUP BY ALL";
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        GroupKey key = Sql.key(rs, g);
        Map<List<String>, Long> m = cells.computeIfAbsent(key, k -> new HashMap<>());
        String label = rs.getString(g + 1);
        String pred = rs.getString(g + 2);
        if (label != null && pred != null) {
          m.merge(List.of(label, pred), rs.getLong(g + 3), Long::sum);
        }
      }
    }
    Map<GroupKey, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map.Entry<GroupKey, Map<List<String>, Long>> e : cells.entrySet()) {
      out.put(e.getKey(), ClassificationScores.of(e.getValue()).toRow());
    }
    if (predictionProbaCol.isPresent()) {
      String raw = Sql.ident(predictionProbaCol.get());
      boolean isMap = probaIsMap(db, relation, raw);
      String m = "CAST(" + raw + " AS MAP(VARCHAR, DOUBLE))";
      Optional<String> keys = isMap ? Optional.of("unnest(map_keys(" + m + "))") : Optional.empty();
      Optional<String> pos = positiveClass(db, relation, y, p, keys);
      if (pos.isPresent()) {
        String s = isMap ? "coalesce(" + m + "[" + Sql.literal(pos.get()) + "], 0.0)" : num(raw);
        String valid =
            isMap ? validMap(m) : num(raw) + " IS NOT NULL AND NOT isnan(" + num(raw) + ")";
        probabilityScores(db, relation, groupExprs, y, p, s, valid, pos.get(), out);
      } else if (isMap) {
        MulticlassScores.scores(
            db, relation, groupExprs, y, p, m, out, MulticlassScores.MAX_HELD_SCORES);
      }
    }
    return out;
  }

  private static String num(String rawProba) {
    return "CAST(" + rawProba + " AS DOUBLE)";
  }

  /** A map row counts when the map is non-NULL and each of its values non-NULL and finite. */
  static String validMap(String m) {
    return m
        + " IS NOT NULL AND coalesce(list_bool_and(list_transform(map_values("
        + m
        + "), lambda v: v IS NOT NULL AND isfinite(v))), true)";
  }

  /** Whether the relation's probability column is a DuckDB MAP (else it is read as a number). */
  private static boolean probaIsMap(Connection db, String relation, String rawProba)
      throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("DESCRIBE SELECT " + rawProba + Sql.from(relation))) {
      return rs.next() && rs.getString("column_type").startsWith("MAP(");
    }
  }

  /**
   * The positive class, or empty when the relation's classes (labels, predictions and, for a map
   * probability column, its keys) are not binary.
   */
  private Optional<String> positiveClass(
      Connection db, String relation, String y, String p, Optional<String> keys)
      throws SQLException {
    TreeSet<String> classes = new TreeSet<>();
    String sql =
        "SELECT DISTINCT v FROM (SELECT "
            + y
            + " AS v"
            + Sql.from(relation)
            + " UNION ALL SELECT "
            + p
            + Sql.from(relation)
            + keys.map(k -> " UNION ALL SELECT " + k + Sql.from(relation)).orElse("")
            + ") WHERE v IS NOT NULL ORDER BY v LIMIT 3";
    List<String> ordered = new ArrayList<>();
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        ordered.add(rs.getString(1));
      }
    }
    classes.addAll(ordered);
    positiveClass.ifPresent(classes::add);
    if (classes.size() > 2 || ordered.size() > 2) {
      return Optional.empty();
    }
    // DuckDB's order (the ORDER BY above) decides "greatest", not Java's UTF-16 order.
    return positiveClass.isPresent()
        ? positiveClass
        : ordered.isEmpty() ? Optional.empty() : Optional.of(ordered.get(ordered.size() - 1));
  }

  /**
   * Binary log loss and ROC-AUC (Mann–Whitney with average ranks for ties) per group.
   *
   * @param s the score: P(positive class), a DOUBLE expression
   * @param valid the condition a row's probability must meet to count
   */
  private void probabilityScores(
      Connection db,
      String relation,
      List<String> groupExprs,
      String y,
      String p,
      String s,
      String valid,
      String pos,
      Map<GroupKey, Map<String, Object>> out)
      throws SQLException {
    int g = groupExprs.size();
    String eps = Double.toString(LOG_LOSS_EPS);
    String sql =
        "WITH r AS (SELECT "
            + Sql.groupSelect(groupExprs)
            + "("
            + y
            + " = "
            + Sql.literal(pos)
            + ") AS __pos, "
            + s
            + " AS __s"
            + Sql.from(relation)
            + " WHERE "
            + y
            + " IS NOT NULL AND "
            + p
            + " IS NOT NULL AND "
            + valid
            + "), k AS (SELECT *, rank() OVER ("
            + Sql.partitionBy(g)
            + " ORDER BY __s) + (count(*) OVER ("
            + Sql.partitionBy(g, "__s")
            + ") - 1) / 2.0 AS __rk, CASE WHEN __pos THEN __s ELSE 1.0 - __s END AS __pt FROM r)"
            + " SELECT "
            + Sql.groupAliases(g, ", ")
            + "count(*) FILTER (WHERE __pos) AS __npos, count(*) FILTER (WHERE NOT __pos) AS"
            + " __nneg, fsum(__rk) FILTER (WHERE __pos) AS __rpos, fsum(-ln(greatest(least(__pt,"
            + " 1.0 - "
            + eps
            + "), "
            + eps
            + "))) AS __ll, count(*) AS __n FROM k GROUP BY ALL";
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, Object> row = out.get(Sql.key(rs, g));
        if (row == null) {
          continue;
        }
        long npos = rs.getLong(g + 1);
        long nneg = rs.getLong(g + 2);
        double rpos = rs.getDouble(g + 3);
        double ll = rs.getDouble(g + 4);
        long n = rs.getLong(g + 5);
        row.put("log_loss", n == 0 ? null : ll / n);
        if (npos > 0 && nneg > 0) {
          double u = rpos - (double) npos * (npos + 1) / 2.0;
          row.put("roc_auc_score", u / ((double) npos * (double) nneg));
        }
      }
    }
  }

  private Map<GroupKey, Map<String, Object>> regression(
      Connection db, String relation, List<String> groupExprs) throws SQLException {
    int g = groupExprs.size();
    String y = "CAST(" + Sql.ident(labelCol) + " AS DOUBLE)";
    String p = "CAST(" + Sql.ident(predictionCol) + " AS DOUBLE)";
    Map<GroupKey, Map<String, Object>> out = new LinkedHashMap<>();
    String groups =
        "SELECT DISTINCT " + Sql.groupSelect(groupExprs) + "1 AS __one" + Sql.from(relation);
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(groups)) {
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (MetricColumn c : REGRESSION) {
          row.put(c.name(), null);
        }
        row.put("num_labeled", 0L);
        out.put(Sql.key(rs, g), row);
      }
    }
    String sql =
        "WITH r AS (SELECT "
            + Sql.groupSelect(groupExprs)
            + y
            + " AS __y, "
            + p
            + " AS __p"
            + Sql.from(relation)
            + "), f AS (SELECT *, fsum(__y) OVER w / count(*) OVER w AS __mean FROM r WHERE __y IS"
            + " NOT NULL AND __p IS NOT NULL AND isfinite(__y) AND isfinite(__p) WINDOW w AS ("
            + Sql.partitionBy(g)
            + ")) SELECT "
            + Sql.groupAliases(g, ", ")
            + "count(*), fsum((__y - __p) * (__y - __p)), fsum(abs(__y - __p)), fsum(abs(__y -"
            + " __p) / abs(__y)) FILTER (WHERE __y <> 0), count(*) FILTER (WHERE __y <> 0),"
            + " fsum((__y - __mean) * (__y - __mean)) FROM f GROUP BY ALL";
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, Object> row = out.get(Sql.key(rs, g));
        long n = rs.getLong(g + 1);
        double sse = rs.getDouble(g + 2);
        double sae = rs.getDouble(g + 3);
        double sape = rs.getDouble(g + 4);
        long nNonZero = rs.getLong(g + 5);
        double sst = rs.getDouble(g + 6);
        double mse = sse / n;
        row.put("mean_squared_error", mse);
        row.put("root_mean_squared_error", Math.sqrt(mse));
        row.put("mean_absolute_error", sae / n);
        row.put("mean_absolute_percentage_error", nNonZero == 0 ? null : sape / nNonZero);
        row.put("r2_score", n < 2 ? null : sst == 0 ? (sse == 0 ? 1.0 : 0.0) : 1.0 - sse / sst);
        row.put("num_labeled", n);
      }
    }
    return out;
  }
}
