package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelConfig;
import dev.keel.core.Page;
import dev.keel.server.KeelServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives {@link TablesClient} against a real Keel server on a free port. */
class TablesClientTest {
  @TempDir static Path dataDir;
  @TempDir Path files;

  static KeelServer server;
  static KeelClient client;
  static TablesClient tables;

  @BeforeAll
  static void start() {
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
    client = new KeelClient(server.url());
    tables = client.tables();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  static String unique(String prefix) {
    return "main.default." + prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  static TableInfo users(String name) {
    return tables.create(
        NewTable.of(
                name,
                List.of(
                    ColumnInfo.of("id", "LONG").notNull(),
                    ColumnInfo.of("city", "STRING").withComment("home city"),
                    ColumnInfo.of("score", "DOUBLE"),
                    ColumnInfo.of("ts", "TIMESTAMP")))
            .withPrimaryKeys("id")
            .withComment("people")
            .withProperties(Map.of("team", "growth")));
  }

  static KeelClientException failure(Runnable call) {
    try {
      call.run();
    } catch (KeelClientException e) {
      return e;
    }
    throw new AssertionError("expected a KeelClientException");
  }

  @Test
  void create_returns_the_table_and_get_and_list_find_it() {
    String name = unique("users");
    TableInfo t = users(name);
    assertThat(t.fullName()).isEqualTo(name);
    assertThat(t.catalogName()).isEqualTo("main");
    assertThat(t.columnNames()).containsExactly("id", "city", "score", "ts");
    assertThat(t.columns().get(0).nullable()).isFalse();
    assertThat(t.columns().get(0).typeName()).isEqualTo("LONG");
    assertThat(t.columns().get(1).comment()).contains("home city");
    assertThat(t.primaryKeys()).containsExactly("id");
    assertThat(t.timeseriesKey()).isEmpty();
    assertThat(t.comment()).isEqualTo("people");
    assertThat(t.properties()).containsEntry("team", "growth");
    assertThat(t.tableType()).isEqualTo("MANAGED");
    assertThat(t.createdAt()).isPositive();
    assertThat(tables.get(name)).isEqualTo(t);
    assertThat(tables.listAll("main", "default")).extracting(TableInfo::fullName).contains(name);
  }

  @Test
  void list_pages_through_every_table() {
    for (int i = 0; i < 3; i++) {
      users(unique("paged"));
    }
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      Page<TableInfo> p = tables.list("main", "default", 2, token);
      assertThat(p.items().size()).isLessThanOrEqualTo(2);
      p.items().forEach(t -> seen.add(t.fullName()));
      token = p.nextPageToken().orElse("");
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isGreaterThanOrEqualTo(2);
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen)
        .containsExactlyInAnyOrderElementsOf(
            tables.listAll("main", "default").stream().map(TableInfo::fullName).toList());
  }

  @Test
  void rows_are_appended_upserted_and_overwritten_with_history_and_time_travel() {
    String name = unique("writes");
    users(name);
    WriteResult first =
        tables.writeRows(
            name,
            WriteMode.APPEND,
            List.of(
                Map.of(
                    "id",
                    1,
                    "city",
                    "Paris",
                    "score",
                    0.5,
                    "ts",
                    Instant.parse("2024-01-01T00:00:00Z")),
                Map.of("id", 2, "city", "Lyon", "score", 0.25, "ts", "2024-01-02T00:00:00Z")));
    assertThat(first.rowsAdded()).isEqualTo(2);
    WriteResult up =
        tables.writeRows(
            name,
            WriteMode.UPSERT,
            List.of(Map.of("id", 2, "city", "Nice"), Map.of("id", 3, "city", "Lille")));
    assertThat(up.rowsAdded()).isEqualTo(2);
    assertThat(up.snapshotId()).isNotEqualTo(first.snapshotId());
    assertThat(tables.count(name)).isEqualTo(3);

    Preview latest = tables.preview(name, TableRead.latest(10).withColumns("id", "city"));
    assertThat(latest.snapshotId()).isEqualTo(up.snapshotId());
    assertThat(latest.columnNames()).containsExactly("id", "city");
    assertThat(latest.rows())
        .containsExactlyInAnyOrder(List.of(1L, "Paris"), List.of(2L, "Nice"), List.of(3L, "Lille"));

    Preview old = tables.preview(name, TableRead.latest(10).atSnapshot(first.snapshotId()));
    assertThat(old.snapshotId()).isEqualTo(first.snapshotId());
    assertThat(old.rows()).hasSize(2);
    assertThat(old.rows())
        .anySatisfy(
            r -> {
              assertThat(r.get(0)).isEqualTo(2L);
              assertThat(r.get(1)).isEqualTo("Lyon");
              assertThat(r.get(2)).isEqualTo(0.25);
              assertThat((String) r.get(3)).startsWith("2024-01-02T00:00");
            });
    assertThat(tables.count(name, TableRead.latest(0).atSnapshot(first.snapshotId()))).isEqualTo(2);

    List<Snapshot> history = tables.history(name);
    assertThat(history)
        .extracting(Snapshot::snapshotId)
        .contains(first.snapshotId(), up.snapshotId());
    Snapshot last = history.get(0);
    assertThat(last.snapshotId()).isEqualTo(up.snapshotId());
    assertThat(last.parentId()).hasValue(first.snapshotId());
    assertThat(last.totalRows()).isEqualTo(3);
    Instant between = last.committedAt().minusMillis(1);
    assertThat(tables.count(name, TableRead.latest(0).asOf(between))).isEqualTo(2);

    WriteResult over =
        tables.writeRows(name, WriteMode.OVERWRITE, List.of(Map.of("id", 9, "city", "Brest")));
    assertThat(over.rowsAdded()).isEqualTo(1);
    assertThat(tables.preview(name, 10).rows())
        .containsExactly(Arrays.asList(9L, "Brest", null, null));
  }

  @Test
  void optimize_compacts_appended_files_and_the_history_shows_the_unique_key_mark() {
    String name = unique("optimized");
    users(name);
    tables.writeRows(name, WriteMode.APPEND, List.of(Map.of("id", 2, "city", "Lyon")));
    tables.writeRows(name, WriteMode.APPEND, List.of(Map.of("id", 1, "city", "Nice")));
    List<Snapshot> before = tables.history(name);
    assertThat(before.get(1).primaryKeyUnique()).as("first append, distinct keys").isTrue();
    assertThat(before.get(0).primaryKeyUnique()).as("append to rows already there").isFalse();

    OptimizeResult o = tables.optimize(name);
    assertThat(o).isEqualTo(new OptimizeResult(o.snapshotId(), 2, 1, 2, true));
    Snapshot now = tables.history(name).get(0);
    assertThat(now.snapshotId()).isEqualTo(o.snapshotId());
    assertThat(now.primaryKeyUnique()).isTrue();
    assertThat(now.totalRows()).isEqualTo(2);
    assertThat(tables.preview(name, 10).rows())
        .as("one file in key order")
        .containsExactly(
            Arrays.asList(1L, "Nice", null, null), Arrays.asList(2L, "Lyon", null, null));
    assertThat(tables.optimize(name).filesAdded()).isZero();
    assertThat(failure(() -> tables.optimize("main.default.missing_table")).httpStatus())
        .isEqualTo(404);
  }

  @Test
  void local_csv_and_json_files_are_uploaded_by_extension() throws Exception {
    String name = unique("files");
    users(name);
    Path csv = files.resolve("users.csv");
    Files.writeString(csv, "id,city,score,ts\n1,Paris,0.5,2024-01-01T00:00:00Z\n2,Lyon,1.5,\n");
    WriteResult a = tables.writeFile(name, WriteMode.APPEND, csv);
    assertThat(a.rowsAdded()).isEqualTo(2);
    Path json = files.resolve("more.json");
    Files.writeString(
        json,
        "{\"id\": 2, \"city\": \"Nice\", \"score\": 2.0, \"ts\": null}\n"
            + "{\"id\": 4, \"city\": \"Metz\", \"score\": null, \"ts\": null}\n");
    WriteResult u = tables.writeFile(name, WriteMode.UPSERT, json);
    assertThat(u.rowsAdded()).isEqualTo(2);
    assertThat(tables.count(name)).isEqualTo(3);
    assertThat(tables.preview(name, TableRead.latest(10).withColumns("id", "city", "score")).rows())
        .containsExactlyInAnyOrder(
            List.of(1L, "Paris", 0.5), List.of(2L, "Nice", 2.0), Arrays.asList(4L, "Metz", null));
  }

  @Test
  void bad_input_surfaces_as_the_servers_error_and_writes_nothing() throws Exception {
    String name = unique("bad");
    users(name);
    tables.writeRows(name, WriteMode.APPEND, List.of(Map.of("id", 1, "city", "Paris")));
    long before = tables.history(name).size();

    KeelClientException unknown =
        failure(
            () -> tables.writeRows(name, WriteMode.APPEND, List.of(Map.of("id", 2, "nope", 1))));
    assertThat(unknown.httpStatus()).isEqualTo(400);
    assertThat(unknown.errorCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(unknown.getMessage()).contains("nope");

    KeelClientException type =
        failure(() -> tables.writeRows(name, WriteMode.APPEND, List.of(Map.of("id", "x"))));
    assertThat(type.httpStatus()).isEqualTo(400);
    assertThat(type.getMessage()).contains("id");

    KeelClientException dup =
        failure(
            () ->
                tables.writeRows(
                    name, WriteMode.UPSERT, List.of(Map.of("id", 5), Map.of("id", 5))));
    assertThat(dup.httpStatus()).isEqualTo(400);
    assertThat(dup.getMessage()).contains("id=5").contains("appears 2 times");

    KeelClientException zone =
        failure(
            () ->
                tables.writeRows(
                    name, WriteMode.APPEND, List.of(Map.of("id", 6, "ts", "2024-01-01T00:00:00"))));
    assertThat(zone.httpStatus()).isEqualTo(400);
    assertThat(zone.getMessage()).contains("ts");

    Path csv = files.resolve("bad.csv");
    Files.writeString(csv, "id,wrong\n1,2\n");
    KeelClientException file = failure(() -> tables.writeFile(name, WriteMode.APPEND, csv));
    assertThat(file.httpStatus()).isEqualTo(400);
    assertThat(file.getMessage()).contains("wrong");

    assertThat(tables.history(name)).hasSize((int) before);
    assertThat(tables.count(name)).isEqualTo(1);

    KeelClientException preview =
        failure(() -> tables.preview(name, TableRead.latest(10).withColumns("missing")));
    assertThat(preview.httpStatus()).isEqualTo(400);
    assertThat(preview.getMessage()).contains("missing");
    assertThat(
            failure(() -> tables.preview(name, TableRead.latest(10).atSnapshot(42))).httpStatus())
        .isEqualTo(404);
    assertThat(failure(() -> tables.preview(name, -1)).getMessage()).contains("limit");

    KeelClientException dupTable = failure(() -> users(name));
    assertThat(dupTable.errorCode()).isEqualTo("ALREADY_EXISTS");
    KeelClientException badType =
        failure(
            () ->
                tables.create(NewTable.of(unique("t"), List.of(ColumnInfo.of("a", "NOT_A_TYPE")))));
    assertThat(badType.httpStatus()).isEqualTo(400);
    assertThat(badType.getMessage()).contains("columns[0]");

    assertThatThrownBy(() -> tables.writeFile(name, WriteMode.APPEND, files.resolve("x.txt")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void delete_removes_the_table() {
    String name = unique("gone");
    users(name);
    tables.delete(name);
    KeelClientException e = failure(() -> tables.get(name));
    assertThat(e.isNotFound()).isTrue();
    assertThat(e.httpStatus()).isEqualTo(404);
    assertThat(failure(() -> tables.delete(name)).httpStatus()).isEqualTo(404);
  }
}
