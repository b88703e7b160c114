package dev.keel.features.training;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the lookups of one training-set spec against the spine and the tables' snapshots and
 * resolves each into a {@link ResolvedLookup}. Every error names the spec field at fault ({@code
 * lookups[i].<field>}). Resolves each table once per build (every lookup into it reads the same
 * snapshot). Used once per build, on the build's connection.
 */
final class LookupValidator {
  private final Connection conn;
  private final TrainingSetSpec spec;
  private final FeatureSourceResolver resolver;
  private final Map<String, Long> pinned;
  private final Map<String, FeatureSource> sources = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> tableColumns = new HashMap<>();

  /**
   * @param conn the build's DuckDB connection (reads Parquet schemas, checks default values)
   * @param spec the spec whose lookups are checked
   * @param resolver finds a table's current snapshot
   * @param pinned table → the snapshot to read instead of the current one (a rebuild)
   */
  LookupValidator(
      Connection conn,
      TrainingSetSpec spec,
      FeatureSourceResolver resolver,
      Map<String, Long> pinned) {
    this.conn = conn;
    this.spec = spec;
    this.resolver = resolver;
    this.pinned = pinned;
  }

  /** The snapshot read of every table resolved so far, by table name. */
  Map<String, Long> snapshotIds() {
    Map<String, Long> snaps = new TreeMap<>();
    sources.forEach((t, src) -> snaps.put(t, src.snapshotId()));
    return snaps;
  }

  /**
   * Checks lookup {@code i} of the spec against the spine's columns and its table's snapshot.
   *
   * @param spineCols the spine's column → DuckDB type
   */
  ResolvedLookup resolve(int i, Map<String, String> spineCols) {
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
    checkLookupKeys(p, l, entity, spineCols, cols);
    String t = l.timestampLookupKey().orElse(null);
    if (t != null) {
      String st = spineCols.get(t);
      if (st == null) {
        throw KeelException.invalid(
            p + ".timestamp_lookup_key: the spine has no column '" + t + "'");
      }
      if (!st.equals(Planner.TZ)) {
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
    List<String> features = features(p, l, cols, reserved);
    for (String r : l.renameOutputs().keySet()) {
      if (!features.contains(r)) {
        throw KeelException.invalid(
            p + ".rename_outputs: '" + r + "' is not one of the lookup's features " + features);
      }
    }
    checkDefaults(p, l, cols, features);
    OptionalLong lookback =
        l.lookbackWindow().isPresent()
            ? OptionalLong.of(toMicros(p, l.lookbackWindow().get()))
            : OptionalLong.empty();
    Map<String, String> types = new HashMap<>();
    Map<String, String> outputNames = new HashMap<>();
    for (String f : features) {
      types.put(f, cols.get(f));
      outputNames.put(f, l.outputName(f));
    }
    return new ResolvedLookup(
        i,
        l,
        src,
        entity,
        features,
        types,
        Optional.ofNullable(ts),
        Optional.ofNullable(ing),
        Optional.ofNullable(t),
        src.primaryKeyUnique(),
        avail,
        lookback,
        outputNames,
        spec.indicators(),
        indicatorBase(i));
  }

  private static void checkLookupKeys(
      String p,
      FeatureLookup l,
      List<String> entity,
      Map<String, String> spineCols,
      Map<String, String> cols) {
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
  }

  /** The named features (checked), or every column that is not a key or time column. */
  private static List<String> features(
      String p, FeatureLookup l, Map<String, String> cols, Set<String> reserved) {
    List<String> features = new ArrayList<>();
    if (l.featureNames().isEmpty()) {
      cols.keySet().stream().filter(c -> !reserved.contains(c)).forEach(features::add);
      return features;
    }
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
    return features;
  }

  /** Each default names one of the features and converts to its type (asked of DuckDB). */
  private void checkDefaults(
      String p, FeatureLookup l, Map<String, String> cols, List<String> features) {
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

  private static long toMicros(String p, Duration d) {
    try {
      return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1000);
    } catch (ArithmeticException e) {
      throw KeelException.invalid(p + ".lookback_window: " + d + " is too long");
    }
  }

  private static void requireTimestamp(
      String field, String what, String table, String col, String type) {
    if (type == null) {
      throw KeelException.invalid(
          field + ": the " + what + " '" + col + "' is not a column of '" + table + "'");
    }
    if (!type.equals(Planner.TZ)) {
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
            Planner.describe(
                conn,
                "SELECT * FROM read_parquet("
                    + Sql.fileList(src.parquetFiles())
                    + ", union_by_name = true)");
      } catch (SQLException e) {
        throw new KeelException(
            ErrorCode.INVALID_ARGUMENT,
            p
                + ".table: cannot read the Parquet files of '"
                + src.table()
                + "' (the server log has the details under this request's id).",
            e);
      }
      tableColumns.put(src.table(), c);
    }
    return c;
  }
}
