package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.server.RawHttp.Answer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a web page on another site can make a user's browser send to a Keel server on their machine
 * (a "simple" cross-origin request: POST with a text/plain, form or multipart body, no preflight),
 * and what a page whose name was rebound to 127.0.0.1 sends (its own name as {@code Host}): each is
 * refused before it changes anything, with a server without authentication (the default).
 */
class BrowserAttacksTest {
  @TempDir static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static Answer send(String method, String path, Map<String, String> headers, String body) {
    return RawHttp.send(s.server().port(), method, path, headers, body);
  }

  static String experiment(String name) {
    TestServer.Response r =
        s.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().path("experiment_id").asText();
  }

  static String stage(String experimentId) {
    return s.get("/api/2.0/mlflow/experiments/get?experiment_id=" + experimentId)
        .json()
        .path("experiment")
        .path("lifecycle_stage")
        .asText();
  }

  @Test
  void a_foreign_page_cannot_delete_an_experiment_with_a_text_plain_post() {
    String id = experiment("browser-victim-1");
    Answer a =
        send(
            "POST",
            "/api/2.0/mlflow/experiments/delete",
            Map.of("Content-Type", "text/plain;charset=UTF-8", "Origin", "http://evil.example"),
            "{\"experiment_id\": \"" + id + "\"}");
    assertThat(a.status()).as(a.body()).isEqualTo(403);
    assertThat(a.json().path("error_code").asText()).isEqualTo("PERMISSION_DENIED");
    assertThat(a.json().path("message").asText())
        .contains("http://evil.example")
        .contains("http.cors-allowed-origins");
    assertThat(stage(id)).isEqualTo("active");
  }

  @Test
  void a_text_plain_body_is_refused_with_415_even_without_an_origin() {
    String id = experiment("browser-victim-2");
    Answer a =
        send(
            "POST",
            "/api/2.0/mlflow/experiments/delete",
            Map.of("Content-Type", "text/plain"),
            "{\"experiment_id\": \"" + id + "\"}");
    assertThat(a.status()).as(a.body()).isEqualTo(415);
    assertThat(a.json().path("error_code").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    assertThat(a.json().path("message").asText())
        .contains("text/plain")
        .contains("application/json");
    assertThat(stage(id)).isEqualTo("active");
  }

  @Test
  void a_body_without_a_content_type_is_refused_with_415() {
    String id = experiment("browser-victim-3");
    Answer a =
        send(
            "POST",
            "/api/2.0/mlflow/experiments/delete",
            Map.of(),
            "{\"experiment_id\": \"" + id + "\"}");
    assertThat(a.status()).as(a.body()).isEqualTo(415);
    assertThat(a.json().path("message").asText()).contains("no Content-Type");
    assertThat(stage(id)).isEqualTo("active");
  }

  @Test
  void a_foreign_page_cannot_rename_a_model_with_a_form_post() {
    assertThat(
            s.post(
                    "/api/2.0/mlflow/registered-models/create",
                    "{\"name\": \"main.default.browser_model\"}")
                .status())
        .isEqualTo(200);
    Answer a =
        send(
            "POST",
            "/api/2.0/mlflow/registered-models/rename",
            Map.of("Content-Type", "application/x-www-form-urlencoded"),
            "{\"name\": \"main.default.browser_model\", \"new_name\": \"main.default.pwned\"}");
    assertThat(a.status()).as(a.body()).isEqualTo(415);
    assertThat(a.json().path("error_code").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    assertThat(a.json().path("message").asText())
        .contains("application/x-www-form-urlencoded")
        .contains("application/json");
    assertThat(
            s.get("/api/2.0/mlflow/registered-models/get?name=main.default.browser_model").status())
        .isEqualTo(200);
    assertThat(s.get("/api/2.0/mlflow/registered-models/get?name=main.default.pwned").status())
        .isEqualTo(404);
  }

  @Test
  void a_foreign_page_cannot_empty_a_table_with_a_text_plain_post() {
    String table = "main.default.browser_victim";
    TestServer.Response created =
        s.post(
            "/api/2.1/unity-catalog/tables",
            """
            {"name": "browser_victim", "catalog_name": "main", "schema_name": "default",
             "table_type": "MANAGED", "data_source_format": "DELTA",
             "columns": [{"name": "id", "type_name": "LONG", "position": 0}]}
            """);
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String rows = "/api/2.0/keel/tables/" + table + "/rows";
    assertThat(
            s.post(rows, "{\"mode\": \"append\", \"rows\": [{\"id\": 1}, {\"id\": 2}]}").status())
        .isEqualTo(200);
    for (String type : new String[] {"text/plain", "multipart/form-data; boundary=x"}) {
      Answer a =
          send(
              "POST",
              rows,
              Map.of("Content-Type", type),
              "{\"mode\": \"overwrite\", \"rows\": []}");
      assertThat(a.status()).as(a.body()).isEqualTo(415);
    }
    // the file upload takes CSV, Parquet and NDJSON, never a type a page can send without asking
    Answer file =
        send(
            "POST",
            "/api/2.0/keel/tables/" + table + "/files?format=csv&mode=overwrite",
            Map.of("Content-Type", "text/plain"),
            "id\n");
    assertThat(file.status()).as(file.body()).isEqualTo(415);
    assertThat(file.json().path("message").asText()).contains("text/csv");
    assertThat(s.get("/api/2.0/keel/tables/" + table + "/preview").json().path("rows")).hasSize(2);
  }

  @Test
  void a_rebound_name_is_refused_as_host_with_403() {
    String id = experiment("browser-victim-4");
    Answer read =
        send(
            "GET",
            "/api/2.0/mlflow/experiments/get?experiment_id=" + id,
            Map.of("Host", "evil.example:" + s.server().port()),
            null);
    assertThat(read.status()).as(read.body()).isEqualTo(403);
    assertThat(read.json().path("message").asText())
        .contains("evil.example")
        .contains("http.allowed-hosts");
    assertThat(read.body()).doesNotContain("browser-victim-4");
    Answer delete =
        send(
            "POST",
            "/api/2.0/mlflow/experiments/delete",
            Map.of(
                "Host",
                "evil.example:" + s.server().port(),
                "Origin",
                "http://evil.example:" + s.server().port(),
                "Content-Type",
                "application/json"),
            "{\"experiment_id\": \"" + id + "\"}");
    assertThat(delete.status()).as(delete.body()).isEqualTo(403);
    assertThat(stage(id)).isEqualTo("active");
  }
}
