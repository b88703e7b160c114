package dev.keel.tables.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.catalog.SystemCatalog;
import dev.keel.catalog.audit.AuditEntry;
import dev.keel.catalog.audit.AuditLog;
import dev.keel.catalog.audit.AuditSink;
import dev.keel.catalog.audit.SequencedEntry;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the audit log into the Iceberg table {@code system.access.audit} (the adapter between the
 * audit log and tables): told of each commit as an {@link AuditSink}, it appends every committed
 * entry after its cursor, at most once per {@code interval}, in one Iceberg commit that also moves
 * the cursor ({@value #CURSOR} in the snapshot summary, the sequence number of the last entry in
 * the table). The database is the source of truth and the cursor lives in the table, so rows and
 * cursor commit together: a process killed between the database commit and the Iceberg commit
 * exports the gap at its next start, and no entry is exported twice (a second server exporting the
 * same database conflicts on the cursor, re-reads it, and goes on from there). Days older than
 * {@code audit.retention-days} are deleted from the table as whole partitions, at start and daily.
 */
public final class AuditTableExporter implements AuditSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTableExporter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The table's full name. */
  public static final String TABLE = SystemCatalog.NAME + "." + SystemCatalog.ACCESS + ".audit";

  /** Snapshot-summary key of the last exported sequence number. */
  public static final String CURSOR = "keel.audit.last-id";

  /** Rows per commit at most: few enough that a chunk alive in young GC keeps pauses short. */
  public static final int MAX_ROWS = 5_000;

  /** Days of snapshots kept (time travel on the table); older ones expire daily. */
  static final int SNAPSHOT_DAYS = 7;

  private static final long DAY_NANOS = TimeUnit.DAYS.toNanos(1);

  private final AuditLog log;
  private final TableService tables;
  private final Clock clock;
  private final int retentionDays;
  private final long intervalNanos;
  private final AtomicBoolean pending = new AtomicBoolean(true); // at start: export the gap
  private final Thread thread;
  private volatile boolean closing;
  private volatile long exported; // the cursor, as a number: 0 before the first export
  private Optional<String> cursor = Optional.empty();

  /**
   * Creates the table when it is missing, reads its cursor, and starts exporting.
   *
   * @param log the audit log it reads (and is told of commits by)
   * @param tables where the table lives
   * @param clock the clock retention is measured on
   * @param retentionDays days kept in the table; 0 keeps everything
   * @param intervalMillis the least time between two appends
   */
  public AuditTableExporter(
      AuditLog log, TableService tables, Clock clock, int retentionDays, long intervalMillis) {
    this.log = log;
    this.tables = tables;
    this.clock = clock;
    this.retentionDays = retentionDays;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    ensureTable(tables);
    readCursor();
    log.addSink(this);
    this.thread = Thread.ofPlatform().daemon().name("keel-audit-table").start(this::run);
  }

  /**
   * The columns: Databricks' {@code system.access.audit} where Keel has the value, its structs
   * flattened ({@code user_identity.email} is {@code user_identity_email}, {@code
   * response.statusCode} is {@code response_status_code}) and {@code request_params} a JSON object
   * as text (Keel tables have no struct or map columns); then Keel's {@code sequence}, {@code
   * result} and {@code duration_ms}.
   */
  static List<Column> columns() {
    return List.of(
        Column.of("version", ColumnType.STRING),
        Column.of("event_time", ColumnType.TIMESTAMP),
        Column.of("event_date", ColumnType.DATE),
        Column.of("event_id", ColumnType.STRING),
        Column.of("source_ip_address", ColumnType.STRING),
        Column.of("user_agent", ColumnType.STRING),
        Column.of("user_identity_email", ColumnType.STRING),
        Column.of("user_identity_id", ColumnType.STRING),
        Column.of("service_name", ColumnType.STRING),
        Column.of("action_name", ColumnType.STRING),
        Column.of("request_id", ColumnType.STRING),
        Column.of("request_params", ColumnType.STRING),
        Column.of("response_status_code", ColumnType.INT),
        Column.of("audit_level", ColumnType.STRING),
        Column.of("sequence", ColumnType.LONG),
        Column.of("result", ColumnType.STRING),
        Column.of("duration_ms", ColumnType.LONG));
  }

  private static void ensureTable(TableService tables) {
    try {
      tables.get(TABLE);
      return;
    } catch (KeelException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
    }
    TableSpec spec =
        new TableSpec(
            SystemCatalog.NAME,
            SystemCatalog.ACCESS,
            "audit",
            columns(),
            List.of(),
            Optional.of("event_time"),
            false,
            Optional.of("The audit log: one row per authenticated or denied request (read-only)"),
            Map.of());
    try {
      tables.createLog(spec, "event_date", SystemCatalog.OWNER);
    } catch (KeelException e) {
      if (e.code() != ErrorCode.ALREADY_EXISTS) { // another server made it meanwhile
        throw e;
      }
    }
  }

  /** The last sequence number in the table (0 when it has none). */
  public long exported() {
    return exported;
  }

  @Override
  public void committed(long lastSequence) {
    if (lastSequence > exported && !pending.getAndSet(true)) {
      LockSupport.unpark(thread);
    }
  }

  private void readCursor() {
    cursor = tables.logCursor(TABLE, CURSOR);
    exported = cursor.map(Long::parseLong).orElse(0L);
  }

  private void run() {
    long nextRetention = System.nanoTime();
    long lastExport = System.nanoTime() - intervalNanos;
    while (true) {
      boolean stop = closing;
      if (!stop && !pending.get()) {
        LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
      } else if (!stop && System.nanoTime() - lastExport < intervalNanos) {
        LockSupport.parkNanos(this, intervalNanos - (System.nanoTime() - lastExport));
      } else if (pending.getAndSet(false) || stop) {
        lastExport = System.nanoTime();
        if (!exportAll()) {
          pending.set(true); // retried after the interval
        }
      }
      if (System.nanoTime() - nextRetention >= 0 && !stop) {
        applyRetention();
        nextRetention = System.nanoTime() + DAY_NANOS;
      }
      if (stop) {
        return;
      }
    }
  }

  /**
   * Appends the entries committed after the cursor up to the last one committed when it starts, in
   * one commit ({@value #MAX_ROWS} rows at most per commit: a backlog takes several), and returns;
   * false when an append failed. Entries committed meanwhile wait for the next export: reading
   * again after each commit never returned under steady load (entries always arrived during the
   * commit), so the table was committed to back to back instead of once per interval.
   */
  public boolean exportAll() {
    try {
      long upTo = log.lastSequence();
      while (exported < upTo) {
        List<SequencedEntry> batch = new ArrayList<>(log.after(exported, MAX_ROWS));
        batch.removeIf(e -> e.sequence() > upTo);
        if (batch.isEmpty()) {
          return true; // the rest was deleted by retention, or another server exported it
        }
        List<Map<String, Object>> rows = new ArrayList<>(batch.size());
        batch.forEach(e -> rows.add(row(e)));
        String next = Long.toString(batch.get(batch.size() - 1).sequence());
        try {
          tables.appendLog(TABLE, rows, CURSOR, cursor, next);
          cursor = Optional.of(next);
          exported = Long.parseLong(next);
        } catch (KeelException e) {
          if (e.code() != ErrorCode.CONFLICT) {
            throw e;
          }
          readCursor(); // another server exported: go on from where it got to
        }
      }
      return true;
    } catch (RuntimeException e) {
      LOG.warn("Could not append audit-log entries to {}: {}", TABLE, e.toString());
      return false;
    }
  }

  /**
   * Deletes the table's days older than the retention (the entries are gone from the log too), then
   * expires snapshots older than {@value #SNAPSHOT_DAYS} days: one snapshot per append would
   * otherwise make every commit rewrite an ever longer snapshot list.
   */
  public void applyRetention() {
    try {
      tables.expireSnapshots(
          TABLE, clock.instant().minus(java.time.Duration.ofDays(SNAPSHOT_DAYS)), 1);
    } catch (RuntimeException e) {
      LOG.warn("Could not expire old snapshots of {}: {}", TABLE, e.toString());
    }
    if (retentionDays == 0) {
      return;
    }
    LocalDate firstKept =
        LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(retentionDays);
    try {
      long n = tables.deleteLogBefore(TABLE, firstKept, CURSOR);
      if (n > 0) {
        LOG.info("Deleted {} rows before {} from {} (audit.retention-days)", n, firstKept, TABLE);
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not delete old days from {}: {}", TABLE, e.toString());
    }
  }

  /** The table row of one entry: who, what, on what, how it ended; never a body or credential. */
  static Map<String, Object> row(SequencedEntry s) {
    AuditEntry e = s.entry();
    Instant t = Instant.ofEpochMilli(e.eventTime());
    Map<String, Object> r = new HashMap<>();
    r.put("version", "keel-1");
    r.put("event_time", t);
    r.put("event_date", LocalDate.ofInstant(t, ZoneOffset.UTC).toString());
    r.put("event_id", e.eventId());
    r.put("source_ip_address", e.sourceAddress().orElse(null));
    r.put("user_agent", e.userAgent().orElse(null));
    r.put("user_identity_email", e.principalName().orElse(null));
    r.put("user_identity_id", e.principalId().orElse(null));
    r.put("service_name", e.serviceName());
    r.put("action_name", e.actionName());
    r.put("request_id", e.requestId());
    r.put("request_params", requestParams(e));
    r.put("response_status_code", e.statusCode());
    r.put("audit_level", "WORKSPACE_LEVEL");
    r.put("sequence", s.sequence());
    r.put("result", e.result().wire());
    r.put("duration_ms", e.durationMillis());
    return r;
  }

  /** The route and the authorization check, as a JSON object with sorted keys. */
  private static String requestParams(AuditEntry e) {
    Map<String, String> p = new TreeMap<>();
    p.put("http_method", e.httpMethod());
    p.put("path", e.path());
    e.securableType().ifPresent(v -> p.put("securable_type", v));
    e.securableName().ifPresent(v -> p.put("full_name_arg", v));
    e.privilege().ifPresent(v -> p.put("privilege", v));
    try {
      return JSON.writeValueAsString(p);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex); // strings only: cannot happen
    }
  }

  /** Exports what is committed (close the audit log first, so its last entries are), then stops. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(thread);
    try {
      thread.join(java.time.Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn(
          "The {} exporter did not finish within 30 s; the next start exports the rest", TABLE);
    }
  }
}
