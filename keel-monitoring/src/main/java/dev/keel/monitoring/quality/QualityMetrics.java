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
import java.util.TreeMap;
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
        multiclassLogLoss(db, relation, groupExprs, y, p, m, out);
        multiclassRocAuc(db, relation, groupExprs, y, p, m, out);
      }
    }
    return out;
  }

  private static String num(String rawProba) {
    return "CAST(" + rawProba + " AS DOUBLE)";
  }

  /** A map row counts when the map is non-NULL and each of its values non-NULL and finite. */
  private static String validMap(String m) {
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

  /**
   * The counted rows of a map probability column ({@code r}: groups, {@code __y}, {@code __p},
   * {@code __m}, {@code __bad}: the probabilities fail numpy's allclose(1, sum)) and each group's
   * classes ({@code c}: groups, {@code __c}): its labels, predictions and map keys.
   */
  private static String multiclassRows(
      String relation, List<String> groupExprs, String y, String p, String m) {
    String gs = Sql.groupAliases(groupExprs.size(), ", ");
    // numpy's allclose(1, sum), which scikit-learn's multiclass ROC-AUC requires of every row.
    String sum = "coalesce(list_sum(map_values(" + m + ")), 0.0)";
    return "WITH r AS MATERIALIZED (SELECT "
        + Sql.groupSelect(groupExprs)
        + y
        + " AS __y, "
        + p
        + " AS __p, "
        + m
        + " AS __m, NOT (abs(1.0 - "
        + sum
        + ") <= 1e-8 + 1e-5 * abs("
        + sum
        + ")) AS __bad"
        + Sql.from(relation)
        + " WHERE "
        + y
        + " IS NOT NULL AND "
        + p
        + " IS NOT NULL AND "
        + validMap(m)
        + "), c AS (SELECT "
        + gs
        + "__y AS __c FROM r UNION SELECT "
        + gs
        + "__p FROM r UNION SELECT "
        + gs
        + "unnest(map_keys(__m)) FROM r)";
  }

  /** {@code a.__g0 IS NOT DISTINCT FROM b.__g0 AND ...}, or {@code true} for no groups. */
  private static String sameGroup(int g, String a, String b) {
    List<String> conds = new ArrayList<>();
    for (int i = 0; i < g; i++) {
      conds.add(a + ".__g" + i + " IS NOT DISTINCT FROM " + b + ".__g" + i);
    }
    return conds.isEmpty() ? "true" : String.join(" AND ", conds);
  }

  private static String qualified(int g, String alias) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < g; i++) {
      sb.append(alias).append(".__g").append(i).append(", ");
    }
    return sb.toString();
  }

  /**
   * Multiclass log loss per group, as scikit-learn 1.2 computes {@code log_loss(y, P,
   * labels=classes)}: each probability clipped to [ε, 1−ε] (a class missing from the map is 0, so
   * ε), the row divided by its sum, the mean of −ln(the true class's share). NULL for a group with
   * fewer than two classes.
   */
  private void multiclassLogLoss(
      Connection db,
      String relation,
      List<String> groupExprs,
      String y,
      String p,
      String m,
      Map<GroupKey, Map<String, Object>> out)
      throws SQLException {
    int g = groupExprs.size();
    String eps = Double.toString(LOG_LOSS_EPS);
    String clip = "greatest(least(%s, 1.0 - " + eps + "), " + eps + ")";
    String sql =
        multiclassRows(relation, groupExprs, y, p, m)
            + ", k AS (SELECT "
            + Sql.groupAliases(g, ", ")
            + "count(*) AS __k FROM c"
            + (g == 0 ? "" : " GROUP BY ALL")
            + ") SELECT "
            + qualified(g, "r")
            + "max(k.__k), count(*), fsum(-ln("
            + clip.formatted("coalesce(r.__m[r.__y], 0.0)")
            + " / (coalesce(list_sum(list_transform(map_values(r.__m), lambda v: "
            + clip.formatted("v")
            + ")), 0.0) + (k.__k - CAST(cardinality(r.__m) AS BIGINT)) * "
            + eps
            + "))) FROM r JOIN k ON "
            + sameGroup(g, "r", "k")
            + (g == 0 ? "" : " GROUP BY " + qualified(g, "r").replaceAll(", $", ""));
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, Object> row = out.get(Sql.key(rs, g));
        long classes = rs.getLong(g + 1);
        long n = rs.getLong(g + 2);
        if (row != null && n > 0 && classes >= 2) {
          row.put("log_loss", rs.getDouble(g + 3) / n);
        }
      }
    }
  }

  /**
   * Multiclass ROC-AUC per group, as scikit-learn 1.2 computes {@code roc_auc_score(y, P,
   * multi_class='ovr', average='macro', labels=classes)}: the unweighted mean over the group's
   * classes of the Mann–Whitney AUC of "label = class" scored by P(class) (ties ½). NULL when a
   * class has no positive or no negative row, or a row's probabilities fail numpy's {@code
   * allclose(1, sum)} (|1 − sum| ≤ 1e-8 + 1e-5·|sum|), where scikit-learn raises.
   */
  private void multiclassRocAuc(
      Connection db,
      String relation,
      List<String> groupExprs,
      String y,
      String p,
      String m,
      Map<GroupKey, Map<String, Object>> out)
      throws SQLException {
    int g = groupExprs.size();
    String gs = Sql.groupAliases(g, ", ");
    // Average ranks of P(class) per (group, class), ties sharing their mean rank; one sort.
    String w = "OVER (" + Sql.partitionBy(g, "__c") + " ORDER BY __s";
    String sql =
        multiclassRows(relation, groupExprs, y, p, m)
            + ", x AS (SELECT "
            + qualified(g, "r")
            + "c.__c, (r.__y = c.__c) AS __pos, coalesce(r.__m[c.__c], 0.0) AS __s, r.__bad FROM r"
            + " JOIN c ON "
            + sameGroup(g, "r", "c")
            + "), k AS (SELECT *, rank() "
            + w
            + ") + (count(*) "
            + w
            + " RANGE BETWEEN CURRENT ROW AND CURRENT ROW) - 1) / 2.0 AS __rk FROM x) SELECT "
            + gs
            + "__c, count(*) FILTER (WHERE __pos), count(*) FILTER (WHERE NOT __pos), fsum(__rk)"
            + " FILTER (WHERE __pos), count(*) FILTER (WHERE __bad) FROM k GROUP BY ALL";
    // Per group: class → its AUC, NaN when undefined (summed in class order: reproducible bits).
    Map<GroupKey, TreeMap<String, Double>> auc = new HashMap<>();
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        GroupKey key = Sql.key(rs, g);
        String c = rs.getString(g + 1);
        long npos = rs.getLong(g + 2);
        long nneg = rs.getLong(g + 3);
        double u = rs.getDouble(g + 4) - (double) npos * (npos + 1) / 2.0;
        long bad = rs.getLong(g + 5);
        boolean undefined = npos == 0 || nneg == 0 || bad > 0;
        auc.computeIfAbsent(key, k -> new TreeMap<>())
            .put(c, undefined ? Double.NaN : u / ((double) npos * (double) nneg));
      }
    }
    auc.forEach(
        (key, perClass) -> {
          Map<String, Object> row = out.get(key);
          double total = 0;
          for (double a : perClass.values()) {
            total += a;
          }
          if (row != null && perClass.size() >= 2 && !Double.isNaN(total)) {
            row.put("roc_auc_score", total / perClass.size());
          }
        });
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
