package dev.keel.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.http.Accepts;
import dev.keel.http.HttpServer;
import dev.keel.http.OpenApiDocument;
import dev.keel.server.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request body types each route takes ({@link Accepts}, enforced by the browser guard) are the
 * ones the OpenAPI document gives, both ways: a client following the document is never refused with
 * 415, and every type a route takes is documented.
 */
class RequestBodyTypesTest {
  @TempDir Path dir;

  @Test
  void every_routes_body_types_are_the_documented_ones() {
    try (TestServer s = TestServer.start(dir)) {
      JsonNode doc = s.get("/api/openapi.json").json();
      List<String> mismatches = new ArrayList<>();
      int checked = 0;
      for (HttpServer.Route r : s.server().routes()) {
        if (r.method().equals("GET") || r.method().equals("HEAD")) {
          continue;
        }
        JsonNode content =
            doc.path("paths")
                .path(OpenApiDocument.openApiPath(r.path()))
                .path(r.method().toLowerCase(Locale.ROOT))
                .path("requestBody")
                .path("content");
        List<String> documented = new ArrayList<>();
        for (Iterator<String> t = content.fieldNames(); t.hasNext(); ) {
          documented.add(t.next());
        }
        Accepts a = r.accepts();
        String route = r.method() + " " + r.path();
        for (String t : documented) {
          if (!a.takes(t)) {
            mismatches.add(route + " documents " + t + " but takes " + a.types());
          }
        }
        if (!a.any()) {
          for (String t : a.types()) {
            if (!documented.isEmpty() && !documented.contains(t)) {
              mismatches.add(route + " takes " + t + " but documents " + documented);
            }
          }
        } else if (!documented.isEmpty() && !documented.contains("*/*")) {
          mismatches.add(route + " takes any type but documents " + documented);
        }
        checked++;
      }
      assertThat(checked).isGreaterThan(40);
      assertThat(mismatches).isEmpty();
    }
  }
}
