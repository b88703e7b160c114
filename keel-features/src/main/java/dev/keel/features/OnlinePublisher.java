package dev.keel.features;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.features.online.OnlineRow;
import dev.keel.features.online.OnlineStore;
import dev.keel.features.online.WriteResult;
import dev.keel.features.training.FeatureSource;
import dev.keel.features.training.RowOrder;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import dev.keel.tables.TableSnapshot;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Reads the latest row per entity from a feature table's data files with DuckDB and streams it into
 * an online store. "Latest" is {@link RowOrder}, the order training sets use: event time, then
 * creation time, then read order. The event time sent is the timeseries key, else the creation
 * time, else the snapshot's commit time; rows without one are not published.
 */
final class OnlinePublisher {
  private OnlinePublisher() {}

  /** What was read and written. */
  record Counts(long read, WriteResult written) {}

  /**
   * Publishes the winners of {@code source}'s snapshot: of every entity, or, with {@code
   * onlyKeysOf} given, of the entities that have rows in those files (a triggered publish). Each
   * winner is chosen over all the snapshot's files and replaces a stored row of an older or equal
   * event time unless it is the same row, so a row that wins a tie offline also wins it online.
   */
  static Counts publish(
      OnlineStore store,
      TableSnapshot snapshot,
      FeatureSource source,
      List<String> entityKeys,
      List<String> features,
      Optional<List<Path>> onlyKeysOf) {
    if (snapshot.dataFiles().isEmpty() || onlyKeysOf.map(List::isEmpty).orElse(false)) {
      return new Counts(0, new WriteResult(0, 0));
    }
    List<Path> files = source.parquetFiles();
    Optional<String> creation = source.ingestionTimeColumn();
    String eventTime =
        source
            .timeseriesKey()
            .map(RowOrder::id)
            .map(c -> "CAST(" + c + " AS TIMESTAMPTZ)")
            .or(() -> creation.map(RowOrder::id))
            .orElse("CAST('" + snapshot.committedAt() + "' AS TIMESTAMPTZ)");
    String order = RowOrder.struct(source.timeseriesKey(), creation, files.size());
    String keys = entityKeys.stream().map(RowOrder::id).collect(Collectors.joining(", "));
    StringBuilder sql = new StringBuilder();
    if (onlyKeysOf.isPresent()) {
      sql.append("WITH n AS (SELECT DISTINCT ")
          .append(keys)
          .append(" FROM read_parquet([")
          .append(
              onlyKeysOf.get().stream()
                  .map(p -> RowOrder.string(p.toAbsolutePath().toString()))
                  .collect(Collectors.joining(", ")))
          .append("])) ");
    }
    sql.append("SELECT ")
        .append(keys)
        .append(", ")
        .append(eventTime)
        .append(" AS __event_time")
        .append(features.stream().map(f -> ", " + RowOrder.id(f)).collect(Collectors.joining()))
        .append(" FROM ")
        .append(RowOrder.relation(files))
        .append(" AS r")
        .append(onlyKeysOf.isPresent() ? " SEMI JOIN n USING (" + keys + ")" : "")
        .append(" WHERE ")
        .append(eventTime)
        .append(" IS NOT NULL QUALIFY row_number() OVER (PARTITION BY ")
        .append(keys)
        .append(" ORDER BY ")
        .append(order)
        .append(" DESC) = 1");
    List<ColumnType> featureTypes = features.stream().map(f -> column(snapshot, f).type()).toList();
    try (Connection c = open();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql.toString())) {
      RowIterator rows = new RowIterator(rs, entityKeys.size(), featureTypes);
      WriteResult w = store.write(snapshot.fullName(), entityKeys, features, rows, true);
      return new Counts(rows.read, w);
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR,
          "Reading '" + snapshot.fullName() + "' for the online store failed: " + e.getMessage(),
          e);
    }
  }

  private static Connection open() throws SQLException {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
    dev.keel.core.NativeLibraries.forgetExtractedOnce(dev.keel.core.NativeLibraries.DUCKDB);
    try (Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET threads = " + Math.max(1, Runtime.getRuntime().availableProcessors()));
    }
    return c;
  }

  private static Column column(TableSnapshot s, String name) {
    return s.columns().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> KeelException.invalid("features: unknown column '" + name + "'"));
  }

  /** Streams result rows as online rows; DuckDB values become the online store's value types. */
  private static final class RowIterator implements Iterator<OnlineRow> {
    private final ResultSet rs;
    private final int keys;
    private final List<ColumnType> types;
    private boolean fetched;
    private boolean more;
    long read;

    RowIterator(ResultSet rs, int keys, List<ColumnType> types) {
      this.rs = rs;
      this.keys = keys;
      this.types = types;
    }

    @Override
    public boolean hasNext() {
      if (!fetched) {
        try {
          more = rs.next();
        } catch (SQLException e) {
          throw new KeelException(
              ErrorCode.INTERNAL_ERROR, "Reading rows failed: " + e.getMessage(), e);
        }
        fetched = true;
      }
      return more;
    }

    @Override
    public OnlineRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      fetched = false;
      read++;
      try {
        List<Object> key = new ArrayList<>(keys);
        for (int i = 1; i <= keys; i++) {
          key.add(value(rs.getObject(i)));
        }
        Instant event = instant(rs.getObject(keys + 1));
        List<Object> values = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
          values.add(value(rs.getObject(keys + 2 + i)));
        }
        return new OnlineRow(key, event, values);
      } catch (SQLException e) {
        throw new KeelException(
            ErrorCode.INTERNAL_ERROR, "Reading rows failed: " + e.getMessage(), e);
      }
    }

    private static Instant instant(Object o) {
      if (o instanceof OffsetDateTime t) {
        return t.toInstant();
      }
      if (o instanceof java.sql.Timestamp t) {
        return t.toInstant();
      }
      if (o instanceof Instant i) {
        return i;
      }
      throw new IllegalStateException("not a timestamp: " + o);
    }

    private static Object value(Object o) {
      if (o instanceof OffsetDateTime || o instanceof java.sql.Timestamp) {
        return instant(o);
      }
      if (o instanceof LocalDate d) {
        return d.toString();
      }
      if (o instanceof java.sql.Date d) {
        return d.toLocalDate().toString();
      }
      if (o instanceof BigDecimal d) {
        return d.doubleValue();
      }
      if (o instanceof Short s) {
        return s.intValue();
      }
      if (o instanceof java.sql.Blob b) {
        try {
          return b.getBytes(1, (int) b.length());
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }
      return o;
    }
  }
}
