package dev.keel.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.server.TestServer;
import dev.keel.server.TestServer.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests Jetty's HTTP parser refuses before any route sees them (a {@code %00} in the path) are
 * answered in Keel's JSON error shape with {@code Connection: close}, so an HTTP client with a
 * connection pool never sends its next request — a PUT it cannot retry — on the closed connection.
 */
class RefusedRequestTest {
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

  @Test
  void refused_request_line_is_json_400_and_closes_the_connection_openly() {
    String path = "/api/2.0/mlflow-artifacts/artifacts/a%00b";
    for (int i = 0; i < 50; i++) {
      Response get = s.getRaw(path);
      assertThat(get.status()).isEqualTo(400);
      assertThat(get.raw().headers().firstValue("Content-Type")).contains("application/json");
      assertThat(get.raw().headers().firstValue("Connection")).contains("close");
      assertThat(get.errorCode()).isEqualTo("MALFORMED_REQUEST");
      assertThat(get.json().get("message").asText()).startsWith("The request could not be parsed");
      // Sent right after on the same client: must get its own answer, not a dead connection.
      Response put = s.put(path, "owned".getBytes(StandardCharsets.UTF_8));
      assertThat(put.status()).as(put.body()).isEqualTo(400);
      Response ok = s.get("/api/2.0/mlflow/experiments/get?experiment_id=0");
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }
  }
}
