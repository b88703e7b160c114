package dev.keel.monitoring.quality;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The multiclass log loss and ROC-AUC of {@link QualityMetrics} for a {@code map<string,double>}
 * probability column (class → probability), per group, as scikit-learn 1.2 defines them; see
 * docs/monitoring.md, "Model quality", "Probabilities".
 */
final class MulticlassScores {
  private MulticlassScores() {}

  /**
   * The counted rows of a map probability column (groups, {@code __y}, {@code __p}, {@code __m},
   * {@code __bad}: the probabilities fail numpy's allclose(1, sum)), a SELECT.
   */
  private static String countedRows(
      String relation, List<String> groupExprs, String y, String p, String m) {
    // numpy's allclose(1, sum), which scikit-learn's multiclass ROC-AUC requires of every row.
    String sum = "coalesce(list_sum(map_values(" + m + ")), 0.0)";
    return "SELECT "
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
        + QualityMetrics.validMap(m);
  }

  /** Each group's classes of {@link #countedRows} {@code rows} (groups, {@code __c}), a SELECT. */
  private static String classes(int g, String rows) {
    String gs = Sql.groupAliases(g, ", ");
    return "SELECT "
        + gs
        + "__y AS __c FROM "
        + rows
        + " UNION SELECT "
        + gs
        + "__p FROM "
        + rows
        + " UNION SELECT "
        + gs
        + "unnest(map_keys(__m)) FROM "
        + rows;
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
   * Multiclass log loss per group of the rows in {@link #ROWS_TABLE}, as scikit-learn 1.2 computes
   * {@code log_loss(y, P, labels=classes)}: each probability clipped to [ε, 1−ε] (a class missing
   * from the map is 0, so ε), the row divided by its sum, the mean of −ln(the true class's share).
   * NULL for a group with fewer than two classes.
   */
  private static void logLoss(Statement st, int g, Map<GroupKey, Map<String, Object>> out)
      throws SQLException {
    String eps = Double.toString(QualityMetrics.LOG_LOSS_EPS);
    String clip = "greatest(least(%s, 1.0 - " + eps + "), " + eps + ")";
    String sql =
        "WITH r AS (SELECT * FROM "
            + ROWS_TABLE
            + "), c AS ("
            + classes(g, "r")
            + "), k AS (SELECT "
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
    try (ResultSet rs = st.executeQuery(sql)) {
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

  /** The temporary table {@link #scores} holds the counted rows in while they are read. */
  private static final String ROWS_TABLE = "__keel_multiclass_rows";

  /**
   * About this many scores (rows × classes, 8 bytes each, in arrays grown by doubling: up to twice
   * that memory) are held at once; more classes take more scans of the rows.
   */
  static final long MAX_HELD_SCORES = 16L << 20;

  /**
   * The multiclass log loss and ROC-AUC per group ({@link #logLoss}, {@link #rocAuc}) of the rows
   * of {@code relation} that count: label, prediction and a valid map all present. DuckDB keeps
   * those rows in a temporary table that both read, dropped before returning.
   *
   * @param maxHeldScores the ROC-AUC holds at most about this many scores at once ({@link
   *     #MAX_HELD_SCORES} in a refresh)
   */
  static void scores(
      Connection db,
      String relation,
      List<String> groupExprs,
      String y,
      String p,
      String m,
      Map<GroupKey, Map<String, Object>> out,
      long maxHeldScores)
      throws SQLException {
    int g = groupExprs.size();
    try (Statement st = db.createStatement()) {
      st.execute(
          "CREATE OR REPLACE TEMP TABLE "
              + ROWS_TABLE
              + " AS "
              + countedRows(relation, groupExprs, y, p, m));
      try {
        logLoss(st, g, out);
        rocAuc(st, g, out, maxHeldScores);
      } finally {
        st.execute("DROP TABLE IF EXISTS " + ROWS_TABLE);
      }
    }
  }

  /**
   * Multiclass ROC-AUC per group of the rows in {@link #ROWS_TABLE}, as scikit-learn 1.2 computes
   * {@code roc_auc_score(y, P, multi_class='ovr', average='macro', labels=classes)}: the unweighted
   * mean over the group's classes of the Mann–Whitney AUC of "label = class" scored by P(class)
   * (ties ½). NULL when a class has no positive or no negative row, or a row's probabilities fail
   * numpy's {@code allclose(1, sum)} (|1 − sum| ≤ 1e-8 + 1e-5·|sum|), where scikit-learn raises.
   *
   * <p>Each class's scores are streamed (as many classes per scan as {@code maxHeldScores} allows);
   * each (group, class) AUC is counted in Java over the sorted positive and negative scores ({@link
   * #twiceU}), U exactly in integers, so the value is the one average ranks give.
   */
  private static void rocAuc(
      Statement st, int g, Map<GroupKey, Map<String, Object>> out, long maxHeldScores)
      throws SQLException {
    // Per group: its classes; per class its AUC, NaN when undefined.
    Map<GroupKey, TreeMap<String, Double>> auc = new HashMap<>();
    TreeSet<String> all = new TreeSet<>();
    long rows;
    try (ResultSet rs = st.executeQuery(classes(g, ROWS_TABLE))) {
      while (rs.next()) {
        String c = rs.getString(g + 1);
        auc.computeIfAbsent(Sql.key(rs, g), k -> new TreeMap<>()).put(c, Double.NaN);
        all.add(c);
      }
    }
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + ROWS_TABLE)) {
      rs.next();
      rows = rs.getLong(1);
    }
    List<String> classes = new ArrayList<>(all);
    int perScan = (int) Math.max(1, Math.min(classes.size(), maxHeldScores / Math.max(1, rows)));
    Map<GroupKey, Boolean> bad = new HashMap<>();
    for (int from = 0; from < classes.size(); from += perScan) {
      List<String> chunk = classes.subList(from, Math.min(classes.size(), from + perScan));
      // The label's index in the chunk + 1 (0: another class), then each class's score.
      StringBuilder sql = new StringBuilder("SELECT ").append(Sql.groupAliases(g, ", "));
      sql.append("CASE __y");
      for (int j = 0; j < chunk.size(); j++) {
        sql.append(" WHEN ").append(Sql.literal(chunk.get(j))).append(" THEN ").append(j + 1);
      }
      sql.append(" ELSE 0 END, __bad");
      for (String c : chunk) {
        sql.append(", coalesce(__m[").append(Sql.literal(c)).append("], 0.0)");
      }
      sql.append(" FROM ").append(ROWS_TABLE);
      Map<GroupKey, Scores[]> scores = new HashMap<>();
      try (ResultSet rs = st.executeQuery(sql.toString())) {
        // The rows come mostly in runs of one group: look the key up when the group changes.
        Object[] last = new Object[g];
        GroupKey key = null;
        Scores[] s = null;
        while (rs.next()) {
          if (key == null || !sameValues(rs, last)) {
            key = Sql.key(rs, g);
            s = scores.computeIfAbsent(key, k -> scoresOf(chunk, auc.get(k)));
          }
          int label = rs.getInt(g + 1);
          if (rs.getBoolean(g + 2)) {
            bad.put(key, true);
          }
          for (int j = 0; j < chunk.size(); j++) {
            if (s[j] != null) {
              s[j].add(label == j + 1, rs.getDouble(g + 3 + j));
            }
          }
        }
      }
      scores.forEach(
          (key, s) -> {
            for (int j = 0; j < s.length; j++) {
              if (s[j] != null) {
                auc.get(key).put(chunk.get(j), s[j].auc());
              }
            }
          });
    }
    // The mean over the classes, summed in class order: reproducible bits.
    auc.forEach(
        (key, perClass) -> {
          Map<String, Object> row = out.get(key);
          double total = 0;
          for (double a : perClass.values()) {
            total += a;
          }
          if (row != null
              && perClass.size() >= 2
              && !bad.containsKey(key)
              && !Double.isNaN(total)) {
            row.put("roc_auc_score", total / perClass.size());
          }
        });
  }

  /** Whether the row's first columns are {@code values}; if not, they become {@code values}. */
  private static boolean sameValues(ResultSet rs, Object[] values) throws SQLException {
    boolean same = true;
    for (int i = 0; i < values.length; i++) {
      Object v = rs.getObject(i + 1);
      if (!Objects.equals(v, values[i])) {
        values[i] = v;
        same = false;
      }
    }
    return same;
  }

  /** Per class of the chunk, its scores in a group, or null when the group lacks the class. */
  private static Scores[] scoresOf(List<String> chunk, Map<String, Double> groupClasses) {
    Scores[] s = new Scores[chunk.size()];
    for (int j = 0; j < s.length; j++) {
      if (groupClasses != null && groupClasses.containsKey(chunk.get(j))) {
        s[j] = new Scores();
      }
    }
    return s;
  }

  /**
   * Twice the Mann–Whitney U of sorted positive and negative scores: Σ over the positives of 2 ×
   * (negatives below it) + (negatives equal to it), i.e. with ties counting ½. Exact (an integer);
   * −0.0 equals 0.0 here as in SQL. Neither array may hold NaN.
   *
   * @param pos the positives' scores, ascending ({@code np} of them)
   * @param neg the negatives' scores, ascending ({@code nn} of them)
   */
  static long twiceU(double[] pos, int np, double[] neg, int nn) {
    long twice = 0;
    int below = 0;
    int upTo = 0;
    for (int i = 0; i < np; i++) {
      double s = pos[i];
      while (below < nn && neg[below] < s) {
        below++;
      }
      upTo = Math.max(upTo, below);
      while (upTo < nn && neg[upTo] <= s) {
        upTo++;
      }
      twice += (long) below + upTo;
    }
    return twice;
  }

  /**
   * The Mann–Whitney AUC of sorted positive and negative scores (ties ½), NaN without a positive or
   * without a negative: U / (positives × negatives), U exact.
   */
  static double auc(double[] pos, int np, double[] neg, int nn) {
    if (np == 0 || nn == 0) {
      return Double.NaN;
    }
    return twiceU(pos, np, neg, nn) / 2.0 / ((double) np * (double) nn);
  }

  /** One (group, class)'s scores of its positive and negative rows, growing as rows come. */
  static final class Scores {
    private double[] pos = new double[16];
    private double[] neg = new double[16];
    private int np;
    private int nn;

    void add(boolean positive, double score) {
      if (positive) {
        if (np == pos.length) {
          pos = Arrays.copyOf(pos, 2 * np);
        }
        pos[np++] = score;
      } else {
        if (nn == neg.length) {
          neg = Arrays.copyOf(neg, 2 * nn);
        }
        neg[nn++] = score;
      }
    }

    /** The AUC of the scores added (sorts them). */
    double auc() {
      Arrays.sort(pos, 0, np);
      Arrays.sort(neg, 0, nn);
      return MulticlassScores.auc(pos, np, neg, nn);
    }
  }
}
