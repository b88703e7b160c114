package dev.keel.monitoring.alerts;

import com.sun.net.httpserver.HttpServer;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Test doubles of the interfaces the lead implements, Parquet metric files, a webhook receiver. */
final class AlertFixtures {
  static final String TABLE = "main.ml.preds";
  static final String DAY0 = "2026-06-01";

  private AlertFixtures() {}

  /** Monitors by table name. */
  static final class Monitors implements AlertMonitors {
    final Map<String, MonitorFacts> byTable = new ConcurrentHashMap<>();

    Monitors daily(String table, boolean baseline) {
      byTable.put(
          table,
          new MonitorFacts(
              table,
              List.of("1 day", "1 week"),
              baseline,
              "main.mon." + table.substring(table.lastIndexOf('.') + 1) + "_profile_metrics",
              "main.mon." + table.substring(table.lastIndexOf('.') + 1) + "_drift_metrics",
              Set.of("my_ratio"),
              Set.of("my_drift")));
      return this;
    }

    @Override
    public Optional<MonitorFacts> monitor(String tableName) {
      return Optional.ofNullable(byTable.get(tableName));
    }
  }

  /** Jobs that exist, who may run them, and every run started. */
  static final class Jobs implements AlertJobs {
    record Run(long runId, long jobId, Map<String, String> params, String runAs, String token) {}

    final Set<Long> existing = ConcurrentHashMap.newKeySet();
    final Set<String> mayRun = ConcurrentHashMap.newKeySet();
    final List<Run> runs = new CopyOnWriteArrayList<>();
    final Map<String, Long> byToken = new ConcurrentHashMap<>();
    final AtomicLong ids = new AtomicLong(100);
    volatile boolean down;

    @Override
    public synchronized long runNow(
        long jobId, Map<String, String> params, String runAs, String idempotencyToken) {
      if (down) {
        throw new KeelException(ErrorCode.TEMPORARILY_UNAVAILABLE, "jobs are down");
      }
      Long known = byToken.get(idempotencyToken);
      if (known != null) {
        return known;
      }
      if (!existing.contains(jobId)) {
        throw KeelException.invalid("job " + jobId + " does not exist");
      }
      long id = ids.incrementAndGet();
      runs.add(new Run(id, jobId, Map.copyOf(params), runAs, idempotencyToken));
      byToken.put(idempotencyToken, id);
      return id;
    }

    @Override
    public void checkCanRun(long jobId, String user) {
      if (!existing.contains(jobId)) {
        throw KeelException.invalid("run_job.job_id: job " + jobId + " does not exist");
      }
      if (!mayRun.contains(user)) {
        throw new KeelException(
            ErrorCode.PERMISSION_DENIED, "run_job.job_id: " + user + " may not run job " + jobId);
      }
    }
  }

  /** A clock tests move by hand. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      this.now = start;
    }

    void advanceMillis(long ms) {
      now = now.plusMillis(ms);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** One received webhook request. */
  record Received(Map<String, String> headers, byte[] body) {}

  /** A local HTTP server answering queued statuses (200 when none is queued). */
  static final class Receiver implements AutoCloseable {
    final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedDeque<Integer> statuses = new ConcurrentLinkedDeque<>();
    volatile long delayMillis;

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/hook",
          ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (delayMillis > 0) {
              try {
                Thread.sleep(delayMillis);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            Map<String, String> h = new HashMap<>();
            ex.getRequestHeaders()
                .forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            received.add(new Received(h, body));
            Integer status = statuses.poll();
            int s = status == null ? 200 : status;
            ex.sendResponseHeaders(s, -1);
            ex.close();
          });
      server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /**
   * A profile-metrics row.
   *
   * @param day the window's first day (windows are 1 day)
   */
  record P(
      String day,
      String column,
      String sliceKey,
      String sliceValue,
      String modelId,
      String logType,
      Double percentNull) {
    static P table(String day, Double value) {
      return new P(day, ":table", null, null, "*", "INPUT", value);
    }
  }

  /** A drift-metrics row with {@code ks_test.pvalue} and {@code js_distance}. */
  record D(String day, String column, String driftType, Double pvalue, Double js) {}

  /** Writes profile rows (granularity {@code 1 day}) as a Parquet file. */
  static Path profile(Path dir, String file, List<P> rows) throws SQLException {
    List<String> values = new ArrayList<>();
    for (P r : rows) {
      values.add(
          "("
              + ts(r.day())
              + ", "
              + str(r.column())
              + ", "
              + str(r.sliceKey())
              + ", "
              + str(r.sliceValue())
              + ", "
              + str(r.modelId())
              + ", "
              + str(r.logType())
              + ", "
              + dbl(r.percentNull())
              + ")");
    }
    Path out = dir.resolve(file);
    copy(
        "SELECT {'start': d, 'end': d + INTERVAL 1 DAY} AS \"window\", '1 day' AS granularity,"
            + " m AS model_id, lt AS log_type, sk AS slice_key, sv AS slice_value,"
            + " c AS column_name, 'double' AS data_type, 10::BIGINT AS count, v AS percent_null"
            + " FROM (VALUES "
            + String.join(", ", values)
            + ") t(d, c, sk, sv, m, lt, v)",
        out);
    return out;
  }

  /** Writes drift rows (granularity {@code 1 day}) as a Parquet file. */
  static Path drift(Path dir, String file, List<D> rows) throws SQLException {
    List<String> values = new ArrayList<>();
    for (D r : rows) {
      values.add(
          "("
              + ts(r.day())
              + ", "
              + str(r.column())
              + ", "
              + str(r.driftType())
              + ", "
              + dbl(r.pvalue())
              + ", "
              + dbl(r.js())
              + ")");
    }
    Path out = dir.resolve(file);
    copy(
        "SELECT {'start': d, 'end': d + INTERVAL 1 DAY} AS \"window\","
            + " {'start': d - INTERVAL 1 DAY, 'end': d} AS window_cmp, dt AS drift_type,"
            + " '1 day' AS granularity, '*' AS model_id, CAST(NULL AS VARCHAR) AS slice_key,"
            + " CAST(NULL AS VARCHAR) AS slice_value, c AS column_name,"
            + " {'statistic': 0.5::DOUBLE, 'pvalue': p} AS ks_test, js AS js_distance"
            + " FROM (VALUES "
            + String.join(", ", values)
            + ") t(d, c, dt, p, js)",
        out);
    return out;
  }

  private static void copy(String select, Path out) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute(
          "COPY (" + select + ") TO '" + out.toString().replace("'", "''") + "' (FORMAT PARQUET)");
    }
  }

  private static String ts(String day) {
    return "TIMESTAMP '" + day + " 00:00:00'";
  }

  private static String str(String s) {
    return s == null ? "CAST(NULL AS VARCHAR)" : "'" + s.replace("'", "''") + "'";
  }

  private static String dbl(Double d) {
    return d == null
        ? "CAST(NULL AS DOUBLE)"
        : (d.isNaN() ? "'NaN'::DOUBLE" : "CAST(" + d + " AS DOUBLE)");
  }

  /** The day {@code n} days after {@link #DAY0}. */
  static String day(int n) {
    return java.time.LocalDate.parse(DAY0).plusDays(n).toString();
  }

  static long dayMs(int n) {
    return java.time.LocalDate.parse(DAY0)
        .plusDays(n)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant()
        .toEpochMilli();
  }

  /** An input with only the required fields of a create. */
  static AlertInput input(String metric, String op, double threshold) {
    return new AlertInput(
        Optional.of("drift of x"),
        Optional.of(TABLE),
        Optional.of(metric),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.of(op),
        OptionalDouble.of(threshold),
        OptionalInt.empty(),
        OptionalInt.empty(),
        Optional.empty(),
        Optional.empty(),
        false);
  }

  static AlertInput withEvaluation(AlertInput in, int n, int m) {
    return new AlertInput(
        in.name(),
        in.tableName(),
        in.metric(),
        in.columnName(),
        in.sliceKey(),
        in.sliceValue(),
        in.modelId(),
        in.granularity(),
        in.driftType(),
        in.op(),
        in.threshold(),
        OptionalInt.of(n),
        OptionalInt.of(m),
        in.webhooks(),
        in.runJob(),
        in.removeRunJob());
  }

  static AlertInput withWebhooks(AlertInput in, List<AlertInput.WebhookInput> hooks) {
    return new AlertInput(
        in.name(),
        in.tableName(),
        in.metric(),
        in.columnName(),
        in.sliceKey(),
        in.sliceValue(),
        in.modelId(),
        in.granularity(),
        in.driftType(),
        in.op(),
        in.threshold(),
        in.violations(),
        in.windows(),
        Optional.of(hooks),
        in.runJob(),
        in.removeRunJob());
  }

  static AlertInput withRunJob(AlertInput in, AlertSpec.RunJob job) {
    return new AlertInput(
        in.name(),
        in.tableName(),
        in.metric(),
        in.columnName(),
        in.sliceKey(),
        in.sliceValue(),
        in.modelId(),
        in.granularity(),
        in.driftType(),
        in.op(),
        in.threshold(),
        in.violations(),
        in.windows(),
        in.webhooks(),
        Optional.of(job),
        in.removeRunJob());
  }

  static AlertInput withColumn(AlertInput in, String column) {
    return new AlertInput(
        in.name(),
        in.tableName(),
        in.metric(),
        Optional.of(column),
        in.sliceKey(),
        in.sliceValue(),
        in.modelId(),
        in.granularity(),
        in.driftType(),
        in.op(),
        in.threshold(),
        in.violations(),
        in.windows(),
        in.webhooks(),
        in.runJob(),
        in.removeRunJob());
  }
}
