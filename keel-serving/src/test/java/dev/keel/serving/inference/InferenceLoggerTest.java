package dev.keel.serving.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.serving.endpoints.InferenceTableConfig;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import dev.keel.tables.Column;
import dev.keel.tables.Preview;
import dev.keel.tables.SnapshotRef;
import dev.keel.tables.TableService;
import dev.keel.tables.TableSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceLoggerTest {
  @TempDir Path dir;

  private static final InferenceTableConfig TABLE =
      new InferenceTableConfig("main", "default", "ep", true);
  private static final String PAYLOAD = "main.default.ep_payload";

  private static InferenceLogger.Entry entry(int i) {
    return new InferenceLogger.Entry(
        TABLE,
        "req-" + i,
        Instant.parse("2026-11-26T10:00:00Z").plusMillis(i),
        200,
        1,
        ("{\"inputs\": [" + i + "]}").getBytes(StandardCharsets.UTF_8),
        "{\"predictions\": [0.5]}".getBytes(StandardCharsets.UTF_8),
        "m-1",
        "main.default.m",
        1,
        "tester");
  }

  private interface Body {
    void run(TableService tables) throws Exception;
  }

  private void withTables(Body body) throws Exception {
    try (Database db = TestDatabases.sqlite(dir)) {
      Clock clock = Clock.systemUTC();
      CatalogService catalog = new CatalogService(new JdbcCatalogStore(db), clock);
      try (TableService tables = new TableService(db, catalog, dir, clock)) {
        body.run(tables);
      }
    }
  }

  @Test
  void close_writes_what_is_queued() throws Exception {
    withTables(
        tables -> {
          InferenceLogger log = new InferenceLogger(tables, 10_000, 500, 60_000);
          log.ensureTable(TABLE);
          for (int i = 0; i < 1200; i++) {
            log.log(entry(i));
          }
          log.close();
          assertThat(log.written())
              .as("written (failed %d, dropped %d)", log.failed(), log.dropped())
              .isEqualTo(1200);
          assertThat(log.dropped()).isZero();
          assertThat(tables.count(PAYLOAD, SnapshotRef.latest())).isEqualTo(1200);
          log.log(entry(9999));
          assertThat(log.dropped()).as("logged after close").isEqualTo(1);
        });
  }

  @Test
  void a_full_queue_drops_and_counts_instead_of_blocking() throws Exception {
    withTables(
        tables -> {
          InferenceLogger log = new InferenceLogger(tables, 10, 1000, 60_000);
          log.ensureTable(TABLE);
          for (int i = 0; i < 15; i++) {
            log.log(entry(i));
          }
          assertThat(log.dropped()).isEqualTo(5);
          log.close();
          assertThat(log.written()).isEqualTo(10);
          assertThat(tables.count(PAYLOAD, SnapshotRef.latest())).isEqualTo(10);
        });
  }

  @Test
  void a_full_batch_is_written_without_waiting_for_the_interval() throws Exception {
    withTables(
        tables -> {
          try (InferenceLogger log = new InferenceLogger(tables, 1000, 5, 60_000)) {
            log.ensureTable(TABLE);
            for (int i = 0; i < 5; i++) {
              log.log(entry(i));
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (log.written() < 5 && System.nanoTime() < deadline) {
              Thread.sleep(20);
            }
            assertThat(log.written()).isEqualTo(5);
            assertThat(log.flushes()).isEqualTo(1);
          }
        });
  }

  @Test
  void a_row_records_microseconds_and_the_model_version_that_answered() throws Exception {
    withTables(
        tables -> {
          InferenceLogger log = new InferenceLogger(tables, 1000, 1000, 60_000);
          log.ensureTable(TABLE);
          log.log(
              new InferenceLogger.Entry(
                  TABLE,
                  "req-fast",
                  Instant.parse("2026-11-26T10:00:00Z"),
                  200,
                  250,
                  "{}".getBytes(StandardCharsets.UTF_8),
                  "{}".getBytes(StandardCharsets.UTF_8),
                  "champion",
                  "main.default.m",
                  7,
                  "tester"));
          log.log(
              new InferenceLogger.Entry(
                  TABLE,
                  "req-unrouted",
                  Instant.parse("2026-11-26T10:00:01Z"),
                  404,
                  0,
                  "{}".getBytes(StandardCharsets.UTF_8),
                  "{}".getBytes(StandardCharsets.UTF_8),
                  "",
                  "",
                  0,
                  "tester"));
          log.close();
          assertThat(log.written()).isEqualTo(2);
          Preview p = tables.preview(PAYLOAD, SnapshotRef.latest(), List.of(), 10);
          List<String> names = p.columns().stream().map(Column::name).toList();
          Map<String, List<Object>> byId = new HashMap<>();
          for (List<Object> row : p.rows()) {
            byId.put((String) row.get(names.indexOf("databricks_request_id")), row);
          }
          List<Object> fast = byId.get("req-fast");
          assertThat(((Number) fast.get(names.indexOf("execution_duration_ms"))).longValue())
              .as("250 µs is not 0 ms")
              .isEqualTo(1);
          assertThat(((Number) fast.get(names.indexOf("execution_duration_us"))).longValue())
              .isEqualTo(250);
          assertThat(fast.get(names.indexOf("served_entity_id"))).isEqualTo("champion");
          assertThat(fast.get(names.indexOf("model_name"))).isEqualTo("main.default.m");
          assertThat(((Number) fast.get(names.indexOf("model_version"))).longValue()).isEqualTo(7);
          List<Object> unrouted = byId.get("req-unrouted");
          assertThat(((Number) unrouted.get(names.indexOf("execution_duration_ms"))).longValue())
              .isZero();
          assertThat(unrouted.get(names.indexOf("model_version"))).isNull();
          assertThat(unrouted.get(names.indexOf("served_entity_id"))).isNull();
        });
  }

  @Test
  void a_table_made_before_the_new_columns_keeps_getting_rows() throws Exception {
    withTables(
        tables -> {
          List<Column> old =
              InferenceLogger.columns().stream()
                  .filter(
                      c ->
                          !List.of("execution_duration_us", "model_name", "model_version")
                              .contains(c.name()))
                  .toList();
          tables.create(TableSpec.of("main", "default", "ep_payload", old));
          InferenceLogger log = new InferenceLogger(tables, 1000, 1000, 60_000);
          log.ensureTable(TABLE);
          for (int i = 0; i < 3; i++) {
            log.log(entry(i));
          }
          log.close();
          assertThat(log.failed()).isZero();
          assertThat(log.written()).isEqualTo(3);
          assertThat(tables.count(PAYLOAD, SnapshotRef.latest())).isEqualTo(3);
        });
  }

  private static String id(String body) {
    return InferenceLogger.clientRequestId(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void client_request_id_is_the_top_level_string_field() {
    assertThat(id("{\"client_request_id\":\"a-1\",\"inputs\":[1]}")).isEqualTo("a-1");
    assertThat(id("{\"inputs\":[1],\"client_request_id\":\"a-2\"}")).isEqualTo("a-2");
    assertThat(id("{\"client\\u005frequest_id\":\"a-3\"}")).isEqualTo("a-3");
  }

  @Test
  void no_client_request_id_gives_null() {
    assertThat(id("{\"inputs\":[1]}")).isNull();
    assertThat(id("{\"inputs\":{\"client_request_id\":\"nested\"}}")).isNull();
    assertThat(id("{\"client_request_id\":7}")).isNull();
    assertThat(id("[1,2]")).isNull();
    assertThat(id("not json client_request_id")).isNull();
    assertThat(id("")).isNull();
  }
}
