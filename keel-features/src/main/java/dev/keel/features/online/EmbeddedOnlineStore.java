package dev.keel.features.online;

import dev.keel.core.KeelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.sqlite.SQLiteConfig;

/**
 * The online store in the data dir: a SQLite file {@code <data dir>/online/online.db}, separate
 * from Keel's metadata database, in WAL mode. One row per (feature table, entity key) holds the
 * event time (8 bytes, byte order = time order) followed by the encoded feature vector; writes are
 * upserts that only replace an older row ({@code ON CONFLICT ... DO UPDATE ... WHERE
 * substr(excluded.features, 1, 8) > substr(features, 1, 8)}), 64 rows per statement and a batch of
 * {@link #BATCH_ROWS} rows per transaction on one writer connection; reads use a small pool of
 * read-only connections with prepared statements.
 *
 * <p>Durability: a write returns after its transactions committed to the WAL ({@code
 * synchronous=NORMAL}), so it survives a crash or {@code kill -9} of the process; an OS crash or
 * power loss may lose the last transactions (not the database). One process at a time should open
 * the file: layouts are cached in memory.
 */
public final class EmbeddedOnlineStore extends AbstractOnlineStore {
  /** Rows per multi-row upsert statement: fewer statement steps and JNI calls per row. */
  static final int ROWS_PER_STATEMENT = 64;

  /** Primary-key lookups per read statement: one statement for all feature tables of a lookup. */
  static final int LOOKUPS_PER_STATEMENT = 32;

  private final Path file;
  private final Object writeLock = new Object();
  private Connection writer;

  /** Per table id: the one-row and the multi-row upsert, with the id as a literal. */
  private final Map<Long, PreparedStatement[]> upserts = new HashMap<>();

  private BlockingQueue<Reader> readers;
  private final List<Reader> allReaders = new ArrayList<>();
  private final Map<String, Long> tableIds = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean closed;

  /** A read connection with its prepared lookup. */
  private static final class Reader {
    final Connection conn;

    /** {@code lookups[n]}: n primary-key lookups in one statement (UNION ALL), prepared lazily. */
    final PreparedStatement[] lookups = new PreparedStatement[LOOKUPS_PER_STATEMENT + 1];

    Reader(Connection conn) {
      this.conn = conn;
    }

    Connection conn() {
      return conn;
    }

    PreparedStatement lookups(int n) throws SQLException {
      if (lookups[n] == null) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "" : " UNION ALL ")
              .append("SELECT ")
              .append(i)
              .append(", features FROM online_rows WHERE table_id = ? AND entity_key = ?");
        }
        lookups[n] = conn.prepareStatement(b.toString());
      }
      return lookups[n];
    }
  }

  /**
   * Opens (creating if needed) {@code <dataDir>/online/online.db} with a system clock and one read
   * connection per core (at least 2, at most 8).
   */
  public static EmbeddedOnlineStore open(Path dataDir) {
    return open(dataDir, Clock.systemUTC());
  }

  /** Opens with the given clock for max-age checks. */
  public static EmbeddedOnlineStore open(Path dataDir, Clock clock) {
    int readers = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    return new EmbeddedOnlineStore(dataDir.resolve("online").resolve("online.db"), clock, readers);
  }

  private EmbeddedOnlineStore(Path file, Clock clock, int readerCount) {
    super(clock);
    this.file = file;
    try {
      Files.createDirectories(file.getParent());
      writer = connect(false);
      try (Statement s = writer.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        // checkpoint every 32 MiB of WAL instead of 4 MiB: fewer checkpoint fsyncs on bulk loads
        s.execute("PRAGMA wal_autocheckpoint=8192");
        int version;
        try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
          version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > OnlineCodec.FORMAT_VERSION) {
          throw new IllegalStateException(
              "online store " + file + " has format " + version + ", newer than this Keel");
        }
        s.execute(
            "CREATE TABLE IF NOT EXISTS online_tables (id INTEGER PRIMARY KEY, name TEXT NOT NULL"
                + " UNIQUE, layout BLOB NOT NULL)");
        s.execute(
            "CREATE TABLE IF NOT EXISTS online_rows (table_id INTEGER NOT NULL, entity_key BLOB"
                + " NOT NULL, features BLOB NOT NULL, PRIMARY KEY"
                + " (table_id, entity_key)) WITHOUT ROWID");
        s.execute("PRAGMA user_version=" + OnlineCodec.FORMAT_VERSION);
      }
      writer.setAutoCommit(false);
      writer.commit();
      readers = new ArrayBlockingQueue<>(readerCount);
      for (int i = 0; i < readerCount; i++) {
        Connection c = connect(true);
        Reader r = new Reader(c);
        allReaders.add(r);
        readers.add(r);
      }
    } catch (SQLException | IOException e) {
      closeQuietly();
      throw new IllegalStateException("cannot open the online store " + file + ": " + e, e);
    }
  }

  /**
   * An upsert of {@code rows} rows of table {@code id} that only replaces an older row: stored rows
   * start with the 8-byte sortable event time, and SQLite compares blobs with memcmp. SQLite
   * applies the rows of one statement in order, so a later row of the same key sees the earlier one
   * (skip-if-older holds within a statement); the statement's change count is the number of rows
   * written. Two parameters per row (key, row); the table id is a literal.
   */
  private static String upsert(long id, int rows, boolean replaceEqual) {
    StringBuilder b =
        new StringBuilder("INSERT INTO online_rows (table_id, entity_key, features) VALUES ");
    for (int i = 0; i < rows; i++) {
      b.append(i == 0 ? "(" : ", (").append(id).append(", ?, ?)");
    }
    return b.append(
            " ON CONFLICT (table_id, entity_key) DO UPDATE SET features = excluded.features"
                + " WHERE substr(excluded.features, 1, 8) > substr(online_rows.features, 1, 8)"
                + (replaceEqual
                    ? " OR (substr(excluded.features, 1, 8) = substr(online_rows.features, 1, 8)"
                        + " AND excluded.features <> online_rows.features)"
                    : ""))
        .toString();
  }

  private PreparedStatement[] upserts(long id, boolean replaceEqual) throws SQLException {
    PreparedStatement[] ps = upserts.get(id);
    if (ps == null) {
      ps =
          new PreparedStatement[] {
            writer.prepareStatement(upsert(id, 1, false)),
            writer.prepareStatement(upsert(id, ROWS_PER_STATEMENT, false)),
            writer.prepareStatement(upsert(id, 1, true)),
            writer.prepareStatement(upsert(id, ROWS_PER_STATEMENT, true))
          };
      upserts.put(id, ps);
    }
    return replaceEqual ? new PreparedStatement[] {ps[2], ps[3]} : ps;
  }

  private Connection connect(boolean readOnly) throws SQLException {
    SQLiteConfig c = new SQLiteConfig();
    c.setBusyTimeout(10_000);
    c.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    c.setCacheSize(-65_536); // 64 MiB of page cache per connection
    c.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, "268435456");
    c.setTempStore(SQLiteConfig.TempStore.MEMORY);
    c.setReadOnly(readOnly);
    return DriverManager.getConnection("jdbc:sqlite:" + file, c.toProperties());
  }

  /** The SQLite file. */
  public Path file() {
    return file;
  }

  // ------------------------------------------------------------------ layouts

  @Override
  Optional<TableLayout> loadLayout(String table) {
    Reader r = borrow();
    try {
      return findLayout(r.conn(), table);
    } catch (SQLException e) {
      throw failure("read the layout of '" + table + "'", e);
    } finally {
      readers.add(r);
    }
  }

  /** The stored layout of a table, remembering its id. */
  private Optional<TableLayout> findLayout(Connection c, String table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id, layout FROM online_tables WHERE name = ?")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        tableIds.put(table, rs.getLong(1));
        return Optional.of(TableLayout.decode(table, rs.getBytes(2)));
      }
    }
  }

  @Override
  TableLayout storeLayout(TableLayout proposed) {
    synchronized (writeLock) {
      checkOpen();
      try {
        Optional<TableLayout> existing = findLayout(writer, proposed.name());
        if (existing.isPresent()) {
          writer.commit();
          return existing.get();
        }
        try (PreparedStatement ps =
            writer.prepareStatement(
                "INSERT INTO online_tables (name, layout) VALUES (?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
          ps.setString(1, proposed.name());
          ps.setBytes(2, proposed.encode());
          ps.executeUpdate();
          long id;
          try (ResultSet rs = ps.getGeneratedKeys()) {
            rs.next();
            id = rs.getLong(1);
          }
          writer.commit();
          tableIds.put(proposed.name(), id);
          return proposed;
        }
      } catch (SQLException e) {
        rollback();
        throw failure("store the layout of '" + proposed.name() + "'", e);
      }
    }
  }

  private long tableId(TableLayout t) {
    Long id = tableIds.get(t.name());
    if (id == null) {
      try {
        findLayout(writer, t.name());
        writer.commit();
      } catch (SQLException e) {
        throw failure("read the layout of '" + t.name() + "'", e);
      }
      id = tableIds.get(t.name());
      if (id == null) {
        throw KeelException.notFound("online store: feature table '" + t.name() + "' was deleted");
      }
    }
    return id;
  }

  // -------------------------------------------------------------------- write

  @Override
  WriteResult apply(TableLayout table, Batch batch, boolean replaceEqual) {
    synchronized (writeLock) {
      checkOpen();
      long id = tableId(table);
      try {
        PreparedStatement[] ps = upserts(id, replaceEqual);
        long written = 0;
        int i = 0;
        for (; i + ROWS_PER_STATEMENT <= batch.size; i += ROWS_PER_STATEMENT) {
          for (int j = 0; j < ROWS_PER_STATEMENT; j++) {
            ps[1].setBytes(2 * j + 1, batch.keys[i + j]);
            ps[1].setBytes(2 * j + 2, batch.rows[i + j]);
          }
          written += ps[1].executeUpdate();
        }
        for (; i < batch.size; i++) {
          ps[0].setBytes(1, batch.keys[i]);
          ps[0].setBytes(2, batch.rows[i]);
          written += ps[0].executeUpdate();
        }
        writer.commit();
        return new WriteResult(written, batch.size - written);
      } catch (SQLException e) {
        rollback();
        throw failure("write to '" + table.name() + "'", e);
      }
    }
  }

  // --------------------------------------------------------------------- read

  @Override
  void fetch(TableLayout[] tables, byte[][][] keys, Stored[][] out) {
    // All (table, entity row) pairs to look up, as parallel arrays.
    int n = 0;
    for (int t = 0; t < tables.length; t++) {
      n += keys[t].length;
    }
    long[] ids = new long[n];
    byte[][] lookupKeys = new byte[n][];
    int[] slotTable = new int[n];
    int[] slotRow = new int[n];
    int count = 0;
    for (int t = 0; t < tables.length; t++) {
      Long id = tables[t] == null ? null : tableIds.get(tables[t].name());
      if (id == null) {
        continue;
      }
      for (int row = 0; row < keys[t].length; row++) {
        if (keys[t][row] != null) {
          ids[count] = id;
          lookupKeys[count] = keys[t][row];
          slotTable[count] = t;
          slotRow[count] = row;
          count++;
        }
      }
    }
    if (count == 0) {
      return;
    }
    Reader r = borrow();
    try {
      for (int from = 0; from < count; from += LOOKUPS_PER_STATEMENT) {
        int size = Math.min(LOOKUPS_PER_STATEMENT, count - from);
        PreparedStatement ps = r.lookups(size);
        for (int i = 0; i < size; i++) {
          ps.setLong(2 * i + 1, ids[from + i]);
          ps.setBytes(2 * i + 2, lookupKeys[from + i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            int slot = from + rs.getInt(1);
            byte[] stored = rs.getBytes(2);
            out[slotTable[slot]][slotRow[slot]] = new Stored(storedMicros(stored), stored);
          }
        }
      }
    } catch (SQLException e) {
      throw failure("read", e);
    } finally {
      readers.add(r);
    }
  }

  private Reader borrow() {
    checkOpen();
    try {
      return readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a read connection", e);
    }
  }

  // -------------------------------------------------------------------- admin

  @Override
  boolean drop(String table) {
    synchronized (writeLock) {
      checkOpen();
      try (PreparedStatement find =
              writer.prepareStatement("SELECT id FROM online_tables WHERE name = ?");
          PreparedStatement rows =
              writer.prepareStatement("DELETE FROM online_rows WHERE table_id = ?");
          PreparedStatement layout =
              writer.prepareStatement("DELETE FROM online_tables WHERE id = ?")) {
        find.setString(1, table);
        long id;
        try (ResultSet rs = find.executeQuery()) {
          if (!rs.next()) {
            writer.commit();
            return false;
          }
          id = rs.getLong(1);
        }
        rows.setLong(1, id);
        rows.executeUpdate();
        layout.setLong(1, id);
        layout.executeUpdate();
        writer.commit();
        tableIds.remove(table);
        PreparedStatement[] cached = upserts.remove(id);
        if (cached != null) {
          for (PreparedStatement p : cached) {
            p.close();
          }
        }
        return true;
      } catch (SQLException e) {
        rollback();
        throw failure("delete '" + table + "'", e);
      }
    }
  }

  @Override
  public OnlineStoreStats stats() {
    Reader r = borrow();
    try (Statement s = r.conn().createStatement()) {
      Map<Long, Long> counts = new HashMap<>();
      try (ResultSet rs =
          s.executeQuery("SELECT table_id, count(*) FROM online_rows GROUP BY table_id")) {
        while (rs.next()) {
          counts.put(rs.getLong(1), rs.getLong(2));
        }
      }
      List<OnlineTableStats> tables = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery("SELECT id, name, layout FROM online_tables ORDER BY name")) {
        while (rs.next()) {
          TableLayout t = TableLayout.decode(rs.getString(2), rs.getBytes(3));
          tables.add(t.stats(counts.getOrDefault(rs.getLong(1), 0L)));
        }
      }
      return new OnlineStoreStats("embedded", file.toString(), tables);
    } catch (SQLException e) {
      throw failure("read stats", e);
    } finally {
      readers.add(r);
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      closeQuietly();
    }
  }

  private void closeQuietly() {
    for (Reader r : allReaders) {
      try {
        r.conn().close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
    if (writer != null) {
      try {
        writer.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the online store is closed");
    }
  }

  private void rollback() {
    try {
      writer.rollback();
    } catch (SQLException e) {
      // the original failure is what matters
    }
  }

  private IllegalStateException failure(String what, SQLException e) {
    return new IllegalStateException("online store " + file + ": cannot " + what + ": " + e, e);
  }
}
