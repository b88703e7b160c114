package dev.keel.features.training;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/** Validates one spec and turns it into the training set's query. Used once per build. */
final class Planner {
  static final String TZ = "TIMESTAMP WITH TIME ZONE";
  private static final String RN = "__keel_rn";
  private static final long FILE_STRIDE = 1L << 40;

  private final Connection conn;
  private final String schema;
  private final String spineTable;
  private final String onDemandTable;
  private final String joinedView;
  private final TrainingSetSpec spec;
  private final FeatureSourceResolver resolver;
  private final OnDemandRegistry registry;
  private final Map<String, Long> pinned;
  private final Map<String, FeatureSource> sources = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> tableColumns = new HashMap<>();

  /**
   * A planner creating its tables and views in {@code schema} (which must exist; the training set
   * drops it when closed).
   */
  Planner(
      Connection conn,
      String schema,
      TrainingSetSpec spec,
      FeatureSourceResolver resolver,
      OnDemandRegistry registry,
      Map<String, Long> pinned) {
    this.conn = conn;
    this.schema = schema;
    this.spineTable = schema + ".spine";
    this.onDemandTable = schema + ".on_demand";
    this.joinedView = schema + ".joined";
    this.spec = spec;
    this.resolver = resolver;
    this.registry = registry;
    this.pinned = pinned;
  }

  /** One output column of the joined relation, before exclusions. */
  private record Out(String name, String expr, String type) {}

  TrainingSet plan() throws SQLException {
    String spineRel = spineRelation();
    Map<String, String> spineCols = describe("SELECT * EXCLUDE (" + RN + ") FROM " + spineRel);
    List<Out> outs = new ArrayList<>();
    Map<String, String> owner = new HashMap<>();
    for (Map.Entry<String, String> c : spineCols.entrySet()) {
      outs.add(new Out(c.getKey(), "s." + Sql.id(c.getKey()), c.getValue()));
      owner.put(c.getKey(), "spine column");
    }
    List<String> ctes = new ArrayList<>();
    StringBuilder joins = new StringBuilder();
    List<Out> indicators = new ArrayList<>();
    for (int i = 0; i < spec.lookups().size(); i++) {
      planLookup(i, spineCols, ctes, joins, outs, indicators, owner);
    }
    for (Out ind : indicators) {
      claim(owner, ind.name(), "indicator column", "indicators");
      outs.add(ind);
    }
    StringBuilder joined = new StringBuilder();
    if (!ctes.isEmpty()) {
      joined.append("WITH ").append(String.join(",\n", ctes)).append('\n');
    }
    joined.append("SELECT s.").append(RN);
    for (Out o : outs) {
      joined.append(", ").append(o.expr()).append(" AS ").append(Sql.id(o.name()));
    }
    joined.append("\nFROM ").append(spineRel).append(" s").append(joins);
    try (Statement s = conn.createStatement()) {
      s.execute("CREATE VIEW " + joinedView + " AS " + joined);
    }
    Map<String, String> joinedTypes = new LinkedHashMap<>();
    outs.forEach(o -> joinedTypes.put(o.name(), o.type()));

    // On-demand features: checked here, computed in Java below.
    List<OnDemandRegistry.Registered> fns = new ArrayList<>();
    List<List<String>> fnInputs = new ArrayList<>();
    for (int i = 0; i < spec.onDemand().size(); i++) {
      OnDemandFeature f = spec.onDemand().get(i);
      String p = "on_demand[" + i + "]";
      OnDemandRegistry.Registered r =
          registry
              .get(f.function())
              .orElseThrow(
                  () ->
                      KeelException.invalid(
                          p
                              + ".function: no on-demand function '"
                              + f.function()
                              + "' is registered"));
      for (String b : f.inputBindings().keySet()) {
        if (!r.parameters().contains(b)) {
          throw KeelException.invalid(
              p + ".input_bindings: function '" + f.function() + "' has no parameter '" + b + "'");
        }
      }
      List<String> inputs = new ArrayList<>();
      for (String param : r.parameters()) {
        String col = f.inputBindings().get(param);
        if (col == null) {
          throw KeelException.invalid(
              p
                  + ".input_bindings: parameter '"
                  + param
                  + "' of '"
                  + f.function()
                  + "' is not bound");
        }
        if (!joinedTypes.containsKey(col)) {
          throw KeelException.invalid(
              p
                  + ".input_bindings."
                  + param
                  + ": no column '"
                  + col
                  + "' in the spine or the looked-up features");
        }
        inputs.add(col);
      }
      claim(owner, f.outputName(), "on-demand feature", p + ".output_name");
      fns.add(r);
      fnInputs.add(inputs);
    }

    Set<String> excluded = new HashSet<>();
    for (String e : spec.excludeColumns()) {
      if (!owner.containsKey(e)) {
        throw KeelException.invalid("exclude_columns: no output column '" + e + "'");
      }
      excluded.add(e);
    }
    List<String> select = new ArrayList<>();
    for (Out o : outs) {
      if (!excluded.contains(o.name())) {
        select.add("j." + Sql.id(o.name()));
      }
    }
    for (OnDemandFeature f : spec.onDemand()) {
      if (!excluded.contains(f.outputName())) {
        select.add("d." + Sql.id(f.outputName()));
      }
    }
    if (select.isEmpty()) {
      throw KeelException.invalid("exclude_columns: every output column is excluded");
    }
    if (!fns.isEmpty()) {
      computeOnDemand(fns, fnInputs);
    }
    String query =
        "SELECT "
            + String.join(", ", select)
            + " FROM "
            + joinedView
            + " j"
            + (fns.isEmpty() ? "" : " LEFT JOIN " + onDemandTable + " d USING (" + RN + ")")
            + " ORDER BY j."
            + RN;
    List<TrainingSet.Column> columns = new ArrayList<>();
    describe(query).forEach((n, t) -> columns.add(new TrainingSet.Column(n, t)));
    long rows;
    try (Statement s = conn.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + spineRel + " s")) {
      r.next();
      rows = r.getLong(1);
    }
    Map<String, Long> snaps = new TreeMap<>();
    sources.forEach((t, src) -> snaps.put(t, src.snapshotId()));
    return new TrainingSet(conn, schema, query, columns, snaps, rows);
  }

  private void planLookup(
      int i,
      Map<String, String> spineCols,
      List<String> ctes,
      StringBuilder joins,
      List<Out> outs,
      List<Out> indicators,
      Map<String, String> owner)
      throws SQLException {
    FeatureLookup l = spec.lookups().get(i);
    String p = "lookups[" + i + "]";
    FeatureSource src = source(l.table(), p + ".table");
    Map<String, String> cols = columnsOf(src, p);
    String ts = src.timeseriesKey().orElse(null);
    String ing = src.ingestionTimeColumn().orElse(null);
    for (String k : src.primaryKeys()) {
      if (!cols.containsKey(k)) {
        throw KeelException.invalid(
            p + ".table: primary key '" + k + "' is not a column of '" + l.table() + "'");
      }
    }
    if (ts != null) {
      requireTimestamp(p + ".table", "timeseries key", l.table(), ts, cols.get(ts));
    }
    if (ing != null) {
      requireTimestamp(p + ".table", "ingestion-time column", l.table(), ing, cols.get(ing));
    }
    List<String> entity = src.entityKeys();
    if (entity.size() != l.lookupKeys().size()) {
      throw KeelException.invalid(
          p
              + ".lookup_key: table '"
              + l.table()
              + "' has "
              + entity.size()
              + " entity key(s) "
              + entity
              + " (primary keys without the timeseries key), the lookup gives "
              + l.lookupKeys().size()
              + " "
              + l.lookupKeys());
    }
    for (int k = 0; k < entity.size(); k++) {
      String sk = l.lookupKeys().get(k);
      String st = spineCols.get(sk);
      if (st == null) {
        throw KeelException.invalid(p + ".lookup_key: the spine has no column '" + sk + "'");
      }
      String ft = cols.get(entity.get(k));
      if (!st.equals(ft)) {
        throw KeelException.invalid(
            p
                + ".lookup_key: spine column '"
                + sk
                + "' is "
                + st
                + " but key '"
                + entity.get(k)
                + "' of '"
                + l.table()
                + "' is "
                + ft);
      }
    }
    String t = l.timestampLookupKey().orElse(null);
    if (t != null) {
      String st = spineCols.get(t);
      if (st == null) {
        throw KeelException.invalid(
            p + ".timestamp_lookup_key: the spine has no column '" + t + "'");
      }
      if (!st.equals(TZ)) {
        throw KeelException.invalid(
            p
                + ".timestamp_lookup_key: spine column '"
                + t
                + "' is "
                + st
                + "; it must be TIMESTAMPTZ (a timestamp without time zone is ambiguous)");
      }
    }
    if (l.lookbackWindow().isPresent() && (t == null || ts == null)) {
      throw KeelException.invalid(
          p
              + ".lookback_window: needs a timestamp_lookup_key and a table with a timeseries key ('"
              + l.table()
              + "' "
              + (ts == null ? "has none" : "has one")
              + ")");
    }
    boolean avail = spec.availabilityFilter();
    if (avail && t == null) {
      throw KeelException.invalid(
          p + ".timestamp_lookup_key: the availability filter needs a spine time on every lookup");
    }
    if (avail && ing == null) {
      throw KeelException.invalid(
          p
              + ".table: the availability filter needs an ingestion-time column, and '"
              + l.table()
              + "' has none");
    }
    Set<String> reserved = new HashSet<>(src.primaryKeys());
    if (ts != null) {
      reserved.add(ts);
    }
    if (ing != null) {
      reserved.add(ing);
    }
    List<String> features = new ArrayList<>();
    if (l.featureNames().isEmpty()) {
      cols.keySet().stream().filter(c -> !reserved.contains(c)).forEach(features::add);
    } else {
      for (String f : l.featureNames()) {
        if (!cols.containsKey(f)) {
          throw KeelException.invalid(
              p + ".feature_names: table '" + l.table() + "' has no column '" + f + "'");
        }
        if (reserved.contains(f)) {
          throw KeelException.invalid(
              p
                  + ".feature_names: '"
                  + f
                  + "' is a key or time column of '"
                  + l.table()
                  + "', not a feature");
        }
        if (features.contains(f)) {
          throw KeelException.invalid(p + ".feature_names: '" + f + "' is listed twice");
        }
        features.add(f);
      }
    }
    for (String r : l.renameOutputs().keySet()) {
      if (!features.contains(r)) {
        throw KeelException.invalid(
            p + ".rename_outputs: '" + r + "' is not one of the lookup's features " + features);
      }
    }
    for (Map.Entry<String, Object> d : l.defaultValues().entrySet()) {
      if (!features.contains(d.getKey())) {
        throw KeelException.invalid(
            p
                + ".default_values: '"
                + d.getKey()
                + "' is not one of the lookup's features "
                + features);
      }
      String type = cols.get(d.getKey());
      try (Statement s = conn.createStatement()) {
        s.executeQuery("SELECT CAST(" + Sql.literal(d.getValue()) + " AS " + type + ")").close();
      } catch (SQLException e) {
        throw KeelException.invalid(
            p
                + ".default_values."
                + d.getKey()
                + ": "
                + d.getValue()
                + " cannot be converted to the feature's type "
                + type);
      }
    }

    String f = "f" + i;
    String rel = relation(src);
    StringBuilder keySel = new StringBuilder();
    StringBuilder keyOn = new StringBuilder();
    StringBuilder keyPart = new StringBuilder();
    for (int k = 0; k < entity.size(); k++) {
      keySel.append(Sql.id(entity.get(k))).append(" AS k").append(k).append(", ");
      keyPart.append(k == 0 ? "" : ", ").append(Sql.id(entity.get(k)));
      keyOn
          .append(k == 0 ? "" : " AND ")
          .append("s.")
          .append(Sql.id(l.lookupKeys().get(k)))
          .append(" = ")
          .append(f)
          .append(".k")
          .append(k);
    }
    String tiebreak =
        src.parquetFiles().size() == 1
            ? "file_row_number"
            : "(__keel_file * " + FILE_STRIDE + " + file_row_number)";
    String ingKey =
        ing == null ? null : "coalesce(epoch_us(" + Sql.id(ing) + "), -9223372036854775807)";
    // The order of candidates: event time, then ingestion time, then read order. Unique per row.
    StringBuilder order = new StringBuilder("{");
    if (ts != null) {
      order.append("'e': ").append(Sql.id(ts)).append(", ");
    }
    if (ingKey != null) {
      order.append("'i': ").append(ingKey).append(", ");
    }
    order.append("'r': ").append(tiebreak).append("}");
    StringBuilder values = new StringBuilder("{");
    values.append("'m': TRUE");
    if (ts != null) {
      values.append(", 'e': ").append(Sql.id(ts));
    }
    for (int j = 0; j < features.size(); j++) {
      values.append(", 'v").append(j).append("': ").append(Sql.id(features.get(j)));
    }
    values.append("}");
    StringBuilder flat = new StringBuilder("w.m AS m");
    if (ts != null) {
      flat.append(", w.e AS e");
    }
    for (int j = 0; j < features.size(); j++) {
      flat.append(", w.v").append(j).append(" AS v").append(j);
    }
    String keysOut = keysOut(entity.size());
    String where = ts == null ? "" : " WHERE " + Sql.id(ts) + " IS NOT NULL";
    String tCol = t == null ? null : "s." + Sql.id(t);
    boolean asofOnOrder = t != null && !avail && ts != null;
    // With a unique primary key no two rows tie on (entity keys, event time), so the event time
    // alone orders the candidates: a scalar ASOF key, ~40 % cheaper per lookup than the struct.
    boolean asofOnEvent = asofOnOrder && src.primaryKeyUnique();
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
      if (ts != null && src.primaryKeyUnique()) {
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
      ctes.add(
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
              + ")) WHERE p = pm)");
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
      ctes.add(f + " AS (SELECT " + sel + " FROM " + rel + where + ")");
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
      ctes.add(
          f
              + " AS (SELECT "
              + keysOut
              + flat
              + " FROM (SELECT "
              + keySel
              + "arg_max("
              + values
              + ", "
              + order
              + ") AS w FROM "
              + rel
              + where
              + " GROUP BY ALL))");
      joins.append("\nLEFT JOIN ").append(f).append(" ON ").append(keyOn);
      if (tCol != null) {
        joins.append(" AND ").append(tCol).append(" IS NOT NULL");
      }
    }
    String inWindow = null;
    if (l.lookbackWindow().isPresent()) {
      long micros = toMicros(p, l.lookbackWindow().get());
      inWindow = eventOf + " >= " + tCol + " - to_microseconds(" + micros + "::BIGINT)";
    }
    String present = matched + (inWindow == null ? "" : " AND " + inWindow);
    for (int j = 0; j < features.size(); j++) {
      String feat = features.get(j);
      String name = l.outputName(feat);
      claim(owner, name, "feature of " + p, p + ".rename_outputs");
      String type = cols.get(feat);
      Object dflt = l.defaultValues().get(feat);
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
    if (spec.indicators()) {
      String base = indicatorBase(i);
      String status =
          "CASE WHEN "
              + "NOT ("
              + matched
              + ") THEN 'MISSING'"
              + (inWindow == null ? "" : " WHEN NOT (" + inWindow + ") THEN 'OUTSIDE_WINDOW'")
              + " ELSE 'PRESENT' END";
      indicators.add(new Out(base + "__status", status, "VARCHAR"));
    }
  }

  /**
   * {@code <table>} if the table is looked up once, else {@code <table>__<lookup keys>}, and if two
   * lookups share both, {@code <table>__<lookup keys>__<lookup index>}; non-word characters become
   * {@code _}.
   */
  private String indicatorBase(int i) {
    FeatureLookup l = spec.lookups().get(i);
    String table = l.table().replaceAll("[^A-Za-z0-9_]", "_");
    long sameTable = spec.lookups().stream().filter(o -> o.table().equals(l.table())).count();
    if (sameTable == 1) {
      return table;
    }
    String keyed = table + "__" + String.join("_", l.lookupKeys());
    long sameKeys =
        spec.lookups().stream()
            .filter(o -> o.table().equals(l.table()) && o.lookupKeys().equals(l.lookupKeys()))
            .count();
    return sameKeys == 1 ? keyed : keyed + "__" + i;
  }

  private static String keysOut(int n) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < n; k++) {
      b.append("k").append(k).append(", ");
    }
    return b.toString();
  }

  private static long toMicros(String p, java.time.Duration d) {
    try {
      return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1000);
    } catch (ArithmeticException e) {
      throw KeelException.invalid(p + ".lookback_window: " + d + " is too long");
    }
  }

  private static void claim(Map<String, String> owner, String name, String what, String field) {
    String prev = owner.putIfAbsent(name, what);
    if (prev != null) {
      throw KeelException.invalid(
          field
              + ": output column '"
              + name
              + "' ("
              + what
              + ") collides with a "
              + prev
              + "; rename one of them (rename_outputs)");
    }
  }

  private static void requireTimestamp(
      String field, String what, String table, String col, String type) {
    if (type == null) {
      throw KeelException.invalid(
          field + ": the " + what + " '" + col + "' is not a column of '" + table + "'");
    }
    if (!type.equals(TZ)) {
      throw KeelException.invalid(
          field
              + ": the "
              + what
              + " '"
              + col
              + "' of '"
              + table
              + "' is "
              + type
              + "; it must be TIMESTAMPTZ (a timestamp without time zone is ambiguous)");
    }
  }

  private FeatureSource source(String table, String field) {
    FeatureSource s = sources.get(table);
    if (s != null) {
      return s;
    }
    try {
      Long snap = pinned.get(table);
      s = snap == null ? resolver.resolve(table) : resolver.resolveAt(table, snap);
    } catch (KeelException e) {
      if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.NOT_FOUND) {
        throw KeelException.invalid(field + ": " + e.getMessage());
      }
      throw e;
    }
    sources.put(table, s);
    return s;
  }

  private Map<String, String> columnsOf(FeatureSource src, String p) {
    Map<String, String> c = tableColumns.get(src.table());
    if (c == null) {
      try {
        c =
            describe(
                "SELECT * FROM read_parquet("
                    + Sql.fileList(src.parquetFiles())
                    + ", union_by_name = true)");
      } catch (SQLException e) {
        throw KeelException.invalid(
            p
                + ".table: cannot read the Parquet files of '"
                + src.table()
                + "': "
                + e.getMessage());
      }
      tableColumns.put(src.table(), c);
    }
    return c;
  }

  /** The source's rows with {@code file_row_number} and, for several files, {@code __keel_file}. */
  private static String relation(FeatureSource src) {
    List<Path> files = src.parquetFiles();
    if (files.size() == 1) {
      return "read_parquet("
          + Sql.string(files.get(0).toAbsolutePath().toString())
          + ", file_row_number = true)";
    }
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < files.size(); i++) {
      if (i > 0) {
        b.append(" UNION ALL BY NAME ");
      }
      b.append("SELECT *, ")
          .append(i)
          .append("::BIGINT AS __keel_file FROM read_parquet(")
          .append(Sql.string(files.get(i).toAbsolutePath().toString()))
          .append(", file_row_number = true)");
    }
    return b.append(")").toString();
  }

  private String spineRelation() throws SQLException {
    switch (spec.spine()) {
      case Spine.ParquetFiles pf -> {
        List<Path> files = pf.files();
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < files.size(); i++) {
          if (i > 0) {
            b.append(" UNION ALL BY NAME ");
          }
          b.append("SELECT ")
              .append(i == 0 ? "" : i + "::BIGINT * " + FILE_STRIDE + " + ")
              .append("file_row_number AS ")
              .append(RN)
              .append(", * EXCLUDE (file_row_number) FROM read_parquet(")
              .append(Sql.string(files.get(i).toAbsolutePath().toString()))
              .append(", file_row_number = true)");
        }
        String rel = b.append(")").toString();
        try {
          describe("SELECT * FROM " + rel);
        } catch (SQLException e) {
          throw KeelException.invalid("spine.files: cannot read the spine: " + e.getMessage());
        }
        return rel;
      }
      case Spine.Rows r -> {
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + spineTable + " (" + RN + " BIGINT");
        for (Spine.Column c : r.columns()) {
          ddl.append(", ").append(Sql.id(c.name())).append(' ').append(c.type().sql());
        }
        try (Statement s = conn.createStatement()) {
          s.execute(ddl.append(")").toString());
        }
        try (DuckDBAppender app =
            conn.unwrap(DuckDBConnection.class).createAppender(schema, "spine")) {
          long rn = 0;
          for (List<Object> row : r.rows()) {
            app.beginRow();
            app.append(rn++);
            for (int j = 0; j < row.size(); j++) {
              append(app, r.columns().get(j).type(), row.get(j));
            }
            app.endRow();
          }
        }
        return spineTable;
      }
    }
  }

  static void append(DuckDBAppender app, ColumnType type, Object v) throws SQLException {
    if (v == null) {
      app.appendNull();
      return;
    }
    switch (type) {
      case BOOLEAN -> app.append((Boolean) v);
      case INTEGER -> app.append((Integer) v);
      case BIGINT -> app.append((Long) v);
      case DOUBLE -> app.append((Double) v);
      case VARCHAR -> app.append((String) v);
      case TIMESTAMPTZ -> {
        Instant i = (Instant) v;
        app.appendEpochMicros(
            Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000));
      }
    }
  }

  private void computeOnDemand(List<OnDemandRegistry.Registered> fns, List<List<String>> inputs)
      throws SQLException {
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + onDemandTable + " (" + RN + " BIGINT");
    for (int i = 0; i < fns.size(); i++) {
      ddl.append(", ")
          .append(Sql.id(spec.onDemand().get(i).outputName()))
          .append(' ')
          .append(fns.get(i).outputType().sql());
    }
    try (Statement s = conn.createStatement()) {
      s.execute(ddl.append(")").toString());
    }
    List<String> needed = new ArrayList<>();
    inputs.forEach(
        l ->
            l.forEach(
                c -> {
                  if (!needed.contains(c)) {
                    needed.add(c);
                  }
                }));
    StringBuilder q = new StringBuilder("SELECT " + RN);
    needed.forEach(c -> q.append(", ").append(Sql.id(c)));
    q.append(" FROM ").append(joinedView);
    try (Connection reader = conn.unwrap(DuckDBConnection.class).duplicate();
        Statement s = reader.createStatement();
        ResultSet rs = s.executeQuery(q.toString());
        DuckDBAppender app =
            conn.unwrap(DuckDBConnection.class).createAppender(schema, "on_demand")) {
      Object[] row = new Object[needed.size()];
      long n = 0;
      while (rs.next()) {
        long rn = rs.getLong(1);
        for (int c = 0; c < row.length; c++) {
          Object v = rs.getObject(c + 2);
          row[c] = v instanceof OffsetDateTime o ? o.toInstant() : v;
        }
        app.beginRow();
        app.append(rn);
        for (int i = 0; i < fns.size(); i++) {
          OnDemandRegistry.Registered f = fns.get(i);
          List<Object> args = new ArrayList<>(inputs.get(i).size());
          for (String col : inputs.get(i)) {
            args.add(row[needed.indexOf(col)]);
          }
          String field = "on_demand[" + i + "] (" + f.name() + ")";
          Object out;
          try {
            out = f.function().apply(java.util.Collections.unmodifiableList(args));
          } catch (RuntimeException e) {
            throw KeelException.invalid(
                field + ": the function failed on spine row " + n + ": " + e);
          }
          append(app, f.outputType(), f.outputType().coerce(field + " result", out));
        }
        app.endRow();
        n++;
      }
    }
  }

  private Map<String, String> describe(String query) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement s = conn.createStatement();
        ResultSet r = s.executeQuery("DESCRIBE " + query)) {
      while (r.next()) {
        out.put(r.getString("column_name"), r.getString("column_type"));
      }
    }
    return out;
  }
}
