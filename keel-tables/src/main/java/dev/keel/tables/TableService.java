package dev.keel.tables;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Viewer;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Lakehouse tables under {@code catalog.schema.table}: Apache Iceberg tables recorded by Iceberg's
 * JdbcCatalog in Keel's metadata database (namespace {@code [catalog, schema]}), data files under
 * {@code <data dir>/warehouse}, written as Parquet by embedded DuckDB and read through DuckDB over
 * the exact files of one snapshot. Every check runs before anything is written; a failed write
 * leaves the current snapshot as it was and removes the files it wrote. Thread-safe: concurrent
 * writers use Iceberg's optimistic commits, and overwrites and upserts validate against the
 * snapshot they read, retrying from scratch on a conflict.
 *
 * <p>There is no authentication yet, so tables are owned by {@link CatalogService#PRINCIPAL}.
 *
 * <p>A facade: catalog operations are in {@link TableCatalog} (request checks in {@link
 * TableSpecValidator}), retried writes and optimize in {@link TableWriter}, staged appends in
 * {@link StagedAppender}, reads and time travel in {@link TableReader}, orphan removal and snapshot
 * expiry in {@link TableMaintenance}.
 */
public final class TableService implements AutoCloseable {
  /** Largest preview, in rows. */
  public static final int MAX_PREVIEW = TableReader.MAX_PREVIEW;

  private final IcebergTables iceberg;
  private final TableCatalog tables;
  private final TableWriter writer;
  private final TableReader reader;
  private final DuckDb duck;
  private final TableMaintenance maintenance;
  private final TableCommits commits;
  private final LogTables logs;

  /** How old an orphaned file must be before {@link #removeOrphansAtStart} removes it. */
  public static final java.time.Duration ORPHAN_AGE_AT_START = java.time.Duration.ofHours(1);

  /**
   * @param db Keel's metadata database (Iceberg's catalog tables live there, see migration V5)
   * @param catalog checks that schemas exist
   * @param dataDir the data directory: tables go to {@code warehouse/}, DuckDB's scratch to {@code
   *     duckdb/}
   */
  public TableService(Database db, CatalogService catalog, Path dataDir, Clock clock) {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(clock, "clock");
    this.iceberg = new IcebergTables(db, dataDir);
    this.duck = new DuckDb(dataDir);
    this.tables = new TableCatalog(db, catalog, iceberg, clock);
    this.commits = new TableCommits(db);
    this.writer = new TableWriter(iceberg, duck, clock, commits);
    this.reader = new TableReader(iceberg, duck);
    this.maintenance = new TableMaintenance(iceberg);
    this.logs = new LogTables(iceberg, duck);
  }

  /** The hook that keeps tables consistent with schema and catalog deletes and renames. */
  public static TableContents schemaContents(Path dataDir) {
    return TableCatalog.schemaContents(dataDir);
  }

  /** Creates an empty table (with one empty snapshot, so it can be read and time-travelled). */
  public TableInfo create(TableSpec spec) {
    return tables.create(spec, CatalogService.PRINCIPAL);
  }

  /** Creates an empty table owned by its creator {@code owner}. */
  public TableInfo create(TableSpec spec, String owner) {
    return tables.create(spec, owner);
  }

  /**
   * Creates an empty append-only log table owned by {@code owner}, partitioned by day on {@code
   * dayColumn} (a DATE column of {@code spec}). Only {@link #appendLog} adds rows to it: ordinary
   * writes, staging and optimize refuse it (INVALID_ARGUMENT); reads, history and maintenance are
   * as for any table.
   */
  public TableInfo createLog(TableSpec spec, String dayColumn, String owner) {
    boolean isDate =
        spec.columns().stream()
            .anyMatch(c -> c.name().equals(dayColumn) && c.type().equals(ColumnType.DATE));
    if (!isDate) {
      throw Errors.invalid("'" + dayColumn + "' must be a DATE column of the log table.");
    }
    return tables.create(spec, owner, Optional.of(dayColumn));
  }

  /**
   * A log table's cursor: the value of {@code key} in its newest snapshot summary that has it;
   * empty before the first {@link #appendLog}.
   */
  public Optional<String> logCursor(String fullName, String key) {
    return logs.cursor(fullName, key);
  }

  /**
   * Appends {@code rows} to a log table (one data file per day) and moves its cursor {@code key}
   * from {@code expected} to {@code next}, in one commit: rows and cursor commit together or not at
   * all.
   *
   * @throws KeelException CONFLICT, nothing written, when the cursor is not {@code expected} or the
   *     table changed during the commit (another writer); INVALID_ARGUMENT naming a bad column
   */
  public WriteResult appendLog(
      String fullName,
      List<Map<String, Object>> rows,
      String key,
      Optional<String> expected,
      String next) {
    return logs.append(fullName, rows, key, expected, next);
  }

  /**
   * Deletes a log table's days before {@code firstKept}, whole partitions at a time, keeping its
   * cursor {@code key}; returns the rows deleted (nothing is committed when there are none).
   */
  public long deleteLogBefore(String fullName, java.time.LocalDate firstKept, String key) {
    return logs.deleteBefore(fullName, firstKept, key);
  }

  /** The table {@code catalog.schema.table}. */
  public TableInfo get(String fullName) {
    return tables.get(fullName);
  }

  /** One page of a schema's tables, by name; the page token is the last name of the page. */
  public Page<TableInfo> list(
      String catalogName, String schemaName, OptionalLong maxResults, Optional<String> pageToken) {
    return tables.list(catalogName, schemaName, maxResults, pageToken, Viewer.ALL);
  }

  /** As above, only the tables {@code viewer} may see (filtered before paging). */
  public Page<TableInfo> list(
      String catalogName,
      String schemaName,
      OptionalLong maxResults,
      Optional<String> pageToken,
      Viewer viewer) {
    return tables.list(catalogName, schemaName, maxResults, pageToken, viewer);
  }

  /** Deletes a table and its files. */
  public void delete(String fullName) {
    tables.delete(fullName);
  }

  /**
   * Writes rows given as column name → value maps (JSON-like values: booleans, numbers, strings;
   * DATE as {@code yyyy-MM-dd}, TIMESTAMP as ISO-8601 with {@code Z} or an offset or an {@code
   * Instant}, BINARY as base64 or {@code byte[]}, DECIMAL as number or string). Missing columns are
   * null. Nested columns take a {@code Map} of field name → value for a STRUCT (missing fields are
   * null), a {@code List} (or a Java array) for an ARRAY and a {@code Map} for a MAP (keys of a
   * number or boolean type may be given as text, as in JSON objects), with the values above inside;
   * a refused value is named by its path, {@code rows[3].window.start} or {@code
   * rows[3].quantiles[2]}.
   */
  public WriteResult write(String fullName, WriteMode mode, List<Map<String, Object>> rows) {
    return writer.write(fullName, mode, rows);
  }

  /**
   * Writes the rows of a local file (CSV with a header line, Parquet, or newline-delimited JSON).
   * Its columns must be exactly the table's columns (without {@code _ingested_at}); values are cast
   * to the column types. The caller owns {@code file}; it is only read.
   */
  public WriteResult writeFile(String fullName, WriteMode mode, Path file, FileFormat format) {
    return writer.writeFile(fullName, mode, file, format);
  }

  /**
   * Rewrites the current snapshot's data files as one file (Delta's and Databricks' {@code
   * OPTIMIZE}): sorted by the primary key, rows that tie on it in their read order (file, then
   * row), so readers see the same rows in the same tie order; a table without a key keeps its read
   * order. When no two rows share the primary key the new snapshot gets the unique-key mark, so a
   * table appended to many times gets back the single sorted file and the mark that training sets
   * join fastest on. Rows, their values and {@code _ingested_at} do not change. Nothing is written
   * when the table is empty or already one file that is marked, has no key, or was written by
   * optimize. Concurrent writes make it start over from their snapshot, as an overwrite does.
   */
  public OptimizeResult optimize(String fullName) {
    return writer.optimize(fullName);
  }

  /**
   * Stages rows for appending to a table: {@link Stage#add} checks and converts a row and keeps it
   * in an embedded DuckDB (off the Java heap, so a writer buffering thousands of rows does not make
   * the garbage collector copy them again and again); {@link Stage#commit} appends what is staged
   * as one data file in one commit. DuckDB runs on one thread and Iceberg's manifest work on the
   * committing thread: this is for background writers (inference logs), whose thread priority then
   * covers the whole write. A stage is not thread-safe; close it.
   */
  public Stage stage(String fullName) {
    return new Stage(StagedAppender.open(iceberg, duck, writer, fullName));
  }

  /** Rows staged for one table; see {@link TableService#stage}. */
  public final class Stage implements AutoCloseable {
    private final StagedAppender appender;

    private Stage(StagedAppender appender) {
      this.appender = appender;
    }

    /**
     * Checks, converts and stages one row (values as in {@link TableService#write}).
     *
     * @throws KeelException INVALID_PARAMETER_VALUE naming the column; nothing is staged
     */
    public void add(Map<String, Object> row) {
      appender.add(row);
    }

    /** Rows staged since the last commit. */
    public long staged() {
      return appender.staged();
    }

    /**
     * Appends the staged rows to the table in one commit and empties the stage, also when the
     * commit fails (the caller counts those rows as lost).
     */
    public WriteResult commit() {
      return appender.commit();
    }

    /** Drops what is staged and releases the embedded database. */
    @Override
    public void close() {
      appender.close();
    }
  }

  /**
   * The first {@code limit} rows of a snapshot (in file order), with the named columns (all when
   * {@code columns} is empty).
   */
  public Preview preview(String fullName, SnapshotRef ref, List<String> columns, int limit) {
    return reader.preview(fullName, ref, columns, limit);
  }

  /**
   * Writes every row of a snapshot (no row limit) with the named columns (all when {@code columns}
   * is empty) to {@code target} as CSV with a header line or as Parquet; returns the snapshot id.
   */
  public long export(
      String fullName, SnapshotRef ref, List<String> columns, FileFormat format, Path target) {
    return reader.export(fullName, ref, columns, format, target);
  }

  /** Rows in a snapshot, from the snapshot's metadata. */
  public long count(String fullName, SnapshotRef ref) {
    return reader.count(fullName, ref);
  }

  /** The table's snapshots, newest first. */
  public List<Snapshot> history(String fullName) {
    return reader.history(fullName);
  }

  /** The exact data files and schema of one snapshot (see {@link TableSnapshot}). */
  public TableSnapshot resolve(String fullName, SnapshotRef ref) {
    return reader.resolve(fullName, ref);
  }

  /**
   * Removes the table's orphaned files: files in its {@code data/} folder that no snapshot holds
   * (left by writes that were killed or failed before they committed, including torn files) and
   * Iceberg metadata files in its {@code metadata/} folder that its history does not reach (the
   * current metadata, its metadata log, every snapshot's manifest list and manifests, statistics),
   * older than the table's last commit and than {@code olderThan}. A younger file may belong to a
   * write about to commit, so {@code olderThan} is at least one minute. Rows, snapshots and time
   * travel do not change.
   *
   * @throws KeelException INVALID_PARAMETER_VALUE when {@code olderThan} is under a minute
   */
  public RemovedFiles removeOrphans(String fullName, java.time.Duration olderThan) {
    return maintenance.removeOrphans(fullName, olderThan);
  }

  /**
   * {@link #removeOrphans} for every table with {@link #ORPHAN_AGE_AT_START}: what a server does
   * when it starts. A table that cannot be checked is logged and skipped.
   */
  public RemovedFiles removeOrphansAtStart() {
    return maintenance.removeAllOrphans(ORPHAN_AGE_AT_START);
  }

  /**
   * Expires the table's snapshots committed before {@code olderThan}, keeping at least the {@code
   * retainLast} newest (and always the current one), and deletes the data files only expired
   * snapshots held (Iceberg's {@code ExpireSnapshots}). Time travel to an expired snapshot then
   * answers NOT_FOUND.
   *
   * @throws KeelException INVALID_PARAMETER_VALUE when {@code retainLast} is under 1; CONFLICT when
   *     the table changed concurrently
   */
  public ExpireResult expireSnapshots(
      String fullName, java.time.Instant olderThan, int retainLast) {
    return maintenance.expireSnapshots(fullName, olderThan, retainLast);
  }

  /**
   * Calls {@code listener} after every commit this server makes to any table (writes, staged
   * appends, optimize), on the committing thread; a failing listener is logged and never fails the
   * write. Creating a table (its empty first snapshot) and expiring snapshots are not commits of
   * data and are not reported.
   */
  public void addCommitListener(TableCommitListener listener) {
    commits.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Runs {@code onRemoteCommit} when another server sharing the PostgreSQL metadata database
   * committed to a table (and whenever such announcements may have been missed); never on SQLite.
   * Closed with the database.
   */
  public dev.keel.store.Subscription subscribeToCommits(Runnable onRemoteCommit) {
    return commits.subscribe(onRemoteCommit);
  }

  /**
   * The table's current snapshot, or empty when the table does not exist (a durable fact: what a
   * reader that missed commit notices compares against).
   */
  public Optional<Snapshot> currentSnapshot(String fullName) {
    return reader.current(fullName);
  }

  /** Runs {@code hook} just before every commit this service makes (tests force conflicts). */
  void beforeCommit(Runnable hook) {
    writer.beforeCommit(hook);
  }

  @Override
  public void close() {
    iceberg.close();
  }
}
