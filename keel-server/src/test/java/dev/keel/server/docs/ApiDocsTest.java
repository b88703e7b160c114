package dev.keel.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.http.HttpServer;
import dev.keel.http.OpenApiDocument;
import dev.keel.server.TestServer;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served OpenAPI document is valid OpenAPI 3.1 and matches the route table both ways. */
class ApiDocsTest {
  @TempDir static Path dir;
  private static TestServer server;
  private static JsonNode doc;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir);
    TestServer.Response r = server.send("GET", "/api/openapi.json", null);
    assertThat(r.status()).isEqualTo(200);
    doc = r.json();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Set<String> documented() {
    Set<String> ops = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = doc.path("paths").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> e = p.next();
      for (Iterator<String> m = e.getValue().fieldNames(); m.hasNext(); ) {
        ops.add(m.next().toUpperCase(Locale.ROOT) + " " + e.getKey());
      }
    }
    return ops;
  }

  private static Set<String> registered() {
    Set<String> ops = new TreeSet<>();
    for (HttpServer.Route r : server.server().routes()) {
      ops.add(r.method() + " " + OpenApiDocument.openApiPath(r.path()));
    }
    return ops;
  }

  @Test
  void the_document_is_valid_openapi_3_1() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIParser().readContents(doc.toString(), null, options);
    assertThat(result.getMessages()).as("validator messages").isEmpty();
    assertThat(result.getOpenAPI()).isNotNull();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
  }

  @Test
  void every_registered_route_is_documented() {
    Set<String> missing = new TreeSet<>(registered());
    missing.removeAll(documented());
    assertThat(missing).as("routes missing from /api/openapi.json").isEmpty();
  }

  @Test
  void every_documented_operation_is_registered() {
    Set<String> extra = new TreeSet<>(documented());
    extra.removeAll(registered());
    assertThat(extra).as("documented operations no route serves").isEmpty();
  }

  @Test
  void every_operation_has_a_summary_a_success_response_and_error_responses() {
    Set<String> incomplete = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = doc.path("paths").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> e = p.next();
      for (Iterator<Map.Entry<String, JsonNode>> m = e.getValue().fields(); m.hasNext(); ) {
        Map.Entry<String, JsonNode> op = m.next();
        JsonNode responses = op.getValue().path("responses");
        boolean success = false;
        for (Iterator<String> codes = responses.fieldNames(); codes.hasNext(); ) {
          String c = codes.next();
          success |= c.startsWith("2") && responses.get(c).has("description");
        }
        if (!op.getValue().hasNonNull("summary")
            || !success
            || !responses.has("4XX")
            || !responses.has("5XX")
            || !op.getValue().has("x-keel-access")
            || !op.getValue().has("x-keel-dialect")) {
          incomplete.add(op.getKey().toUpperCase(Locale.ROOT) + " " + e.getKey());
        }
      }
    }
    assertThat(incomplete).isEmpty();
  }

  @Test
  void swagger_ui_is_served_without_a_cdn() {
    TestServer.Response page = server.send("GET", "/api/docs", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("swagger-ui-bundle.js").doesNotContain("https://");
    TestServer.Response js = server.send("GET", "/api/docs/swagger-ui-bundle.js", null);
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.body()).contains("SwaggerUIBundle");
    assertThat(server.send("GET", "/api/docs/..%2Fpom.properties", null).status()).isEqualTo(404);
  }

  @Test
  void an_unknown_path_points_at_the_api_docs() {
    TestServer.Response r = server.send("GET", "/api/2.0/nothing/here", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().path("message").asText()).contains("/api/docs");
  }
}
