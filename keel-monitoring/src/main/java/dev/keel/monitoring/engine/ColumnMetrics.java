package dev.keel.monitoring.engine;

import dev.keel.monitoring.stats.CategoricalDrift;
import dev.keel.monitoring.stats.NumericComparison;
import dev.keel.monitoring.stats.NumericDrift;
import dev.keel.monitoring.stats.NumericProfile;
import dev.keel.monitoring.stats.SortedSample;
import dev.keel.monitoring.stats.StringProfile;
import dev.keel.monitoring.stats.TestResult;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Columns' statistics in every group of {@code __ex}: DuckDB groups and streams the values (one
 * scan per pass of a few columns of one kind, {@link #fetch}), the stats classes compute every
 * number in Java ({@link #compute}, one column at a time).
 */
final class ColumnMetrics {
  /** How the engine treats a column type. */
  enum Kind {
    /** int, bigint, float, double, decimal: numeric profile and KS, Wasserstein, PSI. */
    NUMERIC,
    /** string: string profile and chi², JS, TV, L∞. */
    STRING,
    /** boolean: categories "true"/"false", as strings without lengths. */
    BOOLEAN,
    /** anything else: count and NULLs only. */
    OTHER
  }

  static Kind kind(ColumnType t) {
    return switch (t.kind().name()) {
      case "INT", "LONG", "FLOAT", "DOUBLE", "DECIMAL" -> Kind.NUMERIC;
      case "STRING" -> Kind.STRING;
      case "BOOLEAN" -> Kind.BOOLEAN;
      default -> Kind.OTHER;
    };
  }

  /**
   * One column in one group.
   *
   * @param rows rows in the group
   * @param nonNull non-NULL values (NaN included)
   * @param sample the sorted non-NULL, non-NaN values (numeric)
   * @param numeric its profile (numeric)
   * @param counts value counts (string, boolean)
   * @param string its profile (string, boolean)
   */
  record Stat(
      long rows,
      long nonNull,
      SortedSample sample,
      NumericProfile numeric,
      Map<String, Long> counts,
      StringProfile string) {
    long nulls() {
      return rows - nonNull;
    }

    Double avg() {
      return numeric == null ? null : finite(numeric.avg());
    }

    Double percentNull() {
      return rows == 0 ? null : 100.0 * nulls() / rows;
    }

    Double percentZeros() {
      return numeric == null || nonNull == 0 ? null : 100.0 * numeric.numZeros() / nonNull;
    }

    Long distinct() {
      if (numeric != null) {
        return numeric.distinctCount();
      }
      return string == null ? null : string.distinctCount();
    }

    Double percentDistinct() {
      Long d = distinct();
      return d == null || nonNull == 0 ? null : 100.0 * d / nonNull;
    }
  }

  private ColumnMetrics() {}

  /** NaN → null (an undefined value), others unchanged. */
  static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /**
   * One column's values as read from {@code __ex}, per group id.
   *
   * @param nonNull the non-NULL values (NaN included) per group id
   * @param values the non-NULL values per group id (numeric: group g's are the first nonNull[g]
   *     entries of values[g]), else null
   * @param counts the value counts per group id (string, boolean), else null
   */
  record Fetched(long[] nonNull, double[][] values, List<Map<String, Long>> counts) {}

  /** How columns are read: several columns of one pass kind share a scan of {@code __ex}. */
  enum Pass {
    /** String and boolean columns: value counts per group by DuckDB, one grouping set each. */
    CATEGORICAL(4),
    /** Numeric columns: every non-NULL value, streamed to Java. */
    NUMERIC(2),
    /** Other columns: non-NULL counts per group. */
    OTHER(4);

    private final int maxColumns;

    Pass(int maxColumns) {
      this.maxColumns = maxColumns;
    }

    /** The most columns one scan reads. */
    int maxColumns() {
      return maxColumns;
    }

    static Pass of(Kind kind) {
      return switch (kind) {
        case NUMERIC -> NUMERIC;
        case STRING, BOOLEAN -> CATEGORICAL;
        case OTHER -> OTHER;
      };
    }
  }

  /**
   * Reads {@code cols} (all of one {@link Pass} kind) from {@code __ex} in one scan: per group id,
   * each column's non-NULL values (numeric), value counts (string, boolean; counted by DuckDB), or
   * non-NULL count (other types).
   *
   * @param rows rows per group id
   * @return one {@link Fetched} per column, in the order of {@code cols}
   */
  static List<Fetched> fetch(Connection c, List<Column> cols, long[] rows) throws SQLException {
    int n = rows.length;
    int k = cols.size();
    List<String> q = new ArrayList<>();
    for (Column col : cols) {
      q.add(Sql.ident(col.name()));
    }
    long[][] nonNull = new long[k][n];
    List<Fetched> out = new ArrayList<>();
    switch (Pass.of(kind(cols.get(0).type()))) {
      case NUMERIC -> {
        double[][][] values = new double[k][n][];
        int[][] fill = new int[k][n];
        List<String> sel = new ArrayList<>();
        List<String> any = new ArrayList<>();
        for (int j = 0; j < k; j++) {
          for (int g = 0; g < n; g++) {
            values[j][g] = new double[(int) rows[g]];
          }
          sel.add("CAST(" + q.get(j) + " AS DOUBLE)");
          any.add(q.get(j) + " IS NOT NULL");
        }
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT __gid, "
                        + String.join(", ", sel)
                        + " FROM __ex WHERE "
                        + String.join(" OR ", any))) {
          while (rs.next()) {
            int g = rs.getInt(1);
            for (int j = 0; j < k; j++) {
              double v = rs.getDouble(j + 2);
              if (!rs.wasNull()) {
                values[j][g][fill[j][g]++] = v;
              }
            }
          }
        }
        for (int j = 0; j < k; j++) {
          for (int g = 0; g < n; g++) {
            nonNull[j][g] = fill[j][g];
          }
          out.add(new Fetched(nonNull[j], values[j], null));
        }
      }
      case CATEGORICAL -> {
        List<List<Map<String, Long>>> counts = new ArrayList<>();
        List<String> cast = new ArrayList<>();
        List<String> vs = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        for (int j = 0; j < k; j++) {
          List<Map<String, Long>> perGroup = new ArrayList<>(n);
          for (int g = 0; g < n; g++) {
            perGroup.add(new HashMap<>());
          }
          counts.add(perGroup);
          cast.add("CAST(" + q.get(j) + " AS VARCHAR) AS __v" + j);
          vs.add("__v" + j);
          sets.add("(__gid, __v" + j + ")");
        }
        // One grouping set per column; GROUPING(__vj) is 0 exactly in column j's set.
        List<String> grouping = new ArrayList<>();
        for (String v : vs) {
          grouping.add("GROUPING(" + v + ")");
        }
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT __gid, count(*), "
                        + String.join(", ", grouping)
                        + ", "
                        + String.join(", ", vs)
                        + " FROM (SELECT __gid, "
                        + String.join(", ", cast)
                        + " FROM __ex) GROUP BY GROUPING SETS ("
                        + String.join(", ", sets)
                        + ")")) {
          while (rs.next()) {
            int j = 0;
            while (rs.getInt(3 + j) != 0) {
              j++;
            }
            String v = rs.getString(3 + k + j);
            if (v != null) {
              int g = rs.getInt(1);
              long count = rs.getLong(2);
              counts.get(j).get(g).put(v, count);
              nonNull[j][g] += count;
            }
          }
        }
        for (int j = 0; j < k; j++) {
          out.add(new Fetched(nonNull[j], null, counts.get(j)));
        }
      }
      case OTHER -> {
        List<String> sel = new ArrayList<>();
        for (String col : q) {
          sel.add("count(" + col + ")");
        }
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT __gid, " + String.join(", ", sel) + " FROM __ex GROUP BY __gid")) {
          while (rs.next()) {
            int g = rs.getInt(1);
            for (int j = 0; j < k; j++) {
              nonNull[j][g] = rs.getLong(j + 2);
            }
          }
        }
        for (int j = 0; j < k; j++) {
          out.add(new Fetched(nonNull[j], null, null));
        }
      }
    }
    return out;
  }

  /**
   * A column's statistics per group id from its fetched values (which it consumes).
   *
   * @param rows rows per group id
   */
  static Stat[] compute(Fetched f, Kind kind, long[] rows, Parallel parallel) {
    int n = rows.length;
    long[] nonNull = f.nonNull();
    Stat[] out = new Stat[n];
    switch (kind) {
      case NUMERIC -> {
        double[][] values = f.values();
        parallel.forEach(
            n,
            g -> {
              SortedSample sample = SortedSample.of(values[g], (int) nonNull[g]);
              values[g] = null;
              NumericProfile p =
                  NumericProfile.of(
                      sample, rows[g] - nonNull[g], MetricsSchema.QUANTILE_PROBABILITIES);
              out[g] = new Stat(rows[g], nonNull[g], sample, p, null, null);
            });
      }
      case STRING, BOOLEAN -> {
        List<Map<String, Long>> counts = f.counts();
        parallel.forEach(
            n,
            g -> {
              StringProfile p =
                  StringProfile.ofCounts(
                      counts.get(g), rows[g] - nonNull[g], MetricsSchema.FREQUENT_ITEMS_K);
              out[g] = new Stat(rows[g], nonNull[g], null, null, counts.get(g), p);
            });
      }
      case OTHER -> {
        for (int g = 0; g < n; g++) {
          out[g] = new Stat(rows[g], nonNull[g], null, null, null, null);
        }
      }
    }
    return out;
  }

  /** The profile row's statistics columns (count … percent_distinct) for one column. */
  static void profileValues(Stat s, Kind kind, Map<String, Object> row) {
    row.put("count", s.nonNull());
    row.put("num_nulls", s.nulls());
    row.put("percent_null", s.percentNull());
    if (s.numeric() != null) {
      NumericProfile p = s.numeric();
      boolean any = s.sample().size() > 0;
      row.put("avg", finite(p.avg()));
      List<Object> qs = new ArrayList<>();
      for (double v : p.quantiles()) {
        qs.add(finite(v));
      }
      row.put("quantiles", any ? qs : null);
      row.put("min", finite(p.min()));
      row.put("max", finite(p.max()));
      row.put("stddev", finite(p.stddev()));
      row.put("num_zeros", p.numZeros());
      row.put("num_nan", p.numNan());
      row.put("median", any ? s.sample().quantile(0.5) : null);
      row.put("distinct_count", p.distinctCount());
      row.put("percent_nan", s.nonNull() == 0 ? null : 100.0 * p.numNan() / s.nonNull());
      row.put("percent_zeros", s.percentZeros());
      row.put("percent_distinct", s.percentDistinct());
    } else if (s.string() != null) {
      StringProfile p = s.string();
      if (kind == Kind.STRING) {
        row.put("min_length", s.nonNull() == 0 ? null : (long) p.minLength());
        row.put("max_length", s.nonNull() == 0 ? null : (long) p.maxLength());
        row.put("avg_length", finite(p.avgLength()));
      }
      List<Object> items = new ArrayList<>();
      for (StringProfile.Item it : p.frequentItems()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("item", it.item());
        m.put("count", it.count());
        items.add(m);
      }
      row.put("frequent_items", items);
      row.put("distinct_count", p.distinctCount());
      row.put("percent_distinct", s.percentDistinct());
    }
  }

  /** The drift row's statistics columns (count_delta … l_infinity_distance), current vs cmp. */
  static void driftValues(Stat cur, Stat cmp, Map<String, Object> row) {
    row.put("count_delta", (double) (cur.nonNull() - cmp.nonNull()));
    row.put("avg_delta", minus(cur.avg(), cmp.avg()));
    row.put("percent_null_delta", minus(cur.percentNull(), cmp.percentNull()));
    row.put("percent_zeros_delta", minus(cur.percentZeros(), cmp.percentZeros()));
    row.put("percent_distinct_delta", minus(cur.percentDistinct(), cmp.percentDistinct()));
    if (cur.sample() != null && cur.sample().size() > 0 && cmp.sample().size() > 0) {
      NumericComparison n = NumericDrift.compare(cmp.sample(), cur.sample());
      row.put("ks_test", test(n.ks().statistic(), n.ks().pValue()));
      row.put("wasserstein_distance", n.wasserstein());
      row.put("population_stability_index", n.psi().psi());
    }
    if (cur.counts() != null && !cur.counts().isEmpty() && !cmp.counts().isEmpty()) {
      TestResult chi = CategoricalDrift.chiSquared(cmp.counts(), cur.counts());
      row.put("chi_squared_test", test(chi.statistic(), chi.pValue()));
      row.put("js_distance", CategoricalDrift.jensenShannon(cmp.counts(), cur.counts()));
      row.put("tv_distance", CategoricalDrift.totalVariation(cmp.counts(), cur.counts()));
      row.put("l_infinity_distance", CategoricalDrift.lInfinity(cmp.counts(), cur.counts()));
    }
  }

  private static Map<String, Object> test(double statistic, double p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("statistic", statistic);
    m.put("pvalue", p);
    return m;
  }

  private static Double minus(Double a, Double b) {
    return a == null || b == null ? null : a - b;
  }
}
