package dev.keel.features.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a {@link ResolvedLookup} into SQL: one CTE holding the table's candidate rows, the join
 * that matches them to the spine ({@code s}), and the output columns. Checks nothing (the lookup
 * was checked when resolved) and touches no database.
 *
 * <p>Three shapes, by what the lookup needs (the rule is in {@code docs/features.md}):
 *
 * <ul>
 *   <li>availability filter: an ASOF join on (availability time, rank) over the "record" rows;
 *   <li>point in time: an ASOF join on the event time (unique primary key) or on the order struct
 *       (event, ingestion, read order);
 *   <li>plain key lookup: the latest row per key, a LEFT JOIN.
 * </ul>
 */
final class AsofSqlBuilder {
  /** Offsets the row numbers of file {@code i} by {@code i * FILE_STRIDE}. */
  static final long FILE_STRIDE = RowOrder.FILE_STRIDE;

  private AsofSqlBuilder() {}

  /** One output column of the joined relation, before exclusions. */
  record Out(String name, String expr, String type) {}

  /**
   * The SQL of one lookup.
   *
   * @param cte {@code f<i> AS (...)}
   * @param join the join clause, starting with a newline
   * @param outputs the feature columns, in order
   * @param indicator the {@code __status} column, when indicators are asked for
   */
  record LookupSql(String cte, String join, List<Out> outputs, Optional<Out> indicator) {}

  /** The CTE, join and output columns of {@code r}. */
  static LookupSql lookup(ResolvedLookup r) {
    int i = r.index();
    FeatureSource src = r.source();
    List<String> entity = r.entityKeys();
    List<String> features = r.features();
    String ts = r.timeseriesKey().orElse(null);
    String ing = r.ingestionTime().orElse(null);
    String t = r.spineTime().orElse(null);
    boolean avail = r.availabilityFilter();

    String f = "f" + i;
    String rel = relation(src);
    StringBuilder joins = new StringBuilder();
    String cte;
    StringBuilder keySel = new StringBuilder();
    StringBuilder keyOn = new StringBuilder();
    StringBuilder keyPart = new StringBuilder();
    for (int k = 0; k < entity.size(); k++) {
      keySel.append(Sql.id(entity.get(k))).append(" AS k").append(k).append(", ");
      keyPart.append(k == 0 ? "" : ", ").append(Sql.id(entity.get(k)));
      keyOn
          .append(k == 0 ? "" : " AND ")
          .append("s.")
          .append(Sql.id(r.lookupKeys().get(k)))
          .append(" = ")
          .append(f)
          .append(".k")
          .append(k);
    }
    String tiebreak = RowOrder.readOrder(src.parquetFiles().size());
    String ingKey = ing == null ? null : RowOrder.creationKey(ing);
    // The order of candidates (RowOrder, shared with the online publisher): event time, then
    // creation time, then read order. Unique per row.
    String order = RowOrder.struct(r.timeseriesKey(), r.ingestionTime(), src.parquetFiles().size());
    String keysOut = keysOut(entity.size());
    String where = ts == null ? "" : " WHERE " + Sql.id(ts) + " IS NOT NULL";
    String tCol = t == null ? null : "s." + Sql.id(t);
    boolean asofOnOrder = t != null && !avail && ts != null;
    // With a unique primary key no two rows tie on (entity keys, event time), so the event time
    // alone orders the candidates: a scalar ASOF key, ~40 % cheaper per lookup than the struct.
    boolean asofOnEvent = asofOnOrder && r.uniqueKey();
    String matched =
        asofOnEvent
            ? f + ".e IS NOT NULL"
            : asofOnOrder ? f + ".o IS NOT NULL" : f + ".m IS NOT NULL";
    String eventOf = asofOnOrder && !asofOnEvent ? f + ".o.e" : f + ".e";
    if (t != null && avail) {
      // Eligible rows change with t: a row counts from a = greatest(event, ingestion) on. The
      // winner at t is the maximum (by event, ingestion, read order) over rows with a <= t. Only
      // "record" rows, whose rank in that order beats every row before them by a, can ever win;
      // an ASOF join on (a, rank) then picks, per spine row, the greatest record at or before
      // (t, +inf), which is that maximum (see docs/features.md).
      String a = ts == null ? Sql.id(ing) : "greatest(" + Sql.id(ts) + ", " + Sql.id(ing) + ")";
      // rank: the row's place in the rule-2 order within its key (a scalar: running maxima of
      // structs are slow in DuckDB's window operator).
      String orderBy = (ts == null ? "" : Sql.id(ts) + ", ") + ingKey + ", " + tiebreak;
      StringBuilder inner = new StringBuilder(keySel);
      inner.append(a).append(" AS a");
      if (ts != null) {
        inner.append(", ").append(Sql.id(ts)).append(" AS e");
      }
      for (int j = 0; j < features.size(); j++) {
        inner.append(", ").append(Sql.id(features.get(j))).append(" AS v").append(j);
      }
      if (ts != null && r.uniqueKey()) {
        // No two rows of a key share an event time: the event time is the rank (no window sort).
        inner.append(", epoch_us(").append(Sql.id(ts)).append(") AS p");
      } else {
        inner
            .append(", row_number() OVER (PARTITION BY ")
            .append(keyPart)
            .append(" ORDER BY ")
            .append(orderBy)
            .append(") AS p");
      }
      StringBuilder outer = new StringBuilder(keysOut).append("{'a': a, 'p': p} AS ap, TRUE AS m");
      if (ts != null) {
        outer.append(", e");
      }
      for (int j = 0; j < features.size(); j++) {
        outer.append(", v").append(j);
      }
      cte =
          f
              + " AS (SELECT "
              + outer
              + " FROM (SELECT *, max(p) OVER (PARTITION BY "
              + keysOut.substring(0, keysOut.length() - 2)
              + " ORDER BY a ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS pm FROM (SELECT "
              + inner
              + " FROM "
              + rel
              + " WHERE "
              + Sql.id(ing)
              + " IS NOT NULL"
              + (ts == null ? "" : " AND " + Sql.id(ts) + " IS NOT NULL")
              + ")) WHERE p = pm)";
      String probe =
          "CASE WHEN "
              + tCol
              + " IS NULL THEN NULL ELSE {'a': "
              + tCol
              + ", 'p': 9223372036854775807::BIGINT} END";
      joins
          .append("\nASOF LEFT JOIN ")
          .append(f)
          .append(" ON ")
          .append(keyOn)
          .append(" AND ")
          .append(probe)
          .append(" >= ")
          .append(f)
          .append(".ap");
    } else if (asofOnOrder) {
      // Latest candidate at or before the spine time, one ASOF join. With a unique key the
      // candidate order is the event time (column e); otherwise the order struct o, probed with
      // (t, +inf, +inf). The right side carries only keys, the order and the features (every
      // extra column is sorted along with 5M rows).
      String probe = tCol;
      String orderCol = "e";
      StringBuilder sel = new StringBuilder(keySel);
      if (asofOnEvent) {
        sel.append(Sql.id(ts)).append(" AS e");
      } else {
        probe =
            "CASE WHEN "
                + tCol
                + " IS NULL THEN NULL ELSE {'e': "
                + tCol
                + (ingKey == null ? "" : ", 'i': 9223372036854775807::BIGINT")
                + ", 'r': 9223372036854775807::BIGINT} END";
        orderCol = "o";
        sel.append(order).append(" AS o");
      }
      for (int j = 0; j < features.size(); j++) {
        sel.append(", ").append(Sql.id(features.get(j))).append(" AS v").append(j);
      }
      cte = f + " AS (SELECT " + sel + " FROM " + rel + where + ")";
      joins
          .append("\nASOF LEFT JOIN ")
          .append(f)
          .append(" ON ")
          .append(keyOn)
          .append(" AND ")
          .append(probe)
          .append(" >= ")
          .append(f)
          .append('.')
          .append(orderCol);
    } else {
      // Plain key lookup: the latest row per key (event time, then ingestion, then read order).
      cte =
          f
              + " AS (SELECT "
              + keysOut
              + flat(ts, features.size())
              + " FROM (SELECT "
              + keySel
              + "arg_max("
              + values(ts, features)
              + ", "
              + order
              + ") AS w FROM "
              + rel
              + where
              + " GROUP BY ALL))";
      joins.append("\nLEFT JOIN ").append(f).append(" ON ").append(keyOn);
      if (tCol != null) {
        joins.append(" AND ").append(tCol).append(" IS NOT NULL");
      }
    }
    String inWindow = null;
    if (r.lookbackMicros().isPresent()) {
      long micros = r.lookbackMicros().getAsLong();
      inWindow = eventOf + " >= " + tCol + " - to_microseconds(" + micros + "::BIGINT)";
    }
    String present = matched + (inWindow == null ? "" : " AND " + inWindow);
    List<Out> outs = new ArrayList<>();
    for (int j = 0; j < features.size(); j++) {
      String feat = features.get(j);
      String name = r.outputNames().get(feat);
      String type = r.featureTypes().get(feat);
      Object dflt = r.lookup().defaultValues().get(feat);
      String expr;
      if (dflt == null && inWindow == null) {
        expr = f + ".v" + j;
      } else {
        expr =
            "CASE WHEN "
                + present
                + " THEN "
                + f
                + ".v"
                + j
                + " ELSE "
                + (dflt == null ? "NULL" : "CAST(" + Sql.literal(dflt) + " AS " + type + ")")
                + " END";
      }
      outs.add(new Out(name, expr, type));
    }
    Optional<Out> indicator = Optional.empty();
    if (r.indicators()) {
      String status =
          "CASE WHEN "
              + "NOT ("
              + matched
              + ") THEN 'MISSING'"
              + (inWindow == null ? "" : " WHEN NOT (" + inWindow + ") THEN 'OUTSIDE_WINDOW'")
              + " ELSE 'PRESENT' END";
      indicator = Optional.of(new Out(r.indicatorBase() + "__status", status, "VARCHAR"));
    }
    return new LookupSql(cte, joins.toString(), outs, indicator);
  }

  /** {@code {'m': TRUE, 'e': <ts>, 'v0': <f0>, ...}}: what the plain lookup keeps per key. */
  private static String values(String ts, List<String> features) {
    StringBuilder values = new StringBuilder("{");
    values.append("'m': TRUE");
    if (ts != null) {
      values.append(", 'e': ").append(Sql.id(ts));
    }
    for (int j = 0; j < features.size(); j++) {
      values.append(", 'v").append(j).append("': ").append(Sql.id(features.get(j)));
    }
    return values.append("}").toString();
  }

  /** {@code w.m AS m, w.e AS e, w.v0 AS v0, ...}: {@link #values}, flattened. */
  private static String flat(String ts, int features) {
    StringBuilder flat = new StringBuilder("w.m AS m");
    if (ts != null) {
      flat.append(", w.e AS e");
    }
    for (int j = 0; j < features; j++) {
      flat.append(", w.v").append(j).append(" AS v").append(j);
    }
    return flat.toString();
  }

  private static String keysOut(int n) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < n; k++) {
      b.append("k").append(k).append(", ");
    }
    return b.toString();
  }

  /** The source's rows with {@code file_row_number} and, for several files, {@code __keel_file}. */
  static String relation(FeatureSource src) {
    return RowOrder.relation(src.parquetFiles());
  }
}
