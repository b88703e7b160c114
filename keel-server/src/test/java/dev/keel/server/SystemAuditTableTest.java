package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.catalog.CatalogService;
import dev.keel.catalog.JdbcCatalogStore;
import dev.keel.catalog.SystemCatalog;
import dev.keel.catalog.audit.AuditEntry;
import dev.keel.catalog.audit.AuditLog;
import dev.keel.catalog.audit.AuditSettings;
import dev.keel.catalog.audit.JdbcAuditStore;
import dev.keel.core.KeelConfig;
import dev.keel.store.Database;
import dev.keel.tables.TableService;
import dev.keel.tables.audit.AuditTableExporter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log as the system table {@code system.access.audit}: rows through the tables API and
 * DuckDB, nothing secret in them, the read-only system catalog, who sees it, and exactly-once
 * export across a crash and across two exporters. On SQLite here, on PostgreSQL in {@link
 * SystemAuditTablePostgresIT}.
 */
class SystemAuditTableTest {
  static final String ROOT = TestPrincipals.bearer("root", "admins");
  static final String ALICE = TestPrincipals.bearer("alice", "analysts");
  static final String BODY_SECRET = "body-value-5e1d0b";
  static final String TABLE = "system.access.audit";
  static final String UC = "/api/2.1/unity-catalog";
  static final String ROWS = "/api/2.0/keel/tables/" + TABLE;

  @TempDir Path dir;

  /** The database URL the servers use; empty for SQLite in the data dir. */
  String databaseUrl() {
    return "";
  }

  KeelConfig config() {
    return new KeelConfig("127.0.0.1", 0, dir, databaseUrl())
        .with(AuditSettings.TABLE_INTERVAL_MS, "100");
  }

  static void await(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  static long count(TestServer admin) {
    TestServer.Response r = admin.get(ROWS + "/count");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().path("count").asLong();
  }

  /** The table as CSV, through the export route. */
  static String csv(TestServer reader) {
    TestServer.Response r = reader.get(ROWS + "/export?format=csv");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** The {@code sequence} column of every row, through the export route. */
  static List<Long> sequences(TestServer admin) {
    TestServer.Response r = admin.get(ROWS + "/export?format=csv&columns=sequence");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String[] lines = r.body().split("\n");
    assertThat(lines[0].strip()).isEqualTo("sequence");
    List<Long> out = new ArrayList<>();
    for (int l = 1; l < lines.length; l++) {
      out.add(Long.parseLong(lines[l].strip()));
    }
    return out;
  }

  @Test
  void requests_become_rows_readable_through_the_tables_api_and_duckdb_with_no_secrets()
      throws Exception {
    try (TestServer server = TestServer.startWithPrincipals(config())) {
      TestServer root = server.as(ROOT);
      TestServer alice = server.as(ALICE);
      assertThat(
              root.post(
                      UC + "/catalogs",
                      "{\"name\": \"sales\", \"comment\": \"" + BODY_SECRET + "\"}")
                  .status())
          .isEqualTo(200);
      assertThat(alice.delete(UC + "/catalogs/sales").status()).isEqualTo(403);
      assertThat(server.get(UC + "/catalogs").status()).isEqualTo(401);
      await("the create in the table", () -> csv(root).contains("unity-catalog.catalogs.create"));
      await("the refusal in the table", () -> csv(root).contains("unity-catalog.catalogs.delete"));

      TestServer.Response info = root.get(UC + "/tables/" + TABLE);
      assertThat(info.status()).as(info.body()).isEqualTo(200);
      List<String> columns = new ArrayList<>();
      info.json().path("columns").forEach(c -> columns.add(c.path("name").asText()));
      assertThat(columns)
          .startsWith("version", "event_time", "event_date", "event_id")
          .contains(
              "user_identity_email",
              "service_name",
              "action_name",
              "request_params",
              "response_status_code",
              "source_ip_address",
              "user_agent",
              "request_id",
              "audit_level");
      assertThat(info.json().path("owner").asText()).isEqualTo(SystemCatalog.OWNER);

      JsonNode preview = root.get(ROWS + "/preview?limit=1000").json();
      List<String> names = new ArrayList<>();
      preview.path("columns").forEach(c -> names.add(c.path("name").asText()));
      JsonNode denied = null;
      for (JsonNode row : preview.path("rows")) {
        if (row.get(names.indexOf("action_name"))
            .asText()
            .equals("unity-catalog.catalogs.delete")) {
          denied = row;
        }
      }
      assertThat(denied).as(preview.toString()).isNotNull();
      assertThat(denied.get(names.indexOf("user_identity_email")).asText()).isEqualTo("alice");
      assertThat(denied.get(names.indexOf("response_status_code")).asInt()).isEqualTo(403);
      assertThat(denied.get(names.indexOf("result")).asText()).isEqualTo("denied");
      assertThat(denied.get(names.indexOf("service_name")).asText()).isEqualTo("unity-catalog");
      JsonNode params =
          TestServer.JSON.readTree(denied.get(names.indexOf("request_params")).asText());
      assertThat(params.path("full_name_arg").asText()).isEqualTo("sales");
      assertThat(params.path("privilege").asText()).isEqualTo("MANAGE");
      assertThat(params.path("http_method").asText()).isEqualTo("DELETE");
      String day = denied.get(names.indexOf("event_date")).asText();
      assertThat(day).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());

      // Nothing of the credentials or bodies reached any column.
      String everything = csv(root);
      assertThat(everything).contains("root", "alice");
      assertThat(everything).doesNotContain(BODY_SECRET, "as:root", "as:alice", "Bearer", "admins");

      // DuckDB reads the table's Parquet files as they are, partitioned by day.
      String location = info.json().path("storage_location").asText();
      Path data = Path.of(java.net.URI.create(location)).resolve("data");
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*), count(DISTINCT sequence), count(DISTINCT event_date),"
                      + " sum(CASE WHEN action_name = 'unity-catalog.catalogs.delete'"
                      + " AND response_status_code = 403 THEN 1 ELSE 0 END)"
                      + " FROM read_parquet('"
                      + data
                      + "/*.parquet')")) {
        assertThat(rs.next()).isTrue();
        long n = rs.getLong(1);
        // (the glob may also see the files of an append about to commit: no exact count here)
        assertThat(n).isPositive().isEqualTo(rs.getLong(2)); // no entry twice
        assertThat(rs.getLong(3)).isEqualTo(1);
        assertThat(rs.getLong(4)).isEqualTo(1);
      }
    }
  }

  @Test
  void the_system_catalog_is_read_only_even_for_administrators() {
    try (TestServer server = TestServer.startWithPrincipals(config())) {
      TestServer root = server.as(ROOT);
      for (String[] c :
          new String[][] {
            {"POST", ROWS + "/rows", "{\"mode\": \"append\", \"rows\": []}"},
            {"POST", ROWS + "/optimize", "{}"},
            {"DELETE", UC + "/tables/" + TABLE, null},
            {"DELETE", UC + "/schemas/system.access", null},
            {"DELETE", UC + "/catalogs/system", null},
            {"PATCH", UC + "/catalogs/system", "{\"comment\": \"mine\"}"},
            {"PATCH", UC + "/catalogs/system", "{\"owner\": \"root\"}"},
            {"POST", UC + "/schemas", "{\"catalog_name\": \"system\", \"name\": \"mine\"}"},
            {
              "POST",
              UC + "/tables",
              "{\"catalog_name\": \"system\", \"schema_name\": \"access\", \"name\": \"t\","
                  + " \"columns\": [{\"name\": \"a\", \"type_name\": \"INT\"}]}"
            },
          }) {
        TestServer.Response r = root.send(c[0], c[1], c[2]);
        assertThat(r.status()).as(c[0] + " " + c[1] + ": " + r.body()).isEqualTo(403);
        assertThat(r.json().path("message").asText())
            .as(c[1])
            .contains("system catalog is read-only");
      }
      // The name is reserved, for a new catalog and for a rename.
      TestServer.Response create = root.post(UC + "/catalogs", "{\"name\": \"SYSTEM\"}");
      assertThat(create.status()).as(create.body()).isEqualTo(400);
      assertThat(create.json().path("message").asText()).contains("'name'", "reserved");
      assertThat(root.post(UC + "/catalogs", "{\"name\": \"other\"}").status()).isEqualTo(200);
      TestServer.Response rename =
          root.send("PATCH", UC + "/catalogs/other", "{\"new_name\": \"system\"}");
      assertThat(rename.status()).as(rename.body()).isEqualTo(400);
      assertThat(rename.json().path("message").asText()).contains("'new_name'", "reserved");
      // Only reading can be granted.
      server.user("alice");
      TestServer.Response modify =
          root.send(
              "PATCH",
              UC + "/permissions/table/" + TABLE,
              "{\"changes\": [{\"principal\": \"alice\", \"add\": [\"MODIFY\"]}]}");
      assertThat(modify.status()).as(modify.body()).isEqualTo(400);
      assertThat(modify.json().path("message").asText()).contains("MODIFY", "read-only");
      assertThat(root.get(UC + "/catalogs/system").status()).isEqualTo(200);
      assertThat(root.get(UC + "/schemas/system.access").status()).isEqualTo(200);
    }
  }

  @Test
  void only_administrators_and_those_granted_read_it_and_nobody_writes_it() {
    try (TestServer server = TestServer.startWithPrincipals(config())) {
      TestServer root = server.as(ROOT);
      TestServer alice = server.as(ALICE);
      assertThat(catalogs(root)).contains("system");
      assertThat(catalogs(alice)).doesNotContain("system");
      assertThat(alice.get(ROWS + "/preview").status()).isEqualTo(403);
      assertThat(alice.get(UC + "/tables/" + TABLE).status()).isEqualTo(403);

      grant(root, "catalog", "system", "USE_CATALOG");
      grant(root, "schema", "system.access", "USE_SCHEMA");
      grant(root, "table", TABLE, "SELECT");
      assertThat(catalogs(alice)).contains("system");
      TestServer.Response read = alice.get(ROWS + "/preview");
      assertThat(read.status()).as(read.body()).isEqualTo(200);
      assertThat(alice.get(ROWS + "/export?format=csv").status()).isEqualTo(200);

      TestServer.Response write =
          alice.post(ROWS + "/rows", "{\"mode\": \"append\", \"rows\": []}");
      assertThat(write.status()).as(write.body()).isEqualTo(403);
      assertThat(write.json().path("message").asText()).contains("read-only");
      TestServer.Response regrant =
          alice.send(
              "PATCH",
              UC + "/permissions/table/" + TABLE,
              "{\"changes\": [{\"principal\": \"alice\", \"add\": [\"SELECT\"]}]}");
      assertThat(regrant.status()).as(regrant.body()).isEqualTo(403);
    }
  }

  static List<String> catalogs(TestServer who) {
    TestServer.Response r = who.get(UC + "/catalogs");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().path("catalogs").forEach(c -> out.add(c.path("name").asText()));
    return out;
  }

  static void grant(TestServer admin, String type, String name, String privilege) {
    TestServer.Response r =
        admin.send(
            "PATCH",
            UC + "/permissions/" + type + "/" + name,
            "{\"changes\": [{\"principal\": \"alice\", \"add\": [\"" + privilege + "\"]}]}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  static AuditEntry entry(String principal) {
    return entry(principal, System.currentTimeMillis());
  }

  static AuditEntry entry(String principal, long time) {
    return new AuditEntry(
        UUID.randomUUID().toString(),
        time,
        Optional.of(principal),
        Optional.of(principal),
        "unity-catalog",
        "unity-catalog.catalogs.get",
        "GET",
        "/api/2.1/unity-catalog/catalogs/{name}",
        Optional.of("CATALOG"),
        Optional.of("sales"),
        Optional.of("READ"),
        AuditEntry.Result.ALLOWED,
        200,
        Optional.of("127.0.0.1"),
        Optional.empty(),
        "req-" + principal,
        1);
  }

  @Test
  void entries_committed_but_not_exported_before_a_crash_are_exported_once_at_the_next_start() {
    long before;
    try (TestServer server = TestServer.startWithPrincipals(config())) {
      TestServer root = server.as(ROOT);
      for (int i = 0; i < 5; i++) {
        root.get(UC + "/catalogs");
      }
      await("the requests in the table", () -> count(root) >= 5);
    }
    // As if the process died after the audit log's commit and before the table's: entries in the
    // database that the table does not have.
    try (Database db = Database.open(config().databaseUrl(), dir)) {
      JdbcAuditStore store = new JdbcAuditStore(db);
      List<AuditEntry> gap = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        gap.add(entry("crash-" + i));
      }
      store.append(gap);
      before = store.lastSequence();
    }
    try (TestServer server = TestServer.startWithPrincipals(config())) {
      TestServer root = server.as(ROOT);
      await("the gap in the table", () -> sequences(root).contains(before));
      List<Long> seqs = sequences(root);
      assertThat(seqs).doesNotHaveDuplicates();
      // every entry up to the gap's end, each once: nothing lost, nothing twice
      assertThat(seqs.stream().filter(s -> s <= before).count()).isEqualTo(before);
      assertThat(csv(root)).contains("crash-0", "crash-299");
    }
  }

  @Test
  void two_exporters_on_one_database_export_each_entry_once() throws Exception {
    try (Database db = Database.open(config().databaseUrl(), dir)) {
      JdbcCatalogStore catalogs =
          new JdbcCatalogStore(db, List.of(TableService.schemaContents(dir)));
      SystemCatalog.ensure(catalogs, Clock.systemUTC());
      try (TableService tables =
              new TableService(
                  db, new CatalogService(catalogs, Clock.systemUTC()), dir, Clock.systemUTC());
          AuditLog log =
              new AuditLog(
                  new JdbcAuditStore(db),
                  Clock.systemUTC(),
                  new AuditLog.Options(10_000, Duration.ofSeconds(1), 0),
                  new SimpleMeterRegistry())) {
        AuditTableExporter a = new AuditTableExporter(log, tables, Clock.systemUTC(), 0, 20);
        AuditTableExporter b = new AuditTableExporter(log, tables, Clock.systemUTC(), 0, 20);
        try {
          for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 50; i++) {
              log.record(entry("p" + round + "-" + i));
            }
            Thread.sleep(15);
          }
          assertThat(log.awaitWritten(Duration.ofSeconds(30))).isTrue();
          long last = log.lastSequence();
          await("both exporters caught up", () -> a.exported() == last || b.exported() == last);
        } finally {
          a.close();
          b.close();
        }
        var snap = tables.resolve(AuditTableExporter.TABLE, dev.keel.tables.SnapshotRef.latest());
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
            Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT count(*), count(DISTINCT sequence), min(sequence), max(sequence)"
                        + " FROM read_parquet(["
                        + String.join(
                            ",", snap.dataFiles().stream().map(f -> "'" + f + "'").toList())
                        + "])")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(1000);
          assertThat(rs.getLong(2)).isEqualTo(1000);
          assertThat(rs.getLong(3)).isEqualTo(1);
          assertThat(rs.getLong(4)).isEqualTo(1000);
        }
      }
    }
  }

  /**
   * An export appends what was committed when it started, in one commit (a backlog of more than
   * {@link AuditTableExporter#MAX_ROWS} in several), and returns: it used to read again after each
   * commit, so under steady load (entries always arrived during the commit) it never returned and
   * committed to the table back to back instead of once per interval, which cost ingest a third of
   * its throughput (docs/benchmarks.md, "Governance (auth on)").
   */
  @Test
  void an_export_under_steady_load_commits_once_and_returns() throws Exception {
    try (Database db = Database.open(config().databaseUrl(), dir)) {
      JdbcCatalogStore catalogs =
          new JdbcCatalogStore(db, List.of(TableService.schemaContents(dir)));
      SystemCatalog.ensure(catalogs, Clock.systemUTC());
      JdbcAuditStore store = new JdbcAuditStore(db);
      try (TableService tables =
              new TableService(
                  db, new CatalogService(catalogs, Clock.systemUTC()), dir, Clock.systemUTC());
          AuditLog log =
              new AuditLog(
                  store,
                  Clock.systemUTC(),
                  new AuditLog.Options(1_024, Duration.ofSeconds(1), 0),
                  new SimpleMeterRegistry())) {
        store.append(List.of(entry("early-1"), entry("early-2")));
        // an interval no test outlasts: after its export at start, only the calls below export
        AuditTableExporter exporter =
            new AuditTableExporter(log, tables, Clock.systemUTC(), 0, 600_000);
        await("the export at start", () -> exporter.exported() == 2);
        java.util.concurrent.atomic.AtomicBoolean stop =
            new java.util.concurrent.atomic.AtomicBoolean();
        Thread load =
            Thread.ofPlatform()
                .start(
                    () -> {
                      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                      int i = 0;
                      while (!stop.get() && System.nanoTime() < deadline) {
                        store.append(List.of(entry("load-" + i++)));
                        try {
                          Thread.sleep(2);
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    });
        try {
          await("the first entries", () -> store.lastSequence() >= 22);
          int before = tables.history(AuditTableExporter.TABLE).size();
          long committedBefore = store.lastSequence();
          assertThat(exporter.exportAll()).isTrue();
          assertThat(load.isAlive()).as("the load was still running").isTrue();
          assertThat(tables.history(AuditTableExporter.TABLE)).hasSize(before + 1);
          assertThat(exporter.exported()).isGreaterThanOrEqualTo(committedBefore);
        } finally {
          stop.set(true);
          load.join();
          exporter.close();
        }
        // what arrived meanwhile went with the final export, each entry once
        assertThat(exporter.exported()).isEqualTo(store.lastSequence());
      }
    }
  }

  @Test
  void days_past_the_retention_leave_the_table_by_partition() throws Exception {
    long now = System.currentTimeMillis();
    long day = Duration.ofDays(1).toMillis();
    try (Database db = Database.open(config().databaseUrl(), dir)) {
      JdbcCatalogStore catalogs =
          new JdbcCatalogStore(db, List.of(TableService.schemaContents(dir)));
      SystemCatalog.ensure(catalogs, Clock.systemUTC());
      JdbcAuditStore store = new JdbcAuditStore(db);
      store.append(
          List.of(
              entry("ancient", now - 400 * day),
              entry("old", now - 31 * day),
              entry("recent", now - day),
              entry("today", now)));
      try (TableService tables =
              new TableService(
                  db, new CatalogService(catalogs, Clock.systemUTC()), dir, Clock.systemUTC());
          AuditLog log =
              new AuditLog(
                  store,
                  Clock.systemUTC(),
                  new AuditLog.Options(1_024, Duration.ofSeconds(1), 0),
                  new SimpleMeterRegistry())) {
        AuditTableExporter exporter =
            new AuditTableExporter(log, tables, Clock.systemUTC(), 30, 20);
        try {
          await("the export", () -> exporter.exported() == 4);
          await(
              "the old days deleted",
              () ->
                  tables.count(AuditTableExporter.TABLE, dev.keel.tables.SnapshotRef.latest())
                      == 2);
        } finally {
          exporter.close();
        }
        var snap = tables.resolve(AuditTableExporter.TABLE, dev.keel.tables.SnapshotRef.latest());
        assertThat(snap.dataFiles()).hasSize(2); // the two days kept, one file each
        assertThat(tables.logCursor(AuditTableExporter.TABLE, AuditTableExporter.CURSOR))
            .contains("4"); // the delete kept the cursor: nothing is exported again
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
            Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT string_agg(user_identity_email, ',' ORDER BY sequence)"
                        + " FROM read_parquet(["
                        + String.join(
                            ",", snap.dataFiles().stream().map(f -> "'" + f + "'").toList())
                        + "])")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("recent,today");
        }
      }
    }
  }
}
