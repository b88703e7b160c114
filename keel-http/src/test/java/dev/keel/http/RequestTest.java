package dev.keel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RequestTest {
  private static HttpServer server;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** Echoes what {@link Request#ofQuery} reads: {@code flag}, {@code n}, {@code s}, {@code xs}. */
  @BeforeAll
  static void start() {
    ApiModule echo =
        r -> {
          r.dialect("/q", Dialect.KEEL);
          r.add(
              HandlerType.POST,
              "/q",
              Access.open(),
              ctx -> {
                Request q = Request.ofQuery(ctx);
                ObjectNode n = Json.object();
                n.put("flag", q.flag("flag"));
                q.int64("n").ifPresent(v -> n.put("n", v));
                q.string("s").ifPresent(v -> n.put("s", v));
                q.strings("xs").forEach(n.putArray("xs")::add);
                Json.write(ctx, n);
              });
          r.add(
              HandlerType.GET,
              "/p/{name}",
              Access.open(),
              ctx -> ctx.result(ctx.pathParam("name") + ctx.queryParamMap().keySet()));
          r.dialect("/b", Dialect.KEEL);
          r.add(
              HandlerType.POST,
              "/b",
              Access.open(),
              ctx -> {
                Request b = Request.of(ctx);
                ObjectNode n = Json.object();
                b.string("s").ifPresent(v -> n.put("s", v));
                Json.write(ctx, n);
              });
        };
    server =
        HttpServer.start(
            new HttpServer.Options("127.0.0.1", 0, 1 << 20, "request-test", 16),
            List.of(echo),
            new HttpMetrics());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> post(String query, String body) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(server.url() + "/q" + query))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Request body(String json) throws Exception {
    return Request.ofNode(Json.MAPPER.readTree(json), "body");
  }

  @Test
  void of_query_reads_the_query_string_and_never_the_body() throws Exception {
    HttpResponse<String> r = post("?flag=True&n=42&s=a&xs=1&xs=2", "not json at all");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode n = Json.MAPPER.readTree(r.body());
    assertThat(n.path("flag").asBoolean()).isTrue();
    assertThat(n.path("n").asLong()).isEqualTo(42);
    assertThat(n.path("s").asText()).isEqualTo("a");
    assertThat(n.path("xs").toString()).isEqualTo("[\"1\",\"2\"]");
    JsonNode none = Json.MAPPER.readTree(post("", "{\"flag\": true, \"n\": 1}").body());
    assertThat(none.path("flag").asBoolean()).isFalse();
    assertThat(none.has("n")).isFalse();
  }

  @Test
  void a_bad_query_value_is_a_400_naming_the_parameter() throws Exception {
    HttpResponse<String> r = post("?n=ten", "");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("INVALID_ARGUMENT").contains("'n'");
    HttpResponse<String> f = post("?flag=yes", "");
    assertThat(f.statusCode()).isEqualTo(400);
    assertThat(f.body()).contains("'flag'");
  }

  @Test
  void flag_is_false_when_absent_and_takes_booleans_or_text_in_any_case() throws Exception {
    assertThat(body("{}").flag("f")).isFalse();
    assertThat(body("{\"f\": null}").flag("f")).isFalse();
    assertThat(body("{\"f\": true}").flag("f")).isTrue();
    assertThat(body("{\"f\": \"TRUE\"}").flag("f")).isTrue();
    assertThat(body("{\"f\": \"false\"}").flag("f")).isFalse();
    assertThatThrownBy(() -> body("{\"f\": 1}").flag("f"))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("'f'")
        .hasMessageContaining("expected true or false");
  }

  @Test
  void string_map_keeps_order_and_names_a_bad_entry() throws Exception {
    assertThat(body("{}").stringMap("p")).isEmpty();
    Map<String, String> m = body("{\"p\": {\"b\": \"1\", \"a\": \"2\"}}").stringMap("p");
    assertThat(m).containsExactly(Map.entry("b", "1"), Map.entry("a", "2"));
    assertThatThrownBy(() -> body("{\"p\": {\"a\": 2}}").stringMap("p"))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("'p.a'")
        .hasMessageContaining("expected a string");
    assertThatThrownBy(() -> body("{\"p\": [\"x\"]}").stringMap("p"))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("'p'");
    assertThatThrownBy(() -> body("{\"p\": {\"k\": {\"nested\": 1}}}").stringMap("p"))
        .isInstanceOf(KeelException.class)
        .hasMessageContaining("'p.k'");
  }

  @Test
  void typed_fields_name_the_field_in_every_400() throws Exception {
    Request r = body("{\"n\": \"x\", \"s\": [1], \"xs\": {\"a\": 1}}");
    assertThatThrownBy(() -> r.int64("n")).hasMessageContaining("'n'");
    assertThatThrownBy(() -> r.string("s")).hasMessageContaining("'s'");
    assertThatThrownBy(() -> r.strings("xs")).hasMessageContaining("'xs'");
    assertThatThrownBy(() -> r.required("missing")).hasMessageContaining("'missing'");
    assertThat(body("{\"n\": \"12\"}").int64("n")).hasValue(12);
  }

  @Test
  void a_number_or_boolean_where_a_string_is_expected_is_a_400_naming_the_field() throws Exception {
    for (String v : List.of("123", "1.5", "true")) {
      assertThatThrownBy(() -> body("{\"name\": " + v + "}").string("name"))
          .isInstanceOfSatisfying(
              KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessageContaining("'name'")
          .hasMessageContaining("expected a string");
      assertThatThrownBy(() -> body("{\"name\": " + v + "}").required("name"))
          .hasMessageContaining("'name'");
      assertThatThrownBy(() -> body("{\"xs\": [\"a\", " + v + "]}").strings("xs"))
          .hasMessageContaining("'xs'");
    }
    // MLflow's server turns experiment ids given as numbers into strings; only those.
    assertThat(body("{\"experiment_id\": 7}").string("experiment_id")).hasValue("7");
    assertThat(body("{\"experiment_ids\": [7, \"8\"]}").strings("experiment_ids"))
        .containsExactly("7", "8");
    assertThat(body("{\"name\": \"123\"}").string("name")).hasValue("123");
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/b"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"s\": 123}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("'s'");
  }

  private static HttpResponse<String> postBody(String body) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(server.url() + "/b"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void a_nul_character_anywhere_in_a_body_is_a_400_naming_the_field() throws Exception {
    // \\u0000 in JSON text is the escape; the raw character is refused by the JSON parser already.
    String nul = "\\u0000";
    for (String body :
        List.of(
            "{\"s\": \"a" + nul + "b\"}",
            "{\"unread\": \"" + nul + "\"}",
            "{\"tags\": [{\"key\": \"k\", \"value\": \"v" + nul + "\"}]}",
            "{\"o\": {\"k" + nul + "\": \"v\"}}",
            "\"{\\\"s\\\": \\\"\\\\u0000\\\"}\"")) { // JSON in a JSON string
      HttpResponse<String> r = postBody(body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(r.body()).as(body).contains("INVALID_ARGUMENT").contains("NUL");
    }
    assertThat(postBody("{\"s\": \"a" + nul + "b\"}").body()).contains("'s'");
    assertThat(postBody("{\"tags\": [{\"value\": \"" + nul + "\"}]}").body())
        .contains("'tags[0].value'");
    assertThat(postBody("{\"s\": \"plain\"}").statusCode()).isEqualTo(200);
  }

  @Test
  void a_nul_character_in_a_query_parameter_is_a_400_naming_it() throws Exception {
    HttpResponse<String> r = post("?s=a%00b", "");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("'s'").contains("NUL");
    HttpResponse<String> k = post("?x%00=1", "");
    assertThat(k.statusCode()).isEqualTo(400);
    assertThat(k.body()).contains("NUL");
  }

  @Test
  void a_nul_character_in_a_path_or_query_parameter_of_any_route_is_a_400_naming_it()
      throws Exception {
    HttpResponse<String> ok =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/p/abc?x=1")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("abc[x]");
    HttpResponse<String> path =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/p/a%00b")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    // Jetty refuses a NUL in the path before routing (the request is malformed); the route
    // guard is a second line for a path parameter that decodes to one.
    assertThat(path.statusCode()).isEqualTo(400);
    assertThat(path.body()).containsAnyOf("'name'", "MALFORMED_REQUEST");
    HttpResponse<String> query =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/p/abc?page_token=%00"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(query.statusCode()).isEqualTo(400);
    assertThat(query.body()).contains("'page_token'").contains("NUL");
  }
}
