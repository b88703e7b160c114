package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.catalog.audit.AuditEntry;
import dev.keel.catalog.audit.JdbcAuditStore;
import dev.keel.core.KeelConfig;
import dev.keel.server.KeelServer;
import dev.keel.store.Database;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code keel audit} against a real server whose log holds entries written by the audit store
 * before it started (a server without authentication audits only refusals).
 */
class AuditCliTest {
  @org.junit.jupiter.api.io.TempDir static Path dataDir;
  static KeelServer server;
  static final long NOW = System.currentTimeMillis();

  static AuditEntry entry(String id, long time, String principal, String action, int status) {
    return new AuditEntry(
        id,
        time,
        Optional.of("id-" + principal),
        Optional.of(principal),
        action.substring(0, action.indexOf('.')),
        action,
        "DELETE",
        "/api/2.1/unity-catalog/tables/{full_name}",
        Optional.of("TABLE"),
        Optional.of("main.sales.orders"),
        Optional.of("MANAGE"),
        status == 403 ? AuditEntry.Result.DENIED : AuditEntry.Result.ALLOWED,
        status,
        Optional.of("10.0.0.7"),
        Optional.of("databricks-sdk-java/0.40"),
        "req-" + id,
        4);
  }

  @BeforeAll
  static void start() {
    try (Database db = Database.open(Optional.empty(), dataDir)) {
      new JdbcAuditStore(db)
          .append(
              List.of(
                  entry("e1", NOW - 3 * 3_600_000L, "alice", "unity-catalog.tables.delete", 403),
                  entry("e2", NOW - 60_000L, "bob", "unity-catalog.tables.delete", 200),
                  entry("e3", NOW - 30_000L, "alice", "mlflow.runs.get", 200)));
    }
    server = KeelServer.start(new KeelConfig("127.0.0.1", 0, dataDir, ""));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Result(int exit, String out, String err) {}

  static Result keel(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--url");
    all.add(server.url());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] argv = all.toArray(String[]::new);
    CommandLine cmd = Main.commandLine(Map.of(), argv);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(argv);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void prints_the_entries_newest_first_as_a_table() {
    Result r = keel("audit");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("PRINCIPAL", "ACTION", "SECURABLE", "RESULT", "STATUS");
    assertThat(r.out()).contains("TABLE main.sales.orders", "denied", "10.0.0.7", "req-e1");
    assertThat(r.out().indexOf("mlflow.runs.get"))
        .isLessThan(r.out().indexOf("req-e2"))
        .isLessThan(r.out().indexOf("req-e1"));
  }

  @Test
  void filters_are_flags_and_an_age_works_as_since() throws Exception {
    Result r =
        keel(
            "audit",
            "--principal",
            "alice",
            "--action",
            "unity-catalog.tables.*",
            "--output",
            "json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json).hasSize(1);
    assertThat(json.get(0).path("event_id").asText()).isEqualTo("e1");

    Result recent = keel("audit", "--since", "2h", "--output", "json");
    assertThat(recent.exit()).as(recent.err()).isZero();
    assertThat(new ObjectMapper().readTree(recent.out())).hasSize(2);
  }

  @Test
  void pages_with_a_hint_for_the_next_one() {
    Result r = keel("audit", "--max-results", "2");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out() + r.err()).contains("--page-token");
  }

  @Test
  void a_bad_time_is_refused_naming_it() {
    Result r = keel("audit", "--since", "yesterday");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("since");
  }
}
