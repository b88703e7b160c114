package dev.keel.monitoring.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.Authorizer;
import dev.keel.core.Principal;
import dev.keel.core.Privilege;
import dev.keel.core.SecurableType;
import dev.keel.http.AuthorizationGuard;
import dev.keel.http.Caller;
import dev.keel.http.HttpMetrics;
import dev.keel.http.HttpServer;
import dev.keel.http.OpenApiDocument;
import dev.keel.monitoring.alerts.AlertJobs;
import dev.keel.monitoring.alerts.AlertService;
import dev.keel.monitoring.alerts.AlertSettings;
import dev.keel.monitoring.alerts.MonitorFacts;
import dev.keel.store.Database;
import dev.keel.store.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts belong to their monitored table: SELECT (READ) on it to read, MANAGE to change; lists
 * without a table show only readable tables' alerts.
 */
class AlertRoutesAccessTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** user → (table → privileges) */
  static final Map<String, Map<String, Set<Privilege>>> GRANTS =
      Map.of(
          "reader", Map.of("main.ml.a", Set.of(Privilege.READ)),
          "owner", Map.of("main.ml.a", Set.of(Privilege.READ, Privilege.MANAGE)));

  @TempDir Path dir;
  Database db;
  AlertService alerts;
  HttpServer server;
  AlertRoutes routes;

  @BeforeEach
  void start() {
    db = TestDatabases.sqlite(dir);
    alerts =
        new AlertService(
            db,
            t ->
                Optional.of(
                    new MonitorFacts(
                        t, List.of("1 day"), false, t + "_p", t + "_d", Set.of(), Set.of())),
            new AlertJobs() {
              @Override
              public long runNow(long j, Map<String, String> p, String r, String t) {
                return 1;
              }

              @Override
              public void checkCanRun(long jobId, String user) {}
            },
            AlertSettings.defaults());
    Authorizer tables =
        (caller, type, name, privilege) -> {
          boolean ok =
              type == SecurableType.METASTORE
                  || GRANTS
                      .getOrDefault(caller.name(), Map.of())
                      .getOrDefault(name, Set.of())
                      .contains(privilege);
          return new Authorizer.Decision(
              ok, type.name(), name, privilege.name(), "no " + privilege + " on " + name);
        };
    routes = new AlertRoutes(alerts);
    server =
        HttpServer.start(
            new HttpServer.Options("127.0.0.1", 0, 1 << 20, "alerts-access", 16),
            List.of(routes),
            new HttpMetrics(),
            new HttpServer.Edge(
                List.of(
                    (ctx, access) -> {
                      String u = ctx.header("X-User");
                      Caller.set(
                          ctx,
                          u == null
                              ? Principal.LOCAL
                              : new Principal(u, u, Principal.Kind.USER, false, Set.of()));
                    },
                    new AuthorizationGuard(
                        Map.of(SecurableType.TABLE, tables, SecurableType.METASTORE, tables))),
                List.of()));
  }

  @AfterEach
  void stop() {
    server.close();
    alerts.close();
    db.close();
  }

  int status(String user, String method, String path, String body) throws Exception {
    return send(user, method, path, body).statusCode();
  }

  HttpResponse<String> send(String user, String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      b.header("X-User", user);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String create(String table) {
    return "{\"name\": \"n\", \"table_name\": \""
        + table
        + "\", \"metric\": \"percent_null\","
        + " \"op\": \"GREATER_THAN\", \"threshold\": 0.5}";
  }

  String id(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("alert_id").asText();
  }

  @Test
  void changing_needs_manage_and_reading_needs_select_on_the_table() throws Exception {
    assertThat(status("reader", "POST", "/api/2.0/keel/alerts", create("main.ml.a")))
        .isEqualTo(403);
    String a = id(send("owner", "POST", "/api/2.0/keel/alerts", create("main.ml.a")));
    String b = id(send(null, "POST", "/api/2.0/keel/alerts", create("main.ml.b")));
    assertThat(status("reader", "GET", "/api/2.0/keel/alerts/" + a, null)).isEqualTo(200);
    assertThat(status("reader", "GET", "/api/2.0/keel/alerts/" + a + "/firings", null))
        .isEqualTo(200);
    assertThat(status("reader", "PATCH", "/api/2.0/keel/alerts/" + a, "{\"threshold\": 1}"))
        .isEqualTo(403);
    assertThat(status("reader", "DELETE", "/api/2.0/keel/alerts/" + a, null)).isEqualTo(403);
    assertThat(status("reader", "GET", "/api/2.0/keel/alerts/" + b, null)).isEqualTo(403);
    assertThat(status("stranger", "GET", "/api/2.0/keel/alerts?table_name=main.ml.b", null))
        .isEqualTo(403);
    assertThat(status("owner", "PATCH", "/api/2.0/keel/alerts/" + a, "{\"threshold\": 1}"))
        .isEqualTo(200);

    JsonNode all = JSON.readTree(send("reader", "GET", "/api/2.0/keel/alerts", null).body());
    assertThat(all.path("alerts")).hasSize(1);
    assertThat(all.path("alerts").get(0).path("alert_id").asText()).isEqualTo(a);
    JsonNode admin = JSON.readTree(send(null, "GET", "/api/2.0/keel/alerts", null).body());
    assertThat(admin.path("alerts")).hasSize(2);
    assertThat(status("owner", "DELETE", "/api/2.0/keel/alerts/" + a, null)).isEqualTo(200);
  }

  @Test
  void every_route_is_in_the_openapi_part() {
    ObjectNode doc = OpenApiDocument.build("test", List.of(routes), server.routes());
    for (HttpServer.Route r : server.routes()) {
      if (r.method().equals("HEAD")) {
        continue;
      }
      JsonNode op =
          doc.path("paths")
              .path(OpenApiDocument.openApiPath(r.path()))
              .path(r.method().toLowerCase());
      assertThat(op.path("operationId").isTextual()).as(r.method() + " " + r.path()).isTrue();
    }
  }
}
