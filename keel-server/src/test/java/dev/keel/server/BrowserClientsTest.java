package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.KeelConfig;
import dev.keel.server.RawHttp.Answer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What legitimate clients send keeps working behind the browser guard: JSON with parameters, the
 * server's own pages (Swagger UI), bodiless DELETEs, artifact and file uploads, names that cannot
 * be rebound, and, with an allow-list, the CORS preflight and requests of the allowed origins.
 */
class BrowserClientsTest {
  @TempDir Path dir;

  static Answer send(
      TestServer s, String method, String path, Map<String, String> headers, String body) {
    return RawHttp.send(s.server().port(), method, path, headers, body);
  }

  static String createExperiment(TestServer s, Map<String, String> headers, String name) {
    Answer a =
        send(
            s,
            "POST",
            "/api/2.0/mlflow/experiments/create",
            headers,
            "{\"name\":\"" + name + "\"}");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json().path("experiment_id").asText();
  }

  @Test
  void json_with_parameters_and_json_suffix_types_pass() {
    try (TestServer s = TestServer.start(dir)) {
      createExperiment(s, Map.of("Content-Type", "application/json; charset=utf-8"), "c1");
      createExperiment(s, Map.of("Content-Type", "Application/JSON;charset=UTF-8"), "c2");
      createExperiment(s, Map.of("Content-Type", "application/scim+json"), "c3");
    }
  }

  @Test
  void the_servers_own_pages_may_change_state_swagger_ui_same_origin() {
    try (TestServer s = TestServer.start(dir)) {
      int port = s.server().port();
      for (String[] hostAndOrigin :
          new String[][] {
            {"127.0.0.1:" + port, "http://127.0.0.1:" + port},
            {"localhost:" + port, "http://localhost:" + port},
            {"[::1]:" + port, "http://[::1]:" + port},
          }) {
        String id =
            createExperiment(
                s,
                Map.of(
                    "Host",
                    hostAndOrigin[0],
                    "Origin",
                    hostAndOrigin[1],
                    "Content-Type",
                    "application/json",
                    "Sec-Fetch-Site",
                    "same-origin"),
                "same-origin-" + hostAndOrigin[0].hashCode());
        assertThat(id).isNotBlank();
      }
      // behind a proxy that rewrites Host, the name the browser used is X-Forwarded-Host
      createExperiment(
          s,
          Map.of(
              "Origin",
              "https://keel.example.com",
              "X-Forwarded-Host",
              "keel.example.com",
              "Content-Type",
              "application/json"),
          "behind-a-proxy");
      // a page of another port on the same machine is another origin
      Answer other =
          send(
              s,
              "POST",
              "/api/2.0/mlflow/experiments/create",
              Map.of("Origin", "http://127.0.0.1:3000", "Content-Type", "application/json"),
              "{\"name\":\"other-port\"}");
      assertThat(other.status()).as(other.body()).isEqualTo(403);
      // sandboxed frames and file: pages send "null"
      Answer nul =
          send(
              s,
              "GET",
              "/api/2.0/mlflow/experiments/search?max_results=1",
              Map.of("Origin", "null"),
              null);
      assertThat(nul.status()).isEqualTo(403);
      assertThat(
              s.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=other-port").status())
          .isEqualTo(404);
    }
  }

  @Test
  void a_cross_site_request_without_origin_is_refused_when_it_changes_state() {
    try (TestServer s = TestServer.start(dir)) {
      Answer a =
          send(
              s,
              "POST",
              "/api/2.0/mlflow/experiments/create",
              Map.of("Sec-Fetch-Site", "cross-site", "Content-Type", "application/json"),
              "{\"name\":\"cross\"}");
      assertThat(a.status()).as(a.body()).isEqualTo(403);
      assertThat(a.json().path("message").asText()).contains("Sec-Fetch-Site");
      // a link followed from another site only reads
      assertThat(
              send(
                      s,
                      "GET",
                      "/api/2.0/mlflow/experiments/search?max_results=1",
                      Map.of("Sec-Fetch-Site", "cross-site"),
                      null)
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void bodiless_deletes_uploads_of_any_type_and_csv_files_pass() {
    try (TestServer s = TestServer.start(dir)) {
      TestServer.Response t =
          s.post(
              "/api/2.1/unity-catalog/tables",
              """
              {"name": "up", "catalog_name": "main", "schema_name": "default",
               "table_type": "MANAGED", "data_source_format": "DELTA",
               "columns": [{"name": "id", "type_name": "LONG", "position": 0}]}
              """);
      assertThat(t.status()).as(t.body()).isEqualTo(200);
      Answer csv =
          send(
              s,
              "POST",
              "/api/2.0/keel/tables/main.default.up/files?format=csv",
              Map.of("Content-Type", "text/csv"),
              "id\n1\n2\n");
      assertThat(csv.status()).as(csv.body()).isEqualTo(200);
      // MLflow's clients send the type they guess from the file name
      Answer put =
          send(
              s,
              "PUT",
              "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/notes.txt",
              Map.of("Content-Type", "text/plain"),
              "hello");
      assertThat(put.status()).as(put.body()).isEqualTo(200);
      // a program's PATCH without a type is read as JSON (browsers preflight PATCH); a wrong
      // type is still refused
      Answer patch =
          send(s, "PATCH", "/api/2.1/unity-catalog/catalogs/main", Map.of(), "{\"comment\":\"c\"}");
      assertThat(patch.status()).as(patch.body()).isEqualTo(200);
      Answer form =
          send(
              s,
              "PATCH",
              "/api/2.1/unity-catalog/catalogs/main",
              Map.of("Content-Type", "application/x-www-form-urlencoded"),
              "{\"comment\":\"d\"}");
      assertThat(form.status()).as(form.body()).isEqualTo(415);
      assertThat(s.get("/api/2.1/unity-catalog/catalogs/main").json().path("comment").asText())
          .isEqualTo("c");
      Answer del =
          send(s, "DELETE", "/api/2.1/unity-catalog/tables/main.default.up", Map.of(), null);
      assertThat(del.status()).as(del.body()).isEqualTo(200);
    }
  }

  @Test
  void open_inference_takes_json_without_a_content_type_as_tritons_client_sends_it() {
    try (TestServer s = TestServer.start(dir)) {
      String body = "{\"inputs\": []}";
      Answer untyped = send(s, "POST", "/v2/models/none/infer", Map.of(), body);
      assertThat(untyped.status()).as(untyped.body()).isNotIn(403, 415); // read as JSON
      assertThat(untyped.body()).doesNotContain("Content-Type");
      Answer plain =
          send(s, "POST", "/v2/models/none/infer", Map.of("Content-Type", "text/plain"), body);
      assertThat(plain.status()).as(plain.body()).isEqualTo(415);
      Answer foreign =
          send(s, "POST", "/v2/models/none/infer", Map.of("Origin", "http://evil.example"), body);
      assertThat(foreign.status()).as(foreign.body()).isEqualTo(403);
      // elsewhere a POST body without a type is refused
      Answer other = send(s, "POST", "/serving-endpoints/none/invocations", Map.of(), body);
      assertThat(other.status()).as(other.body()).isEqualTo(415);
    }
  }

  @Test
  void names_that_cannot_be_rebound_are_accepted_as_host_on_any_port() {
    try (TestServer s = TestServer.start(dir)) {
      // an SSH tunnel or a port mapping changes the port the browser sees
      for (String host :
          new String[] {"localhost:9999", "127.0.0.1", "[::1]:1", "LOCALHOST.", "keel.localhost"}) {
        Answer a = send(s, "GET", "/api/2.0/mlflow/experiments/search", Map.of("Host", host), null);
        assertThat(a.status()).as(host + ": " + a.body()).isEqualTo(200);
      }
      assertThat(send(s, "GET", "/health", Map.of("Host", "keel.example.com"), null).status())
          .isEqualTo(403);
    }
  }

  @Test
  void configured_host_names_are_accepted_and_others_refused() {
    KeelConfig config =
        new KeelConfig(
            "127.0.0.1",
            0,
            dir,
            "",
            Map.of("http.allowed-hosts", "keel.example.com, .corp.example"));
    try (TestServer s = TestServer.start(config)) {
      for (String host :
          new String[] {
            "keel.example.com:8080", "corp.example", "ml.corp.example", "10.0.0.5:80"
          }) {
        Answer a = send(s, "GET", "/health", Map.of("Host", host), null);
        assertThat(a.status()).as(host).isEqualTo(200);
      }
      for (String host : new String[] {"evil.example", "keel.example.com.evil", "xcorp.example"}) {
        Answer a = send(s, "GET", "/health", Map.of("Host", host), null);
        assertThat(a.status()).as(host).isEqualTo(403);
      }
    }
  }

  @Test
  void bound_to_all_interfaces_any_name_is_accepted_unless_names_are_configured() {
    try (TestServer s = TestServer.start(new KeelConfig("0.0.0.0", 0, dir, ""))) {
      assertThat(send(s, "GET", "/health", Map.of("Host", "keel.lan:8080"), null).status())
          .isEqualTo(200);
    }
    KeelConfig named =
        new KeelConfig("0.0.0.0", 0, dir, "", Map.of("http.allowed-hosts", "keel.lan"));
    try (TestServer s = TestServer.start(named)) {
      assertThat(send(s, "GET", "/health", Map.of("Host", "keel.lan:8080"), null).status())
          .isEqualTo(200);
      assertThat(send(s, "GET", "/health", Map.of("Host", "evil.example"), null).status())
          .isEqualTo(403);
    }
  }

  @Test
  void with_cors_off_a_preflight_is_refused_and_no_cors_header_is_sent() {
    try (TestServer s = TestServer.start(dir)) {
      Answer pre =
          send(
              s,
              "OPTIONS",
              "/api/2.0/mlflow/experiments/delete",
              Map.of(
                  "Origin",
                  "https://app.example.com",
                  "Access-Control-Request-Method",
                  "POST",
                  "Access-Control-Request-Headers",
                  "content-type"),
              null);
      assertThat(pre.status()).as(pre.body()).isEqualTo(403);
      assertThat(pre.header("Access-Control-Allow-Origin")).isNull();
      assertThat(pre.json().path("message").asText()).contains("http.cors-allowed-origins");
    }
  }

  @Test
  void an_allowed_origin_gets_its_preflight_answered_and_can_call_the_api() {
    String app = "https://app.example.com";
    KeelConfig config =
        new KeelConfig(
            "127.0.0.1",
            0,
            dir,
            "",
            Map.of(
                "http.cors-allowed-origins", "https://APP.example.com:443, http://localhost:3000"));
    try (TestServer s = TestServer.start(config)) {
      Answer pre =
          send(
              s,
              "OPTIONS",
              "/api/2.0/mlflow/experiments/create",
              Map.of(
                  "Origin",
                  app,
                  "Access-Control-Request-Method",
                  "POST",
                  "Access-Control-Request-Headers",
                  "authorization, content-type"),
              null);
      assertThat(pre.status()).as(pre.body()).isEqualTo(204);
      assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo(app);
      assertThat(pre.header("Access-Control-Allow-Methods")).contains("POST").contains("DELETE");
      assertThat(pre.header("Access-Control-Allow-Headers"))
          .isEqualTo("authorization, content-type");
      assertThat(pre.header("Access-Control-Allow-Credentials")).isNull();
      assertThat(pre.header("Vary")).contains("Origin");

      Map<String, String> fromApp = Map.of("Origin", app, "Content-Type", "application/json");
      Answer created =
          send(s, "POST", "/api/2.0/mlflow/experiments/create", fromApp, "{\"name\":\"cors\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      assertThat(created.header("Access-Control-Allow-Origin")).isEqualTo(app);
      assertThat(created.header("Access-Control-Expose-Headers")).contains("X-Request-Id");
      // its errors are readable too, and the content type still applies
      Answer plain =
          send(
              s,
              "POST",
              "/api/2.0/mlflow/experiments/create",
              Map.of("Origin", app, "Content-Type", "text/plain"),
              "{\"name\":\"cors2\"}");
      assertThat(plain.status()).isEqualTo(415);
      assertThat(plain.header("Access-Control-Allow-Origin")).isEqualTo(app);

      Answer evil =
          send(
              s,
              "OPTIONS",
              "/api/2.0/mlflow/experiments/create",
              Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"),
              null);
      assertThat(evil.status()).isEqualTo(403);
      assertThat(evil.header("Access-Control-Allow-Origin")).isNull();
      Answer evilPost =
          send(
              s,
              "POST",
              "/api/2.0/mlflow/experiments/create",
              Map.of("Origin", "https://evil.example", "Content-Type", "application/json"),
              "{\"name\":\"evil\"}");
      assertThat(evilPost.status()).isEqualTo(403);
      assertThat(evilPost.header("Access-Control-Allow-Origin")).isNull();
      assertThat(
              send(
                      s,
                      "GET",
                      "/api/2.0/mlflow/experiments/search",
                      Map.of("Origin", "http://localhost:3000"),
                      null)
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void a_wildcard_or_a_url_with_a_path_is_not_an_allowed_origin() {
    for (String bad : new String[] {"*", "null", "https://app.example.com/ui", "app.example.com"}) {
      KeelConfig config =
          new KeelConfig("127.0.0.1", 0, dir, "", Map.of("http.cors-allowed-origins", bad));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(config))
          .as(bad)
          .hasMessageContaining("http.cors-allowed-origins");
    }
  }
}
