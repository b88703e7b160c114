package dev.keel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import io.javalin.http.HandlerType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Internal details (SQL, server paths, Java class names) never reach a client: they go to the log
 * under the request id, which every answer carries in {@code X-Request-Id} and, where the dialect
 * has room, in its body.
 */
class ErrorTranslatorTest {
  private static final String SECRET_SQL =
      "Binder Error: SELECT * FROM read_parquet('/srv/keel-data/tables/t/x.parquet')";

  static HttpServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    server =
        HttpServer.start(
            new HttpServer.Options("127.0.0.1", 0, 1 << 20, "test-http", 8),
            List.of(
                r -> {
                  r.dialect("/api/2.0/mlflow", Dialect.MLFLOW);
                  r.dialect("/api/2.1/unity-catalog", Dialect.UNITY_CATALOG);
                  r.add(
                      HandlerType.GET,
                      List.of("/api/2.0/mlflow/internal", "/api/2.1/unity-catalog/internal"),
                      Access.open(),
                      ctx -> {
                        throw new KeelException(
                            ErrorCode.INTERNAL_ERROR,
                            "table write failed: " + SECRET_SQL,
                            new SQLException(SECRET_SQL));
                      });
                  r.add(
                      HandlerType.GET,
                      "/api/2.0/mlflow/crash",
                      Access.open(),
                      ctx -> {
                        throw new IllegalStateException(SECRET_SQL);
                      });
                  r.add(
                      HandlerType.POST,
                      "/api/2.0/mlflow/echo",
                      Access.open(),
                      ctx -> Json.write(ctx, Request.of(ctx).json("x").orElse(Json.object())));
                  r.add(
                      HandlerType.POST,
                      "/api/2.0/mlflow/bad-file",
                      Access.open(),
                      ctx -> {
                        throw new KeelException(
                            ErrorCode.INVALID_ARGUMENT,
                            "file: not a valid file.",
                            new SQLException(SECRET_SQL));
                      });
                }),
            new HttpMetrics());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Answer(int status, String body, String requestId, String log) {
    JsonNode json() throws Exception {
      return Json.MAPPER.readTree(body);
    }
  }

  private static synchronized Answer send(HttpRequest.Builder b) throws Exception {
    PrintStream before = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(),
          r.body(),
          r.headers().firstValue(RequestIds.HEADER).orElse(null),
          log.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(before);
    }
  }

  private static HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(server.url() + path)).GET();
  }

  private static HttpRequest.Builder post(String path, String body) {
    return HttpRequest.newBuilder(URI.create(server.url() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private static void assertLeaksNothing(Answer a) {
    assertThat(a.body())
        .doesNotContain("SELECT")
        .doesNotContain("Binder")
        .doesNotContain("/srv/keel-data")
        .doesNotContain("Exception")
        .doesNotContain("com.fasterxml")
        .doesNotContain("StreamReadConstraints")
        .doesNotContain("DeserializationFeature")
        .doesNotContain("Source:");
  }

  @Test
  void internal_errors_answer_a_generic_message_with_the_request_id_and_log_the_details()
      throws Exception {
    for (String path :
        List.of(
            "/api/2.0/mlflow/internal",
            "/api/2.1/unity-catalog/internal",
            "/api/2.0/mlflow/crash")) {
      Answer a = send(get(path));
      assertThat(a.status()).as(path).isEqualTo(500);
      assertLeaksNothing(a);
      assertThat(a.requestId()).isNotBlank();
      assertThat(a.json().at("/details/0/request_id").asText()).isEqualTo(a.requestId());
      assertThat(a.json().path("message").asText()).contains(a.requestId());
      assertThat(a.log()).contains("request " + a.requestId()).contains("Binder Error");
    }
  }

  @Test
  void a_client_error_with_a_library_cause_logs_the_cause_under_the_request_id() throws Exception {
    Answer a = send(post("/api/2.0/mlflow/bad-file", "{}"));
    assertThat(a.status()).isEqualTo(400);
    assertLeaksNothing(a);
    assertThat(a.json().path("message").asText()).isEqualTo("file: not a valid file.");
    assertThat(a.log()).contains("request " + a.requestId()).contains("Binder Error");
  }

  @Test
  void jackson_errors_are_described_without_jackson_internals() throws Exception {
    for (String body :
        List.of(
            "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
            "{\"x\": 1}{",
            "{\"x\": 1} 2",
            "{\"x\": ",
            "{\"x\": nul}",
            "{\"x\":1,\"x\":2}",
            "{\"x\": \"\\uZZZZ\"}")) {
      Answer a = send(post("/api/2.0/mlflow/echo", body));
      assertThat(a.status()).as(body).isEqualTo(400);
      assertLeaksNothing(a);
      assertThat(a.json().path("error_code").asText()).isEqualTo("MALFORMED_REQUEST");
      assertThat(a.json().path("message").asText())
          .startsWith("Malformed JSON in the request body");
      assertThat(a.json().at("/details/0/request_id").asText()).isEqualTo(a.requestId());
    }
    Answer deep =
        send(post("/api/2.0/mlflow/echo", "{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}"));
    assertThat(deep.json().path("message").asText()).contains("64 levels");
  }

  @Test
  void every_answer_carries_a_request_id_and_a_sane_client_id_is_kept() throws Exception {
    Answer ok = send(post("/api/2.0/mlflow/echo", "{\"x\": {}}"));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.requestId()).matches("[0-9a-f-]{36}");
    Answer notFound = send(get("/api/2.0/mlflow/nope"));
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.requestId()).isNotBlank();
    assertThat(notFound.json().at("/details/0/request_id").asText())
        .isEqualTo(notFound.requestId());

    Answer chosen = send(get("/api/2.0/mlflow/crash").header(RequestIds.HEADER, "trace-42.a:b"));
    assertThat(chosen.requestId()).isEqualTo("trace-42.a:b");
    assertThat(chosen.log()).contains("request trace-42.a:b");

    for (String bad : List.of("x".repeat(129), "a b", "a\u00e9", "line\\nbreak")) {
      Answer a = send(get("/api/2.0/mlflow/crash").header(RequestIds.HEADER, bad));
      assertThat(a.requestId()).as(bad).isNotEqualTo(bad).matches("[0-9a-f-]{36}");
    }
  }
}
