package dev.keel.tables;

import static dev.keel.tables.DuckDb.ident;
import static dev.keel.tables.DuckDb.literal;
import static dev.keel.tables.IcebergTables.INGESTED_AT;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Names;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SnapshotUtil;

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
 */
public final class TableService implements AutoCloseable {
  /** Largest preview, in rows. */
  public static final int MAX_PREVIEW = 10_000;

  /** Attempts of a conflicting overwrite or upsert before it is reported as a conflict. */
  static final int MAX_ATTEMPTS = 10;

  /**
   * Snapshot-summary property: the comma-separated primary key that no two rows of the snapshot
   * share (see {@link TableSnapshot#primaryKeyUnique()}); absent when Keel does not know that.
   */
  static final String UNIQUE_KEY = "keel.unique-key";

  /** Snapshot-summary property of a snapshot {@link #optimize} committed. */
  static final String OPTIMIZED = "keel.optimized";

  private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private final Database db;
  private final CatalogService catalog;
  private final IcebergTables iceberg;
  private final DuckDb duck;
  private final Clock clock;

  /**
   * @param db Keel's metadata database (Iceberg's catalog tables live there, see migration V5)
   * @param catalog checks that schemas exist
   * @param dataDir the data directory: tables go to {@code warehouse/}, DuckDB's scratch to {@code
   *     duckdb/}
   */
  public TableService(Database db, CatalogService catalog, Path dataDir, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.iceberg = new IcebergTables(db, dataDir);
    this.duck = new DuckDb(dataDir);
  }

  /** The hook that keeps tables consistent with schema and catalog deletes and renames. */
  public static TableContents schemaContents(Path dataDir) {
    return new TableContents(dataDir.resolve("warehouse").toAbsolutePath().normalize());
  }

  // ------------------------------------------------------------------ create, get, list, delete

  /** Creates an empty table (with one empty snapshot, so it can be read and time-travelled). */
  public TableInfo create(TableSpec spec) {
    String cat = Names.check("catalog_name", spec.catalogName());
    String sch = Names.check("schema_name", spec.schemaName());
    String name = Names.check("name", spec.name());
    if (spec.columns().isEmpty()) {
      throw Errors.invalid("'columns' must hold at least one column.");
    }
    List<String> pks = new ArrayList<>();
    for (String pk : spec.primaryKeys()) {
      pks.add(pk == null ? "" : pk.toLowerCase(Locale.ROOT));
    }
    Map<String, Column> cols = new LinkedHashMap<>();
    for (int i = 0; i < spec.columns().size(); i++) {
      Column c = spec.columns().get(i);
      String field = "columns[" + i + "].name";
      if (!COLUMN_NAME.matcher(c.name()).matches()) {
        throw Errors.invalid(
            "'"
                + field
                + "' '"
                + c.name()
                + "' must start with a letter or underscore and hold only letters, digits and"
                + " underscores (at most 128).");
      }
      String n = c.name().toLowerCase(Locale.ROOT);
      if (n.startsWith("__")) {
        throw Errors.invalid(
            "'" + field + "' '" + n + "': names starting with two underscores are reserved.");
      }
      if (n.equals(INGESTED_AT)) {
        throw Errors.invalid(
            "'"
                + field
                + "' '"
                + INGESTED_AT
                + "' is a system column; use ingestion_time instead.");
      }
      if (cols.containsKey(n)) {
        throw Errors.invalid("'" + field + "' '" + n + "' appears twice.");
      }
      String commentField = "columns[" + i + "].comment";
      c.comment().ifPresent(cm -> checkLength(commentField, cm));
      cols.put(n, new Column(n, c.type(), c.nullable() && !pks.contains(n), c.comment()));
    }
    Set<String> seen = new HashSet<>();
    for (String pk : pks) {
      Column c = cols.get(pk);
      if (c == null) {
        throw Errors.invalid("'primary_keys' names unknown column '" + pk + "'.");
      }
      if (!seen.add(pk)) {
        throw Errors.invalid("'primary_keys' names '" + pk + "' twice.");
      }
      if (c.type().kind() == ColumnType.Kind.FLOAT || c.type().kind() == ColumnType.Kind.DOUBLE) {
        throw Errors.invalid(
            "'primary_keys' column '"
                + pk
                + "' is "
                + c.type()
                + "; keys cannot be floating point.");
      }
    }
    Optional<String> ts = spec.timeseriesKey().map(t -> t.toLowerCase(Locale.ROOT));
    if (ts.isPresent()) {
      Column c = cols.get(ts.get());
      if (c == null) {
        throw Errors.invalid("'timeseries_key' names unknown column '" + ts.get() + "'.");
      }
      if (c.type().kind() != ColumnType.Kind.TIMESTAMP && c.type().kind() != ColumnType.Kind.DATE) {
        throw Errors.invalid(
            "'timeseries_key' column '"
                + ts.get()
                + "' must be TIMESTAMP or DATE, not "
                + c.type()
                + ".");
      }
    }
    spec.comment().ifPresent(c -> checkLength("comment", c));
    for (String k : spec.properties().keySet()) {
      if (k.isEmpty() || k.length() > 255) {
        throw Errors.invalid("'properties' keys must be 1 to 255 characters.");
      }
      if (k.startsWith("keel.") || IcebergTables.SYSTEM_PROPERTIES.contains(k)) {
        throw Errors.invalid("'properties' key '" + k + "' is reserved.");
      }
      checkLength("properties." + k, spec.properties().get(k));
    }
    if (spec.properties().size() > CatalogService.MAX_PROPERTIES) {
      throw Errors.invalid(
          "'properties' has more than " + CatalogService.MAX_PROPERTIES + " entries.");
    }
    catalog.getSchema(cat + "." + sch); // NOT_FOUND when the schema does not exist

    List<Types.NestedField> fields = new ArrayList<>();
    int id = 1;
    Set<Integer> identifiers = new HashSet<>();
    for (Column c : cols.values()) {
      int fid = id++;
      fields.add(
          Types.NestedField.builder()
              .isOptional(c.nullable())
              .withId(fid)
              .withName(c.name())
              .ofType(IcebergTables.icebergType(c.type()))
              .withDoc(c.comment().orElse(null))
              .build());
      if (pks.contains(c.name())) {
        identifiers.add(fid);
      }
    }
    if (spec.ingestionTime()) {
      fields.add(
          Types.NestedField.optional(
              id, INGESTED_AT, Types.TimestampType.withZone(), "when Keel wrote the row"));
    }
    org.apache.iceberg.Schema schema = new org.apache.iceberg.Schema(fields, identifiers);
    String tableId = UUID.randomUUID().toString();
    long now = clock.millis();
    Map<String, String> props = new HashMap<>(spec.properties());
    props.put("format-version", "2");
    props.put(IcebergTables.NAME_MAPPING, IcebergTables.nameMappingJson(schema));
    props.put(IcebergTables.P_TABLE_ID, tableId);
    props.put(IcebergTables.P_PRIMARY_KEYS, String.join(",", pks));
    ts.ifPresent(t -> props.put(IcebergTables.P_TIMESERIES_KEY, t));
    props.put(IcebergTables.P_INGESTION_TIME, String.valueOf(spec.ingestionTime()));
    props.put(IcebergTables.P_CREATED_AT, String.valueOf(now));
    props.put(IcebergTables.P_CREATED_BY, CatalogService.PRINCIPAL);
    props.put(IcebergTables.P_OWNER, CatalogService.PRINCIPAL);
    spec.comment().filter(c -> !c.isEmpty()).ifPresent(c -> props.put(IcebergTables.P_COMMENT, c));
    String location = iceberg.warehouse().resolve("tables").resolve(tableId).toString();
    TableIdentifier tid = IcebergTables.id(cat, sch, name);
    try {
      Transaction tx =
          iceberg
              .catalog()
              .buildTable(tid, schema)
              .withLocation(location)
              .withProperties(props)
              .createTransaction();
      tx.newAppend().commit(); // an empty first snapshot
      tx.commitTransaction();
    } catch (AlreadyExistsException e) {
      throw new KeelException(
          ErrorCode.ALREADY_EXISTS, "Table already exists: " + cat + "." + sch + "." + name);
    }
    return get(cat + "." + sch + "." + name);
  }

  /** The table {@code catalog.schema.table}. */
  public TableInfo get(String fullName) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    return info(p[0], p[1], p[2], table(p));
  }

  /** One page of a schema's tables, by name; the page token is the last name of the page. */
  public Page<TableInfo> list(
      String catalogName, String schemaName, OptionalLong maxResults, Optional<String> pageToken) {
    String cat = Names.check("catalog_name", catalogName);
    String sch = Names.check("schema_name", schemaName);
    int limit = pageSize(maxResults);
    Optional<String> after = pageToken.filter(t -> !t.isEmpty());
    if (after.isPresent()) {
      try {
        after = Optional.of(Names.check("page_token", after.get()));
      } catch (KeelException e) {
        throw Errors.invalid("Invalid 'page_token': it is not one this server handed out.");
      }
    }
    catalog.getSchema(cat + "." + sch);
    String namespace = cat + "." + sch;
    String afterName = after.orElse("");
    List<String> names =
        db.read(
            h ->
                h.createQuery(
                        "SELECT table_name FROM iceberg_tables WHERE catalog_name = ?"
                            + " AND table_namespace = ? AND table_name > ?"
                            + " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)"
                            + " ORDER BY table_name LIMIT ?")
                    .bind(0, IcebergTables.CATALOG)
                    .bind(1, namespace)
                    .bind(2, afterName)
                    .bind(3, limit + 1)
                    .mapTo(String.class)
                    .list());
    List<TableInfo> items = new ArrayList<>();
    for (String n : names.subList(0, Math.min(limit, names.size()))) {
      iceberg
          .load(IcebergTables.id(cat, sch, n))
          .ifPresent(t -> items.add(info(cat, sch, n, t))); // dropped meanwhile: skip
    }
    Optional<String> next =
        names.size() > limit ? Optional.of(names.get(limit - 1)) : Optional.empty();
    return new Page<>(items, next);
  }

  /** Deletes a table and its files. */
  public void delete(String fullName) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = table(p);
    String location = t.location();
    if (!iceberg.catalog().dropTable(IcebergTables.id(p[0], p[1], p[2]), false)) {
      throw notFound(p);
    }
    iceberg.deleteTableDir(location);
  }

  // ------------------------------------------------------------------ writes

  /**
   * Writes rows given as column name → value maps (JSON-like values: booleans, numbers, strings;
   * DATE as {@code yyyy-MM-dd}, TIMESTAMP as ISO-8601 with {@code Z} or an offset or an {@code
   * Instant}, BINARY as base64 or {@code byte[]}, DECIMAL as number or string). Missing columns are
   * null.
   */
  public WriteResult write(String fullName, WriteMode mode, List<Map<String, Object>> rows) {
    Objects.requireNonNull(mode, "mode");
    return doWrite(fullName, mode, Loaders.rows(rows));
  }

  /**
   * Writes the rows of a local file (CSV with a header line, Parquet, or newline-delimited JSON).
   * Its columns must be exactly the table's columns (without {@code _ingested_at}); values are cast
   * to the column types. The caller owns {@code file}; it is only read.
   */
  public WriteResult writeFile(String fullName, WriteMode mode, Path file, FileFormat format) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(format, "format");
    if (!Files.isRegularFile(file)) {
      throw Errors.invalid("file: '" + file + "' is not a readable file.");
    }
    return doWrite(fullName, mode, Loaders.file(file, format));
  }

  private WriteResult doWrite(String fullName, WriteMode mode, Loaders.Loader loader) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = table(p);
    Meta m = meta(t);
    if (mode == WriteMode.UPSERT && m.primaryKeys.isEmpty()) {
      throw Errors.invalid(
          "mode: UPSERT needs a primary key, and table " + String.join(".", p) + " has none.");
    }
    try (Connection c = duck.open()) {
      return retrying(p, t, written -> writeOnce(c, t, m, mode, loader, written, null));
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "table write failed: " + Loaders.firstLine(e.getMessage()), e);
    }
  }

  /**
   * One attempt at a commit; files it writes go into {@code written} (removed if it fails). Every
   * attempt of a write runs on the same DuckDB connection, so a loader must be repeatable.
   */
  private interface Attempt<R> {
    R run(List<Path> written) throws SQLException;
  }

  /**
   * Runs {@code attempt} until it commits, again after a concurrent commit (a ValidationException
   * or CommitFailedException), at most {@link #MAX_ATTEMPTS} times; the files of a failed attempt
   * are deleted.
   */
  private <R> R retrying(String[] p, Table t, Attempt<R> attempt) throws SQLException {
    for (int n = 1; ; n++) {
      List<Path> written = new ArrayList<>();
      boolean committed = false;
      try {
        R r = attempt.run(written);
        committed = true;
        return r;
      } catch (CommitStateUnknownException e) {
        committed = true; // the commit may have landed: its files must stay
        throw new KeelException(
            ErrorCode.INTERNAL_ERROR,
            "table "
                + String.join(".", p)
                + ": the metadata database did not confirm the commit; check the history before"
                + " retrying",
            e);
      } catch (ValidationException | CommitFailedException e) {
        if (n >= MAX_ATTEMPTS) {
          throw new KeelException(
              ErrorCode.CONFLICT,
              "table "
                  + String.join(".", p)
                  + " changed concurrently "
                  + MAX_ATTEMPTS
                  + " times during this write; nothing was written, retry it",
              e);
        }
        backoff(n);
        t.refresh();
      } finally {
        if (!committed) {
          written.forEach(f -> IcebergTables.deleteTree(f));
        }
      }
    }
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
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = table(p);
    Meta m = meta(t);
    try (Connection c = duck.open()) {
      return retrying(p, t, written -> optimizeOnce(c, t, m, written));
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR,
          "optimizing " + fullName + " failed: " + Loaders.firstLine(e.getMessage()),
          e);
    }
  }

  private OptimizeResult optimizeOnce(Connection c, Table t, Meta m, List<Path> written)
      throws SQLException {
    t.refresh();
    org.apache.iceberg.Snapshot base = t.currentSnapshot();
    List<DataFile> old = base == null ? List.of() : files(t, base.snapshotId());
    long rows = base == null ? 0 : num(base.summary(), "total-records");
    boolean keyed = !m.primaryKeys.isEmpty();
    boolean marked = keyed && base != null && uniqueKeyAt(base, m.primaryKeys);
    boolean optimized = base != null && base.summary().containsKey(OPTIMIZED);
    if (old.isEmpty() || (old.size() == 1 && (!keyed || marked || optimized))) {
      return new OptimizeResult(base == null ? -1 : base.snapshotId(), 0, 0, rows, marked);
    }
    StringBuilder union = new StringBuilder("(");
    for (int i = 0; i < old.size(); i++) {
      union
          .append(i == 0 ? "" : " UNION ALL BY NAME ")
          .append("SELECT *, ")
          .append(i)
          .append(" AS __keel_file FROM read_parquet(")
          .append(literal(IcebergTables.localPath(old.get(i).location()).toString()))
          .append(", file_row_number = true)");
    }
    String rel = union.append(")").toString();
    String cols =
        t.schema().columns().stream().map(f -> ident(f.name())).collect(Collectors.joining(", "));
    try (Statement s = c.createStatement()) {
      boolean unique = keyed && duplicateKey(s, m.primaryKeys, rel).isEmpty();
      Path f = newDataFile(t);
      written.add(f);
      String order =
          keyed
              ? sortedBy(m.primaryKeys, "", "__keel_file, file_row_number")
              : " ORDER BY __keel_file, file_row_number";
      copy(s, "SELECT " + cols + " FROM " + rel + order, f, t);
      DataFile added = IcebergTables.dataFile(t, f.toString());
      OverwriteFiles o = markUnique(t.newOverwrite(), unique, m).set(OPTIMIZED, "true");
      old.forEach(o::deleteFile);
      o.addFile(added);
      validate(o, base.snapshotId());
      o.commit();
      return new OptimizeResult(
          t.currentSnapshot().snapshotId(), old.size(), 1, added.recordCount(), unique);
    }
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
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = table(p);
    Meta m = meta(t);
    try {
      return new Stage(p, t, m, duck.open(1));
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "cannot stage rows: " + Loaders.firstLine(e.getMessage()), e);
    }
  }

  /**
   * Runs Iceberg's manifest work of a staged commit on the committing thread instead of Iceberg's
   * shared worker pool, so a background writer's lowered priority covers all of its commit.
   */
  private static final ExecutorService CALLER_RUNS = new CallerRunsExecutor();

  /** An executor that runs each task on the thread that submits it. */
  private static final class CallerRunsExecutor
      extends java.util.concurrent.AbstractExecutorService {
    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) {
      return false;
    }
  }

  /** Rows staged for one table; see {@link TableService#stage}. */
  public final class Stage implements AutoCloseable {
    private final String[] name;
    private final Table table;
    private final Meta meta;
    private final Connection conn;
    private Loaders.RowAppender rows;
    private long staged;

    private Stage(String[] name, Table table, Meta meta, Connection conn) throws SQLException {
      this.name = name;
      this.table = table;
      this.meta = meta;
      this.conn = conn;
      try {
        this.rows = new Loaders.RowAppender(conn, meta.userColumns);
      } catch (SQLException | RuntimeException e) {
        conn.close();
        throw e;
      }
    }

    /**
     * Checks, converts and stages one row (values as in {@link TableService#write}).
     *
     * @throws KeelException INVALID_PARAMETER_VALUE naming the column; nothing is staged
     */
    public void add(Map<String, Object> row) {
      try {
        rows.append(staged, row);
        staged++;
      } catch (SQLException e) {
        throw new KeelException(
            ErrorCode.INTERNAL_ERROR,
            "cannot stage a row: " + Loaders.firstLine(e.getMessage()),
            e);
      }
    }

    /** Rows staged since the last commit. */
    public long staged() {
      return staged;
    }

    /**
     * Appends the staged rows to the table in one commit and empties the stage, also when the
     * commit fails (the caller counts those rows as lost).
     */
    public WriteResult commit() {
      try {
        rows.close();
        return retrying(
            name,
            table,
            written ->
                writeOnce(
                    conn, table, meta, WriteMode.APPEND, (c, cols) -> {}, written, CALLER_RUNS));
      } catch (SQLException e) {
        throw new KeelException(
            ErrorCode.INTERNAL_ERROR,
            "table write failed: " + Loaders.firstLine(e.getMessage()),
            e);
      } finally {
        staged = 0;
        try {
          rows = new Loaders.RowAppender(conn, meta.userColumns); // a new, empty incoming table
        } catch (SQLException e) {
          throw new KeelException(
              ErrorCode.INTERNAL_ERROR,
              "cannot stage rows: " + Loaders.firstLine(e.getMessage()),
              e);
        }
      }
    }

    /** Drops what is staged and releases the embedded database. */
    @Override
    public void close() {
      try {
        rows.close();
      } catch (SQLException e) {
        // closing anyway
      }
      try {
        conn.close();
      } catch (SQLException e) {
        // nothing to release
      }
    }
  }

  /** Sleeps a random 0 to 20·attempt ms, so conflicting writers stop colliding in lock step. */
  private static void backoff(int attempt) {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(20L * attempt + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "interrupted while writing", e);
    }
  }

  private WriteResult writeOnce(
      Connection c,
      Table t,
      Meta m,
      WriteMode mode,
      Loaders.Loader loader,
      List<Path> written,
      ExecutorService manifestPool)
      throws SQLException {
    loader.load(c, m.userColumns);
    try (Statement s = c.createStatement()) {
      long incoming = scalarLong(s, "SELECT count(*) FROM " + Loaders.INCOMING);
      if (mode == WriteMode.UPSERT) {
        checkKeys(s, m.primaryKeys);
      }
      t.refresh();
      org.apache.iceberg.Snapshot base = t.currentSnapshot();
      long baseId = base == null ? -1 : base.snapshotId();
      boolean keyUnique = keyUniqueAfter(s, m, mode, base, incoming);
      Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      Optional<DataFile> added = Optional.empty();
      if (incoming > 0) {
        String select =
            m.userColumns.stream().map(col -> ident(col.name())).collect(Collectors.joining(", "))
                + (m.ingestionTime
                    ? ", make_timestamptz(" + Loaders.micros(now) + ") AS " + ident(INGESTED_AT)
                    : "");
        Path f = newDataFile(t);
        written.add(f);
        copy(
            s,
            "SELECT " + select + " FROM " + Loaders.INCOMING + sortedBy(m.primaryKeys, "", "rowid"),
            f,
            t);
        added = Optional.of(IcebergTables.dataFile(t, f.toString()));
      }
      switch (mode) {
        case APPEND -> {
          if (added.isEmpty()) {
            return new WriteResult(baseId, 0, 0);
          }
          if (keyUnique) {
            // The flag holds only if nothing was added since base: an overwrite that deletes
            // nothing commits as an append, and validating it sends a concurrent writer's race
            // back to the retry loop, which recomputes the flag.
            OverwriteFiles o = markUnique(t.newOverwrite(), true, m);
            if (manifestPool != null) {
              o.scanManifestsWith(manifestPool);
            }
            o.addFile(added.get());
            validate(o, baseId);
            o.commit();
            return new WriteResult(t.currentSnapshot().snapshotId(), incoming, 0);
          }
          AppendFiles a = t.newAppend();
          if (manifestPool != null) {
            a.scanManifestsWith(manifestPool);
          }
          a.appendFile(added.get());
          a.commit();
          return new WriteResult(t.currentSnapshot().snapshotId(), incoming, 0);
        }
        case OVERWRITE -> {
          OverwriteFiles o = markUnique(t.newOverwrite(), keyUnique, m);
          long deleted = 0;
          for (DataFile d : base == null ? List.<DataFile>of() : files(t, baseId)) {
            o.deleteFile(d);
            deleted += d.recordCount();
          }
          added.ifPresent(o::addFile);
          validate(o, baseId);
          o.commit();
          return new WriteResult(t.currentSnapshot().snapshotId(), incoming, deleted);
        }
        case UPSERT -> {
          OverwriteFiles o = markUnique(t.newOverwrite(), keyUnique, m);
          long deleted = 0;
          List<DataFile> candidates = base == null ? List.of() : files(t, baseId, keyRange(s, m));
          for (DataFile d : affected(s, candidates, m.primaryKeys)) {
            Path rewritten = newDataFile(t);
            written.add(rewritten);
            copy(
                s,
                "SELECT f.* EXCLUDE (file_row_number) FROM read_parquet("
                    + literal(IcebergTables.localPath(d.location()).toString())
                    + ", file_row_number = true) f ANTI JOIN "
                    + Loaders.INCOMING
                    + " i ON "
                    + keyJoin(m.primaryKeys)
                    + sortedBy(m.primaryKeys, "f.", "f.file_row_number"),
                rewritten,
                t);
            DataFile kept = IcebergTables.dataFile(t, rewritten.toString());
            o.deleteFile(d);
            deleted += d.recordCount() - kept.recordCount();
            if (kept.recordCount() > 0) {
              o.addFile(kept);
            } else {
              IcebergTables.deleteTree(rewritten);
            }
          }
          added.ifPresent(o::addFile);
          validate(o, baseId);
          o.commit();
          return new WriteResult(t.currentSnapshot().snapshotId(), incoming, deleted);
        }
      }
      throw new IllegalStateException("unreachable");
    }
  }

  private static void validate(OverwriteFiles o, long baseId) {
    if (baseId >= 0) {
      o.validateFromSnapshot(baseId);
    }
    o.conflictDetectionFilter(Expressions.alwaysTrue());
    o.validateNoConflictingData();
    o.validateNoConflictingDeletes();
  }

  /**
   * Whether no two rows of the snapshot this write commits share the primary key, as far as Keel
   * can tell without reading the table: an overwrite whose rows have distinct keys, an upsert into
   * a table whose key was unique (its own keys are checked, and it replaces every row with one of
   * them), an append of distinct keys to an empty table. Anything else (an append to rows already
   * there, a table without a key) leaves the snapshot without the {@link #UNIQUE_KEY} mark.
   */
  private static boolean keyUniqueAfter(
      Statement s, Meta m, WriteMode mode, org.apache.iceberg.Snapshot base, long incoming)
      throws SQLException {
    if (m.primaryKeys.isEmpty()) {
      return false;
    }
    boolean baseEmpty = base == null || num(base.summary(), "total-records") == 0;
    return switch (mode) {
      case UPSERT -> baseEmpty || uniqueKeyAt(base, m.primaryKeys);
      case OVERWRITE -> incoming == 0 || duplicateKey(s, m.primaryKeys).isEmpty();
      case APPEND -> baseEmpty && duplicateKey(s, m.primaryKeys).isEmpty();
    };
  }

  private static OverwriteFiles markUnique(OverwriteFiles o, boolean keyUnique, Meta m) {
    return keyUnique ? o.set(UNIQUE_KEY, String.join(",", m.primaryKeys)) : o;
  }

  /**
   * Whether {@code snapshot} carries the {@link #UNIQUE_KEY} mark for (a subset of) {@code pks}.
   */
  private static boolean uniqueKeyAt(org.apache.iceberg.Snapshot snapshot, List<String> pks) {
    String marked = snapshot.summary().get(UNIQUE_KEY);
    return marked != null && pks.containsAll(IcebergTables.splitKeys(marked));
  }

  /**
   * One primary key that appears more than once in {@code incoming} (as strings), and its count.
   */
  private static Optional<List<String>> duplicateKey(Statement s, List<String> pks)
      throws SQLException {
    return duplicateKey(s, pks, Loaders.INCOMING);
  }

  /** One primary key that appears more than once in {@code relation}, and its count. */
  private static Optional<List<String>> duplicateKey(Statement s, List<String> pks, String relation)
      throws SQLException {
    String keys = pks.stream().map(DuckDb::ident).collect(Collectors.joining(", "));
    try (ResultSet r =
        s.executeQuery(
            "SELECT "
                + pks.stream()
                    .map(k -> "CAST(" + ident(k) + " AS VARCHAR)")
                    .collect(Collectors.joining(", "))
                + ", count(*) FROM "
                + relation
                + " GROUP BY "
                + keys
                + " HAVING count(*) > 1 LIMIT 1")) {
      if (!r.next()) {
        return Optional.empty();
      }
      List<String> out = new ArrayList<>();
      for (int i = 1; i <= pks.size() + 1; i++) {
        out.add(r.getString(i));
      }
      return Optional.of(out);
    }
  }

  private static void checkKeys(Statement s, List<String> pks) throws SQLException {
    String keys = pks.stream().map(DuckDb::ident).collect(Collectors.joining(", "));
    String nulls = pks.stream().map(k -> ident(k) + " IS NULL").collect(Collectors.joining(" OR "));
    try (ResultSet r =
        s.executeQuery(
            "SELECT " + keys + " FROM " + Loaders.INCOMING + " WHERE " + nulls + " LIMIT 1")) {
      if (r.next()) {
        throw Errors.invalid("rows: primary key " + pks + " must not be null.");
      }
    }
    Optional<List<String>> dup = duplicateKey(s, pks);
    if (dup.isPresent()) {
      List<String> key = new ArrayList<>();
      for (int i = 0; i < pks.size(); i++) {
        key.add(pks.get(i) + "=" + dup.get().get(i));
      }
      throw Errors.invalid(
          "rows: primary key ("
              + String.join(", ", key)
              + ") appears "
              + dup.get().get(pks.size())
              + " times in one upsert; each key may appear once.");
    }
  }

  private static String keyJoin(List<String> pks) {
    return pks.stream()
        .map(k -> "f." + ident(k) + " = i." + ident(k))
        .collect(Collectors.joining(" AND "));
  }

  /** The data files holding at least one incoming key. */
  private static List<DataFile> affected(Statement s, List<DataFile> files, List<String> pks)
      throws SQLException {
    if (files.isEmpty()) {
      return List.of();
    }
    Map<String, DataFile> byPath = new HashMap<>();
    for (DataFile d : files) {
      byPath.put(IcebergTables.localPath(d.location()).toString(), d);
    }
    String list = byPath.keySet().stream().map(DuckDb::literal).collect(Collectors.joining(", "));
    List<DataFile> out = new ArrayList<>();
    try (ResultSet r =
        s.executeQuery(
            "SELECT DISTINCT f.__keel_file FROM read_parquet(["
                + list
                + "], filename = '__keel_file') f SEMI JOIN "
                + Loaders.INCOMING
                + " i ON "
                + keyJoin(pks))) {
      while (r.next()) {
        DataFile d = byPath.get(r.getString(1));
        if (d == null) {
          throw new KeelException(
              ErrorCode.INTERNAL_ERROR, "DuckDB reported an unknown data file " + r.getString(1));
        }
        out.add(d);
      }
    }
    return out;
  }

  private Path newDataFile(Table t) {
    Path dir = IcebergTables.localPath(t.location()).resolve("data");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "cannot create " + dir + ": " + e.getMessage(), e);
    }
    return dir.resolve(UUID.randomUUID() + ".parquet");
  }

  /**
   * {@code ORDER BY} the primary key, then {@code tiebreak} (the rows' order before), for a new
   * data file of a table with a primary key; empty for one without. Feature tables are read by key
   * and time: a training set's point-in-time join sorts each table by its key, and DuckDB sorts a
   * file already in key order far faster (3 lookups into 3 × 5M rows: 2.9 s against 4.1–6.5 s for
   * files in time order, docs/benchmarks.md). Rows that tie on the whole key keep their order.
   */
  private static String sortedBy(List<String> pks, String alias, String tiebreak) {
    if (pks.isEmpty()) {
      return "";
    }
    return " ORDER BY "
        + pks.stream().map(k -> alias + ident(k)).collect(Collectors.joining(", "))
        + ", "
        + tiebreak;
  }

  /** {@code COPY (query) TO file} as Parquet with every column's Iceberg field id. */
  private static void copy(Statement s, String query, Path file, Table t) throws SQLException {
    String ids =
        t.schema().columns().stream()
            .map(f -> ident(f.name()) + ": " + f.fieldId())
            .collect(Collectors.joining(", "));
    s.execute(
        "COPY ("
            + query
            + ") TO "
            + literal(file.toString())
            + " (FORMAT parquet, COMPRESSION zstd, FIELD_IDS {"
            + ids
            + "})");
  }

  // ------------------------------------------------------------------ reads

  /**
   * The first {@code limit} rows of a snapshot (in file order), with the named columns (all when
   * {@code columns} is empty).
   */
  public Preview preview(String fullName, SnapshotRef ref, List<String> columns, int limit) {
    if (limit < 0 || limit > MAX_PREVIEW) {
      throw Errors.invalid("'limit' must be 0 to " + MAX_PREVIEW + " (got " + limit + ").");
    }
    TableSnapshot snap = resolve(fullName, ref);
    Map<String, Column> byName = new LinkedHashMap<>();
    snap.columns().forEach(c -> byName.put(c.name(), c));
    List<Column> chosen = new ArrayList<>();
    for (String c : columns) {
      Column col = byName.get(c.toLowerCase(Locale.ROOT));
      if (col == null) {
        throw Errors.invalid("'columns' names unknown column '" + c + "'.");
      }
      chosen.add(col);
    }
    if (chosen.isEmpty()) {
      chosen.addAll(snap.columns());
    }
    List<List<Object>> rows = new ArrayList<>();
    if (snap.dataFiles().isEmpty() || limit == 0) {
      return new Preview(snap.snapshotId(), chosen, rows);
    }
    String select =
        chosen.stream()
            .map(
                c ->
                    c.type().kind() == ColumnType.Kind.TIMESTAMP
                        ? "epoch_us(" + ident(c.name()) + ")"
                        : c.type().kind() == ColumnType.Kind.DATE
                            ? "CAST(" + ident(c.name()) + " AS VARCHAR)"
                            : ident(c.name()))
            .collect(Collectors.joining(", "));
    try (Connection c = duck.open();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT "
                    + select
                    + " FROM "
                    + readParquet(snap.dataFiles())
                    + " LIMIT "
                    + limit)) {
      while (r.next()) {
        List<Object> row = new ArrayList<>(chosen.size());
        for (int i = 0; i < chosen.size(); i++) {
          row.add(value(r, i + 1, chosen.get(i).type()));
        }
        rows.add(java.util.Collections.unmodifiableList(row));
      }
    } catch (SQLException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, "table read failed: " + Loaders.firstLine(e.getMessage()), e);
    }
    return new Preview(snap.snapshotId(), chosen, rows);
  }

  static String readParquet(List<Path> files) {
    return "read_parquet(["
        + files.stream().map(f -> literal(f.toString())).collect(Collectors.joining(", "))
        + "])";
  }

  private static Object value(ResultSet r, int i, ColumnType t) throws SQLException {
    Object o = r.getObject(i);
    if (o == null) {
      return null;
    }
    return switch (t.kind()) {
      case BOOLEAN -> r.getBoolean(i);
      case INT -> r.getInt(i);
      case LONG -> r.getLong(i);
      case FLOAT -> r.getFloat(i);
      case DOUBLE -> r.getDouble(i);
      case STRING -> r.getString(i);
      case DATE -> LocalDate.parse(r.getString(i));
      case TIMESTAMP -> Instant.EPOCH.plus(r.getLong(i), ChronoUnit.MICROS);
      case BINARY -> r.getBytes(i);
      case DECIMAL -> r.getBigDecimal(i);
    };
  }

  /** Rows in a snapshot, from the snapshot's metadata. */
  public long count(String fullName, SnapshotRef ref) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = table(p);
    org.apache.iceberg.Snapshot s = snapshot(t, ref, p);
    String total = s.summary().get("total-records");
    if (total != null) {
      return Long.parseLong(total);
    }
    return files(t, s.snapshotId()).stream().mapToLong(DataFile::recordCount).sum();
  }

  /** The table's snapshots, newest first. */
  public List<Snapshot> history(String fullName) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = table(p);
    Meta m = meta(t);
    List<Snapshot> out = new ArrayList<>();
    for (org.apache.iceberg.Snapshot s : t.snapshots()) {
      Map<String, String> sum = s.summary();
      out.add(
          new Snapshot(
              s.snapshotId(),
              s.parentId() == null ? OptionalLong.empty() : OptionalLong.of(s.parentId()),
              Instant.ofEpochMilli(s.timestampMillis()),
              s.operation() == null ? "" : s.operation(),
              num(sum, "added-records"),
              num(sum, "deleted-records"),
              num(sum, "added-data-files"),
              num(sum, "deleted-data-files"),
              num(sum, "total-records"),
              !m.primaryKeys.isEmpty() && uniqueKeyAt(s, m.primaryKeys)));
    }
    out.sort((a, b) -> b.committedAt().compareTo(a.committedAt()));
    return out;
  }

  private static long num(Map<String, String> summary, String key) {
    String v = summary.get(key);
    return v == null ? 0 : Long.parseLong(v);
  }

  /** The exact data files and schema of one snapshot (see {@link TableSnapshot}). */
  public TableSnapshot resolve(String fullName, SnapshotRef ref) {
    String[] p = Names.checkFullName("full_name", fullName, 3);
    Table t = table(p);
    Meta m = meta(t);
    org.apache.iceberg.Snapshot s = snapshot(t, ref, p);
    List<Path> paths = new ArrayList<>();
    for (DataFile d : files(t, s.snapshotId())) {
      paths.add(IcebergTables.localPath(d.location()));
    }
    org.apache.iceberg.Schema schema =
        s.schemaId() == null ? t.schema() : t.schemas().getOrDefault(s.schemaId(), t.schema());
    return new TableSnapshot(
        String.join(".", p),
        s.snapshotId(),
        Instant.ofEpochMilli(s.timestampMillis()),
        IcebergTables.columns(schema),
        m.primaryKeys,
        !m.primaryKeys.isEmpty() && uniqueKeyAt(s, m.primaryKeys),
        m.timeseriesKey,
        paths);
  }

  private static org.apache.iceberg.Snapshot snapshot(Table t, SnapshotRef ref, String[] p) {
    String name = String.join(".", p);
    return switch (ref) {
      case SnapshotRef.Latest l -> {
        org.apache.iceberg.Snapshot s = t.currentSnapshot();
        if (s == null) {
          throw new KeelException(ErrorCode.INTERNAL_ERROR, "table " + name + " has no snapshot");
        }
        yield s;
      }
      case SnapshotRef.Id id -> {
        org.apache.iceberg.Snapshot s = t.snapshot(id.snapshotId());
        if (s == null) {
          throw new KeelException(
              ErrorCode.NOT_FOUND, "Table " + name + " has no snapshot " + id.snapshotId());
        }
        yield s;
      }
      case SnapshotRef.AsOf at -> {
        long millis = at.time().toEpochMilli();
        try {
          yield t.snapshot(SnapshotUtil.snapshotIdAsOfTime(t, millis));
        } catch (IllegalArgumentException e) {
          throw Errors.invalid(
              "as_of: " + at.time() + " is before the first snapshot of table " + name + ".");
        }
      }
    };
  }

  private static List<DataFile> files(Table t, long snapshotId) {
    return files(t, snapshotId, Expressions.alwaysTrue());
  }

  /**
   * A filter that keeps every data file that may hold an incoming key: per primary-key column of an
   * orderable type (INT, LONG, STRING, DATE), the incoming keys' [min, max] range. Iceberg prunes
   * files whose column bounds miss it, so an upsert reads only candidate files.
   */
  private static org.apache.iceberg.expressions.Expression keyRange(Statement s, Meta m)
      throws SQLException {
    org.apache.iceberg.expressions.Expression e = Expressions.alwaysTrue();
    Map<String, Column> byName = new HashMap<>();
    m.userColumns.forEach(c -> byName.put(c.name(), c));
    for (String k : m.primaryKeys) {
      ColumnType.Kind kind = byName.get(k).type().kind();
      if (kind != ColumnType.Kind.INT
          && kind != ColumnType.Kind.LONG
          && kind != ColumnType.Kind.STRING
          && kind != ColumnType.Kind.DATE) {
        continue;
      }
      try (ResultSet r =
          s.executeQuery(
              "SELECT CAST(min("
                  + ident(k)
                  + ") AS VARCHAR), CAST(max("
                  + ident(k)
                  + ") AS VARCHAR) FROM "
                  + Loaders.INCOMING)) {
        r.next();
        String lo = r.getString(1);
        String hi = r.getString(2);
        if (lo == null || hi == null) {
          continue;
        }
        Object low =
            switch (kind) {
              case INT -> Integer.valueOf(lo);
              case LONG -> Long.valueOf(lo);
              default -> lo; // strings; dates as yyyy-MM-dd, which Iceberg converts
            };
        Object high =
            switch (kind) {
              case INT -> Integer.valueOf(hi);
              case LONG -> Long.valueOf(hi);
              default -> hi;
            };
        e =
            Expressions.and(
                e,
                Expressions.and(
                    Expressions.greaterThanOrEqual(k, low), Expressions.lessThanOrEqual(k, high)));
      }
    }
    return e;
  }

  private static List<DataFile> files(
      Table t, long snapshotId, org.apache.iceberg.expressions.Expression filter) {
    List<DataFile> out = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        t.newScan().useSnapshot(snapshotId).filter(filter).planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          throw new KeelException(
              ErrorCode.INTERNAL_ERROR, "table has delete files, which Keel does not write");
        }
        out.add(task.file());
      }
    } catch (IOException e) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, "cannot plan files: " + e.getMessage(), e);
    }
    // A stable order, the order of the writes: readers that keep row order (training-set spines,
    // previews) see the same rows in the same order every time they read this snapshot.
    out.sort(
        java.util.Comparator.comparing(
                (DataFile d) -> d.dataSequenceNumber(),
                java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(DataFile::location));
    return out;
  }

  // ------------------------------------------------------------------ helpers

  private record Meta(
      List<Column> userColumns,
      List<String> primaryKeys,
      Optional<String> timeseriesKey,
      boolean ingestionTime) {}

  private static Meta meta(Table t) {
    Map<String, String> props = t.properties();
    boolean ingestion = Boolean.parseBoolean(props.get(IcebergTables.P_INGESTION_TIME));
    List<Column> user =
        IcebergTables.columns(t.schema()).stream()
            .filter(c -> !(ingestion && c.name().equals(INGESTED_AT)))
            .toList();
    return new Meta(
        user,
        IcebergTables.splitKeys(props.get(IcebergTables.P_PRIMARY_KEYS)),
        Optional.ofNullable(props.get(IcebergTables.P_TIMESERIES_KEY)),
        ingestion);
  }

  private TableInfo info(String cat, String sch, String name, Table t) {
    Map<String, String> props = t.properties();
    Meta m = meta(t);
    Map<String, String> user = new HashMap<>();
    props.forEach(
        (k, v) -> {
          if (!k.startsWith("keel.") && !IcebergTables.SYSTEM_PROPERTIES.contains(k)) {
            user.put(k, v);
          }
        });
    long createdAt = Long.parseLong(props.getOrDefault(IcebergTables.P_CREATED_AT, "0"));
    long updatedAt =
        t instanceof org.apache.iceberg.HasTableOperations h
            ? h.operations().current().lastUpdatedMillis()
            : createdAt;
    return new TableInfo(
        props.getOrDefault(IcebergTables.P_TABLE_ID, ""),
        cat,
        sch,
        name,
        IcebergTables.columns(t.schema()),
        m.primaryKeys,
        m.timeseriesKey,
        m.ingestionTime,
        Optional.ofNullable(props.get(IcebergTables.P_COMMENT)),
        user,
        IcebergTables.localPath(t.location()).toUri().toString(),
        props.getOrDefault(IcebergTables.P_OWNER, CatalogService.PRINCIPAL),
        createdAt,
        props.getOrDefault(IcebergTables.P_CREATED_BY, CatalogService.PRINCIPAL),
        Math.max(createdAt, updatedAt),
        CatalogService.PRINCIPAL);
  }

  private Table table(String[] p) {
    return iceberg.load(IcebergTables.id(p[0], p[1], p[2])).orElseThrow(() -> notFound(p));
  }

  private static KeelException notFound(String[] p) {
    return new KeelException(ErrorCode.NOT_FOUND, "Table not found: " + String.join(".", p));
  }

  private static long scalarLong(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static void checkLength(String field, String value) {
    if (value.length() > CatalogService.MAX_COMMENT) {
      throw Errors.invalid(
          "'" + field + "' is too long: at most " + CatalogService.MAX_COMMENT + " characters.");
    }
  }

  private static int pageSize(OptionalLong maxResults) {
    if (maxResults.isEmpty() || maxResults.getAsLong() == 0) {
      return CatalogService.MAX_PAGE;
    }
    long m = maxResults.getAsLong();
    if (m < 0) {
      throw Errors.invalid("'max_results' must be greater than or equal to 0 (got " + m + ").");
    }
    return (int) Math.min(m, CatalogService.MAX_PAGE);
  }

  @Override
  public void close() {
    iceberg.close();
  }
}
