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
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Turns one spec into the training set's query: reads the spine, has each lookup checked ({@link
 * LookupValidator}) and written as SQL ({@link AsofSqlBuilder}), checks output names, on-demand
 * features and exclusions, and computes the on-demand features. Used once per build.
 */
final class Planner {
  static final String TZ = "TIMESTAMP WITH TIME ZONE";
  private static final String RN = "__keel_rn";
  private static final long FILE_STRIDE = AsofSqlBuilder.FILE_STRIDE;

  private final Connection conn;
  private final String schema;
  private final String spineTable;
  private final String onDemandTable;
  private final String joinedView;
  private final TrainingSetSpec spec;
  private final OnDemandRegistry registry;
  private final LookupValidator validator;

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
    this.registry = registry;
    this.validator = new LookupValidator(conn, spec, resolver, pinned);
  }

  TrainingSet plan() throws SQLException {
    String spineRel = spineRelation();
    Map<String, String> spineCols = describe("SELECT * EXCLUDE (" + RN + ") FROM " + spineRel);
    List<AsofSqlBuilder.Out> outs = new ArrayList<>();
    Map<String, String> owner = new HashMap<>();
    for (Map.Entry<String, String> c : spineCols.entrySet()) {
      outs.add(new AsofSqlBuilder.Out(c.getKey(), "s." + Sql.id(c.getKey()), c.getValue()));
      owner.put(c.getKey(), "spine column");
    }
    List<String> ctes = new ArrayList<>();
    StringBuilder joins = new StringBuilder();
    List<AsofSqlBuilder.Out> indicators = new ArrayList<>();
    for (int i = 0; i < spec.lookups().size(); i++) {
      ResolvedLookup r = validator.resolve(i, spineCols);
      for (String f : r.features()) {
        claim(
            owner,
            r.outputNames().get(f),
            "feature of " + r.field(),
            r.field() + ".rename_outputs");
      }
      AsofSqlBuilder.LookupSql sql = AsofSqlBuilder.lookup(r);
      ctes.add(sql.cte());
      joins.append(sql.join());
      outs.addAll(sql.outputs());
      sql.indicator().ifPresent(indicators::add);
    }
    for (AsofSqlBuilder.Out ind : indicators) {
      claim(owner, ind.name(), "indicator column", "indicators");
      outs.add(ind);
    }
    StringBuilder joined = new StringBuilder();
    if (!ctes.isEmpty()) {
      joined.append("WITH ").append(String.join(",\n", ctes)).append('\n');
    }
    joined.append("SELECT s.").append(RN);
    for (AsofSqlBuilder.Out o : outs) {
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
    for (AsofSqlBuilder.Out o : outs) {
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
    return new TrainingSet(conn, schema, query, columns, validator.snapshotIds(), rows);
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
          throw new KeelException(
              ErrorCode.INVALID_ARGUMENT,
              "spine.files: cannot read the spine: the files are not readable Parquet with one"
                  + " schema (the server log has the details under this request's id).",
              e);
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
    return describe(conn, query);
  }

  /** The column → DuckDB type of {@code query}'s result. */
  static Map<String, String> describe(Connection conn, String query) throws SQLException {
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
