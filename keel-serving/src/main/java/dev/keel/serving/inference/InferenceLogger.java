package dev.keel.serving.inference;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.serving.endpoints.InferenceTableConfig;
import dev.keel.tables.Column;
import dev.keel.tables.ColumnType;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes scoring requests to inference tables ({@code <catalog>.<schema>.<prefix>_payload}, with
 * Databricks' columns) asynchronously, in batches, with bounded memory: {@link #log} adds to a
 * lock-free queue of at most {@code capacity} records and never blocks; when it is full the record
 * is dropped and counted ({@link #dropped()}). One writer thread, at the lowest CPU priority
 * ({@link BackgroundPriority}), moves queued records every 200 ms into a {@link TableService.Stage}
 * per table (off the Java heap) and commits a table's stage when it holds {@code batchRows} records
 * or every {@code flushMillis}; a stage that had nothing to commit for a whole interval is closed.
 * {@link #close} writes what is queued and staged.
 *
 * <p>A record of a scored request (2xx, with {@link Entry#scored}) also becomes one row per scored
 * input row in the endpoint's predictions table ({@link PredictionTable}), staged and committed the
 * same way in its own stage (Iceberg commits one table at a time: a batch is one commit per table).
 * An endpoint without a predictions table (its models declare no signature) logs only its {@code
 * _payload}. Predictions rows are counted apart ({@link #predictionRowsWritten()}, {@link
 * #predictionRowsFailed()}).
 */
public final class InferenceLogger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceLogger.class);
  private static final JsonFactory JSON = new JsonFactory();

  /** Request and response bodies longer than this are logged as null (Databricks does too). */
  public static final int MAX_PAYLOAD_CHARS = 1 << 20;

  /**
   * How often the writer moves queued records into its stages: records wait on the Java heap for at
   * most about this long, so the garbage collector seldom copies them.
   */
  private static final long STAGE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /**
   * One scoring request to log.
   *
   * @param table where to log it
   * @param requestId Keel's id of the request ({@code databricks_request_id})
   * @param requestTime when the request arrived
   * @param statusCode the HTTP status answered
   * @param executionMicros model time in microseconds (0 when no model ran)
   * @param request the request body
   * @param response the response body
   * @param servedEntity the served entity routing picked (empty when none was)
   * @param modelName the registered model that entity serves (empty when none was picked)
   * @param modelVersion the model version that entity served, its alias resolved (0 when none)
   * @param requester who sent it
   * @param scored the model's input and outputs, for a request that was scored (its rows go to the
   *     predictions table, see {@link PredictionTable})
   */
  public record Entry(
      InferenceTableConfig table,
      String requestId,
      Instant requestTime,
      int statusCode,
      long executionMicros,
      byte[] request,
      byte[] response,
      String servedEntity,
      String modelName,
      long modelVersion,
      String requester,
      Optional<PredictionTable.Scored> scored) {

    /** Checks for nulls. */
    public Entry {
      Objects.requireNonNull(scored, "scored");
    }

    /** An entry without predictions (an error, or a request not scored). */
    public Entry(
        InferenceTableConfig table,
        String requestId,
        Instant requestTime,
        int statusCode,
        long executionMicros,
        byte[] request,
        byte[] response,
        String servedEntity,
        String modelName,
        long modelVersion,
        String requester) {
      this(
          table,
          requestId,
          requestTime,
          statusCode,
          executionMicros,
          request,
          response,
          servedEntity,
          modelName,
          modelVersion,
          requester,
          Optional.empty());
    }
  }

  private final TableService tables;
  private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final int capacity;
  private final int batchRows;
  private final long flushMillis;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong predictionRows = new AtomicLong();
  private final AtomicLong predictionRowsFailed = new AtomicLong();
  private final AtomicLong flushes = new AtomicLong();
  private final AtomicLong flushNanos = new AtomicLong();
  private final Thread writer;
  private volatile boolean closing;
  private volatile String writerTid;

  /**
   * Starts the writer thread.
   *
   * @param tables where rows are appended
   * @param capacity the queue bound (records)
   * @param batchRows flush after this many records
   * @param flushMillis flush at least this often
   */
  public InferenceLogger(TableService tables, int capacity, int batchRows, long flushMillis) {
    this.tables = Objects.requireNonNull(tables, "tables");
    this.capacity = capacity;
    this.batchRows = batchRows;
    this.flushMillis = flushMillis;
    this.writer = Thread.ofPlatform().daemon().name("keel-inference-log").start(this::run);
  }

  /**
   * The columns of an inference table: Databricks' AI-gateway payload table, then Keel's {@code
   * execution_duration_us} (model time in microseconds; {@code execution_duration_ms} is that
   * rounded up to whole milliseconds, so a model that ran is never logged as 0 ms) and {@code
   * model_name} / {@code model_version} (the registered model and the version that answered, an
   * alias resolved; Databricks' legacy tables keep them in {@code request_metadata}). Tables
   * created before these columns existed keep their columns and get rows without them.
   */
  public static List<Column> columns() {
    return List.of(
        Column.of("request_date", ColumnType.DATE),
        Column.of("databricks_request_id", ColumnType.STRING),
        Column.of("client_request_id", ColumnType.STRING),
        Column.of("request_time", ColumnType.TIMESTAMP),
        Column.of("status_code", ColumnType.INT),
        Column.of("execution_duration_ms", ColumnType.LONG),
        Column.of("request", ColumnType.STRING),
        Column.of("response", ColumnType.STRING),
        Column.of("served_entity_id", ColumnType.STRING),
        Column.of("requester", ColumnType.STRING),
        Column.of("execution_duration_us", ColumnType.LONG),
        Column.of("model_name", ColumnType.STRING),
        Column.of("model_version", ColumnType.LONG));
  }

  /** Creates the inference table unless it exists. */
  public void ensureTable(InferenceTableConfig t) {
    ensureTable(t, Optional.empty());
  }

  /**
   * Creates the inference table and, when {@code predictionColumns} are given ({@link
   * PredictionTable#columns}), the predictions table {@link PredictionTable#tableName}, each unless
   * it exists (an existing table keeps its columns).
   */
  public void ensureTable(InferenceTableConfig t, Optional<List<Column>> predictionColumns) {
    create(
        TableSpec.of(t.catalogName(), t.schemaName(), t.tableNamePrefix() + "_payload", columns()));
    if (predictionColumns.isPresent()) {
      create(
          TableSpec.of(
              t.catalogName(),
              t.schemaName(),
              t.tableNamePrefix() + PredictionTable.SUFFIX,
              predictionColumns.get()));
    }
  }

  private void create(TableSpec spec) {
    try {
      tables.create(spec);
    } catch (KeelException e) {
      if (e.code() != ErrorCode.ALREADY_EXISTS) {
        throw e;
      }
    }
  }

  /**
   * Queues a record; drops (and counts) it if the queue is full. Never blocks and takes no lock:
   * the writer runs at a lower priority, and a request thread must never wait for it.
   */
  public void log(Entry e) {
    if (closing) {
      dropped.incrementAndGet();
      return;
    }
    int n = queued.incrementAndGet();
    if (n > capacity) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.add(e);
    if (n == batchRows) {
      LockSupport.unpark(writer);
    }
  }

  /** Records dropped because the queue was full (or the logger closing). */
  public long dropped() {
    return dropped.get();
  }

  /** Records written (to {@code _payload} tables). */
  public long written() {
    return written.get();
  }

  /** Records lost because a table write failed (to {@code _payload} tables). */
  public long failed() {
    return failed.get();
  }

  /** Rows written to {@code _predictions} tables. */
  public long predictionRowsWritten() {
    return predictionRows.get();
  }

  /** Rows of {@code _predictions} tables lost because a table write failed. */
  public long predictionRowsFailed() {
    return predictionRowsFailed.get();
  }

  /** Table commits done (one per inference or predictions table per batch). */
  public long flushes() {
    return flushes.get();
  }

  /** Seconds the writer spent staging rows and committing them, in total. */
  public double flushSeconds() {
    return flushNanos.get() / 1e9;
  }

  private void run() {
    writerTid = BackgroundPriority.currentThreadId();
    if (!BackgroundPriority.lowerCurrentThread()) {
      LOG.debug("inference-log writer keeps its CPU priority (no chrt or renice here)");
    }
    Stages w = new Stages();
    long commitAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(flushMillis);
    try {
      while (true) {
        boolean stop = closing;
        long now = System.nanoTime();
        if (!stop && queued.get() < batchRows && commitAt - now > 0) {
          // woken by log() at batchRows, or by close(); records move to the stages meanwhile
          LockSupport.parkNanos(this, Math.min(commitAt - now, STAGE_NANOS));
        }
        // what is queued now (all of it when stopping); later records wait for the next pass
        int n = stop ? Integer.MAX_VALUE : queued.get();
        Entry e;
        for (int i = 0; i < n && (e = queue.poll()) != null; i++) {
          queued.decrementAndGet();
          stageEntry(w, e);
        }
        if (stop || System.nanoTime() - commitAt >= 0) {
          for (String t : List.copyOf(w.stages.keySet())) {
            if (!commit(w, t)) {
              w.stages.remove(t).close(); // idle for a whole interval (e.g. its endpoint is gone)
              w.columns.remove(t);
            }
          }
          w.absent.clear(); // a predictions table made since is found on its next row
          commitAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(flushMillis);
        }
        if (stop) {
          return;
        }
      }
    } finally {
      w.stages.values().forEach(TableService.Stage::close);
    }
  }

  /** The writer's open stages, by table, with each table's columns. */
  private static final class Stages {
    final Map<String, TableService.Stage> stages = new LinkedHashMap<>();
    final Map<String, Map<String, ColumnType>> columns = new HashMap<>();

    /** Predictions tables that do not exist (looked up again after the next commit interval). */
    final Set<String> absent = new HashSet<>();
  }

  /**
   * Stages a record's {@code _payload} row and, for a scored 2xx answer, its {@code _predictions}
   * rows (when that table exists: endpoints whose models declare no signature have none).
   */
  private void stageEntry(Stages w, Entry e) {
    String clientId = clientRequestId(e.request());
    String payload = e.table().tableFullName();
    TableService.Stage st = stage(w, payload, false);
    if (st != null) {
      stageRow(st, w.columns.get(payload), e, clientId);
      if (st.staged() >= batchRows) {
        commit(w, payload);
      }
    }
    if (e.scored().isEmpty() || e.statusCode() < 200 || e.statusCode() >= 300) {
      return;
    }
    String preds = PredictionTable.tableName(e.table());
    TableService.Stage ps = w.absent.contains(preds) ? null : stage(w, preds, true);
    if (ps == null) {
      return;
    }
    long t0 = System.nanoTime();
    try {
      for (Map<String, Object> row :
          PredictionTable.rows(e, clientId, e.scored().get(), w.columns.get(preds))) {
        try {
          ps.add(row);
        } catch (RuntimeException ex) {
          predictionRowsFailed.incrementAndGet();
          LOG.warn("Could not log a prediction to {}: {}", preds, ex.toString());
        }
      }
    } catch (RuntimeException ex) {
      predictionRowsFailed.addAndGet(e.scored().get().predictions().rows());
      LOG.warn("Could not log the predictions of a request to {}: {}", preds, ex.toString());
    } finally {
      flushNanos.addAndGet(System.nanoTime() - t0);
    }
    if (ps.staged() >= batchRows) {
      commit(w, preds);
    }
  }

  /**
   * The open stage of a table, opened on first use; null if it fails (the record counted failed)
   * or, when {@code optional}, if the table does not exist (remembered in {@code w.absent}).
   */
  private TableService.Stage stage(Stages w, String table, boolean optional) {
    TableService.Stage st = w.stages.get(table);
    if (st == null) {
      try {
        Map<String, ColumnType> names = new HashMap<>();
        tables.get(table).columns().forEach(c -> names.put(c.name(), c.type()));
        st = tables.stage(table);
        w.stages.put(table, st);
        w.columns.put(table, names);
      } catch (KeelException ex) {
        if (optional && ex.code() == ErrorCode.NOT_FOUND) {
          w.absent.add(table);
          return null;
        }
        openFailed(table, optional, ex);
        return null;
      } catch (RuntimeException ex) {
        openFailed(table, optional, ex);
        return null;
      }
    }
    return st;
  }

  private void openFailed(String table, boolean predictions, RuntimeException ex) {
    if (!predictions) {
      failed.incrementAndGet();
    }
    LOG.warn("Could not open inference table {}: {}", table, ex.toString());
  }

  private void stageRow(
      TableService.Stage st, Map<String, ColumnType> columns, Entry e, String id) {
    long t0 = System.nanoTime();
    try {
      Map<String, Object> row = row(e, id);
      row.keySet().retainAll(columns.keySet()); // a table made before a column was added lacks it
      st.add(row);
    } catch (RuntimeException ex) {
      failed.incrementAndGet();
      LOG.warn("Could not log a request to an inference table: {}", ex.toString());
    } finally {
      flushNanos.addAndGet(System.nanoTime() - t0);
    }
  }

  /**
   * Appends a table's staged rows in one commit; on failure they count as failed and the stage is
   * closed. Returns whether there was anything to commit.
   */
  private boolean commit(Stages w, String table) {
    TableService.Stage st = w.stages.get(table);
    long rows = st.staged();
    if (rows == 0) {
      return false;
    }
    boolean predictions = table.endsWith(PredictionTable.SUFFIX);
    long t0 = System.nanoTime();
    try {
      st.commit();
      (predictions ? predictionRows : written).addAndGet(rows);
    } catch (RuntimeException ex) {
      (predictions ? predictionRowsFailed : failed).addAndGet(rows);
      LOG.warn("Could not write {} rows to inference table {}: {}", rows, table, ex.toString());
      w.stages.remove(table).close(); // reopened (and the table looked up again) on the next record
      w.columns.remove(table);
    } finally {
      flushes.incrementAndGet();
      flushNanos.addAndGet(System.nanoTime() - t0);
    }
    return true;
  }

  private static Map<String, Object> row(Entry e, String clientRequestId) {
    Map<String, Object> r = new HashMap<>();
    r.put("request_date", e.requestTime().atOffset(ZoneOffset.UTC).toLocalDate().toString());
    r.put("databricks_request_id", e.requestId());
    r.put("client_request_id", clientRequestId);
    r.put("request_time", e.requestTime());
    r.put("status_code", e.statusCode());
    r.put("execution_duration_ms", (e.executionMicros() + 999) / 1000);
    r.put("request", text(e.request()));
    r.put("response", text(e.response()));
    r.put("served_entity_id", e.servedEntity().isEmpty() ? null : e.servedEntity());
    r.put("requester", e.requester());
    r.put("execution_duration_us", e.executionMicros());
    r.put("model_name", e.modelName().isEmpty() ? null : e.modelName());
    r.put("model_version", e.modelVersion() == 0 ? null : e.modelVersion());
    return r;
  }

  private static String text(byte[] b) {
    return b.length > MAX_PAYLOAD_CHARS ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** The top-level {@code client_request_id} string of a JSON body, or null. */
  static String clientRequestId(byte[] body) {
    if (!contains(body, CLIENT_REQUEST_ID) && !contains(body, UNICODE_ESCAPE)) {
      return null; // most bodies: the name cannot be in them, not even escaped
    }
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("client_request_id") && v == JsonToken.VALUE_STRING) {
          return p.getText();
        }
        p.skipChildren();
      }
    } catch (IOException | RuntimeException ex) {
      return null;
    }
    return null;
  }

  private static final byte[] CLIENT_REQUEST_ID =
      "client_request_id".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UNICODE_ESCAPE = {'\\', 'u'};

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Stops taking records, writes what is queued (up to 10 s), then stops the writer. The writer
   * gets its normal priority back first where the process may give it (on a busy machine a thread
   * that runs only on an idle core could miss the deadline, and the records it holds would be
   * lost).
   */
  @Override
  public void close() {
    closing = true;
    String tid = writerTid;
    if (tid != null && writer.isAlive()) {
      BackgroundPriority.restore(tid);
    }
    LockSupport.unpark(writer);
    try {
      writer.join(10_000);
      if (writer.isAlive()) {
        writer.interrupt();
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    dropped.addAndGet(queued.getAndSet(0)); // offered while the writer made its last pass
  }
}
