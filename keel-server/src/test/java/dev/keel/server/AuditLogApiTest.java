package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelConfig;
import dev.keel.store.Database;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log end to end: a real server with named principals, the rows its listener writes, the
 * administrators' query API, and the drain at shutdown. On SQLite here, on PostgreSQL in {@link
 * AuditLogApiPostgresIT}.
 */
class AuditLogApiTest {
  static final String ROOT = TestPrincipals.bearer("root", "admins");
  static final String ALICE = TestPrincipals.bearer("alice", "analysts");
  static final String BODY_SECRET = "body-value-7f3a9c";

  @TempDir Path dir;

  /** The database URL the servers use; empty for SQLite in the data dir. */
  String databaseUrl() {
    return "";
  }

  KeelConfig config() {
    return new KeelConfig("127.0.0.1", 0, dir, databaseUrl());
  }

  static JsonNode audit(TestServer admin, String query) {
    TestServer.Response r = admin.get("/api/2.0/keel/audit" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  static List<JsonNode> entries(JsonNode page) {
    List<JsonNode> out = new ArrayList<>();
    page.path("entries").forEach(out::add);
    return out;
  }

  static JsonNode only(JsonNode page) {
    List<JsonNode> e = entries(page);
    assertThat(e).as(page.toString()).hasSize(1);
    return e.get(0);
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void allowed_and_denied_requests_are_recorded_with_who_what_and_how_it_ended() throws Exception {
    try (TestServer server = TestServer.startWithPrincipals(config())) {
      TestServer root = server.as(ROOT);
      TestServer alice = server.as(ALICE);
      long before = System.currentTimeMillis();

      assertThat(
              root.post(
                      "/api/2.1/unity-catalog/catalogs",
                      "{\"name\": \"sales\", \"comment\": \"" + BODY_SECRET + "\"}")
                  .status())
          .isEqualTo(200);
      assertThat(alice.delete("/api/2.1/unity-catalog/catalogs/sales").status()).isEqualTo(403);
      assertThat(server.get("/api/2.1/unity-catalog/catalogs").status()).isEqualTo(401);
      assertThat(server.get("/health").status()).isEqualTo(200); // open: not audited
      // A client's own request id and user agent, straight from the wire.
      HttpResponse<String> traced =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(server.url() + "/api/2.1/unity-catalog/catalogs/sales"))
                      .header("Authorization", ROOT)
                      .header("X-Request-Id", "trace-me-1")
                      .header("User-Agent", "audit-test/1.0")
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(traced.statusCode()).isEqualTo(200);

      JsonNode created = only(audit(root, "?action=unity-catalog.catalogs.create"));
      assertThat(created.path("principal_name").asText()).isEqualTo("root");
      assertThat(created.path("principal_id").asText()).isEqualTo("root");
      assertThat(created.path("service_name").asText()).isEqualTo("unity-catalog");
      assertThat(created.path("http_method").asText()).isEqualTo("POST");
      assertThat(created.path("path").asText()).isEqualTo("/api/2.1/unity-catalog/catalogs");
      assertThat(created.path("securable_type").asText()).isEqualTo("METASTORE");
      assertThat(created.path("privilege").asText()).isEqualTo("CREATE");
      assertThat(created.path("result").asText()).isEqualTo("allowed");
      assertThat(created.path("status_code").asInt()).isEqualTo(200);
      assertThat(created.path("source_ip_address").asText()).isEqualTo("127.0.0.1");
      assertThat(created.path("request_id").asText()).isNotEmpty();
      assertThat(created.path("event_time").asLong())
          .isBetween(before - 1, System.currentTimeMillis());

      JsonNode denied = only(audit(root, "?principal=alice"));
      assertThat(denied.path("action_name").asText()).isEqualTo("unity-catalog.catalogs.delete");
      assertThat(denied.path("result").asText()).isEqualTo("denied");
      assertThat(denied.path("status_code").asInt()).isEqualTo(403);
      assertThat(denied.path("securable_type").asText()).isEqualTo("CATALOG");
      assertThat(denied.path("securable_name").asText()).isEqualTo("sales");
      assertThat(denied.path("privilege").asText()).isEqualTo("MANAGE");

      List<JsonNode> anonymous =
          entries(audit(root, "?action=unity-catalog.catalogs.list")).stream()
              .filter(e -> e.path("status_code").asInt() == 401)
              .toList();
      assertThat(anonymous).hasSize(1);
      assertThat(anonymous.get(0).has("principal_name")).isFalse();
      assertThat(anonymous.get(0).path("result").asText()).isEqualTo("denied");

      JsonNode get = only(audit(root, "?action=unity-catalog.catalogs.get"));
      assertThat(get.path("request_id").asText()).isEqualTo("trace-me-1");
      assertThat(get.path("user_agent").asText()).isEqualTo("audit-test/1.0");

      assertThat(entries(audit(root, "?action=server.*"))).isEmpty(); // /health
    }
    // Nothing of the credentials or the bodies reached the table, in any column.
    String everything = dumpAuditTable();
    assertThat(everything).contains("root", "alice", "unity-catalog.catalogs.create");
    assertThat(everything).doesNotContain(BODY_SECRET, "as:root", "as:alice", "Bearer", "admins");
  }

  @Test
  void only_administrators_may_read_the_log() {
    try (TestServer server = TestServer.startWithPrincipals(config())) {
      TestServer.Response r = server.as(ALICE).get("/api/2.0/keel/audit");
      assertThat(r.status()).as(r.body()).isEqualTo(403);
      assertThat(r.errorCode()).isEqualTo("PERMISSION_DENIED");
      assertThat(server.get("/api/2.0/keel/audit").status()).isEqualTo(401);
      assertThat(server.as(ROOT).get("/metrics").body())
          .contains("keel_audit_dropped_total 0.0", "keel_audit_queued");
      // The refusals are themselves in the log.
      JsonNode refused = only(audit(server.as(ROOT), "?principal=alice&action=keel.audit.get"));
      assertThat(refused.path("result").asText()).isEqualTo("denied");
      assertThat(refused.path("privilege").asText()).isEqualTo("MANAGE");
    }
  }

  @Test
  void pages_newest_first_and_filters_by_time() {
    try (TestServer server = TestServer.startWithPrincipals(config())) {
      TestServer alice = server.as(ALICE);
      TestServer root = server.as(ROOT);
      for (int i = 0; i < 7; i++) {
        alice.get("/api/2.1/unity-catalog/catalogs/c" + i);
      }
      List<String> seen = new ArrayList<>();
      List<Long> times = new ArrayList<>();
      String token = null;
      int pages = 0;
      do {
        JsonNode page =
            audit(
                root,
                "?principal=alice&max_results=3"
                    + (token == null ? "" : "&page_token=" + q(token)));
        entries(page)
            .forEach(
                e -> {
                  seen.add(e.path("event_id").asText());
                  times.add(e.path("event_time").asLong());
                });
        token = page.has("next_page_token") ? page.path("next_page_token").asText() : null;
        pages++;
      } while (token != null);
      assertThat(pages).isEqualTo(3);
      assertThat(seen).hasSize(7).doesNotHaveDuplicates();
      assertThat(times).isSortedAccordingTo((a, b) -> Long.compare(b, a));

      long newest = times.get(0);
      long oldest = times.get(times.size() - 1);
      assertThat(entries(audit(root, "?principal=alice&since=" + (newest + 1)))).isEmpty();
      assertThat(entries(audit(root, "?principal=alice&until=" + oldest))).isEmpty();
      String since = java.time.Instant.ofEpochMilli(oldest).toString();
      assertThat(entries(audit(root, "?principal=alice&since=" + q(since)))).hasSize(7);
    }
  }

  @Test
  void bad_parameters_are_refused_naming_them() {
    try (TestServer server = TestServer.startWithPrincipals(config())) {
      TestServer root = server.as(ROOT);
      for (String[] c :
          new String[][] {
            {"since=yesterday", "since"},
            {"until=2026-13-01T00:00:00Z", "until"},
            {"since=2000&until=1000", "until"},
            {"max_results=0", "max_results"},
            {"max_results=1001", "max_results"},
            {"max_results=many", "max_results"},
            {"page_token=not-a-token", "page_token"}
          }) {
        TestServer.Response r = root.get("/api/2.0/keel/audit?" + c[0]);
        assertThat(r.status()).as(c[0] + ": " + r.body()).isEqualTo(400);
        assertThat(r.json().path("message").asText()).as(c[0]).contains("'" + c[1] + "'");
      }
    }
  }

  @Test
  void entries_queued_at_shutdown_are_written_before_the_server_stops() throws Exception {
    int n = 400;
    try (TestServer server = TestServer.startWithPrincipals(config())) {
      TestServer root = server.as(ROOT);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(8);
      try {
        List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          answers.add(pool.submit(() -> root.get("/api/2.1/unity-catalog/catalogs").status()));
        }
        for (java.util.concurrent.Future<Integer> a : answers) {
          assertThat(a.get()).isEqualTo(200);
        }
      } finally {
        pool.shutdown();
      }
    } // closed at once: the writer must drain its queue before the database closes
    try (TestServer started = TestServer.startWithPrincipals(config())) {
      TestServer again = started.as(ROOT);
      Set<String> ids = new HashSet<>();
      String token = null;
      do {
        JsonNode page =
            audit(
                again,
                "?action=unity-catalog.catalogs.list&principal=root&max_results=1000"
                    + (token == null ? "" : "&page_token=" + q(token)));
        entries(page).forEach(e -> ids.add(e.path("event_id").asText()));
        token = page.has("next_page_token") ? page.path("next_page_token").asText() : null;
      } while (token != null);
      assertThat(ids).hasSize(n);
    }
  }

  @Test
  void a_server_without_authentication_records_only_refusals() {
    try (TestServer server = TestServer.start(config())) { // everyone is the local administrator
      assertThat(server.get("/api/2.1/unity-catalog/catalogs").status()).isEqualTo(200);
      assertThat(entries(audit(server, ""))).isEmpty();
    }
  }

  /** Every value of every audit row, as one text. */
  String dumpAuditTable() throws Exception {
    try (Database db =
        Database.open(
            databaseUrl().isEmpty() ? Optional.empty() : Optional.of(databaseUrl()), dir)) {
      return db.read(
          h -> {
            StringBuilder all = new StringBuilder();
            try (ResultSet rs =
                h.getConnection().createStatement().executeQuery("SELECT * FROM audit_log")) {
              ResultSetMetaData md = rs.getMetaData();
              while (rs.next()) {
                for (int i = 1; i <= md.getColumnCount(); i++) {
                  all.append(rs.getString(i)).append('|');
                }
                all.append('\n');
              }
            }
            return all.toString();
          });
    }
  }
}
