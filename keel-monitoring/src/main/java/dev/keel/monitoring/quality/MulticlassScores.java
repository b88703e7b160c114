package dev.keel.monitoring.quality;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The multiclass log loss and ROC-AUC of {@link QualityMetrics} for a {@code map<string,double>}
 * probability column (class → probability), per group, as scikit-learn 1.2 defines them; see
 * docs/monitoring.md, "Model quality", "Probabilities".
 */
final class MulticlassScores {
  private MulticlassScores() {}

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
        + QualityMetrics.validMap(m)
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
  static void logLoss(
      Connection db,
      String relation,
      List<String> groupExprs,
      String y,
      String p,
      String m,
      Map<GroupKey, Map<String, Object>> out)
      throws SQLException {
    int g = groupExprs.size();
    String eps = Double.toString(QualityMetrics.LOG_LOSS_EPS);
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
  static void rocAuc(
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
}
