package dev.keel.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.server.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shutdown drains: a request that is in flight when the server starts closing (its body only half
 * sent) still completes with its answer, the write it acknowledged is there after a restart, and
 * the closing server takes no new connection.
 */
class GracefulShutdownTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void a_request_in_flight_at_shutdown_completes_and_its_write_is_kept() throws Exception {
    TestServer server = TestServer.start(dir);
    int port = server.server().port();
    byte[] body =
        "{\"name\": \"drained-experiment\", \"tags\": [{\"key\": \"k\", \"value\": \"v\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    CompletableFuture<Void> closed;
    String answer;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Content-Type: application/json\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      int half = body.length / 2;
      out.write(body, 0, half);
      out.flush();
      Thread.sleep(300); // the request is now in the server, waiting for the rest of its body

      closed = CompletableFuture.runAsync(server::close);
      Thread.sleep(500); // shutdown has begun: the connector no longer accepts
      assertThat(closed).isNotDone();
      assertThatThrownBy(
              () -> {
                try (Socket late = new Socket()) {
                  late.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                  late.setSoTimeout(2_000);
                  late.getOutputStream()
                      .write(
                          "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                              .getBytes(StandardCharsets.US_ASCII));
                  if (late.getInputStream().read() < 0) {
                    throw new IOException("closed without an answer");
                  }
                }
              })
          .as("a new connection during shutdown")
          .isInstanceOf(IOException.class);

      out.write(body, half, body.length - half);
      out.flush();
      answer = readResponse(s.getInputStream());
    }
    closed.get(30, TimeUnit.SECONDS);

    assertThat(answer).startsWith("HTTP/1.1 200");
    JsonNode created = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    String id = created.path("experiment_id").asText();
    assertThat(id).isNotEmpty();

    try (TestServer again = TestServer.start(dir)) {
      TestServer.Response r =
          again.send("GET", "/api/2.0/mlflow/experiments/get?experiment_id=" + id, null);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().at("/experiment/name").asText()).isEqualTo("drained-experiment");
    }
  }

  /** Reads one HTTP/1.1 response with a Content-Length body. */
  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after: " + head);
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
