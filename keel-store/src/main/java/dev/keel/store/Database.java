package dev.keel.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Outages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The metadata database: connection pools, migrations and transactions.
 *
 * <p>On SQLite, all writes go through a single connection (a pool of one), so concurrent writers
 * queue in Java instead of failing with "database is locked"; reads use a separate pool of
 * read-only connections, which WAL lets run beside the writer. Commits are durable ({@code
 * synchronous=FULL}). On PostgreSQL both sides share one pool.
 *
 * <p>Outages (PostgreSQL): a request waits at most {@value #CONNECTION_TIMEOUT_MILLIS} ms for a
 * connection, then fails with {@link ErrorCode#TEMPORARILY_UNAVAILABLE}. A transaction that fails
 * because its pooled connection was broken (the server restarted: SQLState {@code 08xxx}, {@code
 * 57P01}) runs once more when that is safe, after the pool dropped all its connections (a restart
 * broke them all): always for reads, for writes only when the failure came from the callback
 * (before the commit, so nothing was written). {@link #ping} answers within {@value
 * #PING_TIMEOUT_MILLIS} ms.
 *
 * <p>Thread-safe. Close it to release the pools.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** The longest a PostgreSQL transaction waits for a connection before answering unavailable. */
  public static final long CONNECTION_TIMEOUT_MILLIS = 2_000;

  /** The longest {@link #ping} takes. */
  public static final long PING_TIMEOUT_MILLIS = 800;

  private final AtomicReference<CompletableFuture<Boolean>> pinging = new AtomicReference<>();

  /** The write transaction the current thread has open, which nested writes join. */
  private final ThreadLocal<Handle> currentWrite = new ThreadLocal<>();

  private final Dialect dialect;
  private final String jdbcUrl;
  private final HikariDataSource writePool;
  private final HikariDataSource readPool;
  private final Jdbi writer;
  private final Jdbi reader;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

  private Database(
      Dialect dialect, String jdbcUrl, HikariDataSource writePool, HikariDataSource readPool) {
    this.dialect = dialect;
    this.jdbcUrl = jdbcUrl;
    this.writePool = writePool;
    this.readPool = readPool;
    this.writer = withTextGuard(Jdbi.create(writePool));
    this.reader = readPool == writePool ? writer : withTextGuard(Jdbi.create(readPool));
  }

  /**
   * Every string bound to a statement is checked for NUL characters: PostgreSQL cannot store one
   * (it answered 500) while SQLite would. The HTTP edge refuses them with a 400 naming the field;
   * this is the same refusal for any other path to the store (a value read from an uploaded model
   * package, a background task), so both databases behave alike.
   */
  private static Jdbi withTextGuard(Jdbi jdbi) {
    jdbi.registerArgument(
        new AbstractArgumentFactory<String>(Types.VARCHAR) {
          @Override
          protected Argument build(String value, ConfigRegistry config) {
            if (value.indexOf(0) >= 0) {
              throw KeelException.invalid(
                  "Invalid value: NUL characters (\\u0000) are not allowed in strings.");
            }
            return (position, statement, ctx) -> statement.setString(position, value);
          }
        });
    return jdbi;
  }

  /**
   * Opens the database and brings its schema up to date.
   *
   * @param jdbcUrl a PostgreSQL or SQLite JDBC URL; empty for {@code keel.db} in {@code dataDir}
   * @param dataDir the data directory (created if missing)
   */
  public static Database open(Optional<String> jdbcUrl, Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT,
          "cannot create data directory " + dataDir + ": " + e.getMessage());
    }
    String url = jdbcUrl.orElse("jdbc:sqlite:" + dataDir.resolve("keel.db"));
    Dialect dialect;
    try {
      dialect = Dialect.ofUrl(url);
    } catch (IllegalArgumentException e) {
      throw KeelException.invalid("db-url: " + e.getMessage());
    }
    Database db =
        switch (dialect) {
          case SQLITE -> openSqlite(url);
          case POSTGRESQL -> openPostgres(url);
        };
    try {
      db.migrate();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  private static Database openSqlite(String url) {
    SQLiteDataSource writeSource = sqliteSource(url, false);
    HikariConfig w = new HikariConfig();
    w.setDataSource(writeSource);
    w.setPoolName("keel-sqlite-writer");
    w.setMaximumPoolSize(1);
    w.setMinimumIdle(1);
    w.setConnectionTimeout(120_000);
    w.setAutoCommit(true);
    HikariDataSource writePool = new HikariDataSource(w);

    HikariConfig r = new HikariConfig();
    r.setDataSource(sqliteSource(url, true));
    r.setPoolName("keel-sqlite-reader");
    r.setMaximumPoolSize(Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
    r.setMinimumIdle(0);
    r.setInitializationFailTimeout(-1); // the file may not exist until the writer created it
    r.setConnectionTimeout(120_000);
    r.setReadOnly(true);
    HikariDataSource readPool = new HikariDataSource(r);
    return new Database(Dialect.SQLITE, url, writePool, readPool);
  }

  private static SQLiteDataSource sqliteSource(String url, boolean readOnly) {
    SQLiteConfig cfg = new SQLiteConfig();
    if (!readOnly) {
      cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
      // Writers take the lock at BEGIN, so a transaction never fails half-way on lock upgrade.
      cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    }
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    cfg.enableCaseSensitiveLike(true); // LIKE is case-sensitive, as in MLflow and PostgreSQL
    cfg.enforceForeignKeys(true);
    cfg.setBusyTimeout(60_000);
    cfg.setReadOnly(readOnly);
    cfg.setCacheSize(-65536); // 64 MiB page cache per connection
    cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
    SQLiteDataSource ds = new SQLiteDataSource(cfg);
    ds.setUrl(url);
    return ds;
  }

  private static Database openPostgres(String url) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(url);
    // One multi-row INSERT per batch instead of one round trip per row (+16% log-batch ingest).
    c.addDataSourceProperty("reWriteBatchedInserts", "true");
    // A database that is down answers 503 within seconds instead of holding requests for 30 s.
    c.addDataSourceProperty("connectTimeout", "2");
    c.addDataSourceProperty("loginTimeout", "2");
    c.setPoolName("keel-postgresql");
    c.setMaximumPoolSize(16);
    c.setMinimumIdle(2);
    c.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    c.setValidationTimeout(1_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(c);
    } catch (RuntimeException e) {
      throw new KeelException(
          ErrorCode.TEMPORARILY_UNAVAILABLE,
          "cannot connect to the metadata database: " + rootMessage(e),
          e);
    }
    return new Database(Dialect.POSTGRESQL, url, pool, pool);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private void migrate() {
    Flyway.configure()
        .dataSource(writePool)
        .locations(dialect.migrationLocation())
        .loggers("slf4j")
        .load()
        .migrate();
    LOG.debug("metadata schema is up to date ({})", dialect);
  }

  public Dialect dialect() {
    return dialect;
  }

  /**
   * The JDBC URL of this database, for components that must open their own connections to the same
   * database (Iceberg's {@code JdbcCatalog} in keel-tables). On SQLite such a connection must set a
   * busy timeout, since Keel's writer connection may hold the write lock. May carry credentials:
   * never log or return it.
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /**
   * Runs {@code callback} in a write transaction; on SQLite writers are serialised. On PostgreSQL,
   * when the callback fails because its connection was broken, it runs once more on a fresh one (so
   * it must only change the database); a database that stays unreachable fails with {@link
   * ErrorCode#TEMPORARILY_UNAVAILABLE}. Called again on the same thread from inside a callback, it
   * joins the open transaction (so writes of several stores commit or roll back together, as an
   * identity renamed with every grant naming it) instead of waiting for a second connection.
   */
  public <R, X extends Exception> R write(HandleCallback<R, X> callback) throws X {
    Handle open = currentWrite.get();
    if (open != null) {
      return callback.withHandle(open); // joins the write this thread has open
    }
    HandleCallback<R, X> bound =
        h -> {
          currentWrite.set(h);
          try {
            return callback.withHandle(h);
          } finally {
            currentWrite.remove();
          }
        };
    return writeOnce(bound);
  }

  private <R, X extends Exception> R writeOnce(HandleCallback<R, X> callback) throws X {
    if (dialect != Dialect.POSTGRESQL) {
      return writer.inTransaction(callback);
    }
    boolean[] inCallback = {false};
    HandleCallback<R, X> tracked =
        h -> {
          try {
            return callback.withHandle(h);
          } catch (Exception e) {
            inCallback[0] = true;
            throw e;
          }
        };
    try {
      return writer.inTransaction(tracked);
    } catch (RuntimeException e) {
      // Before the commit nothing was written: safe to run again. A failed commit may have
      // committed: never run again, answer unavailable.
      if (!retryable(e) || !inCallback[0]) {
        throw unavailableOr(e);
      }
      LOG.info("retrying a write on a fresh connection: {}", e.toString());
      evictPooledConnections();
      try {
        return writer.inTransaction(callback);
      } catch (RuntimeException again) {
        throw unavailableOr(again);
      }
    }
  }

  /**
   * Runs {@code callback} on a read-only connection in one consistent transaction. On PostgreSQL a
   * read that fails because its connection was broken runs once more on a fresh one; a database
   * that stays unreachable fails with {@link ErrorCode#TEMPORARILY_UNAVAILABLE}.
   */
  public <R, X extends Exception> R read(HandleCallback<R, X> callback) throws X {
    if (dialect != Dialect.POSTGRESQL) {
      return reader.inTransaction(callback);
    }
    try {
      return reader.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, callback);
    } catch (RuntimeException e) {
      if (!retryable(e)) {
        throw unavailableOr(e);
      }
      LOG.info("retrying a read on a fresh connection: {}", e.toString());
      evictPooledConnections();
      try {
        return reader.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, callback);
      } catch (RuntimeException again) {
        throw unavailableOr(again);
      }
    }
  }

  /**
   * A restart breaks every pooled connection at once, and the pool does not validate a connection
   * it used within the last half second: without this the retry took the next broken one. Idle
   * connections close now, busy ones when they are returned; new ones are opened on demand.
   */
  private void evictPooledConnections() {
    writePool.getHikariPoolMXBean().softEvictConnections();
    if (readPool != writePool) {
      readPool.getHikariPoolMXBean().softEvictConnections();
    }
  }

  /** A broken pooled connection (not a pool that found no connection in time: that waited). */
  private static boolean retryable(RuntimeException e) {
    return Outages.brokenConnection(e)
        .filter(t -> !(t instanceof SQLTransientConnectionException))
        .isPresent();
  }

  /** {@code e}, or TEMPORARILY_UNAVAILABLE when it says the database is down. */
  private static RuntimeException unavailableOr(RuntimeException e) {
    if (e instanceof KeelException || !Outages.isOutage(e)) {
      return e;
    }
    return Outages.unavailable("metadata database", e);
  }

  /**
   * Tells every Keel server sharing this database that something on {@code channel} changed, once
   * the transaction of {@code h} commits (PostgreSQL {@code NOTIFY}: delivered at commit, dropped
   * on rollback). On SQLite, which one server owns, there is nobody else to tell: a no-op.
   */
  public void announce(Handle h, String channel) {
    if (dialect == Dialect.POSTGRESQL) {
      h.createQuery("SELECT pg_notify(?, '')").bind(0, channel(channel)).mapTo(String.class).one();
    }
  }

  /**
   * Runs {@code listener} whenever any server announces a change on {@code channel} (see {@link
   * #announce}), and also whenever announcements may have been missed (the listening connection
   * dropped), so a listener that clears a cache never keeps stale entries. On SQLite nothing else
   * writes the database, the subscription is always {@link Subscription#live() live} and the
   * listener never runs. Closed with the database.
   */
  public Subscription subscribe(String channel, Runnable listener) {
    Subscription s =
        dialect == Dialect.POSTGRESQL
            ? PostgresListener.start(jdbcUrl, channel(channel), listener)
            : Subscription.ALWAYS_LIVE;
    subscriptions.add(s);
    return s;
  }

  private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private static String channel(String channel) {
    if (!CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("channel must match " + CHANNEL + ": " + channel);
    }
    return channel;
  }

  /**
   * True when the database answers a trivial query within {@value #PING_TIMEOUT_MILLIS} ms (used by
   * readiness checks, which must answer quickly when the database is down). At most one check runs
   * at a time; concurrent callers share it.
   */
  public boolean ping() {
    CompletableFuture<Boolean> check =
        pinging.updateAndGet(
            running ->
                running != null && !running.isDone()
                    ? running
                    : CompletableFuture.supplyAsync(
                        this::pingNow,
                        r -> Thread.ofPlatform().daemon().name("keel-db-ping").start(r)));
    try {
      return check.get(PING_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean pingNow() {
    try (Handle h = reader.open()) {
      return h.getConnection().isValid(1);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    subscriptions.forEach(Subscription::close);
    if (readPool != writePool) {
      readPool.close();
    }
    writePool.close();
  }
}
